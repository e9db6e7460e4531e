"""rnn_cell_backward(da_next, cache) -> gradients: backpropagation through one RNN step.

Gradients are checked against central finite differences through the reference forward.
"""

import pytest

from exercises.rnn_step_by_step._inputs import (
    GRAD_CELL_CASES,
    assert_gradients_dict,
    cell_inputs,
    rnn_cell_gradients,
    rnn_parameters,
)
from grader import assert_gradient, exercise, pick, points

pytestmark = exercise("rnn_cell_backward")
KEYS = ("dxt", "da_prev", "dWax", "dWaa", "dba")


def run(student, reference, case):
    i = cell_inputs(case)
    cache = reference.rnn_cell_forward(i["xt"], i["a_prev"], rnn_parameters(case))[2]
    return student.rnn_cell_backward(i["da_next"], cache)


@points(1)
def test_keys(student, reference):
    """Returns a dict of arrays with keys dxt, da_prev, dWax, dWaa, dba"""
    assert_gradients_dict(run(student, reference, GRAD_CELL_CASES[0]), KEYS, "rnn_cell_backward")


@pytest.mark.parametrize("case", GRAD_CELL_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("key", [pytest.param(k, marks=points(0.5 if k == "dba" else 1)) for k in KEYS])
def test_gradient(student, reference, key, case):
    """{key} matches the numerical gradient"""
    got = pick(run(student, reference, case), key, "rnn_cell_backward")
    assert_gradient(got, rnn_cell_gradients(case)[key], key)
