"""backward_gradient(X, S, grad_out, wRec) -> ((wx_grad, wRec_grad), grad_over_time).

The weight gradients are checked against central finite differences through the reference forward.
"""

import pytest

from exercises.linear_rnn._inputs import CASES, HIDDEN_CASE, data, grad_out, pair, weight_gradients
from grader import assert_close, assert_gradient, assert_shape, exercise, expect_values, hidden, points

pytestmark = exercise("backward_gradient")


def run(student, reference, case):
    X, _ = data(case)
    S = reference.forward_states(X, case.wx, case.wRec)
    value = student.backward_gradient(X, S, grad_out(case), case.wRec)
    grads, grad_over_time = expect_values(
        value, 2, "backward_gradient", "(wx_grad, wRec_grad), grad_over_time"
    )
    return pair(grads, "its first value", "wx_grad, wRec_grad"), grad_over_time


def expected_over_time(reference, case):
    X, _ = data(case)
    S = reference.forward_states(X, case.wx, case.wRec)
    return reference.backward_gradient(X, S, grad_out(case), case.wRec)[1]


@points(1)
def test_returns(student, reference):
    """returns ((wx_grad, wRec_grad), grad_over_time) with grad_over_time of shape (m, T + 1)"""
    case = CASES[0]
    _, grad_over_time = run(student, reference, case)
    assert_shape(grad_over_time, (case.m, case.T + 1), "grad_over_time")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_weight_gradients(student, reference, case):
    """wx_grad and wRec_grad match the numerical gradient"""
    grads, _ = run(student, reference, case)
    assert_gradient(grads, weight_gradients(case), "(wx_grad, wRec_grad)")


@points(1)
@pytest.mark.parametrize("case", CASES[:2], ids=lambda c: c.id)
def test_grad_over_time(student, reference, case):
    """grad_over_time, the gradient at every state"""
    assert_close(run(student, reference, case)[1], expected_over_time(reference, case), "grad_over_time")


@hidden
@points(1)
def test_hidden_case(student, reference):
    """gradients on a longer sequence"""
    grads, grad_over_time = run(student, reference, HIDDEN_CASE)
    assert_gradient(grads, weight_gradients(HIDDEN_CASE), "(wx_grad, wRec_grad)")
    assert_close(grad_over_time, expected_over_time(reference, HIDDEN_CASE), "grad_over_time")
