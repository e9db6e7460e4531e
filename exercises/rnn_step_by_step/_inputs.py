"""Inputs shared by the suites of ``rnn_step_by_step``, and the gradients they are checked against.

Every case is built from its own seed, so a check sees the same numbers on every run. Gradients are
central finite differences of a scalar loss through the *reference* forward functions (finite
differences decide, not a printed expected output), computed once per case.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from grader import assert_array_dict, numerical_gradients, remember
from reference import rnn_step_by_step as ref

LSTM_GATES = ("f", "i", "c", "o")


@dataclass(frozen=True)
class Case:
    """Sizes of one input configuration; ``id`` names it in check names."""

    id: str
    n_x: int
    n_a: int
    n_y: int
    m: int
    t_x: int = 1
    seed: int = 0


# n_x != n_a everywhere; m = 1 and T_x = 1 each appear; initial states are never zero.
CELL_CASES = (
    Case("m=10", n_x=3, n_a=5, n_y=2, m=10, seed=1),
    Case("m=1", n_x=4, n_a=3, n_y=2, m=1, seed=2),
    Case("n_y=4", n_x=2, n_a=6, n_y=4, m=3, seed=3),
)
SEQ_CASES = (
    Case("T_x=6", n_x=3, n_a=5, n_y=2, m=4, t_x=6, seed=4),
    Case("m=1,T_x=1", n_x=4, n_a=3, n_y=2, m=1, t_x=1, seed=5),
    Case("T_x=3", n_x=2, n_a=4, n_y=3, m=3, t_x=3, seed=6),
)
GRAD_CELL_CASES = CELL_CASES[:2]
GRAD_SEQ_CASES = (SEQ_CASES[0], SEQ_CASES[1])


def _rng(case: Case, salt: int) -> np.random.Generator:
    return np.random.default_rng([case.seed, salt])


@remember
def rnn_parameters(case: Case) -> dict[str, np.ndarray]:
    r = _rng(case, 1)
    return {
        "Wax": r.standard_normal((case.n_a, case.n_x)),
        "Waa": r.standard_normal((case.n_a, case.n_a)) * 0.7,
        "Wya": r.standard_normal((case.n_y, case.n_a)),
        "ba": r.standard_normal((case.n_a, 1)),
        "by": r.standard_normal((case.n_y, 1)),
    }


@remember
def lstm_parameters(case: Case) -> dict[str, np.ndarray]:
    r = _rng(case, 2)
    params: dict[str, np.ndarray] = {}
    for gate in LSTM_GATES:
        params[f"W{gate}"] = r.standard_normal((case.n_a, case.n_a + case.n_x)) * 0.8
        params[f"b{gate}"] = r.standard_normal((case.n_a, 1))
    params["Wy"] = r.standard_normal((case.n_y, case.n_a))
    params["by"] = r.standard_normal((case.n_y, 1))
    return params


@remember
def cell_inputs(case: Case) -> dict[str, np.ndarray]:
    """xt, a_prev, c_prev and upstream gradients for a single step."""
    r = _rng(case, 3)
    return {
        "xt": r.standard_normal((case.n_x, case.m)),
        "a_prev": r.standard_normal((case.n_a, case.m)),
        "c_prev": r.standard_normal((case.n_a, case.m)),
        "da_next": r.standard_normal((case.n_a, case.m)),
        "dc_next": r.standard_normal((case.n_a, case.m)),
    }


@remember
def seq_inputs(case: Case) -> dict[str, np.ndarray]:
    """x, a0 and the upstream gradient da for a sequence."""
    r = _rng(case, 4)
    return {
        "x": r.standard_normal((case.n_x, case.m, case.t_x)),
        "a0": r.standard_normal((case.n_a, case.m)),
        "da": r.standard_normal((case.n_a, case.m, case.t_x)),
    }


@remember
def course_rnn_forward() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The course's documented rnn_forward example (seed 17)."""
    r = np.random.RandomState(17)
    x, a0 = r.randn(4, 8, 13), r.randn(7, 8)
    params = {
        "Waa": r.randn(7, 7),
        "Wax": r.randn(7, 4),
        "Wya": r.randn(3, 7),
        "ba": r.randn(7, 1),
        "by": r.randn(3, 1),
    }
    return x, a0, params


def course_lstm_parameters(r: np.random.RandomState, n_a: int, n_x: int, n_y: int) -> dict[str, np.ndarray]:
    params = {}
    for gate in ("f", "i", "o", "c"):  # the course draws them in this order
        params[f"W{gate}"] = r.randn(n_a, n_a + n_x)
        params[f"b{gate}"] = r.randn(n_a, 1)
    params["Wy"], params["by"] = r.randn(n_y, n_a), r.randn(n_y, 1)
    return params


@remember
def course_lstm_cell() -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The course's documented lstm_cell_forward example (seed 212)."""
    r = np.random.RandomState(212)
    xt, a_prev, c_prev = r.randn(4, 8), r.randn(7, 8), r.randn(7, 8)
    return xt, a_prev, c_prev, course_lstm_parameters(r, 7, 4, 3)


