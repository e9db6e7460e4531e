"""update_rprop(X, t, W, W_prev_sign, W_delta, eta_p, eta_n) -> (W_delta, W_sign).

The reference forward_states, output_gradient and backward_gradient stand in for the student's while
this exercise is graded.
"""

import numpy as np
import pytest

from exercises.linear_rnn._inputs import CASES, data, pair
from grader import assert_close, exercise, expect_values, hidden, points

pytestmark = exercise("update_rprop", uses=("forward_states", "output_gradient", "backward_gradient"))
NAMES = "W_delta, W_sign"

# (weights, previous signs, step sizes): the first step, signs kept, signs changed, one of each
STATES = {
    "first step": ([-1.5, 2.0], [0.0, 0.0], [0.001, 0.001]),
    "same signs": ([1.2, 0.9], [1.0, 1.0], [0.01, 0.02]),
    "signs changed": ([1.2, 0.9], [-1.0, -1.0], [0.01, 0.02]),
    "one of each": ([0.5, 1.4], [1.0, -1.0], [0.3, 0.05]),
}


def run(student, name, case=CASES[0], eta=(1.2, 0.5)):
    X, t = data(case)
    W, prev, delta = (np.array(v) for v in STATES[name])
    return call(student, X, t, W, prev, delta, eta)


def call(student, X, t, W, prev, delta, eta=(1.2, 0.5)):
    value = expect_values(student.update_rprop(X, t, W, prev, delta, *eta), 2, "update_rprop", NAMES)
    return pair(value[0], "W_delta", "delta_wx, delta_wRec"), pair(value[1], "W_sign", "sign_wx, sign_wRec")


def expected(reference, name, case=CASES[0], eta=(1.2, 0.5)):
    X, t = data(case)
    W, prev, delta = (np.array(v) for v in STATES[name])
    return reference.update_rprop(X, t, W, prev, delta, *eta)


@points(1)
@pytest.mark.parametrize("name", list(STATES))
def test_signs(student, reference, name):
    """W_sign, the signs of the gradients [{name}]"""
    assert_close(run(student, name)[1], expected(reference, name)[1], "W_sign")


@points(1)
@pytest.mark.parametrize("name", list(STATES))
def test_deltas(student, reference, name):
    """W_delta, the new step sizes [{name}]"""
    assert_close(run(student, name)[0], expected(reference, name)[0], "W_delta")


@points(1)
def test_other_factors(student, reference):
    """the factors eta_p and eta_n given as arguments are used"""
    got = run(student, "one of each", CASES[1], (1.5, 0.25))[0]
    assert_close(got, expected(reference, "one of each", CASES[1], (1.5, 0.25))[0], "W_delta")


@hidden
@points(2)
def test_training(student):
    """training with it for 300 iterations reaches wx = wRec = 1"""
    X, t = data(CASES[0])
    W, sign, delta = np.array([-1.5, 2.0]), np.zeros(2), np.array([0.001, 0.001])
    for _ in range(300):
        delta, sign = call(student, X, t, W, sign, delta)
        W = W - sign * delta
    assert_close(W, [1.0, 1.0], "the trained weights [wx, wRec]", atol=0.01)
