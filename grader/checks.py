"""Stage 3 helpers: assertions whose failure messages a student understands.

Each helper raises :class:`CheckFailed` (an ``AssertionError``) with a message that names the value,
says what was expected, and where it differs; they never print the whole expected array. Values come
from the worker through the safe codec, so anything that is not a plain number, array or container
arrives as an :class:`~grader._codec.Opaque` and is reported by its type.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import math
import platform
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from types import ModuleType
from typing import Any

import numpy as np

from ._codec import Opaque


class CheckFailed(AssertionError):
    """A check failed; ``message`` is for the student, ``hint`` says what may be wrong, ``details`` is
    JSON-safe data for reports (see :class:`~grader.result.CheckResult`)."""

    def __init__(
        self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details


_RECORD: ContextVar[dict[str, Any] | None] = ContextVar("grader_check_details", default=None)


@contextlib.contextmanager
def recording_details() -> Iterator[dict[str, Any]]:
    """Collect the details the helpers note while one check runs (passing comparisons too)."""
    details: dict[str, Any] = {}
    token = _RECORD.set(details)
    try:
        yield details
    finally:
        _RECORD.reset(token)


def _note(key: str, entry: dict[str, Any]) -> None:
    record = _RECORD.get()
    if record is not None:
        record.setdefault(key, []).append(entry)


def json_number(x: Any) -> float | str:
    """A float for JSON: six significant digits, and ``"nan"``, ``"inf"`` or ``"-inf"`` when not finite."""
    value = float(x)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float(f"{value:.6g}")


def _window(
    want: np.ndarray, got: np.ndarray, bad: np.ndarray, worst: tuple[int, ...], size: int = 4
) -> dict[str, Any]:
    """A small excerpt of expected and got around the worst entry: the last two axes, at most size x size."""
    origin, flat = list(worst[:-2]), want.ndim == 1
    if flat:
        want, got, bad, worst = want[None, :], got[None, :], bad[None, :], (0, *worst)
    else:
        lead = tuple(worst[:-2])
        want, got, bad = want[lead], got[lead], bad[lead]
        worst = worst[-2:]

    def around(i: int, n: int) -> list[int]:
        start = max(0, min(i - size // 2, n - size))
        return list(range(start, min(n, start + size)))

    rows, cols = around(worst[0], want.shape[0]), around(worst[1], want.shape[1])
    pick = np.ix_(rows, cols)
    return {
        "origin": origin,
        "rows": [] if flat else rows,
        "cols": cols,
        "expected": [[json_number(x) for x in row] for row in want[pick]],
        "got": [[json_number(x) for x in row] for row in got[pick]],
        "wrong": [[bool(x) for x in row] for row in bad[pick]],
    }


def describe(value: Any) -> str:
    """A short description of a value's kind, for messages."""
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {tuple(value.shape)}"
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__}"


def _fmt(x: Any) -> str:
    if isinstance(x, np.generic):
        x = x.item()  # np.False_ and np.float64(2.0) read as False and 2
    if isinstance(x, float):
        return f"{x:.6g}"
    return repr(x)


def _real(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr`` when it holds real numbers (bool, int or float), else a failure saying its dtype."""
    if arr.dtype.kind not in "biuf":
        raise CheckFailed(f"{name} should hold real numbers; it has dtype {arr.dtype}")
    return arr


def expect_values(value: Any, count: int | Sequence[int], what: str, names: str = "") -> tuple[Any, ...]:
    """Check that ``value`` is a tuple (or list) of ``count`` values and return it as a tuple."""
    counts = (count,) if isinstance(count, int) else tuple(count)
    allowed = " or ".join(str(c) for c in counts)
    spelled = f" ({names})" if names else ""
    if not isinstance(value, (tuple, list)):
        raise CheckFailed(
            f"{what} should return {allowed} values{spelled}; it returned {describe(value)}",
            hint="check the return statement"
            if value is not None
            else "the function returns None: is the return statement missing?",
        )
    if len(value) not in counts:
        raise CheckFailed(f"{what} should return {allowed} values{spelled}; it returned {len(value)}")
    return tuple(value)


def as_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as an ndarray, or fail saying what it was instead."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return np.asarray(value)
    raise CheckFailed(f"{name} should be a numpy array; got {describe(value)}")


def assert_shape(value: Any, shape: Sequence[int], name: str) -> np.ndarray:
    """Fail unless ``value`` is an array of exactly ``shape``."""
    arr = as_array(value, name)
    if tuple(arr.shape) != tuple(shape):
        raise CheckFailed(f"{name} has shape {tuple(arr.shape)}; expected {tuple(shape)}")
    return arr


def allclose(
    x: np.ndarray, y: np.ndarray, *, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> bool:
    """``np.allclose(x, y)`` for arrays of one shape, computed directly (several times faster) when
    both hold finite floats, the common case; numpy decides the others (infinities, NaN, integers)."""
    if x.dtype.kind == "f" and y.dtype.kind == "f" and np.isfinite(x).all() and np.isfinite(y).all():
        with np.errstate(all="ignore"):  # an overflow to inf in the difference is simply "not close"
            return bool((np.abs(x - y) <= atol + rtol * np.abs(y)).all())
    return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def assert_close(
    value: Any, expected: Any, name: str, *, rtol: float = 1e-5, atol: float = 1e-8
) -> np.ndarray:
    """Fail unless ``value`` matches ``expected`` (allclose), naming the worst entry."""
    want = np.asarray(expected, dtype=np.float64)
    arr = _real(assert_shape(value, want.shape, name), name)
    got = arr.astype(np.float64)
    if allclose(got, want, rtol=rtol, atol=atol):
        return arr
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=False)
    if not bad.any():
        return arr
    count = int(bad.sum())
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf (those entries are not bad)
        diff = np.where(bad, np.abs(np.nan_to_num(got - want, nan=np.inf)), -1.0)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), want.shape))
    where = f" at index {list(worst)}" if want.ndim else ""
    nans = int(np.isnan(got).sum())
    extra = f"; {nans} of them are NaN" if nans else ""
    details = {
        "name": name,
        "shape": list(want.shape),
        "wrong": count,
        "size": int(want.size),
        "nans": nans,
        "index": list(worst),
        "expected": json_number(want[worst]),
        "got": json_number(got[worst]),
        "window": _window(want, got, bad, worst) if want.ndim else None,
    }
    raise CheckFailed(
        f"{name} has wrong values in {count} of {want.size} entries{extra}. "
        f"The largest difference is{where}: expected {_fmt(want[worst])}, got {_fmt(got[worst])}",
        details={"values": details},
    )


def assert_keys(value: Any, keys: Iterable[str], name: str, *, exact: bool = True) -> dict[Any, Any]:
    """Fail unless ``value`` is a dict with the given keys; suggests the key a misspelling meant."""
    if not isinstance(value, dict):
        raise CheckFailed(f"{name} should be a dict; got {describe(value)}")
    wanted = list(keys)
    missing = [k for k in wanted if k not in value]
    extra = [k for k in value if k not in wanted]
    if missing:
        parts = []
        for key in missing:
            close = difflib.get_close_matches(key, [str(k) for k in extra], n=1, cutoff=0.6)
            parts.append(f"'{key}' (found '{close[0]}': a misspelling?)" if close else f"'{key}'")
        raise CheckFailed(f"{name} is missing the key{'s' if len(missing) > 1 else ''} {', '.join(parts)}")
    if exact and extra:
        raise CheckFailed(f"{name} has unexpected keys {sorted(map(str, extra))}; expected {sorted(wanted)}")
    return value


def pick(value: Any, key: str, what: str) -> Any:
    """``value[key]`` from a dict the student's ``what`` returned, failing clearly when it is absent."""
    return assert_keys(value, [key], f"the dict returned by {what}", exact=False)[key]


def assert_array_dict(value: Any, keys: Iterable[str], what: str, *, hint: str | None = None) -> None:
    """Fail unless ``value`` is a dict with exactly ``keys`` whose values are arrays (not the template's
    None; ``hint`` says what to do then)."""
    keys = list(keys)
    assert_keys(value, keys, f"the dict returned by {what}")
    unfilled = [k for k in keys if value[k] is None]
    if unfilled:
        verb = "is" if len(unfilled) == 1 else "are"
        raise CheckFailed(f"{', '.join(unfilled)} {verb} still None", hint=hint)
    for key in keys:
        as_array(value[key], key)


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """||got - want|| / (||got|| + ||want||), 0 when both are zero."""
    num = _norm(got - want)
    den = _norm(got) + _norm(want)
    return 0.0 if den == 0 else num / den


def _norm(x: np.ndarray) -> float:
    """The 2-norm of ``x``'s entries (``np.linalg.norm``), as a sum of squares: ``norm`` takes a dot
    product, which lets go of Python's lock on every call, however small the array, so each gradient
    check handed the lock to another check's thread and waited to get it back."""
    return math.sqrt(float(np.add.reduce(np.square(np.ravel(x)), dtype=np.float64)))


def assert_gradient(value: Any, numeric: np.ndarray, name: str, *, tol: float = 1e-6) -> float:
    """Fail unless ``value`` matches a finite-difference gradient within relative error ``tol``."""
    arr = _real(assert_shape(value, numeric.shape, name), name)
    entry: dict[str, Any] = {"name": name, "relative_error": "nan", "tolerance": tol, "passed": False}
    if not np.all(np.isfinite(arr)):
        _note("gradients", entry)
        raise CheckFailed(f"{name} contains NaN or infinite values", details={"gradients": [entry]})
    err = relative_error(arr.astype(np.float64), numeric)
    entry.update(relative_error=json_number(err), passed=bool(err <= tol))
    _note("gradients", entry)
    if not err <= tol:  # a NaN error (NaN in the numerical gradient) fails too
        worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(arr - numeric))), numeric.shape))
        entry.update(index=list(worst), expected=json_number(numeric[worst]), got=json_number(arr[worst]))
        raise CheckFailed(
            f"{name} does not match the numerical gradient (relative error {err:.2g}, allowed {tol:.0e}). "
            f"The largest difference is at index {list(worst)}: the gradient there is "
            f"{_fmt(numeric[worst])}, got {_fmt(arr[worst])}",
            details={"gradients": [entry]},
        )
    return err


def _perturbable(x: np.ndarray, name: str) -> None:
    if x.dtype.kind != "f" or x.dtype.itemsize < 8:
        # an int array cannot hold x + step, and float32 is too coarse for the step: wrong gradients
        raise TypeError(f"numerical_gradient needs a float64 array; {name} has dtype {x.dtype}")
    if not x.flags.writeable:  # an expected value from `reference`, or an input from `@remember`, say
        raise TypeError(
            f"numerical_gradient perturbs {name} in place, and {name} is read-only: pass {name}.copy()"
        )


def numerical_gradient(loss: Callable[[], float], x: np.ndarray, *, step: float = 1e-6) -> np.ndarray:
    """Central finite differences of ``loss()`` with respect to the array ``x``, perturbed in place."""
    _perturbable(x, "x")
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(*x.shape):
        grad[index] = _central_difference(loss, x, index, step)
    return grad


def _central_difference(
    loss: Callable[[], float], x: np.ndarray, index: tuple[int, ...], step: float
) -> float:
    old = x[index]
    try:
        x[index] = old + step
        plus = loss()
        x[index] = old - step
        minus = loss()
    finally:
        x[index] = old  # x is as it was, even when the loss raised
    return (plus - minus) / (2 * step)


def numerical_gradients(
    loss: Callable[[], float],
    arrays: Mapping[str, np.ndarray],
    *,
    step: float = 1e-6,
    key: object = None,
    sources: Sequence[ModuleType] = (),
) -> dict[str, np.ndarray]:
    """:func:`numerical_gradient` of ``loss`` for each array of ``arrays`` (name -> gradient), kept in the
    cache on disk when ``key`` is given, so that later runs do not compute it again::

        numerical_gradients(loss, {"dW": W, "db": b}, step=1e-5, key=("rnn_gradients", case),
                            sources=(reference_module, sys.modules[__name__]))

    ``key`` says what ``loss`` computes (its ``repr`` must say all of it: strings, numbers, dataclasses);
    ``sources`` are the modules whose code ``loss`` runs. The values are filed under a digest of the key,
    the files of the sources and of these finite differences, the arrays' values, the step, and the
    versions of numpy and Python, so a changed reference never finds an old value. A value read back is
    checked too: its shapes, and one entry of each array, picked at random, computed again; anything
    that does not match is computed afresh (and stored again).
    """
    for name, x in arrays.items():  # before a stored value is spot-checked, which perturbs them too
        _perturbable(x, name)
    if key is None:
        return {name: numerical_gradient(loss, x, step=step) for name, x in arrays.items()}
    from . import _cache

    found = None
    try:
        where = _cache.folder("gradients")
        path = where / f"{_gradient_digest(key, sources, arrays, step)}.npz" if where else None
    except (OSError, TypeError):  # a source without a file of its own: not cached
        path = None
    if path is not None:
        stored = _cache.load_arrays(path, len(arrays))
        if stored is not None and _spot_check(loss, arrays, stored, step):
            found = dict(zip(arrays, stored, strict=True))
    if found is None:
        found = {name: numerical_gradient(loss, x, step=step) for name, x in arrays.items()}
        if path is not None:
            _cache.save_arrays(path, list(found.values()))
    return found


def _gradient_digest(
    key: object, sources: Sequence[ModuleType], arrays: Mapping[str, np.ndarray], step: float
) -> str:
    from . import _cache

    digest = hashlib.sha256()
    for part in (repr(key), repr(float(step)), np.__version__, sys.version, platform.machine()):
        digest.update(part.encode() + b"\0")
    for module in (*sources, sys.modules[__name__]):
        digest.update(_cache.file_digest(str(module.__file__)))
    for name, x in arrays.items():
        digest.update(f"{name}\0{x.dtype.str}\0{x.shape}\0".encode())
        digest.update(np.ascontiguousarray(x).tobytes())
    return digest.hexdigest()


_SPOTS = random.Random()  # its own generator: the entries checked differ from run to run, and no seeded
# use of the global one sees a difference


def _spot_check(
    loss: Callable[[], float], arrays: Mapping[str, np.ndarray], stored: list[np.ndarray], step: float
) -> bool:
    """Stored gradients fit ``arrays`` and agree with one entry of each computed again."""
    for x, grad in zip(arrays.values(), stored, strict=True):
        if grad.shape != x.shape or grad.dtype != np.float64:
            return False
        if x.size:
            index = tuple(int(i) for i in np.unravel_index(_SPOTS.randrange(x.size), x.shape))
            fresh, kept = _central_difference(loss, x, index, step), float(grad[index])
            both_nan = math.isnan(fresh) and math.isnan(kept)
            if not (both_nan or math.isclose(fresh, kept, rel_tol=1e-9, abs_tol=1e-9)):
                return False
    return True
