"""char_rnn_backward(inputs, targets, h0, h, p, params) -> gradients of the loss, through time.

h and p come from the reference forward pass; every gradient is checked against central finite
differences of the reference loss.
"""

import pytest

from exercises.char_rnn._inputs import (
    GRAD_CASES,
    GRADIENTS,
    backward_inputs,
    gradients,
)
from grader import assert_array_dict, assert_gradient, exercise, hidden, pick, points

pytestmark = exercise("char_rnn_backward")
WEIGHTS = {"dU": 1, "dW": 1, "dV": 1, "dbh": 0.5, "dby": 0.5, "dh0": 0.5}


def run(student, case):
    return student.char_rnn_backward(*backward_inputs(case))


@points(1)
def test_keys(student):
    """Returns a dict of arrays with keys dU, dW, dV, dbh, dby, dh0"""
    assert_array_dict(run(student, GRAD_CASES[0]), GRADIENTS, "char_rnn_backward")


@pytest.mark.parametrize("case", GRAD_CASES[:2], ids=lambda c: c.id)
@pytest.mark.parametrize("key", [pytest.param(k, marks=points(w)) for k, w in WEIGHTS.items()])
def test_gradient(student, key, case):
    """{key} matches the numerical gradient"""
    assert_gradient(pick(run(student, case), key, "char_rnn_backward"), gradients(case)[key], key)


@hidden
@points(1)
@pytest.mark.parametrize("key", GRADIENTS)
def test_square(student, key):
    """{key} when n_v = n_h"""
    case = GRAD_CASES[2]
    assert_gradient(pick(run(student, case), key, "char_rnn_backward"), gradients(case)[key], key)
