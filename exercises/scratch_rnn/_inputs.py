"""Inputs shared by the suite of ``scratch_rnn``, and the gradients it is checked against.

Every case is built from its own seed. Gradients are central finite differences of the loss
``sum(forward(X) * dh)`` through the *reference* layer, computed once per case.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from grader import numerical_gradients
from reference import scratch_rnn as reference
from reference.scratch_rnn import SimpleRNN


@dataclass(frozen=True)
class Case:
    """Sizes of one configuration; ``id`` names it in check names."""

    id: str
    batch: int
    n_sequences: int
    n_features: int
    n_units: int
    seed: int = 0


# n_features != n_units everywhere; batch = 1 and n_sequences = 1 each appear; W_h is never symmetric.
CASES = (
    Case("batch=3,steps=4", batch=3, n_sequences=4, n_features=2, n_units=3, seed=1),
    Case("batch=1,steps=1", batch=1, n_sequences=1, n_features=3, n_units=5, seed=2),
    Case("batch=4,steps=6", batch=4, n_sequences=6, n_features=5, n_units=2, seed=3),
)
HIDDEN_CASE = Case("batch=5,steps=7", batch=5, n_sequences=7, n_features=3, n_units=4, seed=4)


def example() -> dict[str, np.ndarray]:
    """The worked example of the instructions."""
    return {
        "X": np.array([[[1, 2], [2, 3], [3, 4]]]) / 100,
        "W_x": np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100,
        "W_h": np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100,
        "B": np.array([1.0, 1.0, 1.0, 1.0]),
    }


EXAMPLE_H = np.array([[0.79494228, 0.81839002, 0.83939649, 0.85584174]])


def inputs(case: Case) -> dict[str, np.ndarray]:
    """X, the weights and an upstream gradient dh for one case (fresh arrays)."""
    r = np.random.default_rng(case.seed)
    return {
        "X": r.standard_normal((case.batch, case.n_sequences, case.n_features)),
        "W_x": r.standard_normal((case.n_features, case.n_units)) * 0.6,
        "W_h": r.standard_normal((case.n_units, case.n_units)) * 0.5,
        "B": r.standard_normal(case.n_units) * 0.5,
        "dh": r.standard_normal((case.batch, case.n_units)),
    }


WEIGHTS = ("W_x", "W_h", "B")


def build(factory: Any, values: dict[str, np.ndarray]) -> Any:
    """``factory(n_features, n_units)`` (the student's class or the reference's), weights set by attribute."""
    layer = factory(values["W_x"].shape[0], values["W_x"].shape[1])
    for name in WEIGHTS:
        setattr(layer, name, values[name])
    return layer


def expected_h(case: Case) -> np.ndarray:
    values = inputs(case)
    return build(SimpleRNN, values).forward(values["X"])


@cache
def gradients(case: Case) -> dict[str, np.ndarray]:
    """dX, dW_x, dW_h, dB of ``sum(forward(X) * dh)`` by central finite differences (reference forward)."""
    values = inputs(case)
    layer = build(SimpleRNN, values)
    X, dh = values["X"], values["dh"]

    def loss() -> float:
        return float(np.sum(layer.forward(X) * dh))

    arrays = {"dX": X, **{f"d{name}": getattr(layer, name) for name in WEIGHTS}}
    return numerical_gradients(
        loss, arrays, key=("gradients", case), sources=(reference, sys.modules[__name__])
    )