@remember
def course_lstm_forward() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The course's documented lstm_forward example (seed 45)."""
    r = np.random.RandomState(45)
    x, a0 = r.randn(4, 13, 16), r.randn(3, 13)
    return x, a0, course_lstm_parameters(r, 3, 4, 2)


def _writable(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Parameters of one's own to perturb: what ``@remember`` builders hand out is read-only."""
    return {name: value.copy() for name, value in parameters.items()}


def _numeric(loss: Any, arrays: dict[str, np.ndarray], key: object) -> dict[str, np.ndarray]:
    """Finite differences through the reference, kept on disk (keyed by this module and the reference)."""
    return numerical_gradients(loss, arrays, step=1e-5, key=key, sources=(ref, sys.modules[__name__]))


@cache
def rnn_cell_gradients(case: Case) -> dict[str, np.ndarray]:
    """Finite-difference gradients of sum(da_next * a_next) through the reference rnn_cell_forward."""
    p, i = _writable(rnn_parameters(case)), cell_inputs(case)
    xt, a_prev = i["xt"].copy(), i["a_prev"].copy()

    def loss() -> float:
        return float(np.sum(i["da_next"] * ref.rnn_cell_forward(xt, a_prev, p)[0]))

    arrays = {"dxt": xt, "da_prev": a_prev, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]}
    return _numeric(loss, arrays, ("rnn_cell_gradients", case))


@cache
def rnn_gradients(case: Case) -> dict[str, np.ndarray]:
    """Finite-difference gradients of sum(da * a) through the reference rnn_forward."""
    p, i = _writable(rnn_parameters(case)), seq_inputs(case)
    x, a0 = i["x"].copy(), i["a0"].copy()

    def loss() -> float:
        return float(np.sum(i["da"] * ref.rnn_forward(x, a0, p)[0]))

    arrays = {"dx": x, "da0": a0, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]}
    return _numeric(loss, arrays, ("rnn_gradients", case))


@cache
def lstm_cell_gradients(case: Case) -> dict[str, np.ndarray]:
    """Finite-difference gradients of sum(da_next * a_next) + sum(dc_next * c_next)."""
    p, i = _writable(lstm_parameters(case)), cell_inputs(case)
    xt, a_prev, c_prev = i["xt"].copy(), i["a_prev"].copy(), i["c_prev"].copy()

    def loss() -> float:
        a_next, c_next, _, _ = ref.lstm_cell_forward(xt, a_prev, c_prev, p)
        return float(np.sum(i["da_next"] * a_next) + np.sum(i["dc_next"] * c_next))

    arrays = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev}
    arrays.update({f"d{k}": p[k] for g in LSTM_GATES for k in (f"W{g}", f"b{g}")})
    return _numeric(loss, arrays, ("lstm_cell_gradients", case))


@cache
def lstm_gradients(case: Case) -> dict[str, np.ndarray]:
    """Finite-difference gradients of sum(da * a) through the reference lstm_forward."""
    p, i = _writable(lstm_parameters(case)), seq_inputs(case)
    x, a0 = i["x"].copy(), i["a0"].copy()

    def loss() -> float:
        return float(np.sum(i["da"] * ref.lstm_forward(x, a0, p)[0]))

    arrays = {"dx": x, "da0": a0}
    arrays.update({f"d{k}": p[k] for g in LSTM_GATES for k in (f"W{g}", f"b{g}")})
    return _numeric(loss, arrays, ("lstm_gradients", case))


@remember
def adam_problem(seed: int, sizes: tuple[int, ...] = (3, 4, 2)) -> dict[str, Any]:
    """Parameters, gradients and nonzero moments for a network with layer sizes ``sizes``.

    Gradients are kept away from zero (|g| >= 0.1), so that Adam with epsilon inside or outside the
    square root gives the same numbers to 1e-6; exact zeros are put in by the checks that want them.
    """
    r = np.random.default_rng(seed)
    params, grads, v, s = {}, {}, {}, {}
    for layer in range(1, len(sizes)):
        shapes = {"W": (sizes[layer], sizes[layer - 1]), "b": (sizes[layer], 1)}
        for kind, shape in shapes.items():
            params[f"{kind}{layer}"] = r.standard_normal(shape)
            grads[f"d{kind}{layer}"] = r.choice([-1.0, 1.0], shape) * r.uniform(0.1, 2.0, shape)
            v[f"d{kind}{layer}"] = r.standard_normal(shape) * 0.1
            s[f"d{kind}{layer}"] = r.uniform(0.01, 1.0, shape)
    return {"parameters": params, "grads": grads, "v": v, "s": s}


def assert_gradients_dict(grads: Any, keys: tuple[str, ...], what: str) -> None:
    """The gradients dict has every key, and its values are arrays (not the template's None)."""
    assert_array_dict(
        grads, keys, what, hint="the function looks like the unfilled template: compute each gradient"
    )
