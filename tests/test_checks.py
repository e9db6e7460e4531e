"""Tests of the check helpers (grader/checks.py): each passes on right input and fails, with a message
a student understands, on wrong input."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest

from grader import (
    CheckFailed,
    as_array,
    assert_array_dict,
    assert_close,
    assert_gradient,
    assert_keys,
    assert_shape,
    describe,
    expect_values,
    numerical_gradient,
    pick,
    relative_error,
)
from grader._codec import Opaque
from grader.checks import allclose, json_number, recording_details

A = np.arange(6.0).reshape(2, 3)


def fails(match: str) -> Any:
    """pytest.raises(CheckFailed) matching ``match`` literally."""
    return pytest.raises(CheckFailed, match=re.escape(match))


@pytest.mark.parametrize(
    "value, expected",
    [
        (Opaque("Net"), "an object of type Net"),
        (A, "an array of shape (2, 3)"),
        (None, "None"),
        ((1, 2), "a tuple of 2 values"),
        ({"b": 1, "a": 2}, "a dict with keys ['a', 'b']"),
        (1.5, "a float"),
    ],
)
def test_describe(value: Any, expected: str) -> None:
    assert describe(value) == expected


def test_assert_shape_passes_and_returns_the_array() -> None:
    assert assert_shape(A, (2, 3), "a_next") is A
    assert assert_shape(2.5, (), "cost").shape == ()


@pytest.mark.parametrize(
    "value, message",
    [
        (A.T, "a_next has shape (3, 2); expected (2, 3)"),
        (A.ravel(), "a_next has shape (6,); expected (2, 3)"),
        (None, "a_next should be a numpy array; got None"),
        (Opaque("torch.Tensor"), "a_next should be a numpy array; got an object of type torch.Tensor"),
        ([[0, 1, 2], [3, 4, 5]], "a_next should be a numpy array; got a list of 2 values"),
        (True, "a_next should be a numpy array; got a bool"),
    ],
)
def test_assert_shape_fails(value: Any, message: str) -> None:
    with fails(message):
        assert_shape(value, (2, 3), "a_next")


@pytest.mark.parametrize("got", [A, A + 1e-9, A.astype(np.float32), np.arange(6).reshape(2, 3)])
def test_assert_close_passes(got: np.ndarray) -> None:
    assert assert_close(got, A, "y") is got


@pytest.mark.parametrize(
    "got, want, message",
    [
        (
            A + np.array([[0, 0, 0], [0, 0.5, 0]]),
            A,
            "y has wrong values in 1 of 6 entries. "
            "The largest difference is at index [1, 1]: expected 4, got 4.5",
        ),
        (
            A * 1.01,
            A,
            "y has wrong values in 5 of 6 entries. The largest difference is at index [1, 2]: "
            "expected 5, got 5.05",
        ),
        (
            np.where(A == 2, np.nan, A),
            A,
            "y has wrong values in 1 of 6 entries; 1 of them are NaN. "
            "The largest difference is at index [0, 2]: expected 2, got nan",
        ),
        (np.array([np.inf, 1.0]), [np.inf, 2.0], "at index [1]: expected 2, got 1"),
        (
            np.array(3.0),
            2.0,
            "y has wrong values in 1 of 1 entries. The largest difference is: expected 2, got 3",
        ),
        (A.T, A, "y has shape (3, 2); expected (2, 3)"),
        (A + 0j, A, "y should hold real numbers; it has dtype complex128"),
        (None, A, "y should be a numpy array; got None"),
        (Opaque("list_iterator"), A, "y should be a numpy array; got an object of type list_iterator"),
    ],
)
def test_assert_close_fails_naming_the_worst_entry(got: Any, want: Any, message: str) -> None:
    with fails(message):
        assert_close(got, want, "y")


def test_assert_close_tolerances() -> None:
    assert_close(A + 0.05, A, "y", atol=0.1)
    with fails("wrong values in 6 of 6"):
        assert_close(A + 0.05, A, "y", atol=0.01)


GRADS = {"dWax": 1, "dWaa": 2, "dba": 3}


def test_assert_keys_passes() -> None:
    assert assert_keys(GRADS, ["dWax", "dWaa", "dba"], "gradients") is GRADS
    assert_keys({**GRADS, "extra": 0}, ["dba"], "gradients", exact=False)


@pytest.mark.parametrize(
    "value, message",
    [
        (
            {"dWax": 1, "dWa": 2, "dba": 3},
            "gradients is missing the key 'dWaa' (found 'dWa': a misspelling?)",
        ),
        ({"dWax": 1}, "gradients is missing the keys 'dWaa', 'dba'"),
        (
            {**GRADS, "da0": 0, "cache": 1},
            "gradients has unexpected keys ['cache', 'da0']; expected ['dWaa', 'dWax', 'dba']",
        ),
        ((1, 2, 3), "gradients should be a dict; got a tuple of 3 values"),
        (None, "gradients should be a dict; got None"),
    ],
)
def test_assert_keys_fails(value: Any, message: str) -> None:
    with fails(message):
        assert_keys(value, ["dWax", "dWaa", "dba"], "gradients")


def test_missing_key_without_a_close_match_suggests_nothing() -> None:
    with pytest.raises(CheckFailed) as info:
        assert_keys({"dWax": 1, "zzz": 2, "dba": 3}, ["dWax", "dWaa", "dba"], "gradients")
    assert info.value.message == "gradients is missing the key 'dWaa'"


@pytest.mark.parametrize("value", [(1, 2, 3), [1, 2, 3]])
def test_expect_values_passes(value: Any) -> None:
    assert expect_values(value, 3, "rnn_cell_forward()") == (1, 2, 3)
    assert expect_values(value, (3, 5), "adam()") == (1, 2, 3)


@pytest.mark.parametrize(
    "value, message, hint",
    [
        ((1, 2), "f() should return 3 values (a, y, cache); it returned 2", None),
        (
            A,
            "f() should return 3 values (a, y, cache); it returned an array of shape (2, 3)",
            "check the return statement",
        ),
        (
            None,
            "f() should return 3 values (a, y, cache); it returned None",
            "is the return statement missing?",
        ),
        (Opaque("generator"), "it returned an object of type generator", "check the return statement"),
    ],
)
def test_expect_values_fails(value: Any, message: str, hint: str | None) -> None:
    with fails(message) as info:
        expect_values(value, 3, "f()", "a, y, cache")
    assert (hint is None and info.value.hint is None) or hint in info.value.hint


def test_expect_values_with_several_counts() -> None:
    with fails("adam() should return 3 or 5 values; it returned 4"):
        expect_values((1, 2, 3, 4), (3, 5), "adam()")


def test_as_array_accepts_numbers() -> None:
    assert as_array(3, "n").shape == () and as_array(np.float32(2), "n") == 2
    with fails("n should be a numpy array; got a str"):
        as_array("3", "n")


def test_relative_error() -> None:
    rng = np.random.default_rng(3)
    for shape in [(), (1,), (4, 5), (3, 2, 6)]:
        got, want = rng.standard_normal(shape), rng.standard_normal(shape)
        norms = np.linalg.norm(got - want) / (np.linalg.norm(got) + np.linalg.norm(want))
        assert relative_error(got, want) == pytest.approx(float(norms), rel=1e-12)
    assert np.isnan(relative_error(np.array([np.nan, 1.0]), np.ones(2)))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(A, A) == 0.0
    assert relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)


def test_numerical_gradient_of_a_known_function_matches_the_analytic_one() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-6)
    np.testing.assert_array_equal(x, before)  # x is restored after each perturbation
    assert assert_gradient(3 * x**2, grad, "dx") < 1e-8


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_numerical_gradient_refuses_arrays_that_cannot_hold_the_step(dtype: type) -> None:
    x = np.array([1, 2, 3], dtype=dtype)
    with pytest.raises(TypeError, match="needs a float64 array"):
        numerical_gradient(lambda: float(np.sum(x**3)), x)


def test_numerical_gradient_says_how_to_use_a_read_only_array() -> None:
    x = np.array([1.0, 2.0])
    x.flags.writeable = False  # as the expected values the checks share are
    with pytest.raises(TypeError, match=r"read-only: pass x.copy\(\)"):
        numerical_gradient(lambda: float(np.sum(x**3)), x)


NUMERIC = np.array([[3.0, 12.0], [27.0, 0.75]])


@pytest.mark.parametrize(
    "got, message",
    [
        (
            NUMERIC * [[1, 1], [1, 2]],
            "dx does not match the numerical gradient (relative error 0.013, "
            "allowed 1e-06). The largest difference is at index [1, 1]: the gradient there is 0.75, got 1.5",
        ),
        (-NUMERIC, "dx does not match the numerical gradient (relative error 1"),
        (NUMERIC * (1 + 1e-4), "relative error 5e-05, allowed 1e-06"),
        (np.where(NUMERIC > 20, np.nan, NUMERIC), "dx contains NaN or infinite values"),
        (np.full((2, 2), np.inf), "dx contains NaN or infinite values"),
        (NUMERIC.T[:1], "dx has shape (1, 2); expected (2, 2)"),
        (None, "dx should be a numpy array; got None"),
        (Opaque("Foo"), "dx should be a numpy array; got an object of type Foo"),
    ],
)
def test_assert_gradient_fails(got: Any, message: str) -> None:
    with fails(message):
        assert_gradient(got, NUMERIC, "dx")


def test_assert_gradient_tolerance_and_nan_reference() -> None:
    assert assert_gradient(NUMERIC * (1 + 1e-4), NUMERIC, "dx", tol=1e-3) == pytest.approx(5e-5, rel=1e-3)
    with fails("relative error nan"):
        assert_gradient(NUMERIC, np.where(NUMERIC > 20, np.nan, NUMERIC), "dx")


# -- structured details for the reports ------------------------------------------------------------------


def test_assert_close_details_locate_the_worst_entry_with_an_excerpt() -> None:
    want = np.arange(60.0).reshape(3, 4, 5)
    got = want.copy()
    got[1, 3, 4] += 7.0
    got[1, 2, 3] = np.nan
    with pytest.raises(CheckFailed) as info:
        assert_close(got, want, "a")
    values = info.value.details["values"]  # type: ignore[index]
    assert values["index"] == [1, 2, 3] and values["got"] == "nan" and values["expected"] == 33.0
    assert (values["wrong"], values["size"], values["nans"], values["shape"]) == (2, 60, 1, [3, 4, 5])
    window = values["window"]
    assert window["origin"] == [1]  # the excerpt is a[1, rows, cols]
    assert window["rows"] == [0, 1, 2, 3] and window["cols"] == [1, 2, 3, 4]
    assert window["expected"][2][2] == 33.0 and window["got"][2][2] == "nan"
    assert window["got"][3][3] == 46.0  # a[1, 3, 4] = 39 + 7
    assert [row.count(True) for row in window["wrong"]] == [0, 0, 1, 1]
    json.dumps(info.value.details, allow_nan=False)  # JSON-safe: no NaN literals


def test_assert_close_details_of_vectors_and_scalars() -> None:
    with pytest.raises(CheckFailed) as info:
        assert_close(np.array([0.0, 1, 2, 9, 4, 5, 6]), np.arange(7.0), "v")
    window = info.value.details["values"]["window"]  # type: ignore[index]
    assert window["rows"] == [] and window["cols"] == [1, 2, 3, 4] and window["got"] == [[1.0, 2.0, 9.0, 4.0]]
    with pytest.raises(CheckFailed) as info:
        assert_close(np.float64(np.inf), 1.0, "s")
    values = info.value.details["values"]  # type: ignore[index]
    assert values["window"] is None and values["got"] == "inf" and values["index"] == []


def test_assert_gradient_notes_every_comparison_while_recording() -> None:
    numeric = np.array([1.0, 2.0, 3.0])
    with recording_details() as noted:
        assert_gradient(numeric * (1 + 1e-9), numeric, "dW")
        with pytest.raises(CheckFailed) as info:
            assert_gradient(numeric * 2, numeric, "db")
    assert [(g["name"], g["passed"]) for g in noted["gradients"]] == [("dW", True), ("db", False)]
    assert noted["gradients"][0]["relative_error"] < 1e-8
    failed = info.value.details["gradients"][0]  # type: ignore[index]
    assert failed["relative_error"] == pytest.approx(1 / 3, rel=1e-5)
    assert (failed["index"], failed["expected"], failed["got"]) == ([2], 3.0, 6.0)
    assert_gradient(numeric, numeric, "outside")  # no recording active: nothing is kept anywhere
    assert [g["name"] for g in noted["gradients"]] == ["dW", "db"]


def test_json_number() -> None:
    assert [json_number(x) for x in (np.nan, np.inf, -np.inf, 1 / 3, np.float32(2))] == [
        "nan",
        "inf",
        "-inf",
        0.333333,
        2.0,
    ]


def test_pick_returns_the_value_or_names_the_missing_key() -> None:
    assert pick({"dWaa": 1, "extra": 2}, "dWaa", "rnn_backward()") == 1
    with pytest.raises(CheckFailed, match="the dict returned by rnn_backward\\(\\)") as info:
        pick({"dWa": 1}, "dWaa", "rnn_backward()")
    assert "dWa" in info.value.message


def test_assert_array_dict_fails_on_missing_keys_none_values_and_non_arrays() -> None:
    assert_array_dict({"a": np.ones(2), "b": np.zeros((2, 1))}, ("a", "b"), "f()")
    with pytest.raises(CheckFailed, match="the dict returned by f\\(\\)"):
        assert_array_dict({"a": np.ones(2)}, ("a", "b"), "f()")
    with pytest.raises(CheckFailed, match="b is still None") as info:
        assert_array_dict({"a": np.ones(2), "b": None}, ("a", "b"), "f()", hint="fill it in")
    assert info.value.hint == "fill it in"
    with pytest.raises(CheckFailed, match="a should be a numpy array; got a list"):
        assert_array_dict({"a": [1.0, 2.0]}, ("a",), "f()")


@pytest.mark.parametrize("bad", [np.array([["a", "b"]]), np.array([[1j, 2j]])])
def test_assert_gradient_refuses_arrays_that_do_not_hold_real_numbers(bad: np.ndarray) -> None:
    with pytest.raises(CheckFailed, match="dW should hold real numbers; it has dtype"):
        assert_gradient(bad, np.ones((1, 2)), "dW")


@pytest.mark.parametrize("equal_nan", [False, True])
def test_allclose_agrees_with_numpy_on_finite_and_special_values(equal_nan: bool) -> None:
    rng = np.random.default_rng(7)
    specials = [np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0]
    for trial in range(400):
        x = rng.standard_normal((3, 4))
        y = x + rng.choice([0.0, 1e-9, 1e-6, 1e-3], size=x.shape)
        for arr in (x, y)[: trial % 3]:  # some trials put special values in one or both
            arr[tuple(rng.integers(0, (3, 4)))] = rng.choice(specials)
        if trial % 7 == 0:
            with np.errstate(over="ignore"):  # 1e308 becomes inf in float32
                y = y.astype(np.float32)
        expected = bool(np.allclose(x, y, rtol=1e-5, atol=1e-8, equal_nan=equal_nan))
        assert allclose(x, y, equal_nan=equal_nan) == expected, (x, y)
    ints = np.arange(6).reshape(2, 3)
    assert allclose(ints, ints.copy()) and not allclose(ints, ints + 1)
    assert not allclose(np.ones(3), np.array([1.0, 1.0, np.inf]))  # no shortcut through an infinite bound
