"""rnn_forward(x, a0, parameters) -> (a, y_pred, caches): a basic RNN over a whole sequence.

The reference rnn_cell_forward stands in for the student's while this exercise is graded.
"""

import pytest

from exercises.rnn_step_by_step._inputs import SEQ_CASES, course_rnn_forward, rnn_parameters, seq_inputs
from grader import CheckFailed, assert_close, assert_shape, exercise, expect_values, points

pytestmark = exercise("rnn_forward", uses=("rnn_cell_forward",))
NAMES = "a, y_pred, caches"


def inputs(case):
    if case == "course":
        return course_rnn_forward()
    i = seq_inputs(case)
    return i["x"], i["a0"], rnn_parameters(case)


CASES = (*SEQ_CASES, "course")
IDS = [getattr(c, "id", "course example") for c in CASES]


def run(student, case):
    return expect_values(student.rnn_forward(*inputs(case)), 3, "rnn_forward", NAMES)


@points(1)
def test_returns(student):
    """Returns (a, y_pred, caches) with the right shapes"""
    case = SEQ_CASES[0]
    a, y_pred, _ = run(student, case)
    assert_shape(a, (case.n_a, case.m, case.t_x), "a")
    assert_shape(y_pred, (case.n_y, case.m, case.t_x), "y_pred")


@points(1)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a(student, reference, case):
    """hidden states a"""
    assert_close(run(student, case)[0], reference.rnn_forward(*inputs(case))[0], "a")


@points(0.5)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_y_pred(student, reference, case):
    """predictions y_pred"""
    assert_close(run(student, case)[1], reference.rnn_forward(*inputs(case))[1], "y_pred")


@points(1)
def test_caches_structure(student):
    """caches is (list of one cache per step, x)"""
    case = SEQ_CASES[0]
    caches = expect_values(run(student, case)[2], 2, "caches", "list_of_caches, x")
    if not isinstance(caches[0], (list, tuple)) or len(caches[0]) != case.t_x:
        raise CheckFailed(f"caches[0] should be a list of {case.t_x} caches, one per time step")
    assert_close(caches[1], inputs(case)[0], "caches[1] (should be x)")


@points(1)
@pytest.mark.parametrize("case", SEQ_CASES[:2], ids=lambda c: c.id)
def test_caches_backprop(student, reference, case):
    """the caches give the right gradients in rnn_backward"""
    caches = run(student, case)[2]
    da = seq_inputs(case)["da"]
    want = reference.rnn_backward(da, reference.rnn_forward(*inputs(case))[2])
    try:
        got = reference.rnn_backward(da, caches)
    except Exception as exc:
        raise CheckFailed(f"rnn_backward cannot use these caches ({type(exc).__name__}: {exc})") from None
    for key in want:
        assert_close(got[key], want[key], f"{key} computed from your caches")
