"""The cache on disk: reference gradients are what finite differences compute, a changed source or a
damaged or altered file is never used, and a cache that cannot be used costs nothing but time."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import _cache, checks, numerical_gradient, numerical_gradients


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(_cache.ENVIRONMENT, str(tmp_path / "cache"))
    return tmp_path / "cache" / "gradients"


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many arrays went through finite differences (a value found in the cache adds none)."""
    calls: list[int] = []
    original = checks.numerical_gradient

    def counting(loss: Callable[[], float], x: np.ndarray, *, step: float = 1e-6) -> np.ndarray:
        calls.append(x.size)
        return original(loss, x, step=step)

    monkeypatch.setattr(checks, "numerical_gradient", counting)
    return calls


def _module(path: Path, body: str) -> ModuleType:
    path.write_text("import numpy as np\n\n" + body, encoding="utf-8")
    _cache.file_digest.cache_clear()  # a file rewritten in the middle of a run (never in a real one)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _problem(module: ModuleType) -> tuple[Callable[[], float], dict[str, np.ndarray]]:
    x = np.random.default_rng(0).standard_normal((3, 4))
    w = np.random.default_rng(1).standard_normal((4,))
    return (lambda: float(module.f(x, w))), {"dx": x, "dw": w}


def _fresh(loss: Callable[[], float], arrays: dict[str, np.ndarray], step: float = 1e-6) -> dict[str, Any]:
    return {name: numerical_gradient(loss, x, step=step) for name, x in arrays.items()}


def _equal(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _shipped() -> list[tuple[str, Callable[[Any], dict[str, np.ndarray]], Any]]:
    from exercises.char_rnn import _inputs as char
    from exercises.rnn_step_by_step import _inputs as steps
    from exercises.scratch_rnn import _inputs as scratch

    jobs = [
        (steps.rnn_cell_gradients, steps.GRAD_CELL_CASES),
        (steps.rnn_gradients, steps.GRAD_SEQ_CASES),
        (steps.lstm_cell_gradients, steps.GRAD_CELL_CASES),
        (steps.lstm_gradients, steps.GRAD_SEQ_CASES),
        (char.gradients, char.GRAD_CASES),
        (scratch.gradients, scratch.CASES),
    ]
    return [(f"{f.__module__}.{f.__name__}", f.__wrapped__, case) for f, cases in jobs for case in cases]


def test_shipped_reference_gradients_read_back_are_what_finite_differences_compute(
    cache: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _shipped()
    first = [f(case) for _, f, case in jobs]  # computed and stored
    assert computed and len(list(cache.glob("*.npz"))) == len(jobs)
    computed.clear()
    again = [f(case) for _, f, case in jobs]  # read back
    assert computed == []
    monkeypatch.setenv(_cache.ENVIRONMENT, "")  # no cache: what the suites computed before there was one
    plain = [f(case) for _, f, case in jobs]
    assert computed
    for (name, _, case), a, b, c in zip(jobs, first, again, plain, strict=True):
        assert _equal(a, c) and _equal(b, c), f"{name}({case})"


def test_a_changed_reference_never_finds_the_old_value(
    cache: Path, computed: list[int], tmp_path: Path
) -> None:
    source = tmp_path / "ref.py"
    old = _module(source, "def f(x, w):\n    return np.sum(np.tanh(x @ w))\n")
    loss, arrays = _problem(old)
    before = numerical_gradients(loss, arrays, key="f", sources=(old,))
    new = _module(source, "def f(x, w):\n    return np.sum(np.tanh(x @ w) ** 2)\n")  # a changed reference
    loss, arrays = _problem(new)
    computed.clear()
    after = numerical_gradients(loss, arrays, key="f", sources=(new,))
    assert computed, "the old value was reused"
    assert _equal(after, _fresh(loss, arrays)) and not _equal(after, before)
    assert len(list(cache.glob("*.npz"))) == 2


@pytest.mark.parametrize(
    "change",
    ["key", "step", "values"],
)
def test_what_the_value_is_computed_from_is_in_its_key(
    cache: Path, computed: list[int], tmp_path: Path, change: str
) -> None:
    module = _module(tmp_path / "ref.py", "def f(x, w):\n    return np.sum(np.sin(x) @ w)\n")
    loss, arrays = _problem(module)
    numerical_gradients(loss, arrays, key="f", sources=(module,))
    key, step = "f", 1e-6
    if change == "key":
        key = "g"
    elif change == "step":
        step = 1e-5
    else:
        arrays["dw"][0] += 1.0
    computed.clear()
    got = numerical_gradients(loss, arrays, key=key, step=step, sources=(module,))
    assert computed and _equal(got, _fresh(loss, arrays, step))


@pytest.mark.parametrize("damage", ["altered", "garbage", "empty", "other shapes"])
def test_a_damaged_or_altered_value_is_computed_again_and_replaced(
    cache: Path, computed: list[int], tmp_path: Path, damage: str
) -> None:
    module = _module(tmp_path / "ref.py", "def f(x, w):\n    return np.sum(np.exp(x * 0.1) @ w)\n")
    loss, arrays = _problem(module)
    right = numerical_gradients(loss, arrays, key="f", sources=(module,))
    (path,) = cache.glob("*.npz")
    if damage == "altered":  # a well-formed file with the wrong numbers
        np.savez(path, *(g * 1.001 for g in right.values()))
    elif damage == "garbage":
        path.write_bytes(b"PK\x03\x04 not really a zip file")
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        np.savez(path, *(g.ravel() for g in right.values()))
    computed.clear()
    assert _equal(numerical_gradients(loss, arrays, key="f", sources=(module,)), right)
    assert computed, "the damaged value was used"
    computed.clear()
    assert _equal(numerical_gradients(loss, arrays, key="f", sources=(module,)), right)
    assert computed == [], "the value computed again was not stored"


def test_a_cache_that_cannot_be_used_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, computed: list[int]
) -> None:
    module = _module(tmp_path / "ref.py", "def f(x, w):\n    return np.sum(x @ w)\n")
    loss, arrays = _problem(module)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "gradients").mkdir(mode=0o777)
    os.chmod(shared / "gradients", 0o777)  # others may write there: not trusted
    for root in ("", str(blocker), str(shared)):
        monkeypatch.setenv(_cache.ENVIRONMENT, root)
        computed.clear()
        assert _equal(numerical_gradients(loss, arrays, key="f", sources=(module,)), _fresh(loss, arrays))
        assert computed
        computed.clear()
        numerical_gradients(loss, arrays, key="f", sources=(module,))
        assert computed, f"a cache was used with {_cache.ENVIRONMENT}={root!r}"
    assert list((shared / "gradients").iterdir()) == []


