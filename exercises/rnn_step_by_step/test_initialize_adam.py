"""initialize_adam(parameters) -> (v, s): zero moments, one independent array per parameter."""

import numpy as np

from exercises.rnn_step_by_step._inputs import adam_problem
from grader import CheckFailed, assert_close, assert_keys, exercise, expect_values, points

pytestmark = exercise("initialize_adam")


def run(student, sizes=(3, 4, 2)):
    params = adam_problem(7, sizes)["parameters"]
    v, s = expect_values(student.initialize_adam(params), 2, "initialize_adam", "v, s")
    keys = [f"d{k}" for k in params]
    return params, assert_keys(v, keys, "v"), assert_keys(s, keys, "s")


@points(1)
def test_keys(student):
    """Returns (v, s) with keys dW1, db1, dW2, db2"""
    run(student)


@points(1)
def test_zeros(student):
    """v and s hold zeros of the parameters' shapes"""
    params, v, s = run(student)
    for name, moments in (("v", v), ("s", s)):
        for key, value in params.items():
            assert_close(moments[f"d{key}"], np.zeros_like(value), f"{name}['d{key}']")


@points(1)
def test_independent(student):
    """v and s are separate dicts of separate arrays"""
    _, v, s = run(student)
    if v is s:
        raise CheckFailed(
            "v and s are the same dict: updating v would change s too",
            hint="build two dicts, e.g. v = {} and s = {}",
        )
    arrays = [*v.values(), *s.values()]
    if len({id(a) for a in arrays}) != len(arrays):
        raise CheckFailed(
            "some entries of v and s are the same array object: updating one in place would change the other",
            hint="create a new np.zeros(...) for each entry",
        )


@points(1)
def test_three_layers(student):
    """Works for any number of layers (here three)"""
    params, v, _ = run(student, sizes=(5, 2, 3, 1))
    for key, value in params.items():
        assert_close(v[f"d{key}"], np.zeros_like(value), f"v['d{key}']")
