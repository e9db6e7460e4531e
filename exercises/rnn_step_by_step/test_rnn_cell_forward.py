"""rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache): one step of a basic RNN."""

import pytest

from exercises.rnn_step_by_step._inputs import CELL_CASES, cell_inputs, rnn_parameters
from grader import CheckFailed, as_array, assert_close, assert_shape, exercise, expect_values, points

pytestmark = exercise("rnn_cell_forward")
NAMES = "a_next, yt_pred, cache"


def run(student, case):
    i = cell_inputs(case)
    out = student.rnn_cell_forward(i["xt"], i["a_prev"], rnn_parameters(case))
    return expect_values(out, 3, "rnn_cell_forward", NAMES)


def expected(reference, case):
    i = cell_inputs(case)
    return reference.rnn_cell_forward(i["xt"], i["a_prev"], rnn_parameters(case))


@points(1)
def test_returns(student):
    """Returns (a_next, yt_pred, cache) with the right shapes"""
    case = CELL_CASES[0]
    a_next, yt_pred, _ = run(student, case)
    assert_shape(a_next, (case.n_a, case.m), "a_next")
    assert_shape(yt_pred, (case.n_y, case.m), "yt_pred")


@points(1)
@pytest.mark.parametrize("case", CELL_CASES, ids=lambda c: c.id)
def test_a_next(student, reference, case):
    """a_next values"""
    assert_close(run(student, case)[0], expected(reference, case)[0], "a_next")


@points(1)
@pytest.mark.parametrize("case", CELL_CASES, ids=lambda c: c.id)
def test_yt_pred(student, reference, case):
    """yt_pred values"""
    assert_close(run(student, case)[1], expected(reference, case)[1], "yt_pred")


@points(1.5)
def test_cache_contents(student):
    """cache holds (a_next, a_prev, xt, parameters)"""
    case = CELL_CASES[1]
    a_next, _, cache = run(student, case)
    cache = expect_values(cache, 4, "the cache", "a_next, a_prev, xt, parameters")
    i, params = cell_inputs(case), rnn_parameters(case)
    # Compared with the function's own a_next: a wrong a_next is charged by the value checks only.
    for index, (name, want) in enumerate((("a_next", a_next), ("a_prev", i["a_prev"]), ("xt", i["xt"]))):
        assert_close(cache[index], as_array(want, "a_next"), f"cache[{index}] (should be {name})")
    if not isinstance(cache[3], dict) or sorted(cache[3]) != sorted(params):
        raise CheckFailed("cache[3] should be the parameters dict")
    for key, value in params.items():
        assert_close(cache[3][key], value, f"cache[3]['{key}']")


@points(1.5)
def test_cache_backprop(student, reference):
    """the cache gives the right gradients in rnn_cell_backward"""
    case = CELL_CASES[0]
    a_next, _, cache = run(student, case)
    i = cell_inputs(case)
    own = (as_array(a_next, "a_next"), i["a_prev"], i["xt"], rnn_parameters(case))
    want = reference.rnn_cell_backward(i["da_next"], own)
    try:
        got = reference.rnn_cell_backward(i["da_next"], cache)
    except Exception as exc:
        raise CheckFailed(f"rnn_cell_backward cannot use this cache ({type(exc).__name__}: {exc})") from None
    for key in want:
        assert_close(got[key], want[key], f"{key} computed from your cache")
