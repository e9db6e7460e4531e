"""Mistakes in initialize_adam(parameters) -> (v, s)."""

from grader import mistake
from reference.rnn_step_by_step import np

EXERCISE = "initialize_adam"


@mistake(EXERCISE, "I wrote s = v, so both moments are the same dict")
def s_is_v(parameters):
    v = {}
    for layer in range(1, len(parameters) // 2 + 1):
        v[f"dW{layer}"] = np.zeros(parameters[f"W{layer}"].shape)
        v[f"db{layer}"] = np.zeros(parameters[f"b{layer}"].shape)
    s = v
    return v, s


@mistake(EXERCISE, "I wrote v[key] = s[key] = np.zeros(...), so v and s share their arrays")
def shared_arrays(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        v[f"dW{layer}"] = s[f"dW{layer}"] = np.zeros(parameters[f"W{layer}"].shape)
        v[f"db{layer}"] = s[f"db{layer}"] = np.zeros(parameters[f"b{layer}"].shape)
    return v, s


@mistake(EXERCISE, "I initialised s with ones instead of zeros")
def s_ones(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        v[f"dW{layer}"] = np.zeros(parameters[f"W{layer}"].shape)
        v[f"db{layer}"] = np.zeros(parameters[f"b{layer}"].shape)
        s[f"dW{layer}"] = np.ones(parameters[f"W{layer}"].shape)
        s[f"db{layer}"] = np.ones(parameters[f"b{layer}"].shape)
    return v, s


@mistake(EXERCISE, "I used the parameter names W1, b1 as keys instead of dW1, db1")
def keys_without_d(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            v[f"{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
            s[f"{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
    return v, s


@mistake(EXERCISE, "my loop is range(1, L), so it misses the last layer")
def misses_last_layer(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) // 2):
        for kind in "Wb":
            v[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
            s[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
    return v, s


@mistake(EXERCISE, "my loop is range(L), so it starts at layer 0, which does not exist")
def starts_at_layer_zero(parameters):
    v, s = {}, {}
    for layer in range(len(parameters) // 2):
        for kind in "Wb":
            v[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
            s[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
    return v, s


@mistake(EXERCISE, "I took L = len(parameters), which counts W and b separately")
def counts_every_parameter(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) + 1):
        for kind in "Wb":
            v[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
            s[f"d{kind}{layer}"] = np.zeros(parameters[f"{kind}{layer}"].shape)
    return v, s


@mistake(EXERCISE, "I gave db the shape of W (copy-paste of the dW line)")
def b_shaped_like_w(parameters):
    v, s = {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            v[f"d{kind}{layer}"] = np.zeros(parameters[f"W{layer}"].shape)
            s[f"d{kind}{layer}"] = np.zeros(parameters[f"W{layer}"].shape)
    return v, s
