"""Reference solution of the assignment ``scratch_rnn``: a SimpleRNN layer written as a class.

Conventions (batch-major): an input ``X`` has shape ``(batch, n_sequences, n_features)``; the weights
are ``W_x`` of shape ``(n_features, n_units)``, ``W_h`` of shape ``(n_units, n_units)`` and the bias
``B`` of shape ``(n_units,)``; one step computes ``h_t = tanh(x_t @ W_x + h_{t-1} @ W_h + B)`` from
``h_0 = 0``. The grader sets the weights by attribute (``rnn.W_x = ...``) after constructing the layer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["SimpleRNN"]

Array = NDArray[np.float64]

INSTRUCTIONS = {
    "SimpleRNN": """\
## A SimpleRNN layer

Write the class `SimpleRNN`. Inputs are **batch-major**: `X` has shape `(batch, n_sequences, n_features)`.
With `h_0 = 0` (shape `(batch, n_units)`), each time step `t` computes

$$a_t = x_t W_x + h_{t-1} W_h + B, \\qquad h_t = \\tanh(a_t)$$

where `x_t = X[:, t, :]`. `forward(X)` returns the last hidden state `h` of shape `(batch, n_units)`.

`backward(dh)` receives the gradient of the loss with respect to that last `h`, goes back through every
time step, returns `dX` (the shape of `X`) and stores the weight gradients in `self.dW_x`, `self.dW_h`,
`self.dB` (the shapes of `W_x`, `W_h`, `B`). It must not change the weights.

The grader constructs `SimpleRNN(n_features, n_units)`, then sets `W_x`, `W_h` and `B` itself:
`forward` and `backward` must read them from `self`. A small example: with
`X = np.array([[[1, 2], [2, 3], [3, 4]]]) / 100`,
`W_x = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100`,
`W_h = np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100` and
`B = np.array([1, 1, 1, 1])`, `forward(X)` gives
`[[0.79494228, 0.81839002, 0.83939649, 0.85584174]]`.
""",
}


class SimpleRNN:
    """A recurrent layer: ``h_t = tanh(X[:, t, :] @ W_x + h_{t-1} @ W_h + B)`` from ``h_0 = 0``.

    ``SimpleRNN(n_features, n_units)`` makes a layer with attributes ``W_x`` (n_features, n_units),
    ``W_h`` (n_units, n_units) and ``B`` (n_units,); their first values do not matter (small random
    weights and a zero bias are usual): the grader sets them (``rnn.W_x = ...``) before using the layer.

    ``forward(X)``: ``X`` has shape (batch, n_sequences, n_features). Returns the last hidden state
    ``h`` of shape (batch, n_units), and keeps what ``backward`` needs.

    ``backward(dh)``: ``dh`` (batch, n_units) is the gradient of the loss with respect to the ``h`` that
    the last ``forward`` returned. Returns ``dX`` of shape (batch, n_sequences, n_features), and sets
    ``self.dW_x``, ``self.dW_h``, ``self.dB`` to the gradients of the loss with respect to ``W_x``,
    ``W_h``, ``B`` (same shapes as the weights), summed over the batch and the time steps. It does not
    change the weights.
    """

    def __init__(self, n_features: int, n_units: int) -> None:
        rng = np.random.default_rng(0)
        self.n_features = n_features
        self.n_units = n_units
        self.W_x = 0.01 * rng.standard_normal((n_features, n_units))
        self.W_h = 0.01 * rng.standard_normal((n_units, n_units))
        self.B = np.zeros(n_units)

    def forward(self, X: Array) -> Array:
        """Run the layer over the sequence ``X`` (batch, n_sequences, n_features); return the last
        hidden state ``h`` (batch, n_units)."""
        batch, n_sequences, _ = X.shape
        self.X = X
        self.hs = [np.zeros((batch, self.W_h.shape[0]))]
        for t in range(n_sequences):
            a = X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h + self.B
            self.hs.append(np.tanh(a))
        return self.hs[-1]

    def backward(self, dh: Array) -> Array:
        """Backpropagate ``dh`` (batch, n_units), the gradient with respect to the last hidden state,
        through time. Return ``dX`` (batch, n_sequences, n_features); set ``self.dW_x``,
        ``self.dW_h``, ``self.dB``."""
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        self.dW_x = np.zeros(self.W_x.shape)
        self.dW_h = np.zeros(self.W_h.shape)
        self.dB = np.zeros(self.W_h.shape[0])
        for t in reversed(range(X.shape[1])):
            da = dh * (1 - hs[t + 1] ** 2)
            self.dW_x += X[:, t, :].T @ da
            self.dW_h += hs[t].T @ da
            self.dB += da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
            dh = da @ self.W_h.T
        return dX