def test_without_a_key_nothing_is_stored(cache: Path, tmp_path: Path) -> None:
    module = _module(tmp_path / "ref.py", "def f(x, w):\n    return np.sum(x @ w)\n")
    loss, arrays = _problem(module)
    assert _equal(numerical_gradients(loss, arrays), _fresh(loss, arrays))
    assert not cache.exists() or list(cache.iterdir()) == []


def test_the_default_folder_is_the_users_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(_cache.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert _cache.folder("gradients") == tmp_path / "rnn-grader" / "gradients"
    else:
        assert _cache.folder("gradients") is not None


def test_a_read_only_array_is_refused_with_how_to_fix_it_even_when_a_value_is_stored(
    cache: Path, tmp_path: Path
) -> None:
    """A stored value is spot-checked by perturbing the arrays, as computing one would: a read-only array
    (from ``@remember`` or ``reference``) gets the same clear message either way, never numpy's bare
    "assignment destination is read-only" from the middle of the spot check."""
    module = _module(tmp_path / "ref.py", "def f(x, w):\n    return np.sum(np.cos(x) @ w)\n")
    loss, arrays = _problem(module)
    numerical_gradients(loss, arrays, key="f", sources=(module,))  # stored
    assert list(cache.glob("*.npz"))
    arrays["dw"].flags.writeable = False
    for key in ("f", None):
        with pytest.raises(TypeError, match=r"perturbs dw in place, and dw is read-only: pass dw.copy\(\)"):
            numerical_gradients(loss, arrays, key=key, sources=(module,))
