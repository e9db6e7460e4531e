"""forward_states(X, wx, wRec) -> S (m, T + 1): every state of the linear recurrent network."""

import numpy as np
import pytest

from exercises.linear_rnn._inputs import CASES, HIDDEN_CASE, data
from grader import assert_close, assert_shape, exercise, hidden, points

pytestmark = exercise("forward_states")


def run(student, case):
    X, _ = data(case)
    return student.forward_states(X, case.wx, case.wRec)


@points(1)
def test_shape(student):
    """S has shape (m, T + 1)"""
    case = CASES[0]
    assert_shape(run(student, case), (case.m, case.T + 1), "S")


@points(1)
def test_first_state(student):
    """the first column S[:, 0] is the initial state 0"""
    S = assert_shape(run(student, CASES[0]), (CASES[0].m, CASES[0].T + 1), "S")
    assert_close(S[:, 0], np.zeros(CASES[0].m), "S[:, 0]")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_states(student, reference, case):
    """states S"""
    X, _ = data(case)
    assert_close(run(student, case), reference.forward_states(X, case.wx, case.wRec), "S")


@points(1)
def test_counts(student):
    """with wx = wRec = 1 the last state is the number of ones"""
    X, t = data(CASES[0])
    S = student.forward_states(X, 1.0, 1.0)
    assert_shape(S, (CASES[0].m, CASES[0].T + 1), "S")
    assert_close(S[:, -1], t, "S[:, -1]")


@hidden
@points(1)
def test_hidden_case(student, reference):
    """states on a longer sequence"""
    X, _ = data(HIDDEN_CASE)
    assert_close(
        run(student, HIDDEN_CASE), reference.forward_states(X, HIDDEN_CASE.wx, HIDDEN_CASE.wRec), "S"
    )
