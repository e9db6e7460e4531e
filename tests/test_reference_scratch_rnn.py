"""The reference SimpleRNN (reference/scratch_rnn.py): the seeds' worked examples and true gradients."""

from __future__ import annotations

import numpy as np

from grader import numerical_gradient, relative_error
from reference.scratch_rnn import SimpleRNN

W_X = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100
W_H = np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100


def layer(w_x: np.ndarray, w_h: np.ndarray, b: np.ndarray) -> SimpleRNN:
    rnn = SimpleRNN(w_x.shape[0], w_x.shape[1])
    rnn.W_x, rnn.W_h, rnn.B = w_x, w_h, b
    return rnn


def test_worked_examples_of_the_seeds() -> None:
    rnn = layer(W_X, W_H, np.array([1, 1, 1, 1]))
    three_steps = rnn.forward(np.array([[[1, 2], [2, 3], [3, 4]]]) / 100)
    np.testing.assert_allclose(three_steps, [[0.79494228, 0.81839002, 0.83939649, 0.85584174]], atol=1e-8)
    two_steps = rnn.forward(np.array([[[1, 2], [3, 4]]]) / 100)
    np.testing.assert_allclose(two_steps, [[0.79235792, 0.81445291, 0.83441399, 0.85019348]], atol=1e-8)


def test_constructor_shapes() -> None:
    rnn = SimpleRNN(3, 5)
    assert (rnn.W_x.shape, rnn.W_h.shape, rnn.B.shape) == ((3, 5), (5, 5), (5,))


def test_backward_gives_the_true_gradients_and_keeps_the_weights() -> None:
    r = np.random.default_rng(0)
    X, dh = r.standard_normal((3, 5, 2)), r.standard_normal((3, 4))
    w_x, w_h, b = r.standard_normal((2, 4)), r.standard_normal((4, 4)) * 0.5, r.standard_normal(4)
    rnn = layer(w_x.copy(), w_h.copy(), b.copy())
    rnn.forward(X)
    got = {"X": rnn.backward(dh), "W_x": rnn.dW_x, "W_h": rnn.dW_h, "B": rnn.dB}
    np.testing.assert_array_equal(rnn.W_h, w_h)
    probe = layer(w_x, w_h, b)

    def loss() -> float:
        return float(np.sum(probe.forward(X) * dh))

    arrays = {"X": X, "W_x": probe.W_x, "W_h": probe.W_h, "B": probe.B}
    for name, array in arrays.items():
        assert relative_error(got[name], numerical_gradient(loss, array)) < 1e-7, name
    wrong = got["W_h"].T  # a transposed gradient is told apart: W_h is not symmetric
    assert relative_error(wrong, numerical_gradient(loss, probe.W_h)) > 1e-3
