"""Tests of the reference solution of ``char_rnn``: true gradients, probabilities, clipping, training."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import reference.char_rnn as ref
from grader import numerical_gradient, relative_error

KEYS = ("U", "W", "V", "bh", "by")
SIZES = [(5, 4, 6), (3, 6, 1), (4, 4, 3), (7, 2, 2)]  # (n_v, n_h, T)


def problem(n_v: int, n_h: int, t: int, seed: int = 0) -> tuple[list[int], list[int], np.ndarray, dict]:
    r = np.random.default_rng(seed)
    shapes = {"U": (n_h, n_v), "W": (n_h, n_h), "V": (n_v, n_h), "bh": (n_h, 1), "by": (n_v, 1)}
    params = {k: r.standard_normal(s) * 0.7 for k, s in shapes.items()}
    text = [int(i) for i in r.integers(0, n_v, t + 1)]
    return text[:-1], text[1:], r.standard_normal((n_h, 1)), params


@pytest.mark.parametrize(("n_v", "n_h", "t"), SIZES)
def test_gradients_match_finite_differences(n_v: int, n_h: int, t: int) -> None:
    inputs, targets, h0, params = problem(n_v, n_h, t)
    h, p = ref.char_rnn_forward(inputs, h0, params)
    grads = ref.char_rnn_backward(inputs, targets, h0, h, p, params)
    assert set(grads) == {f"d{k}" for k in KEYS} | {"dh0"}

    def loss() -> float:
        return ref.char_rnn_loss(ref.char_rnn_forward(inputs, h0, params)[1], targets)

    for name, arr in {**{f"d{k}": params[k] for k in KEYS}, "dh0": h0}.items():
        numeric = numerical_gradient(loss, arr, step=1e-5)
        assert grads[name].shape == arr.shape
        assert relative_error(grads[name], numeric) < 1e-6, name


@pytest.mark.parametrize(("n_v", "n_h", "t"), SIZES)
def test_forward_shapes_and_probabilities(n_v: int, n_h: int, t: int) -> None:
    inputs, _, h0, params = problem(n_v, n_h, t, seed=1)
    h, p = ref.char_rnn_forward(inputs, h0, params)
    assert h.shape == (n_h, t) and p.shape == (n_v, t)
    np.testing.assert_allclose(p.sum(axis=0), np.ones(t), rtol=1e-12)
    assert np.all(p > 0) and np.all(np.abs(h) < 1)


def test_forward_follows_the_recurrence_from_h0() -> None:
    inputs, _, h0, params = problem(4, 3, 3, seed=2)
    h, p = ref.char_rnn_forward(inputs, h0, params)
    x0 = np.zeros((4, 1))
    x0[inputs[0]] = 1
    h_first = np.tanh(params["U"] @ x0 + params["W"] @ h0 + params["bh"])
    z = params["V"] @ h_first + params["by"]
    np.testing.assert_allclose(h[:, [0]], h_first)
    np.testing.assert_allclose(p[:, [0]], np.exp(z) / np.exp(z).sum())
    # a different h0 changes every step that follows
    h_other, _ = ref.char_rnn_forward(inputs, h0 + 1, params)
    assert np.all(np.abs(h_other - h).max(axis=0) > 1e-6)


def test_softmax_does_not_overflow() -> None:
    inputs, _, h0, params = problem(4, 3, 3, seed=3)
    params = {k: v * 500 for k, v in params.items()}
    _, p = ref.char_rnn_forward(inputs, h0, params)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=0), np.ones(3))


def test_loss_is_the_summed_cross_entropy() -> None:
    p = np.array([[0.5, 0.1, 0.25], [0.5, 0.9, 0.75]])
    assert ref.char_rnn_loss(p, [0, 1, 1]) == pytest.approx(-np.log(0.5) - np.log(0.9) - np.log(0.75))
    assert ref.char_rnn_loss(np.full((5, 4), 0.2), [0, 1, 2, 3]) == pytest.approx(4 * np.log(5))
    assert isinstance(ref.char_rnn_loss(p, [1, 0, 0]), float)


def test_clipped_step_clips_each_entry_then_steps() -> None:
    _, _, _, params = problem(3, 2, 1, seed=4)
    grads = {f"d{k}": np.full_like(v, 10.0) for k, v in params.items()}
    grads["dU"][0, 0], grads["dW"][0, 0], grads["dV"][0, 0] = -10.0, 0.3, -0.3
    grads["dh0"] = np.full((2, 1), 99.0)
    before, grads_before = copy.deepcopy(params), copy.deepcopy(grads)
    new = ref.clipped_sgd_step(params, grads, learning_rate=0.5, clip=1.0)
    assert set(new) == set(KEYS)
    assert new["U"][0, 0] == pytest.approx(params["U"][0, 0] + 0.5)  # -10 clipped to -1
    assert new["W"][0, 0] == pytest.approx(params["W"][0, 0] - 0.15)  # 0.3 kept as it is
    assert new["V"][0, 0] == pytest.approx(params["V"][0, 0] + 0.15)
    np.testing.assert_allclose(new["by"], params["by"] - 0.5)  # 10 clipped to 1
    # the inputs are left unchanged and the results are new arrays
    for key in KEYS:
        np.testing.assert_array_equal(params[key], before[key])
        assert not np.shares_memory(new[key], params[key])
    for key in grads:
        np.testing.assert_array_equal(grads[key], grads_before[key])


def test_clipped_step_defaults_and_key_order() -> None:
    _, _, _, params = problem(3, 3, 1, seed=5)
    grads = {f"d{k}": np.full_like(params[k], 7.0) for k in reversed(KEYS)}
    new = ref.clipped_sgd_step(params, grads)
    for key in KEYS:
        np.testing.assert_allclose(new[key], params[key] - 0.1 * 5.0)


def test_training_lowers_the_loss_on_a_short_text() -> None:
    text = "hello world, hello rnn"
    chars = sorted(set(text))
    data = [chars.index(c) for c in text]
    inputs, targets = data[:-1], data[1:]
    n_v, n_h = len(chars), 12
    r = np.random.default_rng(0)
    params = {
        "U": r.standard_normal((n_h, n_v)) * 0.1,
        "W": r.standard_normal((n_h, n_h)) * 0.1,
        "V": r.standard_normal((n_v, n_h)) * 0.1,
        "bh": np.zeros((n_h, 1)),
        "by": np.zeros((n_v, 1)),
    }
    h0 = np.zeros((n_h, 1))
    losses = []
    for _ in range(150):
        h, p = ref.char_rnn_forward(inputs, h0, params)
        losses.append(ref.char_rnn_loss(p, targets))
        grads = ref.char_rnn_backward(inputs, targets, h0, h, p, params)
        params = ref.clipped_sgd_step(params, grads, learning_rate=0.05, clip=5.0)
    assert losses[0] == pytest.approx(len(inputs) * np.log(n_v), rel=0.05)  # near uniform at the start
    assert losses[-1] < 0.25 * losses[0]
    # the trained network predicts most next characters of the text
    _, p = ref.char_rnn_forward(inputs, h0, params)
    assert np.mean(np.argmax(p, axis=0) == np.array(targets)) > 0.8
