"""Mistakes in char_rnn_forward(inputs, h0, params) -> (h, p)."""

from grader import mistake
from reference.char_rnn import np

EXERCISE = "char_rnn_forward"


@mistake(EXERCISE, "I applied the softmax once to the whole score matrix, dividing by the sum of all entries")
def softmax_over_everything(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h = np.zeros((W.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U[:, [char]] + W @ h_prev + bh)
        h[:, [t]] = h_prev
    z = V @ h + by
    e = np.exp(z - np.max(z))
    return h, e / np.sum(e)


@mistake(EXERCISE, "my softmax sums over axis=1, across the time steps, instead of over each column")
def softmax_axis_1(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h = np.zeros((W.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U[:, [char]] + W @ h_prev + bh)
        h[:, [t]] = h_prev
    z = V @ h + by
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return h, e / np.sum(e, axis=1, keepdims=True)


@mistake(EXERCISE, "I started from a zero hidden state instead of the h0 I was given")
def zero_h0(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = np.zeros_like(h0)
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U[:, [char]] + W @ h_prev + bh)
        z = V @ h_prev + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_prev, e / np.sum(e)
    return h, p


@mistake(EXERCISE, "I never updated h_prev inside the loop, so every step uses h0")
def h0_at_every_step(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    for t, char in enumerate(inputs):
        h_t = np.tanh(U[:, [char]] + W @ h0 + bh)
        z = V @ h_t + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_t, e / np.sum(e)
    return h, p


@mistake(EXERCISE, "I left the hidden bias bh out of the hidden state")
def no_bh(inputs, h0, params):
    U, W, V, by = params["U"], params["W"], params["V"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U[:, [char]] + W @ h_prev)
        z = V @ h_prev + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_prev, e / np.sum(e)
    return h, p


@mistake(EXERCISE, "I forgot the tanh: my hidden state is just U x + W h + bh")
def no_tanh(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = U[:, [char]] + W @ h_prev + bh
        z = V @ h_prev + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_prev, e / np.sum(e)
    return h, p


@mistake(EXERCISE, "I computed the output p from the previous hidden state instead of the new one")
def output_from_previous_state(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_t = np.tanh(U[:, [char]] + W @ h_prev + bh)
        z = V @ h_prev + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_t, e / np.sum(e)
        h_prev = h_t
    return h, p


@mistake(EXERCISE, "my softmax is np.exp(z) / np.sum(np.exp(z)), without subtracting the maximum first")
def softmax_overflows(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U[:, [char]] + W @ h_prev + bh)
        z = V @ h_prev + by
        h[:, [t]], p[:, [t]] = h_prev, np.exp(z) / np.sum(np.exp(z))
    return h, p


@mistake(EXERCISE, "I used the row U[char] instead of the column U[:, char] for the one-hot input")
def row_of_u(inputs, h0, params):
    U, W, V, bh, by = params["U"], params["W"], params["V"], params["bh"], params["by"]
    h, p = np.zeros((W.shape[0], len(inputs))), np.zeros((V.shape[0], len(inputs)))
    h_prev = h0
    for t, char in enumerate(inputs):
        h_prev = np.tanh(U.T[:, [char]] + W @ h_prev + bh)
        z = V @ h_prev + by
        e = np.exp(z - np.max(z))
        h[:, [t]], p[:, [t]] = h_prev, e / np.sum(e)
    return h, p
