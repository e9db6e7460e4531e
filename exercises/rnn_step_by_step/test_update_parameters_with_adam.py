"""update_parameters_with_adam(parameters, grads, v, s, t, ...): one Adam step.

Returns (parameters, v, s) or (parameters, v, s, v_corrected, s_corrected).

Both the three-value and five-value versions of the exercise are accepted, and so is epsilon inside
or outside the square root: the gradients used here keep the two within the tolerance.
"""

import numpy as np
import pytest

from exercises.rnn_step_by_step._inputs import adam_problem
from grader import assert_close, assert_keys, exercise, expect_values, points

pytestmark = exercise("update_parameters_with_adam")
NAMES = "parameters, v, s (and optionally v_corrected, s_corrected)"


def run(function, problem, t, **kwargs):
    out = function(problem["parameters"], problem["grads"], problem["v"], problem["s"], t, **kwargs)
    return expect_values(out, (3, 5), "update_parameters_with_adam", NAMES)[:3]


def compare(got, want):
    for name, g, w in zip(("parameters", "v", "s"), got, want, strict=True):
        assert_keys(g, list(w), name)
        for key in w:
            assert_close(g[key], w[key], f"{name}['{key}']", rtol=1e-5, atol=1e-9)


@points(1)
def test_returns(student):
    """Returns (parameters, v, s) with the same keys"""
    problem = adam_problem(11)
    got = run(student.update_parameters_with_adam, problem, 1)
    for name, value in zip(("parameters", "v", "s"), got, strict=True):
        assert_keys(value, list(problem[name]), name)


@pytest.mark.parametrize(
    "t",
    [pytest.param(1, marks=points(2)), pytest.param(2, marks=points(2)), pytest.param(10, marks=points(1))],
)
def test_one_step(student, reference, t):
    """one update from nonzero moments at step t={t}"""
    problem = adam_problem(20 + t)
    compare(
        run(student.update_parameters_with_adam, problem, t),
        run(reference.update_parameters_with_adam, problem, t),
    )


@points(2)
def test_three_steps(student, reference):
    """three successive updates starting from zero moments"""
    problem = adam_problem(31)
    problem["v"] = {k: np.zeros_like(g) for k, g in problem["grads"].items()}
    problem["s"] = {k: np.zeros_like(g) for k, g in problem["grads"].items()}
    for t in (1, 2, 3):
        want = run(reference.update_parameters_with_adam, problem, t)
        compare(run(student.update_parameters_with_adam, problem, t), want)
        problem = {**problem, "parameters": want[0], "v": want[1], "s": want[2]}


@points(2)
def test_hyperparameters(student, reference):
    """uses the learning_rate, beta1 and beta2 it is given"""
    problem = adam_problem(41)
    options = {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99}
    compare(
        run(student.update_parameters_with_adam, problem, 3, **options),
        run(reference.update_parameters_with_adam, problem, 3, **options),
    )


@points(2)
def test_zero_gradients(student, reference):
    """entries whose gradient and moments are exactly zero do not move"""
    problem = adam_problem(51)
    for group in ("grads", "v", "s"):
        problem[group] = {
            k: np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, 0.0, a)
            for k, a in problem[group].items()
        }
    compare(
        run(student.update_parameters_with_adam, problem, 2),
        run(reference.update_parameters_with_adam, problem, 2),
    )
