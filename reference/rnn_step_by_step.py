"""Reference solution of the assignment ``rnn_step_by_step``.

Forward and backward passes of a basic RNN and of an LSTM, written with numpy
only, plus the Adam optimiser.

Conventions (column-major batches):

* a single time step ``xt`` has shape ``(n_x, m)``; a sequence ``x`` has shape
  ``(n_x, m, T_x)``;
* hidden states ``a`` (and LSTM cell states ``c``) have shape ``(n_a, m)`` per step;
* predictions have shape ``(n_y, m)`` per step;
* parameters are held in a dict of arrays.

No function modifies its inputs: all results are new arrays and new dicts.
The sequence functions call the cell functions through this module's global
names, so that a grader can substitute a student's cell implementation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "initialize_adam",
    "lstm_backward",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "rnn_backward",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "sigmoid",
    "softmax",
    "update_parameters_with_adam",
]

Array = NDArray[np.float64]
Params = dict[str, Array]
RnnCache = tuple[Array, Array, Array, Params]
LstmCache = tuple[Array, Array, Array, Array, Array, Array, Array, Array, Array, Params]

_LSTM_GATES = ("f", "i", "c", "o")


def softmax(x: Array) -> Array:
    """Softmax over axis 0, each column being one example.

    Args:
        x: scores, shape ``(n, m)`` (any shape whose axis 0 holds the classes).

    Returns:
        Probabilities of the same shape as ``x``; every column sums to one.
    """
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    probabilities: Array = e_x / np.sum(e_x, axis=0, keepdims=True)
    return probabilities


def sigmoid(x: Array) -> Array:
    """Logistic function ``1 / (1 + exp(-x))``, element-wise.

    Args:
        x: array of any shape.

    Returns:
        Array of the same shape as ``x`` with values in ``(0, 1)``.
    """
    return 1.0 / (1.0 + np.exp(-x))


def rnn_cell_forward(xt: Array, a_prev: Array, parameters: Params) -> tuple[Array, Array, RnnCache]:
    """One time step of a basic RNN.

    Args:
        xt: input at step t, shape ``(n_x, m)``.
        a_prev: hidden state at step t-1, shape ``(n_a, m)``.
        parameters: dict with ``Wax`` ``(n_a, n_x)``, ``Waa`` ``(n_a, n_a)``,
            ``Wya`` ``(n_y, n_a)``, ``ba`` ``(n_a, 1)``, ``by`` ``(n_y, 1)``.

    Returns:
        ``(a_next, yt_pred, cache)``: ``a_next`` shape ``(n_a, m)``, ``yt_pred``
        shape ``(n_y, m)``, and ``cache = (a_next, a_prev, xt, parameters)``.
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x: Array, a0: Array, parameters: Params) -> tuple[Array, Array, tuple[list[RnnCache], Array]]:
    """Forward pass of a basic RNN over a whole sequence.

    Args:
        x: inputs, shape ``(n_x, m, T_x)``.
        a0: initial hidden state, shape ``(n_a, m)``.
        parameters: as for :func:`rnn_cell_forward`.

    Returns:
        ``(a, y_pred, caches)``: hidden states ``a`` shape ``(n_a, m, T_x)``,
        predictions ``y_pred`` shape ``(n_y, m, T_x)``, and
        ``caches = (list of the T_x cell caches, x)``.
    """
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches: list[RnnCache] = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def lstm_cell_forward(
    xt: Array, a_prev: Array, c_prev: Array, parameters: Params
) -> tuple[Array, Array, Array, LstmCache]:
    """One time step of an LSTM.

    Args:
        xt: input at step t, shape ``(n_x, m)``.
        a_prev: hidden state at step t-1, shape ``(n_a, m)``.
        c_prev: cell state at step t-1, shape ``(n_a, m)``.
        parameters: dict with gate weights ``Wf``, ``Wi``, ``Wc``, ``Wo`` each
            ``(n_a, n_a + n_x)`` (columns ``[:n_a]`` act on ``a_prev``, columns
            ``[n_a:]`` on ``xt``), biases ``bf``, ``bi``, ``bc``, ``bo`` each
            ``(n_a, 1)``, output weights ``Wy`` ``(n_y, n_a)`` and ``by`` ``(n_y, 1)``.

    Returns:
        ``(a_next, c_next, yt_pred, cache)``: ``a_next`` and ``c_next`` shape
        ``(n_a, m)``, ``yt_pred`` shape ``(n_y, m)``, and
        ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``
        where the gates ``ft``, ``it``, ``cct``, ``ot`` have shape ``(n_a, m)``.
    """
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(
    x: Array, a0: Array, parameters: Params
) -> tuple[Array, Array, Array, tuple[list[LstmCache], Array]]:
    """Forward pass of an LSTM over a whole sequence, starting from a zero cell state.

    Args:
        x: inputs, shape ``(n_x, m, T_x)``.
        a0: initial hidden state, shape ``(n_a, m)``.
        parameters: as for :func:`lstm_cell_forward`.

    Returns:
        ``(a, y, c, caches)``: hidden states ``a`` and cell states ``c`` shape
        ``(n_a, m, T_x)``, predictions ``y`` shape ``(n_y, m, T_x)``, and
        ``caches = (list of the T_x cell caches, x)``.
    """
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches: list[LstmCache] = []
    a_next = a0
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def rnn_cell_backward(da_next: Array, cache: RnnCache) -> dict[str, Array]:
    """Backward pass of one basic-RNN step (through the hidden state only).

    Args:
        da_next: gradient of the loss with respect to ``a_next``, shape ``(n_a, m)``.
        cache: the cache returned by :func:`rnn_cell_forward`.

    Returns:
        Dict with ``dxt`` ``(n_x, m)``, ``da_prev`` ``(n_a, m)``, ``dWax``
        ``(n_a, n_x)``, ``dWaa`` ``(n_a, n_a)`` and ``dba`` ``(n_a, 1)`` (summed
        over the batch).
    """
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def rnn_backward(da: Array, caches: tuple[list[RnnCache], Array]) -> dict[str, Array]:
    """Backward pass of a basic RNN through the whole sequence.

    Args:
        da: upstream gradient of the loss with respect to every hidden state
            ``a<t>``, shape ``(n_a, m, T_x)``; the gradient flowing back through
            time is added to it.
        caches: the caches returned by :func:`rnn_forward`.

    Returns:
        Dict with ``dx`` ``(n_x, m, T_x)``, ``da0`` ``(n_a, m)``, ``dWax``
        ``(n_a, n_x)``, ``dWaa`` ``(n_a, n_a)`` and ``dba`` ``(n_a, 1)``.
    """
    cache_list, x = caches
    n_x, m, T_x = x.shape
    parameters = cache_list[0][3]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros_like(parameters["Wax"], dtype=np.float64)
    dWaa = np.zeros_like(parameters["Waa"], dtype=np.float64)
    dba = np.zeros_like(parameters["ba"], dtype=np.float64)
    da_prev = np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t] = grads["dxt"]
        da_prev = grads["da_prev"]
        dWax = dWax + grads["dWax"]
        dWaa = dWaa + grads["dWaa"]
        dba = dba + grads["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_cell_backward(da_next: Array, dc_next: Array, cache: LstmCache) -> dict[str, Array]:
    """Backward pass of one LSTM step (through the hidden and cell states only).

    Args:
        da_next: gradient of the loss with respect to ``a_next``, shape ``(n_a, m)``.
        dc_next: gradient of the loss with respect to ``c_next``, shape ``(n_a, m)``.
        cache: the cache returned by :func:`lstm_cell_forward`.

    Returns:
        Dict with ``dxt`` ``(n_x, m)``, ``da_prev`` and ``dc_prev`` ``(n_a, m)``,
        ``dWf``, ``dWi``, ``dWc``, ``dWo`` ``(n_a, n_a + n_x)`` and ``dbf``,
        ``dbi``, ``dbc``, ``dbo`` ``(n_a, 1)`` (summed over the batch).
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    # Gradients with respect to the gate pre-activations.
    d_gate = {
        "f": dc * c_prev * ft * (1 - ft),
        "i": dc * cct * it * (1 - it),
        "c": dc * it * (1 - cct**2),
        "o": da_next * tanh_c * ot * (1 - ot),
    }
    concat = np.concatenate([a_prev, xt], axis=0)
    grads: dict[str, Array] = {}
    dconcat = np.zeros_like(concat, dtype=np.float64)
    for g in _LSTM_GATES:
        grads[f"dW{g}"] = d_gate[g] @ concat.T
        grads[f"db{g}"] = np.sum(d_gate[g], axis=1, keepdims=True)
        dconcat = dconcat + parameters[f"W{g}"].T @ d_gate[g]
    grads["da_prev"] = dconcat[:n_a]
    grads["dc_prev"] = dc * ft
    grads["dxt"] = dconcat[n_a:]
    return grads


def lstm_backward(da: Array, caches: tuple[list[LstmCache], Array]) -> dict[str, Array]:
    """Backward pass of an LSTM through the whole sequence.

    Args:
        da: upstream gradient of the loss with respect to every hidden state
            ``a<t>``, shape ``(n_a, m, T_x)``; the gradient through the cell
            state starts at zero at the last step.
        caches: the caches returned by :func:`lstm_forward`.

    Returns:
        Dict with ``dx`` ``(n_x, m, T_x)``, ``da0`` ``(n_a, m)``, ``dWf``,
        ``dWi``, ``dWc``, ``dWo`` ``(n_a, n_a + n_x)`` and ``dbf``, ``dbi``,
        ``dbc``, ``dbo`` ``(n_a, 1)``.
    """
    cache_list, x = caches
    n_x, m, T_x = x.shape
    parameters = cache_list[0][9]
    dx = np.zeros((n_x, m, T_x))
    totals = {
        f"d{k}{g}": np.zeros_like(parameters[f"{k}{g}"], dtype=np.float64) for g in _LSTM_GATES for k in "Wb"
    }
    da_prev = np.zeros(da.shape[:2])
    dc_prev = np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        grads = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = grads["dxt"]
        da_prev, dc_prev = grads["da_prev"], grads["dc_prev"]
        totals = {key: total + grads[key] for key, total in totals.items()}
    return {"dx": dx, "da0": da_prev, **totals}


def _layer_count(parameters: Params) -> int:
    return len(parameters) // 2


def initialize_adam(parameters: Params) -> tuple[Params, Params]:
    """Zero first- and second-moment estimates for Adam.

    Args:
        parameters: dict with ``W1``, ``b1``, ..., ``WL``, ``bL``.

    Returns:
        ``(v, s)``: dicts with keys ``dW1``, ``db1``, ..., ``dWL``, ``dbL``, each
        an independent zero array (its own memory) shaped like the matching parameter.
    """
    v: Params = {}
    s: Params = {}
    for layer in range(1, _layer_count(parameters) + 1):
        for kind in ("W", "b"):
            shape = np.shape(parameters[f"{kind}{layer}"])
            v[f"d{kind}{layer}"] = np.zeros(shape)
            s[f"d{kind}{layer}"] = np.zeros(shape)
    return v, s


def update_parameters_with_adam(
    parameters: Params,
    grads: Params,
    v: Params,
    s: Params,
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Params, Params, Params, Params, Params]:
    """One Adam step with bias correction.

    Args:
        parameters: dict with ``W1``, ``b1``, ..., ``WL``, ``bL`` (any shapes).
        grads: dict with ``dW1``, ``db1``, ... shaped like the parameters.
        v: first-moment estimates, keys and shapes as ``grads``.
        s: second-moment estimates, keys and shapes as ``grads``.
        t: the Adam step counter (1 for the first update), used for bias correction.
        learning_rate: step size.
        beta1: decay rate of the first moment.
        beta2: decay rate of the second moment.
        epsilon: added to the denominator for numerical stability.

    Returns:
        ``(parameters, v, s, v_corrected, s_corrected)``: new dicts, with the
        same keys and shapes as the inputs; the inputs are left untouched.
    """
    new_parameters: Params = dict(parameters)
    new_v: Params = {}
    new_s: Params = {}
    v_corrected: Params = {}
    s_corrected: Params = {}
    for layer in range(1, _layer_count(parameters) + 1):
        for kind in ("W", "b"):
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            new_parameters[key] = parameters[key] - learning_rate * v_corrected[dkey] / (
                np.sqrt(s_corrected[dkey]) + epsilon
            )
    return new_parameters, new_v, new_s, v_corrected, s_corrected
