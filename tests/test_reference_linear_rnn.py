"""The reference linear recurrent counter (reference/linear_rnn.py): it counts with wx = wRec = 1, its
gradients are the true ones, and training with Rprop finds wx = wRec = 1 (the seed's result)."""

from __future__ import annotations

import numpy as np

from reference.linear_rnn import (
    backward_gradient,
    cost,
    forward_states,
    numerical_gradient,
    output_gradient,
    update_rprop,
)


def data(seed: int = 0, m: int = 20, T: int = 10) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(seed).integers(0, 2, (m, T)).astype(float)
    return X, X.sum(axis=1)


def test_counts_with_unit_weights() -> None:
    X, t = data()
    S = forward_states(X, 1.0, 1.0)
    assert S.shape == (20, 11)
    np.testing.assert_array_equal(S[:, 0], 0)
    np.testing.assert_array_equal(S[:, -1], t)
    assert cost(S[:, -1], t) == 0.0
    assert cost(np.zeros(2), np.array([1.0, 3.0])) == 5.0


def test_backward_agrees_with_central_differences() -> None:
    X, t = data(1)
    for wx, wRec in ((1.2, 1.2), (-0.7, 0.4), (0.3, -1.1)):
        S = forward_states(X, wx, wRec)
        (gx, gr), grad_over_time = backward_gradient(X, S, output_gradient(S[:, -1], t), wRec)
        np.testing.assert_allclose([gx, gr], numerical_gradient(X, t, wx, wRec, 1e-6), rtol=1e-6)
        np.testing.assert_allclose(grad_over_time[:, -2], grad_over_time[:, -1] * wRec)
    np.testing.assert_allclose(output_gradient(np.array([1.0, 2.0]), np.array([0.0, 0.0])), [1.0, 2.0])


def test_rprop_grows_steps_while_the_sign_holds_and_shrinks_them_when_it_flips() -> None:
    X, t = data(2)
    W = np.array([2.0, 2.0])  # both gradients positive here
    delta, sign = update_rprop(X, t, W, np.array([1.0, -1.0]), np.array([0.1, 0.1]), 1.2, 0.5)
    np.testing.assert_array_equal(sign, [1.0, 1.0])
    np.testing.assert_allclose(delta, [0.12, 0.05])


def test_training_with_rprop_converges_to_unit_weights() -> None:
    X, t = data(3)
    for start in ([-1.5, 2.0], [-10.0, 7.0]):
        W, sign, delta = np.array(start), np.zeros(2), np.array([0.001, 0.001])
        for _ in range(800):
            delta, sign = update_rprop(X, t, W, sign, delta, 1.2, 0.5)
            W = W - sign * delta
        np.testing.assert_allclose(W, [1.0, 1.0], atol=1e-3)
        test = np.array([[0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1]], dtype=float)
        assert abs(forward_states(test, W[0], W[1])[0, -1] - 5) < 0.02
