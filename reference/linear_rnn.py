"""Reference solution of the assignment ``linear_rnn``: a linear recurrent network that counts ones.

A batch of ``m`` binary sequences of length ``T`` is ``X`` of shape ``(m, T)``; the targets ``t`` of
shape ``(m,)`` are the sums of the sequences. The network has two scalar weights: the input weight ``wx``
and the recurrent weight ``wRec``; its state is ``s_k = x_k * wx + s_{k-1} * wRec`` from ``s_0 = 0``, and
its output is the last state. With ``wx = wRec = 1`` it counts exactly; training with Rprop finds them.

The functions call each other through this module's global names, so that a grader can substitute a
student's implementation of one of them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "backward_gradient",
    "cost",
    "forward_states",
    "numerical_gradient",
    "output_gradient",
    "update_rprop",
]

Array = NDArray[np.float64]

INSTRUCTIONS = {
    "forward_states": """\
## Forward through time

A batch of `m` sequences of length `T` is `X` of shape `(m, T)`. The state of the network at step `k`
is `S[:, k] = X[:, k-1] * wx + S[:, k-1] * wRec`, starting from `S[:, 0] = 0`. Return every state.
""",
    "cost": "## The cost\n\nThe mean squared error between the outputs `y` and the targets `t`.\n",
    "output_gradient": "## The gradient of the cost\n\nThe derivative of `cost(y, t)` with respect to `y`.\n",
    "backward_gradient": """\
## Backpropagation through time

Start from the gradient at the output (the last state) and go back one step at a time: the gradient
at state `k-1` is the one at state `k` times `wRec`. Add up the contributions of every step to the
gradients of `wx` and `wRec`.
""",
    "numerical_gradient": """\
## Gradient checking

Estimate the gradients of the cost by central finite differences, to check `backward_gradient`.
""",
    "update_rprop": """\
## Rprop

Resilient propagation uses only the sign of each gradient: each weight has its own step size, which
grows (times `eta_p`) while the sign of its gradient stays the same, and shrinks (times `eta_n`) when
it changes. The training loop then moves each weight by `-sign * delta`.
""",
}


def forward_states(X: Array, wx: float, wRec: float) -> Array:
    """All the states of the linear recurrent network for a batch of sequences.

    Arguments: ``X`` of shape (m, T), the input weight ``wx`` and the recurrent weight ``wRec``
    (numbers). Returns ``S`` of shape (m, T + 1): ``S[:, 0]`` is 0 and
    ``S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec``; the output is the last column ``S[:, -1]``.
    """
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, k] * wx + S[:, k] * wRec
    return S


def cost(y: Array, t: Array) -> float:
    """The mean squared error of the outputs ``y`` (m,) against the targets ``t`` (m,): a number,
    the sum of the squared differences divided by m."""
    return float(np.mean((t - y) ** 2))


def output_gradient(y: Array, t: Array) -> Array:
    """The gradient of ``cost(y, t)`` with respect to the outputs ``y``: an array of shape (m,)."""
    return 2.0 * (y - t) / y.shape[0]


def backward_gradient(X: Array, S: Array, grad_out: Array, wRec: float) -> tuple[tuple[float, float], Array]:
    """Backpropagation through time.

    Arguments: the inputs ``X`` (m, T), the states ``S`` (m, T + 1) from ``forward_states``, the
    gradient ``grad_out`` (m,) of the loss with respect to the output ``S[:, -1]``, and ``wRec``.
    Returns ``((wx_grad, wRec_grad), grad_over_time)``: the gradients of the loss with respect to ``wx``
    and ``wRec`` (numbers, summed over the samples and the time steps), and ``grad_over_time`` (m, T + 1),
    the gradient of the loss with respect to every state (its last column is ``grad_out``).
    """
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = 0.0
    wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += float(np.sum(grad_over_time[:, k] * X[:, k - 1]))
        wRec_grad += float(np.sum(grad_over_time[:, k] * S[:, k - 1]))
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


def numerical_gradient(X: Array, t: Array, wx: float, wRec: float, eps: float = 1e-7) -> tuple[float, float]:
    """The gradients of ``cost(forward_states(X, wx, wRec)[:, -1], t)`` with respect to ``wx`` and
    ``wRec``, by central finite differences with step ``eps``: ``(C(w + eps) - C(w - eps)) / (2 eps)``
    for one weight at a time. Returns ``(grad_wx, grad_wRec)`` (numbers), to compare with the first
    value ``backward_gradient`` returns.
    """
    weights = [wx, wRec]
    grads = []
    for i in range(2):
        plus, minus = list(weights), list(weights)
        plus[i] += eps
        minus[i] -= eps
        c_plus = cost(forward_states(X, plus[0], plus[1])[:, -1], t)
        c_minus = cost(forward_states(X, minus[0], minus[1])[:, -1], t)
        grads.append((c_plus - c_minus) / (2 * eps))
    return grads[0], grads[1]


def update_rprop(
    X: Array, t: Array, W: Array, W_prev_sign: Array, W_delta: Array, eta_p: float, eta_n: float
) -> tuple[Array, Array]:
    """One Rprop iteration: the new step sizes and the signs of the gradients.

    Arguments: ``X`` (m, T), targets ``t`` (m,), the weights ``W = [wx, wRec]``, the signs of the
    previous gradients ``W_prev_sign`` (2,), the step sizes ``W_delta`` (2,), and the factors ``eta_p``
    (> 1) and ``eta_n`` (< 1). Computes the gradients of the cost at ``W`` (forward_states,
    output_gradient, backward_gradient) and their signs; each step size is multiplied by ``eta_p`` when
    its gradient's sign equals the previous sign, else by ``eta_n``. Returns ``(W_delta, W_sign)``, two
    new arrays of shape (2,); the caller then updates ``W[i] -= W_sign[i] * W_delta[i]``.
    """
    S = forward_states(X, W[0], W[1])
    grad_out = output_gradient(S[:, -1], t)
    grads, _ = backward_gradient(X, S, grad_out, W[1])
    W_sign = np.sign(np.asarray(grads, dtype=np.float64))
    same = W_sign == np.asarray(W_prev_sign)
    W_delta = np.where(same, np.asarray(W_delta, dtype=np.float64) * eta_p, np.asarray(W_delta) * eta_n)
    return W_delta, W_sign
