"""Tests of the reference solution of ``rnn_step_by_step``."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
import pytest

import reference.rnn_step_by_step as ref

GATES = ("f", "i", "c", "o")
RNN_WEIGHTS = ("Wax", "Waa", "ba")
LSTM_WEIGHTS = tuple(f"{k}{g}" for g in GATES for k in "Wb")
SHAPES = [(3, 5, 4, 6), (1, 2, 1, 1), (4, 3, 1, 3), (2, 2, 3, 1)]  # (n_x, n_a, m, T_x)


def seeded_lstm_params(n_a: int, n_x: int, n_y: int) -> dict[str, np.ndarray]:
    """LSTM parameters drawn from the legacy global RNG in the course's order."""
    params: dict[str, np.ndarray] = {}
    for g in ("f", "i", "o", "c"):
        params |= {f"W{g}": np.random.randn(n_a, n_a + n_x), f"b{g}": np.random.randn(n_a, 1)}
    return params | {"Wy": np.random.randn(n_y, n_a), "by": np.random.randn(n_y, 1)}


def rnn_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int = 2) -> dict[str, np.ndarray]:
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}
    return {key: rng.standard_normal(shape) for key, shape in shapes.items()}


def lstm_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int = 2) -> dict[str, np.ndarray]:
    params = {f"W{g}": rng.standard_normal((n_a, n_a + n_x)) for g in GATES}
    params |= {f"b{g}": rng.standard_normal((n_a, 1)) for g in GATES}
    return params | {"Wy": rng.standard_normal((n_y, n_a)), "by": rng.standard_normal((n_y, 1))}


