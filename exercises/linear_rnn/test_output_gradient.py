"""output_gradient(y, t) -> the gradient of the mean squared error with respect to y (m,).

Checked against central finite differences of the reference cost.
"""

import pytest

from exercises.linear_rnn._inputs import CASES, HIDDEN_CASE, data, outputs
from grader import assert_gradient, assert_shape, exercise, hidden, numerical_gradient, points

pytestmark = exercise("output_gradient")


def expected(reference, case):
    y, (_, t) = outputs(case).copy(), data(case)
    return numerical_gradient(lambda: reference.cost(y, t), y)


@points(1)
def test_shape(student):
    """the gradient has the shape of y, (m,)"""
    case = CASES[0]
    y, (_, t) = outputs(case), data(case)
    assert_shape(student.output_gradient(y, t), (case.m,), "the gradient")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradient(student, reference, case):
    """matches the numerical gradient of the cost"""
    y, (_, t) = outputs(case), data(case)
    assert_gradient(student.output_gradient(y, t), expected(reference, case), "dcost/dy")


@hidden
@points(1)
def test_hidden_case(student, reference):
    """matches the numerical gradient on a longer batch"""
    y, (_, t) = outputs(HIDDEN_CASE), data(HIDDEN_CASE)
    assert_gradient(student.output_gradient(y, t), expected(reference, HIDDEN_CASE), "dcost/dy")
