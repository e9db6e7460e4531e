"""Inputs shared by the suites of ``linear_rnn``, and what they are checked against.

Every case is built from its own seed: binary sequences ``X`` (m, T), their sums as targets ``t``, and
weights away from the solution wx = wRec = 1, so that every gradient is large.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import CheckFailed, as_array, describe, expect_values, numerical_gradient
from reference import linear_rnn as ref


@dataclass(frozen=True)
class Case:
    """One configuration; ``id`` names it in check names."""

    id: str
    m: int
    T: int
    wx: float
    wRec: float
    seed: int = 0


# m = 1 and T = 1 each appear; wx != wRec everywhere, and wRec is on both sides of 1.
CASES = (
    Case("m=20,T=10", m=20, T=10, wx=1.2, wRec=0.9, seed=1),
    Case("m=1,T=5", m=1, T=5, wx=-0.7, wRec=1.3, seed=2),
    Case("m=6,T=1", m=6, T=1, wx=0.4, wRec=-1.1, seed=3),
)
HIDDEN_CASE = Case("m=9,T=12", m=9, T=12, wx=1.5, wRec=0.6, seed=4)


def data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """X (m, T) of 0s and 1s with at least one 1 and one 0 (when T > 1), and the targets t = X.sum(1)."""
    X = np.random.default_rng(case.seed).integers(0, 2, (case.m, case.T)).astype(np.float64)
    X[0, 0] = 1.0
    if case.T > 1:
        X[0, 1] = 0.0
    return X, X.sum(axis=1)


def outputs(case: Case) -> np.ndarray:
    """Outputs y (m,) that are not the targets: the last states of the reference network."""
    X, _ = data(case)
    return ref.forward_states(X, case.wx, case.wRec)[:, -1]


def grad_out(case: Case) -> np.ndarray:
    """An upstream gradient at the output (m,), not all equal."""
    return np.random.default_rng([case.seed, 7]).standard_normal(case.m)


def weight_gradients(case: Case) -> np.ndarray:
    """[d/dwx, d/dwRec] of sum(grad_out * forward_states(X, wx, wRec)[:, -1]), by finite differences."""
    X, _ = data(case)
    g = grad_out(case)
    W = np.array([case.wx, case.wRec])
    return numerical_gradient(lambda: float(np.sum(g * ref.forward_states(X, W[0], W[1])[:, -1])), W)


def pair(value: Any, what: str, names: str) -> np.ndarray:
    """Two numbers returned as a tuple, a list or an array of shape (2,), as an array."""
    if isinstance(value, np.ndarray) and value.shape == (2,):
        return value.astype(np.float64) if value.dtype.kind in "biuf" else value
    items = expect_values(value, 2, what, names)
    found = []
    for name, item in zip(names.split(", "), items, strict=True):
        arr = as_array(item, name)
        if arr.size != 1:
            raise CheckFailed(f"{name} should be a number; got {describe(item)}")
        found.append(float(arr.reshape(())))
    return np.array(found)
