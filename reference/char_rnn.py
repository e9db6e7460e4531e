"""Reference solution of the assignment ``char_rnn``: a character-level RNN on one-hot inputs.

Conventions (one sequence, column vectors):

* the vocabulary has ``n_v`` characters, the hidden state ``n_h`` units;
* a sequence of ``T`` characters is a list of ``T`` integer indices in ``[0, n_v)``; character ``i`` is
  the one-hot column ``x`` of shape ``(n_v, 1)`` with ``x[i] = 1``, so ``U @ x`` is ``U[:, [i]]``;
* parameters are a dict: ``U`` ``(n_h, n_v)`` input to hidden, ``W`` ``(n_h, n_h)`` hidden to hidden,
  ``V`` ``(n_v, n_h)`` hidden to output, ``bh`` ``(n_h, 1)`` and ``by`` ``(n_v, 1)`` biases;
* states and probabilities over a sequence are stacked as columns: ``h`` ``(n_h, T)``, ``p`` ``(n_v, T)``;
* the loss of a sequence is the *sum* over its time steps of ``-log p[target_t, t]``.

No function modifies its inputs: every result is a new array or a new dict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["char_rnn_backward", "char_rnn_forward", "char_rnn_loss", "clipped_sgd_step"]

Array = NDArray[np.float64]
Params = dict[str, Array]

INSTRUCTIONS = {
    "char_rnn_forward": """\
## 1. Forward pass over a sequence

At each step $t$ the RNN reads the one-hot character $x_t$ and the previous hidden state $h_{t-1}$
(with $h_{-1} = h_0$, the initial state you are given):

$$h_t = \\tanh(U x_t + W h_{t-1} + b_h), \\qquad p_t = \\mathrm{softmax}(V h_t + b_y)$$

The softmax turns the $n_v$ scores of one step into probabilities that sum to one: it works on one
column at a time. Subtract the column's maximum before `np.exp` so that large scores do not overflow.
""",
    "char_rnn_loss": """\
## 2. Cross-entropy loss

The target at step $t$ is the character that comes next. The loss of the sequence is the sum over its
steps of $-\\log p_t[\\text{target}_t]$: only the probability given to the right character counts.
""",
    "char_rnn_backward": """\
## 3. Backpropagation through time

Go through the steps from the last to the first. With $dy_t = p_t - \\text{onehot}(\\text{target}_t)$:

$$dV \\mathrel{+}= dy_t h_t^\\top,\\quad db_y \\mathrel{+}= dy_t,\\quad
dh = V^\\top dy_t + dh_{next},\\quad dz = (1 - h_t^2) \\odot dh$$

$$dU \\mathrel{+}= dz\\, x_t^\\top,\\quad dW \\mathrel{+}= dz\\, h_{t-1}^\\top,\\quad db_h \\mathrel{+}= dz,
\\quad dh_{next} = W^\\top dz$$

At $t = 0$ the previous state is $h_0$, and the $dh_{next}$ left at the end is the gradient $dh_0$.
Your gradients are compared with numerical ones (central finite differences of the loss).
""",
    "clipped_sgd_step": """\
## 4. A clipped gradient-descent step

RNN gradients can explode. Clip every entry of every gradient to $[-c, c]$ first, then take the step
$\\theta \\leftarrow \\theta - \\alpha\\, \\text{clip}(d\\theta)$ for each of the five parameters.
Return new arrays in a new dict: leave the parameters and gradients you are given unchanged.
""",
}


def char_rnn_forward(inputs: Sequence[int], h0: Array, params: Params) -> tuple[Array, Array]:
    """Run the RNN over a sequence of characters.

    Args:
        inputs: the sequence, a list of ``T`` character indices (``T >= 1``), each in ``[0, n_v)``.
        h0: the initial hidden state, shape ``(n_h, 1)``.
        params: dict with ``U`` ``(n_h, n_v)``, ``W`` ``(n_h, n_h)``, ``V`` ``(n_v, n_h)``,
            ``bh`` ``(n_h, 1)`` and ``by`` ``(n_v, 1)``.

    Returns:
        ``(h, p)``: ``h`` of shape ``(n_h, T)`` whose column ``t`` is the hidden state after step ``t``
        (``h[:, t] = tanh(U x_t + W h_{t-1} + bh)``, with ``h_{-1} = h0``), and ``p`` of shape
        ``(n_v, T)`` whose column ``t`` is ``softmax(V h_t + by)``: every column of ``p`` sums to one.
    """
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    steps = len(inputs)
    h, p = np.zeros((W.shape[0], steps)), np.zeros((V.shape[0], steps))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_t = np.tanh(U[:, [char]] + W @ h_prev + bh)
        z = V @ h_t + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_t, e / np.sum(e)
        h_prev = h_t
    return h, p


def char_rnn_loss(p: Array, targets: Sequence[int]) -> float:
    """The cross-entropy loss of a sequence.

    Args:
        p: probabilities from ``char_rnn_forward``, shape ``(n_v, T)``.
        targets: the ``T`` target character indices (the character expected after each input).

    Returns:
        The loss, a single number: ``-sum over t of log(p[targets[t], t])``. A sum, not a mean.
    """
    return float(-np.sum(np.log(p[list(targets), np.arange(len(targets))])))


def char_rnn_backward(
    inputs: Sequence[int], targets: Sequence[int], h0: Array, h: Array, p: Array, params: Params
) -> dict[str, Array]:
    """Gradients of the loss ``char_rnn_loss(p, targets)`` by backpropagation through time.

    Args:
        inputs, targets: the ``T`` input and target character indices.
        h0: the initial hidden state, shape ``(n_h, 1)``.
        h, p: what ``char_rnn_forward(inputs, h0, params)`` returned, shapes ``(n_h, T)`` and ``(n_v, T)``.
        params: the parameters ``U``, ``W``, ``V``, ``bh``, ``by`` (see ``char_rnn_forward``).

    Returns:
        A dict with ``dU``, ``dW``, ``dV``, ``dbh``, ``dby`` (each the shape of its parameter) and ``dh0``
        (shape ``(n_h, 1)``, the gradient with respect to the initial hidden state).
    """
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t = h[:, [t]]
        h_prev = h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


def clipped_sgd_step(
    params: Params, grads: dict[str, Array], learning_rate: float = 0.1, clip: float = 5.0
) -> Params:
    """One step of gradient descent with every gradient clipped elementwise.

    Args:
        params: the parameters ``U``, ``W``, ``V``, ``bh``, ``by``.
        grads: their gradients ``dU``, ``dW``, ``dV``, ``dbh``, ``dby`` (other keys, such as ``dh0``,
            are ignored). The keys may come in any order.
        learning_rate: the step size.
        clip: each entry of each gradient is first clipped to ``[-clip, clip]``.

    Returns:
        A new dict with the five updated parameters: ``params[k] - learning_rate * clipped(grads["d" + k])``.
        The dicts and arrays given are left unchanged.
    """
    return {
        k: params[k] - learning_rate * np.clip(grads[f"d{k}"], -clip, clip)
        for k in ("U", "W", "V", "bh", "by")
    }
