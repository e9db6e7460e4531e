"""lstm_backward(da, caches) -> gradients: backpropagation through time for an LSTM.

The reference lstm_cell_backward stands in for the student's while this exercise is graded.
"""

import pytest

from exercises.rnn_step_by_step._inputs import (
    GRAD_SEQ_CASES,
    LSTM_GATES,
    assert_gradients_dict,
    lstm_gradients,
    lstm_parameters,
    seq_inputs,
)
from grader import assert_gradient, exercise, pick, points

pytestmark = exercise("lstm_backward", uses=("lstm_cell_backward",))
WEIGHTS = tuple(f"dW{g}" for g in LSTM_GATES)
BIASES = tuple(f"db{g}" for g in LSTM_GATES)
KEYS = ("dx", "da0", *WEIGHTS, *BIASES)


def run(student, reference, case):
    i = seq_inputs(case)
    caches = reference.lstm_forward(i["x"], i["a0"], lstm_parameters(case))[3]
    return student.lstm_backward(i["da"], caches)


@points(1)
def test_keys(student, reference):
    """Returns a dict of arrays with keys dx, da0, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo"""
    assert_gradients_dict(run(student, reference, GRAD_SEQ_CASES[0]), KEYS, "lstm_backward")


GROUPS = [
    pytest.param(("dx",), marks=points(1), id="dx"),
    pytest.param(("da0",), marks=points(1), id="da0"),
    pytest.param(WEIGHTS, marks=points(1.5), id="dWf,dWi,dWc,dWo"),
    pytest.param(BIASES, marks=points(1), id="dbf,dbi,dbc,dbo"),
]


@pytest.mark.parametrize("case", GRAD_SEQ_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("keys", GROUPS)
def test_gradient(student, reference, keys, case):
    """{keys} match the numerical gradient"""
    grads = run(student, reference, case)
    for key in keys:
        assert_gradient(pick(grads, key, "lstm_backward"), lstm_gradients(case)[key], key)
