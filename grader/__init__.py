"""Autograder for numpy recurrent-network exercises handed in as Jupyter notebooks.

What an instructor imports to write a graded suite::

    from grader import exercise, points, hidden, assert_close, assert_gradient, mistake

``exercise(name, uses=(...))`` marks a suite module (``pytestmark = exercise("rnn_forward",
uses=("rnn_cell_forward",))``); ``points(n)`` and ``hidden`` mark its tests; ``@mistake(name,
description)`` marks a known mistake (a mutant of the reference) in the assignment's catalog. Every
name of ``__all__`` below is part of this API; ``docs/authoring.md`` walks through writing an exercise
(``grader new`` scaffolds one, ``grader validate`` checks it, ``grader release`` writes the student notebook).

What a student imports in a notebook::

    from grader import check
    check(rnn_cell_forward)    # the visible checks of that one function, with hints
"""

from __future__ import annotations

import importlib
import typing

if typing.TYPE_CHECKING:
    import pytest

    from .checks import (
        CheckFailed,
        as_array,
        assert_array_dict,
        assert_close,
        assert_gradient,
        assert_keys,
        assert_shape,
        describe,
        expect_values,
        numerical_gradient,
        numerical_gradients,
        pick,
        relative_error,
    )
    from .diagnosis import Mistake, mistake
    from .feedback import check
    from .memo import remember

_T = typing.TypeVar("_T")
# Names of the API imported from their module on first use (PEP 562): ``import grader`` stays cheap, and a
# command such as ``grader run`` loads only what it runs (the student's ``check`` is never loaded there).
_LAZY = {
    "CheckFailed": "checks",
    "as_array": "checks",
    "assert_array_dict": "checks",
    "assert_close": "checks",
    "assert_gradient": "checks",
    "assert_keys": "checks",
    "assert_shape": "checks",
    "describe": "checks",
    "expect_values": "checks",
    "numerical_gradient": "checks",
    "numerical_gradients": "checks",
    "pick": "checks",
    "relative_error": "checks",
    "Mistake": "diagnosis",
    "mistake": "diagnosis",
    "check": "feedback",
    "remember": "memo",
}


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'grader' has no attribute '{name}'")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


# Markers are made when used, not at import, so that importing grader under --strict-markers is safe.
def exercise(name: str, *, uses: tuple[str, ...] = ()) -> pytest.MarkDecorator:
    """Mark a suite module: ``pytestmark = exercise("rnn_forward", uses=("rnn_cell_forward",))``."""
    import pytest

    return pytest.mark.exercise(name, uses=tuple(uses))


def points(value: float) -> pytest.MarkDecorator:
    """The points a check is worth: ``@points(2)``."""
    import pytest

    return pytest.mark.points(value)


def hidden(test: _T) -> _T:
    """A check whose message is not shown to students (``@hidden``)."""
    import pytest

    marked: typing.Any = pytest.mark.hidden(test)
    return marked  # type: ignore[no-any-return]


__all__ = [
    "CheckFailed",
    "Mistake",
    "as_array",
    "assert_array_dict",
    "assert_close",
    "assert_gradient",
    "assert_keys",
    "assert_shape",
    "check",
    "describe",
    "exercise",
    "expect_values",
    "hidden",
    "mistake",
    "numerical_gradient",
    "numerical_gradients",
    "pick",
    "points",
    "relative_error",
    "remember",
]
