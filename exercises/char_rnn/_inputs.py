"""Inputs shared by the suites of ``char_rnn``, and the gradients they are checked against.

Every case is built from its own seed, so a check sees the same numbers on every run. A case is a
random text of ``T + 1`` characters: the inputs are its first ``T``, the targets its last ``T`` (each
target is the character after its input). Gradients are central finite differences of the loss through
the *reference* forward pass and loss, computed once per case.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from grader import numerical_gradients
from reference import char_rnn as ref

PARAMETERS = ("U", "W", "V", "bh", "by")
GRADIENTS = ("dU", "dW", "dV", "dbh", "dby", "dh0")


@dataclass(frozen=True)
class Case:
    """Sizes of one configuration; ``id`` names it in check names."""

    id: str
    n_v: int
    n_h: int
    t: int
    seed: int
    scale: float = 0.6  # of the weights: large enough that tanh is far from linear


# n_v != n_h except in the square case; T = 1 appears; h0 is never zero.
CASES = (
    Case("T=6", n_v=5, n_h=4, t=6, seed=1),
    Case("T=1", n_v=3, n_h=6, t=1, seed=2),
    Case("T=9", n_v=7, n_h=3, t=9, seed=3),
    Case("n_v=n_h=4", n_v=4, n_h=4, t=5, seed=4),
)
GRAD_CASES = (CASES[0], CASES[1], CASES[3])
LARGE = Case("large scores", n_v=4, n_h=3, t=3, seed=5, scale=400.0)


def _rng(case: Case, salt: int) -> np.random.Generator:
    return np.random.default_rng([case.seed, salt])


def parameters(case: Case) -> dict[str, np.ndarray]:
    r = _rng(case, 1)
    shapes = {
        "U": (case.n_h, case.n_v),
        "W": (case.n_h, case.n_h),
        "V": (case.n_v, case.n_h),
        "bh": (case.n_h, 1),
        "by": (case.n_v, 1),
    }
    return {k: r.standard_normal(shape) * case.scale for k, shape in shapes.items()}


def sequence(case: Case) -> dict[str, Any]:
    """inputs and targets (lists of ints) and a nonzero h0 of shape (n_h, 1)."""
    r = _rng(case, 2)
    text = [int(i) for i in r.integers(0, case.n_v, case.t + 1)]
    return {"inputs": text[:-1], "targets": text[1:], "h0": r.standard_normal((case.n_h, 1)) * 0.5}


def forward_inputs(case: Case) -> tuple[list[int], np.ndarray, dict[str, np.ndarray]]:
    s = sequence(case)
    return s["inputs"], s["h0"], parameters(case)


def backward_inputs(case: Case) -> tuple[Any, ...]:
    """(inputs, targets, h0, h, p, params), with h and p from the reference forward pass."""
    s, params = sequence(case), parameters(case)
    h, p = ref.char_rnn_forward(s["inputs"], s["h0"], params)
    return s["inputs"], s["targets"], s["h0"], h, p, params


@cache
def gradients(case: Case) -> dict[str, np.ndarray]:
    """Finite-difference gradients of the reference loss with respect to every parameter and h0."""
    s, params = sequence(case), parameters(case)
    h0 = s["h0"].copy()

    def loss() -> float:
        return ref.char_rnn_loss(ref.char_rnn_forward(s["inputs"], h0, params)[1], s["targets"])

    arrays = {f"d{k}": params[k] for k in PARAMETERS} | {"dh0": h0}
    return numerical_gradients(
        loss, arrays, step=1e-5, key=("gradients", case), sources=(ref, sys.modules[__name__])
    )


def step_problem(case: Case) -> dict[str, Any]:
    """Parameters and gradients (with dh0, as backward returns them) for one SGD step.

    Gradient entries spread over [-3, 3], so with clip = 1 some are clipped at each end and some not.
    """
    r = _rng(case, 3)
    params = parameters(case)
    grads = {f"d{k}": r.uniform(-3.0, 3.0, params[k].shape) for k in PARAMETERS}
    grads["dh0"] = r.uniform(-3.0, 3.0, (case.n_h, 1))
    return {"params": params, "grads": grads}
