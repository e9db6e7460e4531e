"""rnn_backward(da, caches) -> gradients: backpropagation through time for a basic RNN.

The reference rnn_cell_backward stands in for the student's while this exercise is graded.
"""

import pytest

from exercises.rnn_step_by_step._inputs import (
    GRAD_SEQ_CASES,
    assert_gradients_dict,
    rnn_gradients,
    rnn_parameters,
    seq_inputs,
)
from grader import assert_gradient, exercise, pick, points

pytestmark = exercise("rnn_backward", uses=("rnn_cell_backward",))
KEYS = ("dx", "da0", "dWax", "dWaa", "dba")


def run(student, reference, case):
    i = seq_inputs(case)
    caches = reference.rnn_forward(i["x"], i["a0"], rnn_parameters(case))[2]
    return student.rnn_backward(i["da"], caches)


@points(1)
def test_keys(student, reference):
    """Returns a dict of arrays with keys dx, da0, dWax, dWaa, dba"""
    assert_gradients_dict(run(student, reference, GRAD_SEQ_CASES[0]), KEYS, "rnn_backward")


@pytest.mark.parametrize("case", GRAD_SEQ_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("key", [pytest.param(k, marks=points(0.5 if k == "dba" else 1)) for k in KEYS])
def test_gradient(student, reference, key, case):
    """{key} matches the numerical gradient"""
    got = pick(run(student, reference, case), key, "rnn_backward")
    assert_gradient(got, rnn_gradients(case)[key], key)
