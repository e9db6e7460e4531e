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

import typing

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
    pick,
    relative_error,
)
from .diagnosis import Mistake, mistake
from .feedback import check

_T = typing.TypeVar("_T")


# Markers are made when used, not at import, so that importing grader under --strict-markers is safe.
def exercise(name: str, *, uses: tuple[str, ...] = ()) -> pytest.MarkDecorator:
    """Mark a suite module: ``pytestmark = exercise("rnn_forward", uses=("rnn_cell_forward",))``."""
    return pytest.mark.exercise(name, uses=tuple(uses))


def points(value: float) -> pytest.MarkDecorator:
    """The points a check is worth: ``@points(2)``."""
    return pytest.mark.points(value)


def hidden(test: _T) -> _T:
    """A check whose message is not shown to students (``@hidden``)."""
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
    "pick",
    "points",
    "relative_error",
]
