"""numerical_gradient(X, t, wx, wRec, eps=1e-7) -> (grad_wx, grad_wRec) by central finite differences.

The reference forward_states and cost stand in for the student's while this exercise is graded.
"""

import pytest

from exercises.linear_rnn._inputs import CASES, HIDDEN_CASE, data, pair
from grader import assert_close, assert_gradient, exercise, hidden, points

pytestmark = exercise("numerical_gradient", uses=("forward_states", "cost"))
NAMES = "grad_wx, grad_wRec"


def run(student, case, *eps):
    X, t = data(case)
    return pair(student.numerical_gradient(X, t, case.wx, case.wRec, *eps), "numerical_gradient", NAMES)


def true_gradient(reference, case):
    """The gradient of the cost with respect to (wx, wRec), by backpropagation."""
    X, t = data(case)
    S = reference.forward_states(X, case.wx, case.wRec)
    grads, _ = reference.backward_gradient(X, S, reference.output_gradient(S[:, -1], t), case.wRec)
    return pair(grads, "backward_gradient", NAMES)


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_default_step(student, reference, case):
    """with the default eps, close to the true gradient"""
    assert_gradient(run(student, case), true_gradient(reference, case), "(grad_wx, grad_wRec)", tol=1e-5)


@points(1)
@pytest.mark.parametrize("eps", [0.05, 0.2])
def test_large_step(student, reference, eps):
    """central differences with the given eps={eps}"""
    case = CASES[0]
    X, t = data(case)
    assert_close(run(student, case, eps), reference.numerical_gradient(X, t, case.wx, case.wRec, eps), NAMES)


@hidden
@points(1)
def test_hidden_case(student, reference):
    """central differences on a longer sequence"""
    X, t = data(HIDDEN_CASE)
    want = reference.numerical_gradient(X, t, HIDDEN_CASE.wx, HIDDEN_CASE.wRec, 0.1)
    assert_close(run(student, HIDDEN_CASE, 0.1), want, NAMES)
