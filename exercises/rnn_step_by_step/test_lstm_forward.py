"""lstm_forward(x, a0, parameters) -> (a, y, c, caches): an LSTM over a whole sequence.

The reference lstm_cell_forward stands in for the student's while this exercise is graded.
"""

import pytest

from exercises.rnn_step_by_step._inputs import SEQ_CASES, course_lstm_forward, lstm_parameters, seq_inputs
from grader import CheckFailed, assert_close, assert_shape, exercise, expect_values, points

pytestmark = exercise("lstm_forward", uses=("lstm_cell_forward",))
NAMES = "a, y, c, caches"
CASES = (*SEQ_CASES, "course")
IDS = [getattr(c, "id", "course example") for c in CASES]


def inputs(case):
    if case == "course":
        return course_lstm_forward()
    i = seq_inputs(case)
    return i["x"], i["a0"], lstm_parameters(case)


def run(student, case):
    return expect_values(student.lstm_forward(*inputs(case)), 4, "lstm_forward", NAMES)


@points(0.5)
def test_returns(student):
    """Returns (a, y, c, caches) with the right shapes"""
    case = SEQ_CASES[0]
    a, y, c, _ = run(student, case)
    assert_shape(a, (case.n_a, case.m, case.t_x), "a")
    assert_shape(y, (case.n_y, case.m, case.t_x), "y")
    assert_shape(c, (case.n_a, case.m, case.t_x), "c")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a(student, reference, case):
    """hidden states a"""
    assert_close(run(student, case)[0], reference.lstm_forward(*inputs(case))[0], "a")


@points(0.5)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_y(student, reference, case):
    """predictions y"""
    assert_close(run(student, case)[1], reference.lstm_forward(*inputs(case))[1], "y")


@points(0.5)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_c(student, reference, case):
    """cell states c"""
    assert_close(run(student, case)[2], reference.lstm_forward(*inputs(case))[2], "c")


@points(0.5)
def test_caches_structure(student):
    """caches is (list of one cache per step, x)"""
    case = SEQ_CASES[0]
    caches = expect_values(run(student, case)[3], 2, "caches", "list_of_caches, x")
    if not isinstance(caches[0], (list, tuple)) or len(caches[0]) != case.t_x:
        raise CheckFailed(f"caches[0] should be a list of {case.t_x} caches, one per time step")
    assert_close(caches[1], inputs(case)[0], "caches[1] (should be x)")


@points(0.5)
@pytest.mark.parametrize("case", SEQ_CASES[:2], ids=lambda c: c.id)
def test_caches_backprop(student, reference, case):
    """the caches give the right gradients in lstm_backward"""
    caches = run(student, case)[3]
    da = seq_inputs(case)["da"]
    want = reference.lstm_backward(da, reference.lstm_forward(*inputs(case))[3])
    try:
        got = reference.lstm_backward(da, caches)
    except Exception as exc:
        raise CheckFailed(f"lstm_backward cannot use these caches ({type(exc).__name__}: {exc})") from None
    for key in want:
        assert_close(got[key], want[key], f"{key} computed from your caches")
