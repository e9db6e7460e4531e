"""Mistakes in rnn_cell_backward(da_next, cache) -> {dxt, da_prev, dWax, dWaa, dba}."""

from grader import mistake
from reference.rnn_step_by_step import np

EXERCISE = "rnn_cell_backward"


@mistake(EXERCISE, "I applied tanh to a_next again in the derivative: 1 - tanh(a_next)**2")
def tanh_twice(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - np.tanh(a_next) ** 2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I forgot the tanh derivative (1 - a_next**2): dtanh is just da_next")
def no_tanh_derivative(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I wrote the tanh derivative as 1 - a_next instead of 1 - a_next**2")
def derivative_not_squared(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I summed dba over axis 0 instead of axis 1 (the batch)")
def dba_axis0(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=0, keepdims=True),
    }


@mistake(EXERCISE, "I averaged dba over the batch (np.mean) instead of summing")
def dba_mean(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.mean(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I used a_next instead of a_prev in dWaa")
def dwaa_a_next(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_next.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I used Waa instead of Waa.T for da_prev")
def da_prev_not_transposed(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"] @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I computed dWax as xt · dtanh.T, which is its transpose")
def dwax_transposed(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": xt @ dtanh.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I left da_next out of dxt: dxt = Wax.T · (1 - a_next**2)")
def da_next_forgotten_in_dxt(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ (1 - a_next**2),
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }
