"""Mistakes in lstm_cell_backward(da_next, dc_next, cache) -> the gradients of one LSTM step."""

from grader import mistake
from reference.rnn_step_by_step import np

EXERCISE = "lstm_cell_backward"


@mistake(EXERCISE, "my dc ignores the incoming dc_next")
def no_dc_next(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(
    EXERCISE,
    "I sliced the weights as if concat were [xt; a_prev], so dxt and da_prev come from the wrong blocks",
)
def blocks_swapped(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[:n_x],
        "da_prev": dconcat[n_x:],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I used c_next instead of c_prev in the forget-gate gradient")
def dft_c_next(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_next * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(
    EXERCISE, "I forgot the sigmoid derivative ot * (1 - ot) in dot: I wrote da_next * tanh(c_next) * ot"
)
def dot_no_sigmoid_derivative(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I forgot the tanh derivative (1 - cct**2) in dcct")
def dcct_no_tanh_derivative(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I returned dc as dc_prev, without multiplying by ft")
def dc_prev_no_ft(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I averaged the bias gradients over the batch (np.mean) instead of summing")
def bias_mean(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.mean(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.mean(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.mean(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.mean(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I computed the weight gradients as concat · dgate.T, which is their transpose")
def weights_transposed(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": concat @ dft.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": concat @ dit.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": concat @ dcct.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": concat @ dot.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I wrote 1 - c_next**2 instead of 1 - tanh(c_next)**2 in dc")
def dc_without_tanh(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - c_next**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }


@mistake(EXERCISE, "I used c_next instead of tanh(c_next) in dot")
def dot_c_next(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p, n_a, n_x = parameters, a_next.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * c_next * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }
