"""Where a wrong result goes wrong, for mistakes no catalog knows: part of stage 4 (diagnosis).

:func:`locate` compares a student's result with the reference's on the same inputs and names the first
wrong value and how it is wrong: the values of another output, transposed, off by a constant factor,
the opposite sign, all zeros, wrong only at some time steps (last axis of a sequence), or only in some
rows or columns; else which outputs are right, so the mistake is in the others.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .checks import allclose


@dataclass(frozen=True)
class Names:
    """Names of the values a function returns, read from its ``return`` statement."""

    top: tuple[str | None, ...] = ()
    inner: dict[int, tuple[str | None, ...]] = field(default_factory=dict)

    def label(self, path: tuple[Any, ...]) -> str:
        """``(2, 1)`` -> ``cache[1] (a_prev)``; a path into a dict reads ``dWax`` or ``v['dW1']``."""
        if not path:
            return "the result"
        first, rest = path[0], list(path[1:])
        suffix = ""
        if isinstance(first, int):
            name = self.top[first] if first < len(self.top) else None
            inner = self.inner.get(first, ())
            at = rest[0] if rest and isinstance(rest[0], int) and rest[0] < len(inner) else None
            if name is None and at is not None and inner[at]:
                name, rest = inner[at], rest[1:]
            elif name and at is not None and inner[at] and len(rest) == 1:
                suffix = f" ({inner[at]})"
            text = name or f"value {first + 1}"
        else:
            text = str(first)
        for step in rest:
            text += f"['{step}']" if isinstance(step, str) else f"[{step}]"
        return text + suffix


@functools.cache
def return_names(function: Callable[..., Any]) -> Names:
    """``return a_next, yt_pred, cache`` with ``cache = (a_next, a_prev, xt, parameters)`` -> their names."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return Names()
    func = tree.body[0]
    tuples: dict[str, tuple[str | None, ...]] = {}
    result: ast.expr | None = None
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    tuples[target.id] = _names(node.value)
        if isinstance(node, ast.Return) and node.value is not None:
            result = node.value
    if not isinstance(result, ast.Tuple):
        return Names()
    top: list[str | None] = []
    inner: dict[int, tuple[str | None, ...]] = {}
    for index, element in enumerate(result.elts):
        if isinstance(element, ast.Name):
            top.append(element.id.removeprefix("new_"))
            if element.id in tuples:
                inner[index] = tuples[element.id]
        else:
            top.append(None)
            if isinstance(element, ast.Tuple):
                inner[index] = _names(element)
    return Names(tuple(top), inner)


def _names(node: ast.Tuple) -> tuple[str | None, ...]:
    return tuple(e.id if isinstance(e, ast.Name) else None for e in node.elts)


def _same(a: Any, b: Any) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    if x.shape != y.shape or x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
        return False
    return allclose(x, y)


def _numeric(value: Any) -> bool:
    return isinstance(value, (np.ndarray, int, float, np.number)) and not isinstance(value, bool)


def locate(student: Any, reference: Any, names: Names) -> str | None:
    """A hint saying where the student's result first goes wrong, and how; None when nothing is found."""
    from .diagnosis import leaves  # the two modules share the walk over nested results

    got, _ = leaves(student)
    want, _ = leaves(reference)
    common = [p for p in want if p in got and _numeric(want[p]) and _numeric(got[p])]
    wrong = [p for p in common if not _same(got[p], want[p])]
    if not wrong:
        return None
    moved = _moved(got, want, wrong[:1], names)
    if moved:
        return moved
    path = wrong[0]
    label = names.label(path)
    g, e = np.asarray(got[path], dtype=float), np.asarray(want[path], dtype=float)
    if g.shape != e.shape:
        return _shape(label, g, e)
    return (
        _how(label, g, e)
        or _where(label, g, e)
        or _moved(got, want, wrong[1:], names)
        or _range(label, g, e)
        or _units(common, wrong, names)
    )


def _moved(got: dict[Any, Any], want: dict[Any, Any], wrong: list[Any], names: Names) -> str | None:
    """A wrong value that is exactly another right one: entries in the wrong order, a copy-paste slip."""
    by_shape: dict[tuple[int, ...], list[Any]] = {}
    for path, value in want.items():
        if _numeric(value) and np.any(value):
            by_shape.setdefault(np.shape(value), []).append(path)
    for path in wrong[:20]:
        for other in by_shape.get(np.shape(got[path]), [])[:200]:
            if other != path and _same(got[path], want[other]) and not _same(want[path], want[other]):
                return f"`{names.label(path)}` holds the values that belong in `{names.label(other)}`"
    return None


def _units(common: list[Any], wrong: list[Any], names: Names) -> str | None:
    """Which returned values (and named cache entries) are right and which are not."""

    def unit(path: tuple[Any, ...]) -> tuple[Any, ...]:
        inner = names.inner.get(path[0], ()) if isinstance(path[0], int) else ()
        if len(path) > 1 and isinstance(path[1], int) and path[1] < len(inner) and inner[path[1]]:
            return tuple(path[:2])
        return tuple(path[:1])

    units: dict[tuple[Any, ...], bool] = {}
    bad = set(wrong)
    for path in common:
        key = unit(path)
        if len(key) == 2 and names.inner[key[0]][key[1]] in names.top:
            continue  # cache[0] is a_next: said once
        units[key] = units.get(key, True) and path not in bad
    right = [names.label(u) for u, ok in units.items() if ok][:5]
    failed = [names.label(u) for u, ok in units.items() if not ok][:5]
    if not right or not failed:
        return None
    return (
        f"{', '.join(f'`{r}`' for r in right)} {'is' if len(right) == 1 else 'are'} right but "
        f"{', '.join(f'`{b}`' for b in failed)} {'is' if len(failed) == 1 else 'are'} not: "
        f"the mistake is in how {'that is' if len(failed) == 1 else 'those are'} computed"
    )


def _range(label: str, g: np.ndarray, e: np.ndarray) -> str | None:
    """Values outside the range of the right ones: usually the wrong activation function."""
    low, high = float(np.min(g)), float(np.max(g))
    shown = f"`{label}` has values from {low:.3g} to {high:.3g}"
    if np.min(e) >= -1 and np.max(e) <= 1 and (low < -1 - 1e-9 or high > 1 + 1e-9):
        return f"{shown}, but the right values lie in [-1, 1]: check the activation function"
    if np.min(e) >= 0 and np.max(e) <= 1 and low < 0:
        return f"{shown}, but the right values lie in [0, 1]: check the activation function"
    if np.min(e) < 0 and low >= 0:
        bounded = np.min(e) >= -1 and np.max(e) <= 1
        return f"{shown}: none is negative, as some right values are" + (
            ": check the activation function" if bounded else ""
        )
    return None


def _shape(label: str, g: np.ndarray, e: np.ndarray) -> str:
    if g.shape == e.shape[::-1] and g.ndim == 2:
        return (
            f"`{label}` has the transposed shape {g.shape}: a transpose is missing or extra, "
            "or the factors of a product are swapped"
        )
    if e.ndim == 2 and e.shape[1] == 1 and g.ndim == 2 and g.shape[0] == e.shape[0]:
        return f"`{label}` should be summed over the batch (axis 1, keepdims=True) to shape {e.shape}"
    if e.ndim == 2 and e.shape[1] == 1 and g.ndim == 2 and g.shape[0] == 1:
        return f"`{label}` is summed over the wrong axis: sum over axis 1 (the batch) to get shape {e.shape}"
    if g.ndim < e.ndim and g.shape == tuple(d for d in e.shape if d != 1):
        return f"`{label}` lost a dimension of size 1: use keepdims=True"
    return f"`{label}` has shape {g.shape}, not {e.shape}"


def _how(label: str, g: np.ndarray, e: np.ndarray) -> str | None:
    if not np.any(e):
        return None
    if not np.any(g):
        return f"`{label}` is all zeros: it is never filled in (or never accumulated)"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and _same(g, e.T) and not _same(e, e.T):
        return f"`{label}` is the transpose of the right value: check which factor is transposed"
    k = float(np.vdot(g, e) / np.vdot(e, e))
    if abs(k - 1) > 1e-3 and _same(g, k * e):
        if abs(k + 1) < 1e-6:
            return f"`{label}` has the opposite sign: a minus sign is wrong"
        ratio = Fraction(k).limit_denominator(1000)
        if abs(float(ratio) - k) < 1e-6 * abs(k) and ratio.numerator == 1:
            return (
                f"`{label}` is exactly 1/{ratio.denominator} of the right value: did you divide by something "
                "(an average over the batch instead of a sum, or an extra factor)?"
            )
        shown = f"{ratio}" if abs(float(ratio) - k) < 1e-6 * abs(k) else f"{k:.4g}"
        return f"`{label}` is exactly {shown} times the right value: a factor is missing or extra"
    return None


def _where(label: str, g: np.ndarray, e: np.ndarray) -> str | None:
    if g.ndim == 3 and g.shape[-1] > 1:
        return _steps(label, g, e)
    if g.ndim != 2 or g.size < 4:
        return None
    bad = ~np.isclose(g, e, rtol=1e-5, atol=1e-8)
    rows, cols = np.flatnonzero(bad.any(axis=1)), np.flatnonzero(bad.any(axis=0))
    if 0 < len(cols) < g.shape[1] and g.shape[1] > 1:
        return f"only {_span(cols, 'column')} of `{label}` {_are(cols)} wrong (the other columns are right)"
    if 0 < len(rows) < g.shape[0] and g.shape[0] > 1:
        return f"only {_span(rows, 'row')} of `{label}` {_are(rows)} wrong (the other rows are right)"
    return None


def _steps(label: str, g: np.ndarray, e: np.ndarray) -> str:
    steps = g.shape[-1]
    bad = [t for t in range(steps) if not _same(g[..., t], e[..., t])]
    if steps > 2 and all(_same(g[..., t], e[..., t - 1]) for t in range(1, steps)):
        return f"`{label}[..., t]` holds the value of step t - 1: the time index is off by one"
    if steps > 2 and all(_same(g[..., t], e[..., t + 1]) for t in range(steps - 1)):
        return f"`{label}[..., t]` holds the value of step t + 1: the time index is off by one"
    if not np.any(g[..., -1]) and np.any(e[..., -1]):
        return f"`{label}` is zero at the last time step t = {steps - 1}: does the loop stop early?"
    if not np.any(g[..., 0]) and np.any(e[..., 0]):
        return f"`{label}` is zero at the first time step t = 0: does the loop start late?"
    if bad == list(range(1, steps)):
        return (
            f"`{label}` is right at the first time step and wrong from t = 1 on: "
            "check what is carried from one step to the next"
        )
    if bad == list(range(steps - 1)):
        return (
            f"`{label}` is right at the last time step and wrong before it: "
            "check what flows back from each step to the one before"
        )
    if len(bad) < steps:
        return f"`{label}` is wrong only at {_span(np.array(bad), 'time step')}"
    return f"`{label}` is wrong at every time step, from t = 0: the mistake is in the computation of one step"


def _span(indices: np.ndarray, noun: str) -> str:
    items = [int(i) for i in indices]
    if len(items) == 1:
        return f"{noun} {items[0]}"
    if items == list(range(items[0], items[-1] + 1)) and len(items) > 2:
        return f"{noun}s {items[0]}–{items[-1]}"
    return f"{noun}s " + ", ".join(str(i) for i in items)


def _are(indices: np.ndarray) -> str:
    return "is" if len(indices) == 1 else "are"
