"""Mistakes in rnn_backward(da, caches) -> {dx, da0, dWax, dWaa, dba}; the cell is the reference's."""

from grader import mistake
from reference.rnn_step_by_step import np, rnn_cell_backward

EXERCISE = "rnn_backward"


@mistake(EXERCISE, "I assigned dWax, dWaa and dba at each step instead of adding them up")
def assigns(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = g["dWax"], g["dWaa"], g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I accumulated dWax and dWaa but assigned dba at each step")
def assigns_dba(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I passed da[:, :, t] alone, without the gradient da_prevt coming back from step t + 1")
def no_da_prev(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t], cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I looped forward in time (range(T_x)) instead of backward")
def forward_loop(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in range(T_x):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "my loop is reversed(range(1, T_x)), so it stops before step 0")
def stops_before_zero(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(1, T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I started da_prevt from da[:, :, T_x - 1] instead of zeros")
def da_prev_not_zero(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), da[:, :, T_x - 1]
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I averaged the weight gradients over the time steps instead of summing them")
def averages_over_time(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax / T_x, "dWaa": dWaa / T_x, "dba": dba / T_x}


@mistake(EXERCISE, "I returned da[:, :, 0] as da0 instead of the gradient that flows out of step 0")
def da0_from_da(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da[:, :, 0], "dWax": dWax, "dWaa": dWaa, "dba": dba}


@mistake(EXERCISE, "I misspelled the key: I return dWa instead of dWaa")
def misspelled_key(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][3]
    dx, da_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2])
    dWax, dWaa, dba = np.zeros_like(p["Wax"]), np.zeros_like(p["Waa"]), np.zeros_like(p["ba"])
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cache_list[t])
        dx[:, :, t], da_prev = g["dxt"], g["da_prev"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWa": dWaa, "dba": dba}
