"""lstm_cell_backward(da_next, dc_next, cache) -> gradients: backpropagation through one LSTM step.

Gradients are checked against central finite differences through the reference forward.
"""

import pytest

from exercises.rnn_step_by_step._inputs import (
    GRAD_CELL_CASES,
    LSTM_GATES,
    assert_gradients_dict,
    cell_inputs,
    lstm_cell_gradients,
    lstm_parameters,
)
from grader import assert_gradient, exercise, pick, points

pytestmark = exercise("lstm_cell_backward")
WEIGHTS = tuple(f"dW{g}" for g in LSTM_GATES)
BIASES = tuple(f"db{g}" for g in LSTM_GATES)
KEYS = ("dxt", "da_prev", "dc_prev", *WEIGHTS, *BIASES)


def run(student, reference, case):
    i = cell_inputs(case)
    cache = reference.lstm_cell_forward(i["xt"], i["a_prev"], i["c_prev"], lstm_parameters(case))[3]
    return student.lstm_cell_backward(i["da_next"], i["dc_next"], cache)


@points(1)
def test_keys(student, reference):
    """Returns a dict of arrays with keys dxt, da_prev, dc_prev, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo"""
    assert_gradients_dict(run(student, reference, GRAD_CELL_CASES[0]), KEYS, "lstm_cell_backward")


GROUPS = [
    pytest.param(("dxt",), marks=points(1), id="dxt"),
    pytest.param(("da_prev",), marks=points(1), id="da_prev"),
    pytest.param(("dc_prev",), marks=points(1), id="dc_prev"),
    pytest.param(WEIGHTS, marks=points(1.5), id="dWf,dWi,dWc,dWo"),
    pytest.param(BIASES, marks=points(1), id="dbf,dbi,dbc,dbo"),
]


@pytest.mark.parametrize("case", GRAD_CELL_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("keys", GROUPS)
def test_gradient(student, reference, keys, case):
    """{keys} match the numerical gradient"""
    grads = run(student, reference, case)
    for key in keys:
        assert_gradient(pick(grads, key, "lstm_cell_backward"), lstm_cell_gradients(case)[key], key)
