"""cost(y, t) -> the mean squared error (a number)."""

import numpy as np
import pytest

from exercises.linear_rnn._inputs import CASES, HIDDEN_CASE, data, outputs
from grader import CheckFailed, as_array, assert_close, describe, exercise, hidden, points

pytestmark = exercise("cost")


def number(value, name="cost"):
    arr = as_array(value, name)
    if arr.size != 1:
        raise CheckFailed(f"{name} should be a single number; got {describe(value)}")
    return arr.reshape(())


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_value(student, reference, case):
    """the mean squared error"""
    y, (_, t) = outputs(case), data(case)
    assert_close(number(student.cost(y, t)), reference.cost(y, t), "cost")


@points(1)
def test_zero(student):
    """the cost is 0 when the outputs are the targets"""
    _, t = data(CASES[0])
    assert_close(number(student.cost(t.copy(), t)), 0.0, "cost")


@hidden
@points(1)
def test_hidden_case(student, reference):
    """the mean squared error on other outputs"""
    _, t = data(HIDDEN_CASE)
    y = t + np.linspace(-2, 3, t.size)
    assert_close(number(student.cost(y, t)), reference.cost(y, t), "cost")
