"""SimpleRNN(n_features, n_units): forward(X) -> last hidden state h; backward(dh) -> dX, and sets
dW_x, dW_h, dB.

The grader constructs the student's class, sets W_x, W_h and B by attribute, and reads results back.
Gradients are checked against central finite differences through the reference forward.
"""

import pytest

from exercises.scratch_rnn._inputs import (
    CASES,
    EXAMPLE_H,
    HIDDEN_CASE,
    WEIGHTS,
    build,
    example,
    expected_h,
    gradients,
    inputs,
)
from grader import assert_close, assert_gradient, assert_shape, exercise, hidden, points

pytestmark = exercise("SimpleRNN")
GRADS = ("dX", "dW_x", "dW_h", "dB")


def forward(student, case):
    values = inputs(case)
    return build(student.SimpleRNN, values).forward(values["X"])


def backward(student, case):
    """dX, dW_x, dW_h, dB after forward(X) then backward(dh) on a fresh layer."""
    values = inputs(case)
    layer = build(student.SimpleRNN, values)
    layer.forward(values["X"])
    dX = layer.backward(values["dh"])
    return {"dX": dX, "dW_x": layer.dW_x, "dW_h": layer.dW_h, "dB": layer.dB}


@points(1)
def test_forward_shape(student):
    """forward(X) returns h of shape (batch, n_units)"""
    case = CASES[0]
    assert_shape(forward(student, case), (case.batch, case.n_units), "h")


@points(3)
def test_worked_example(student):
    """forward gives the worked example's h"""
    values = example()
    h = build(student.SimpleRNN, values).forward(values["X"])
    assert_close(h, EXAMPLE_H, "h", atol=1e-7)


@points(1)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_forward_values(student, case):
    """h values"""
    assert_close(forward(student, case), expected_h(case), "h")


@points(1)
def test_forward_again(student):
    """forward on a second, longer batch after a first one gives that batch's h"""
    second = inputs(HIDDEN_CASE)
    layer = build(student.SimpleRNN, second)
    layer.forward(second["X"][:2, :3])
    assert_close(layer.forward(second["X"]), expected_h(HIDDEN_CASE), "h on the second call")


@points(1)
def test_backward_shapes(student):
    """backward(dh) returns dX and sets dW_x, dW_h, dB with the shapes of X and the weights"""
    case = CASES[0]
    got = backward(student, case)
    want = {
        "dX": (case.batch, case.n_sequences, case.n_features),
        "dW_x": (case.n_features, case.n_units),
        "dW_h": (case.n_units, case.n_units),
        "dB": (case.n_units,),
    }
    for name, shape in want.items():
        assert_shape(got[name], shape, name)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("name", [pytest.param(n, marks=points(1)) for n in GRADS])
def test_gradient(student, case, name):
    """{name} matches the numerical gradient"""
    assert_gradient(backward(student, case)[name], gradients(case)[name], name)


@points(1)
def test_backward_keeps_weights(student):
    """backward leaves W_x, W_h and B unchanged"""
    values = inputs(CASES[0])
    layer = build(student.SimpleRNN, values)
    layer.forward(values["X"])
    layer.backward(values["dh"])
    for name in WEIGHTS:
        assert_close(getattr(layer, name), values[name], f"{name} after backward")


@points(1)
def test_backward_twice(student):
    """a second forward and backward gives the gradients of the second batch (nothing carried over)"""
    case = CASES[0]
    values = inputs(case)
    layer = build(student.SimpleRNN, values)
    layer.forward(values["X"] * 2)
    layer.backward(values["dh"] * 3)
    layer.forward(values["X"])
    dX = layer.backward(values["dh"])
    want = gradients(case)
    for name, got in (("dX", dX), ("dW_x", layer.dW_x), ("dW_h", layer.dW_h), ("dB", layer.dB)):
        assert_gradient(got, want[name], f"{name} on the second call")


@hidden
@points(2)
def test_hidden_case(student):
    """forward and backward on a larger batch"""
    assert_close(forward(student, HIDDEN_CASE), expected_h(HIDDEN_CASE), "h")
    got, want = backward(student, HIDDEN_CASE), gradients(HIDDEN_CASE)
    for name in GRADS:
        assert_gradient(got[name], want[name], name)
