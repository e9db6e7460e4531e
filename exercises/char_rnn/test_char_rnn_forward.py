"""char_rnn_forward(inputs, h0, params) -> (h, p): the RNN over a sequence of one-hot characters."""

import numpy as np
import pytest

from exercises.char_rnn._inputs import CASES, LARGE, forward_inputs
from grader import assert_close, assert_shape, exercise, expect_values, hidden, points

pytestmark = exercise("char_rnn_forward")


def run(student, case):
    return expect_values(student.char_rnn_forward(*forward_inputs(case)), 2, "char_rnn_forward", "h, p")


@points(1)
def test_returns(student):
    """Returns (h, p) with shapes (n_h, T) and (n_v, T)"""
    case = CASES[0]
    h, p = run(student, case)
    assert_shape(h, (case.n_h, case.t), "h")
    assert_shape(p, (case.n_v, case.t), "p")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_h(student, reference, case):
    """hidden states h"""
    assert_close(run(student, case)[0], reference.char_rnn_forward(*forward_inputs(case))[0], "h")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_p(student, reference, case):
    """probabilities p"""
    assert_close(run(student, case)[1], reference.char_rnn_forward(*forward_inputs(case))[1], "p")


@points(1)
def test_columns_sum_to_one(student):
    """every column of p sums to one"""
    case = CASES[2]
    p = assert_shape(run(student, case)[1], (case.n_v, case.t), "p")
    assert_close(np.sum(p, axis=0), np.ones(case.t), "the column sums of p")


@hidden
@points(2)
def test_large_scores(student, reference):
    """large scores do not overflow the softmax"""
    want = reference.char_rnn_forward(*forward_inputs(LARGE))[1]
    assert_close(run(student, LARGE)[1], want, "p")
