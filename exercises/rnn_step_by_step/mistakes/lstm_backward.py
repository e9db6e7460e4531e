"""Mistakes in lstm_backward(da, caches) -> the gradients through time; the cell is the reference's."""

from grader import mistake
from reference.rnn_step_by_step import lstm_cell_backward, np

EXERCISE = "lstm_backward"


@mistake(EXERCISE, "I passed da[:, :, t] alone, without the gradient da_prevt coming back from step t + 1")
def no_da_prev(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t], dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "I never update dc_prevt, so the cell-state gradient is not carried back in time")
def dc_prev_not_carried(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev = g["da_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "I assigned the weight and bias gradients at each step instead of adding them up")
def assigns(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "I looped forward in time (range(T_x)) instead of backward")
def forward_loop(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in range(T_x):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "my loop is reversed(range(1, T_x)), so it stops before step 0")
def stops_before_zero(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(1, T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(
    EXERCISE,
    "I passed the two gradients in the wrong order: dc_prevt where da_prevt goes and the other way round",
)
def swapped_da_dc(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + dc_prev, da_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "I averaged the weight and bias gradients over the time steps instead of summing them")
def averages_over_time(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **{k: v / T_x for k, v in total.items()}}


@mistake(EXERCISE, "I started da_prevt from da[:, :, T_x - 1] instead of zeros")
def da_prev_not_zero(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), da[:, :, T_x - 1], np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}


@mistake(EXERCISE, "I stored every dxt in dx[:, :, 0] instead of dx[:, :, t]")
def dx_first_step_only(da, caches):
    cache_list, x = caches
    n_x, m, T_x = x.shape
    p = cache_list[0][9]
    dx, da_prev, dc_prev = np.zeros((n_x, m, T_x)), np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    total = {f"d{k}{g}": np.zeros_like(p[f"{k}{g}"]) for g in "fico" for k in "Wb"}
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cache_list[t])
        dx[:, :, 0] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        total = {key: value + g[key] for key, value in total.items()}
    return {"dx": dx, "da0": da_prev, **total}
