"""lstm_cell_forward(xt, a_prev, c_prev, parameters) -> (a_next, c_next, yt_pred, cache): one LSTM step."""

import numpy as np
import pytest

from exercises.rnn_step_by_step._inputs import CELL_CASES, cell_inputs, course_lstm_cell, lstm_parameters
from grader import CheckFailed, as_array, assert_close, assert_shape, exercise, expect_values, points

pytestmark = exercise("lstm_cell_forward")
NAMES = "a_next, c_next, yt_pred, cache"
CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")
CASES = (*CELL_CASES, "course")
IDS = [getattr(c, "id", "course example") for c in CASES]


def inputs(case):
    if case == "course":
        return course_lstm_cell()
    i = cell_inputs(case)
    return i["xt"], i["a_prev"], i["c_prev"], lstm_parameters(case)


def run(student, case):
    return expect_values(student.lstm_cell_forward(*inputs(case)), 4, "lstm_cell_forward", NAMES)


@points(1)
def test_returns(student):
    """Returns (a_next, c_next, yt_pred, cache) with the right shapes"""
    case = CELL_CASES[0]
    a_next, c_next, yt_pred, _ = run(student, case)
    assert_shape(a_next, (case.n_a, case.m), "a_next")
    assert_shape(c_next, (case.n_a, case.m), "c_next")
    assert_shape(yt_pred, (case.n_y, case.m), "yt_pred")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_c_next(student, reference, case):
    """cell state c_next"""
    assert_close(run(student, case)[1], reference.lstm_cell_forward(*inputs(case))[1], "c_next")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_next(student, reference, case):
    """hidden state a_next"""
    assert_close(run(student, case)[0], reference.lstm_cell_forward(*inputs(case))[0], "a_next")


@points(0.25)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_yt_pred(student, reference, case):
    """prediction yt_pred"""
    assert_close(run(student, case)[2], reference.lstm_cell_forward(*inputs(case))[2], "yt_pred")


@points(0.5)
@pytest.mark.parametrize("case", CELL_CASES[:2], ids=lambda c: c.id)
def test_cache_contents(student, reference, case):
    """cache holds (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)"""
    out = run(student, case)
    cache = expect_values(out[3], 10, "the cache", ", ".join(CACHE))
    want = own_cache(reference, case, out, cache)
    for index, name in enumerate(CACHE[:-1]):
        assert_close(cache[index], want[index], f"cache[{index}] (should be {name})")
    if not isinstance(cache[9], dict) or sorted(cache[9]) != sorted(want[9]):
        raise CheckFailed("cache[9] should be the parameters dict")


def own_cache(reference, case, out, cache):
    """The cache the function should have returned, given its own a_next and c_next.

    When a_next or c_next is already wrong (charged by the value checks), the gates cannot be judged, so
    the student's own gates are taken as they are: only the places of the other entries are checked.
    """
    want = list(reference.lstm_cell_forward(*inputs(case))[3])
    a_next, c_next = as_array(out[0], "a_next"), as_array(out[1], "c_next")
    pairs = ((a_next, want[0]), (c_next, want[1]))
    outputs_right = all(np.shape(got) == np.shape(ref) and np.allclose(got, ref) for got, ref in pairs)
    want[0], want[1] = a_next, c_next
    if not outputs_right and len(cache) == 10:
        want[4:8] = cache[4:8]
    return tuple(want)


@points(1)
def test_cache_backprop(student, reference):
    """the cache gives the right gradients in lstm_cell_backward"""
    case = CELL_CASES[0]
    out = run(student, case)
    cache = expect_values(out[3], 10, "the cache", ", ".join(CACHE))
    i = cell_inputs(case)
    try:
        own = own_cache(reference, case, out, cache)
        want = reference.lstm_cell_backward(i["da_next"], i["dc_next"], own)
    except Exception as exc:
        raise CheckFailed(f"the gates in the cache are not arrays of the right shape ({exc})") from None
    try:
        got = reference.lstm_cell_backward(i["da_next"], i["dc_next"], cache)
    except Exception as exc:
        raise CheckFailed(f"lstm_cell_backward cannot use this cache ({type(exc).__name__}: {exc})") from None
    for key in want:
        assert_close(got[key], want[key], f"{key} computed from your cache")
