"""Autograder for numpy recurrent-network exercises handed in as Jupyter notebooks.

What an instructor imports to write a graded suite::

    from grader import exercise, points, hidden, assert_close, assert_gradient

``exercise(name, uses=(...))`` marks a suite module (``pytestmark = exercise("rnn_forward",
uses=("rnn_cell_forward",))``); ``points(n)`` and ``hidden`` mark its tests.
"""

from __future__ import annotations

import pytest

from .checks import (
    CheckFailed,
    as_array,
    assert_close,
    assert_gradient,
    assert_keys,
    assert_shape,
    describe,
    expect_values,
    numerical_gradient,
    relative_error,
)

exercise = pytest.mark.exercise
points = pytest.mark.points
hidden = pytest.mark.hidden

__all__ = [
    "CheckFailed",
    "as_array",
    "assert_close",
    "assert_gradient",
    "assert_keys",
    "assert_shape",
    "describe",
    "exercise",
    "expect_values",
    "hidden",
    "numerical_gradient",
    "points",
    "relative_error",
]
