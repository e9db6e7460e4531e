"""Mistakes in rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)."""

from grader import mistake
from reference.rnn_step_by_step import np, sigmoid, softmax

EXERCISE = "rnn_cell_forward"


@mistake(EXERCISE, "I left the bias ba out of a_next")
def no_ba(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I left the bias by out of yt_pred")
def no_by(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I used sigmoid instead of tanh for a_next")
def sigmoid_activation(xt, a_prev, parameters):
    a_next = sigmoid(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I forgot the tanh: a_next is just Wax xt + Waa a_prev + ba")
def no_activation(xt, a_prev, parameters):
    a_next = parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"]
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I took the softmax over axis 1 (across the batch) instead of axis 0")
def softmax_axis1(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    z = parameters["Wya"] @ a_next + parameters["by"]
    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I computed yt_pred from a_prev instead of a_next")
def prediction_from_a_prev(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_prev + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I multiplied a_prev by Waa.T instead of Waa")
def waa_transposed(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"].T @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@mistake(EXERCISE, "I put a_prev before a_next in the cache")
def cache_order(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_prev, a_next, xt, parameters)


@mistake(EXERCISE, "I stored yt_pred in the cache where a_next goes")
def cache_yt_pred(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (yt_pred, a_prev, xt, parameters)
