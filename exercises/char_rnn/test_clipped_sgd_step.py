"""clipped_sgd_step(params, grads, learning_rate=0.1, clip=5.0) -> new params.

Every gradient is clipped elementwise to [-clip, clip], then params - learning_rate * clipped.
The arguments reach the student's function as copies, so only what it returns is graded.
"""

import numpy as np
import pytest

from exercises.char_rnn._inputs import (
    CASES,
    PARAMETERS,
    step_problem,
)
from grader import CheckFailed, assert_array_dict, assert_close, exercise, hidden, points

pytestmark = exercise("clipped_sgd_step")


def compare(got, want):
    assert_array_dict(got, PARAMETERS, "clipped_sgd_step")
    for key in PARAMETERS:
        assert_close(got[key], want[key], f"the new {key}")


def both(student, reference, problem, *args):
    got = student.clipped_sgd_step(problem["params"], problem["grads"], *args)
    if got is None:
        raise CheckFailed(
            "clipped_sgd_step returned None; it should return the new parameters in a new dict",
            hint="build and return a new dict of updated arrays",
        )
    return got, reference.clipped_sgd_step(problem["params"], problem["grads"], *args)


@points(1)
def test_returns(student, reference):
    """Returns a dict with the five parameters"""
    got, _ = both(student, reference, step_problem(CASES[0]), 0.05, 1.0)
    assert_array_dict(got, PARAMETERS, "clipped_sgd_step")
    for key, value in step_problem(CASES[0])["params"].items():
        if np.shape(got[key]) != value.shape:
            raise CheckFailed(f"the new {key} has shape {np.shape(got[key])}; expected {value.shape}")


@points(2)
@pytest.mark.parametrize("case", CASES[:3], ids=lambda c: c.id)
def test_step(student, reference, case):
    """one step with learning_rate=0.05, clip=1 (some entries clipped at each end)"""
    compare(*both(student, reference, step_problem(case), 0.05, 1.0))


@points(1)
def test_small_gradients(student, reference):
    """gradients inside [-clip, clip] are used as they are"""
    compare(*both(student, reference, step_problem(CASES[0]), 0.3, 10.0))


@points(1)
def test_defaults(student, reference):
    """the defaults learning_rate=0.1, clip=5 (gradients scaled to reach past 5)"""
    problem = step_problem(CASES[1])
    problem["grads"] = {k: g * 3 for k, g in problem["grads"].items()}
    compare(*both(student, reference, problem))


@hidden
@points(1)
def test_keys_in_another_order(student, reference):
    """gradients given in another key order"""
    problem = step_problem(CASES[3])
    order = ("dh0", "dby", "dW", "dbh", "dU", "dV")
    problem["grads"] = {k: problem["grads"][k] for k in order}
    compare(*both(student, reference, problem, 0.05, 1.0))