def numerical_grad(f: Callable[[], float], arr: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central finite differences of ``f()`` with respect to ``arr``, perturbed in place and restored."""
    grad = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        old = arr[idx]
        arr[idx] = old + h
        f_plus = f()
        arr[idx] = old - h
        grad[idx] = (f_plus - f()) / (2 * h)
        arr[idx] = old
    return grad


def assert_grads(grads: dict[str, np.ndarray], loss: Callable[[], float], wrt: dict[str, np.ndarray]) -> None:
    """Every key of ``grads`` is checked against finite differences of ``loss``."""
    assert set(grads) == set(wrt)
    for key, arr in wrt.items():
        g_fd = numerical_grad(loss, arr)
        assert grads[key].shape == arr.shape, key
        scale = np.linalg.norm(grads[key]) + np.linalg.norm(g_fd)
        # Both exactly zero (e.g. dWf when c_prev = 0 at T_x = 1) is a match.
        err = np.linalg.norm(grads[key] - g_fd) / scale if scale > 0 else 0.0
        assert err < 1e-7, f"{key}: relative error {err:.2e}"


def assert_unchanged(before: tuple[object, ...], after: tuple[object, ...]) -> None:
    """Each dict of arrays or array in ``after`` still equals its deep copy in ``before``."""
    for old, new in zip(before, after, strict=True):
        olds, news = (old, new) if isinstance(old, dict) else ({"": old}, {"": new})
        assert olds.keys() == news.keys() and all(np.array_equal(olds[k], news[k]) for k in olds)


def test_rnn_forward_documented_values() -> None:
    np.random.seed(17)
    T_x, m, n_x, n_a, n_y = 13, 8, 4, 7, 3
    x, a0 = np.random.randn(n_x, m, T_x), np.random.randn(n_a, m)
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}
    params = {key: np.random.randn(*shape) for key, shape in shapes.items()}
    a, y_pred, caches = ref.rnn_forward(x, a0, params)
    assert a.shape == (n_a, m, T_x) and y_pred.shape == (n_y, m, T_x)
    assert np.allclose(a[5, 2, 2:6], [0.99999291, 0.99332189, 0.9921928, 0.99503445])
    assert np.allclose(y_pred[2, 1, 1:5], [0.19428, 0.14292, 0.24993, 0.00119], atol=1e-4)
    assert np.allclose(caches[1], x)
    assert len(caches[0]) == T_x


def test_lstm_cell_forward_documented_values() -> None:
    np.random.seed(212)
    m, n_x, n_a, n_y = 8, 4, 7, 3
    xt, a_prev, c_prev = np.random.randn(n_x, m), np.random.randn(n_a, m), np.random.randn(n_a, m)
    params = seeded_lstm_params(n_a, n_x, n_y)
    a_next, c_next, yt_pred, cache = ref.lstm_cell_forward(xt, a_prev, c_prev, params)
    assert a_next.shape == c_next.shape == (n_a, m) and yt_pred.shape == (n_y, m)
    assert np.allclose(cache[4][0, 0:2], [0.32969833, 0.0574555])
    assert np.allclose(cache[5][0, 0:2], [0.0036446, 0.9806943])
    assert np.allclose(cache[6][0, 0:2], [0.99903873, 0.57509956])
    assert np.allclose(cache[1][0, 0:2], [0.1352798, 0.39884899])
    assert np.allclose(cache[7][0, 0:2], [0.7477249, 0.71588751])
    assert np.allclose(cache[0][0, 0:2], [0.10053951, 0.27129536])
    expected_y1 = [0.417098, 0.449528, 0.223159, 0.278376, 0.68453, 0.419221, 0.564025, 0.538475]
    assert np.allclose(yt_pred[1], expected_y1)
    assert len(cache) == 10


def test_lstm_forward_documented_values() -> None:
    np.random.seed(45)
    n_x, m, T_x, n_a, n_y = 4, 13, 16, 3, 2
    x, a0 = np.random.randn(n_x, m, T_x), np.random.randn(n_a, m)
    params = seeded_lstm_params(n_a, n_x, n_y)
    a, y, c, caches = ref.lstm_forward(x, a0, params)
    assert a.shape == c.shape == (n_a, m, T_x) and y.shape == (n_y, m, T_x)
    assert np.allclose(a[2, 1, 4:6], [-0.01606022, 0.0243569])
    assert np.allclose(c[2, 1, 4:6], [-0.02753855, 0.05668358])
    assert np.allclose(y[1, 1, 4:6], [0.70444592, 0.70648935])
    assert len(caches[0]) == T_x
    assert len(caches[0][0]) == 10


def test_rnn_cell_forward_special_cases() -> None:
    rng = np.random.default_rng(0)
    n_x, n_a, n_y, m = 3, 4, 2, 5
    params = rnn_params(rng, n_x, n_a, n_y)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    zx, za = np.zeros((n_x, m)), np.zeros((n_a, m))
    a_next, yt_pred, _ = ref.rnn_cell_forward(zx, za, params | {"Wya": np.zeros((n_y, n_a))})
    assert np.allclose(a_next, np.broadcast_to(np.tanh(params["ba"]), (n_a, m)))
    assert np.allclose(yt_pred, np.broadcast_to(ref.softmax(params["by"]), (n_y, m)))
    no_bias = params | {"ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}
    assert np.allclose(ref.rnn_cell_forward(xt, za, no_bias)[0], np.tanh(params["Wax"] @ xt))
    assert np.allclose(ref.rnn_cell_forward(zx, a_prev, no_bias)[0], np.tanh(params["Waa"] @ a_prev))


def test_softmax_is_stable_and_sigmoid() -> None:
    shifted = np.exp([[0.0, -3.0], [1.0, 0.0], [-1.0, 3.0]])  # columns are examples
    p = ref.softmax(np.array([[1000.0, -3.0], [1001.0, 0.0], [999.0, 3.0]]))
    assert np.allclose(p, shifted / shifted.sum(axis=0))
    assert np.allclose(ref.sigmoid(np.array([0.0, 2.0])), [0.5, 1 / (1 + math.exp(-2.0))])


@pytest.mark.parametrize(("n_x", "n_a", "m", "T_x"), SHAPES)
def test_rnn_cell_backward(n_x: int, n_a: int, m: int, T_x: int) -> None:
    rng = np.random.default_rng(1)
    params = rnn_params(rng, n_x, n_a)
    xt, a_prev, G = (rng.standard_normal(s) for s in [(n_x, m), (n_a, m), (n_a, m)])
    grads = ref.rnn_cell_backward(G, ref.rnn_cell_forward(xt, a_prev, params)[2])
    wrt = {"dxt": xt, "da_prev": a_prev} | {f"d{k}": params[k] for k in RNN_WEIGHTS}
    assert_grads(grads, lambda: float(np.sum(G * ref.rnn_cell_forward(xt, a_prev, params)[0])), wrt)


@pytest.mark.parametrize(("n_x", "n_a", "m", "T_x"), SHAPES)
def test_rnn_backward(n_x: int, n_a: int, m: int, T_x: int) -> None:
    rng = np.random.default_rng(2)
    params = rnn_params(rng, n_x, n_a)
    x, a0, G = (rng.standard_normal(s) for s in [(n_x, m, T_x), (n_a, m), (n_a, m, T_x)])
    grads = ref.rnn_backward(G, ref.rnn_forward(x, a0, params)[2])
    wrt = {"dx": x, "da0": a0} | {f"d{k}": params[k] for k in RNN_WEIGHTS}
    assert_grads(grads, lambda: float(np.sum(G * ref.rnn_forward(x, a0, params)[0])), wrt)


@pytest.mark.parametrize(("n_x", "n_a", "m", "T_x"), SHAPES)
def test_lstm_cell_backward(n_x: int, n_a: int, m: int, T_x: int) -> None:
    rng = np.random.default_rng(3)
    params = lstm_params(rng, n_x, n_a)
    xt, a_prev, c_prev, Ga, Gc = (rng.standard_normal(s) for s in [(n_x, m)] + [(n_a, m)] * 4)

    def loss() -> float:
        a_next, c_next, _, _ = ref.lstm_cell_forward(xt, a_prev, c_prev, params)
        return float(np.sum(Ga * a_next) + np.sum(Gc * c_next))

    grads = ref.lstm_cell_backward(Ga, Gc, ref.lstm_cell_forward(xt, a_prev, c_prev, params)[3])
    wrt = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev} | {f"d{k}": params[k] for k in LSTM_WEIGHTS}
    assert_grads(grads, loss, wrt)


@pytest.mark.parametrize(("n_x", "n_a", "m", "T_x"), SHAPES)
def test_lstm_backward(n_x: int, n_a: int, m: int, T_x: int) -> None:
    rng = np.random.default_rng(4)
    params = lstm_params(rng, n_x, n_a)
    x, a0, G = (rng.standard_normal(s) for s in [(n_x, m, T_x), (n_a, m), (n_a, m, T_x)])
    grads = ref.lstm_backward(G, ref.lstm_forward(x, a0, params)[3])
    wrt = {"dx": x, "da0": a0} | {f"d{k}": params[k] for k in LSTM_WEIGHTS}
    assert_grads(grads, lambda: float(np.sum(G * ref.lstm_forward(x, a0, params)[0])), wrt)


def test_caches_hold_the_right_objects() -> None:
    rng = np.random.default_rng(5)
    params, lparams = rnn_params(rng, 3, 4), lstm_params(rng, 3, 4)
    x, a0, c0 = rng.standard_normal((3, 2, 5)), rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    xt = x[:, :, 0]
    a_next, _, cache = ref.rnn_cell_forward(xt, a0, params)
    assert cache[0] is a_next and cache[1] is a0 and cache[2] is xt and cache[3] is params
    a_next, c_next, _, lcache = ref.lstm_cell_forward(xt, a0, c0, lparams)
    assert lcache[0] is a_next and lcache[1] is c_next and lcache[2] is a0 and lcache[3] is c0
    assert lcache[8] is xt and lcache[9] is lparams
    for caches in (ref.rnn_forward(x, a0, params)[2], ref.lstm_forward(x, a0, lparams)[3]):
        assert caches[1] is x and len(caches[0]) == x.shape[2]
        assert all(np.array_equal(cell[-2], x[:, :, t]) for t, cell in enumerate(caches[0]))
        assert all(cell[-1] is caches[0][0][-1] for cell in caches[0])


def test_functions_do_not_modify_their_inputs() -> None:
    rng = np.random.default_rng(6)
    params, lparams = rnn_params(rng, 3, 4), lstm_params(rng, 3, 4)
    x, a0, c0, da = (rng.standard_normal(s) for s in [(3, 2, 5), (4, 2), (4, 2), (4, 2, 5)])
    inputs = (params, lparams, x, a0, c0, da)
    before = copy.deepcopy(inputs)
    rnn_caches = ref.rnn_forward(x, a0, params)[2]
    lstm_caches = ref.lstm_forward(x, a0, lparams)[3]
    ref.lstm_cell_forward(x[:, :, 0], a0, c0, lparams)
    ref.rnn_backward(da, rnn_caches)
    ref.lstm_backward(da, lstm_caches)
    ref.rnn_cell_backward(a0, rnn_caches[0][0])
    ref.lstm_cell_backward(a0, c0, lstm_caches[0][0])
    assert_unchanged(before, inputs)


@pytest.mark.parametrize("outer", ["rnn_forward", "lstm_forward", "rnn_backward", "lstm_backward"])
def test_sequence_functions_call_the_module_global_cell(monkeypatch: pytest.MonkeyPatch, outer: str) -> None:
    rng = np.random.default_rng(7)
    kind, direction = outer.split("_")
    cell = f"{kind}_cell_{direction}"
    make = rnn_params if kind == "rnn" else lstm_params
    params, x, a0 = make(rng, 3, 4), rng.standard_normal((3, 2, 5)), rng.standard_normal((4, 2))
    call_args: tuple[object, ...] = (x, a0, params)
    if direction == "backward":
        caches = getattr(ref, f"{kind}_forward")(x, a0, params)[-1]
        call_args = (rng.standard_normal((4, 2, 5)), caches)
    original, calls = getattr(ref, cell), []
    monkeypatch.setattr(ref, cell, lambda *a: calls.append(a) or original(*a))  # record, then delegate
    getattr(ref, outer)(*call_args)
    assert len(calls) == x.shape[2]


def adam_scalar(p: float, v: float, s: float, g: float, t: int) -> tuple[float, float, float]:
    """One Adam step (default hyper-parameters) on a single number, written out from the formula."""
    v, s = 0.9 * v + 0.1 * g, 0.999 * s + 0.001 * g * g
    return p - 0.01 * (v / (1 - 0.9**t)) / (math.sqrt(s / (1 - 0.999**t)) + 1e-8), v, s


def test_initialize_adam() -> None:
    params = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((1, 3)), "b2": np.ones((1, 1))}
    v, s = ref.initialize_adam(params)
    assert list(v) == list(s) == ["dW1", "db1", "dW2", "db2"]
    for key, arr in [*v.items(), *s.items()]:
        assert arr.shape == params[key[1:]].shape and not arr.any()
    arrays = [*v.values(), *s.values()]
    for i, first in enumerate(arrays):
        assert not any(np.shares_memory(first, other) for other in arrays[i + 1 :])


def test_adam_one_step_by_hand() -> None:
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.1, -0.3]]), "db1": np.array([[2.0]])}
    v, s = ref.initialize_adam(params)
    new, v, s, v_corr, s_corr = ref.update_parameters_with_adam(params, grads, v, s, t=1)
    # t = 1 from zero moments: v = 0.1 g, s = 0.001 g², v_corr = g, s_corr = g².
    assert np.allclose(v["dW1"], [[0.01, -0.03]]) and np.allclose(s["db1"], [[0.004]])
    assert np.allclose(v_corr["dW1"], [[0.1, -0.3]]) and np.allclose(s_corr["db1"], [[4.0]])
    expected_w = [[1.0 - 0.01 * 0.1 / (0.1 + 1e-8), -2.0 + 0.01 * 0.3 / (0.3 + 1e-8)]]
    assert np.allclose(new["W1"], expected_w, rtol=1e-12, atol=0)
    assert np.allclose(new["b1"], [[0.5 - 0.01 * 2.0 / (2.0 + 1e-8)]], rtol=1e-12, atol=0)


def test_adam_several_steps_zero_gradients_and_untouched_inputs() -> None:
    rng = np.random.default_rng(8)
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    params = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    start = copy.deepcopy(params)
    v, s = ref.initialize_adam(params)
    expected = {k: [(float(p), 0.0, 0.0) for p in arr.ravel()] for k, arr in params.items()}
    for t in (1, 2, 3):
        grads = {f"d{k}": rng.standard_normal(arr.shape) for k, arr in params.items()}
        grads["dW1"][0, 1] = grads["db2"][0, 0] = 0.0  # always exactly zero
        inputs = (params, grads, v, s)
        before = copy.deepcopy(inputs)
        params, v, s, v_corr, s_corr = ref.update_parameters_with_adam(params, grads, v, s, t)
        assert_unchanged(before, inputs)
        for key, cells in expected.items():
            g = grads[f"d{key}"].ravel().tolist()
            expected[key] = [adam_scalar(*cell, gi, t) for cell, gi in zip(cells, g, strict=True)]
            got = np.array([params[key].ravel(), v[f"d{key}"].ravel(), s[f"d{key}"].ravel()]).T
            assert np.allclose(got, expected[key], rtol=1e-12, atol=0)
            assert np.allclose(v_corr[f"d{key}"], v[f"d{key}"] / (1 - 0.9**t))
            assert np.allclose(s_corr[f"d{key}"], s[f"d{key}"] / (1 - 0.999**t))
    assert params["W1"][0, 1] == start["W1"][0, 1] and params["b2"][0, 0] == start["b2"][0, 0]
    assert np.all(np.delete(params["W1"].ravel(), 1) != np.delete(start["W1"].ravel(), 1))
