"""Mistakes in char_rnn_backward(inputs, targets, h0, h, p, params) -> gradients.

Each mutant is the reference with one change, in the reference's own loop.
"""

from grader import mistake
from reference.char_rnn import np

EXERCISE = "char_rnn_backward"


@mistake(EXERCISE, "I forgot the tanh derivative: I used dh directly as the gradient of the pre-activation")
def no_tanh_derivative(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = V.T @ dy + dh_next
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I took the tanh derivative of h itself, 1 - tanh(h)**2, but h is already a tanh")
def tanh_derivative_of_h(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - np.tanh(h_t) ** 2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I did not add dh_next to dh, so no gradient flows back from the later steps")
def no_dh_next(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "for dW I multiplied by the current hidden state h_t instead of the previous one")
def dw_with_current_state(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t = h[:, [t]]
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_t.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I used h[:, t-1] as the previous state, which at t = 0 is the last state, not h0")
def wraps_around_at_zero(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]]
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I assigned dV = dy @ h_t.T at each step instead of adding it up")
def assigns_dv(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] = dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I forgot to subtract 1 at the target: I used dy = p")
def dy_is_p(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I passed dh_next = W.T @ dh back, before multiplying by the tanh derivative")
def dh_next_before_tanh(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dh = V.T @ dy + dh_next
        dz = (1.0 - h_t**2) * dh
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dh
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I used W instead of W.T to pass the gradient back to the previous step")
def w_not_transposed(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W @ dz
    grads["dh0"] = dh_next
    return grads


@mistake(EXERCISE, "I returned zeros for dh0 instead of the gradient left after step 0")
def zero_dh0(inputs, targets, h0, h, p, params):
    W, V = params["W"], params["V"]
    grads = {f"d{k}": np.zeros_like(params[k], dtype=np.float64) for k in ("U", "W", "V", "bh", "by")}
    dh_next = np.zeros_like(h0, dtype=np.float64)
    for t in reversed(range(len(inputs))):
        dy = p[:, [t]].copy()
        dy[targets[t]] -= 1.0
        h_t, h_prev = h[:, [t]], h[:, [t - 1]] if t > 0 else h0
        grads["dV"] += dy @ h_t.T
        grads["dby"] += dy
        dz = (1.0 - h_t**2) * (V.T @ dy + dh_next)
        grads["dU"][:, [inputs[t]]] += dz
        grads["dW"] += dz @ h_prev.T
        grads["dbh"] += dz
        dh_next = W.T @ dz
    grads["dh0"] = np.zeros_like(h0, dtype=np.float64)
    return grads
