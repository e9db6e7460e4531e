"""char_rnn_loss(p, targets) -> float: the summed cross-entropy of a sequence."""

import numpy as np
import pytest

from exercises.char_rnn._inputs import CASES, forward_inputs, sequence
from grader import CheckFailed, assert_close, exercise, hidden, points

pytestmark = exercise("char_rnn_loss")


def probabilities(reference, case):
    return reference.char_rnn_forward(*forward_inputs(case))[1]


def loss(function, reference, case):
    return function(probabilities(reference, case), sequence(case)["targets"])


def scalar(value):
    if not isinstance(value, (int, float, np.number, np.ndarray)) or isinstance(value, bool):
        raise CheckFailed(f"the loss should be a single number; got {type(value).__name__}")
    if np.ndim(value) != 0:
        raise CheckFailed(
            f"the loss should be a single number; got an array of shape {np.shape(value)}",
            hint="add up the losses of all the time steps",
        )
    return value


@points(1)
def test_returns_number(student, reference):
    """Returns a single number"""
    scalar(loss(student.char_rnn_loss, reference, CASES[0]))


@points(2)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_value(student, reference, case):
    """loss value"""
    got = scalar(loss(student.char_rnn_loss, reference, case))
    assert_close(got, loss(reference.char_rnn_loss, reference, case), "the loss")


@hidden
@points(1.5)
def test_uniform(student):
    """uniform probabilities give T log(n_v)"""
    n_v, t = 5, 7
    got = scalar(student.char_rnn_loss(np.full((n_v, t), 1 / n_v), [0, 4, 2, 2, 1, 3, 0]))
    assert_close(got, t * np.log(n_v), "the loss")


@hidden
@points(1.5)
def test_one_sure_step(student):
    """a step with probability one on its target adds nothing"""
    p = np.array([[1.0, 0.2], [0.0, 0.5], [0.0, 0.3]])
    assert_close(scalar(student.char_rnn_loss(p, [0, 2])), -np.log(0.3), "the loss")
