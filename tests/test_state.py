"""Tests of the digest of what student code can see (grader/_state.py), taken in this process.

Outside the worker's PID namespace the digest is None (a leftover process could not be told apart), so
these tests stand in an empty list of other processes; the worker's own tests (test_worker.py) cover
the digest in a real worker, where copies are kept or replaced by it.
"""

from __future__ import annotations

import builtins
import gc
import inspect
import os
import resource
import signal
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grader"))
import _state

sys.path.pop(0)
np.random.get_state()  # numpy imports its random module on first use, and an import is a change


@pytest.fixture(autouse=True)
def in_a_pid_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_state, "_others", lambda tasks: [])


def make_namespace() -> dict[str, Any]:
    """A notebook's globals after loading: a module, constants, a function with a mutable default and
    a closure, a class, an object."""
    code = (
        "import numpy as np\n"
        "STATE = []\n"
        "P = {'W': np.ones((2, 3)), 'b': np.zeros((2, 1))}\n"
        "def f(x, seen=[]):\n    return x\n"
        "def outer():\n    box = [0]\n    def inner():\n        return box\n    return inner\n"
        "g = outer()\n"
        "class C:\n    count = 0\n"
        "obj = C()\n"
    )
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    exec(compile(code, "<cell 1>", "exec"), namespace)
    return namespace


@pytest.fixture
def namespace() -> dict[str, Any]:
    return make_namespace()


def test_the_digest_is_the_same_while_nothing_changes(namespace: dict[str, Any], tmp_path: Path) -> None:
    first = _state.digest(namespace, str(tmp_path))
    namespace["f"](1)  # calling a function changes nothing
    np.tanh(np.ones(3))
    assert first is not None and _state.digest(namespace, str(tmp_path)) == first


def test_the_order_of_the_globals_is_not_state(namespace: dict[str, Any], tmp_path: Path) -> None:
    first = _state.digest(namespace, str(tmp_path))
    namespace["f"] = namespace.pop("f")  # a stand-in taken away puts the name back at the end
    assert _state.digest(namespace, str(tmp_path)) == first


Undo = Callable[[], None]


def _patch(target: Any, name: str, value: Any) -> Undo:
    old = getattr(target, name)
    setattr(target, name, value)
    return lambda: setattr(target, name, old)


def _thread() -> Undo:
    before = len(os.listdir("/proc/self/task"))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()

    def undo() -> None:
        stop.set()
        thread.join()  # Python's side of the thread is done; the system's may take a moment more
        deadline = time.monotonic() + 5
        while len(os.listdir("/proc/self/task")) > before and time.monotonic() < deadline:
            time.sleep(0.001)

    return undo


def _environ() -> Undo:
    os.environ["GRADER_TEST_CHANGE"] = "1"
    return lambda: os.environ.pop("GRADER_TEST_CHANGE", None)  # type: ignore[func-returns-value]


def _cwd(workdir: Path) -> Undo:
    before = os.getcwd()
    os.chdir(workdir)
    return lambda: os.chdir(before)


def _seterr() -> Undo:
    old = np.seterr(divide="ignore")
    return lambda: np.seterr(**old)  # type: ignore[func-returns-value]


def _seed() -> Undo:
    old = np.random.get_state()
    np.random.seed(1)
    return lambda: np.random.set_state(old)


def _signal_handler() -> Undo:
    old = signal.signal(signal.SIGUSR1, lambda *a: None)
    return lambda: signal.signal(signal.SIGUSR1, old)  # type: ignore[func-returns-value]


def _timer() -> Undo:
    signal.signal(signal.SIGALRM, lambda *a: None)
    signal.setitimer(signal.ITIMER_REAL, 100.0)

    def undo() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    return undo


def _warnings() -> Undo:
    keep = warnings.catch_warnings()
    keep.__enter__()
    warnings.simplefilter("ignore")
    return lambda: keep.__exit__(None, None, None)  # type: ignore[func-returns-value]


def _import() -> Undo:
    sys.modules["grader_test_imported"] = types.ModuleType("grader_test_imported")
    return lambda: sys.modules.pop("grader_test_imported", None)  # type: ignore[func-returns-value]


def _file(workdir: Path) -> Undo:
    (workdir / "notes.txt").write_text("seen")
    return lambda: None


def _nothing_to_undo(change: Callable[[], object]) -> Undo:
    change()
    return lambda: None


# Each change a student's function may make, by accident or on purpose; each must change the digest.
# The first nine change the notebook's globals, the others the process.
CHANGES_OF_THE_GLOBALS = 9
CHANGES: dict[str, Callable[[dict[str, Any], Path], Undo]] = {
    "a global rebound": lambda ns, _: _nothing_to_undo(lambda: ns.__setitem__("STATE", [])),
    "a global added": lambda ns, _: _nothing_to_undo(lambda: ns.__setitem__("new", 1)),
    "a global list appended to": lambda ns, _: _nothing_to_undo(lambda: ns["STATE"].append(1)),
    "an array in a global dict edited": lambda ns, _: _nothing_to_undo(
        lambda: ns["P"]["W"].__setitem__((0, 0), 5.0)
    ),
    "a mutable default argument filled": lambda ns, _: _nothing_to_undo(
        lambda: ns["f"].__defaults__[0].append(1)
    ),
    "an attribute set on a function": lambda ns, _: _nothing_to_undo(lambda: setattr(ns["f"], "calls", 1)),
    "a closure's list edited": lambda ns, _: _nothing_to_undo(lambda: ns["g"]().append(1)),
    "a class attribute set": lambda ns, _: _nothing_to_undo(lambda: setattr(ns["C"], "count", 1)),
    "an object's attribute set": lambda ns, _: _nothing_to_undo(lambda: setattr(ns["obj"], "x", 1)),
    # the process's, from here on
    "numpy monkeypatched": lambda ns, _: _patch(np, "tanh", lambda x: x),
    "numpy.linalg monkeypatched": lambda ns, _: _patch(np.linalg, "norm", lambda x: 0),
    "a builtin replaced": lambda ns, _: _patch(builtins, "isinstance", lambda *a: True),
    "a module imported": lambda ns, _: _import(),
    "the environment changed": lambda ns, _: _environ(),
    "the working directory changed": lambda ns, workdir: _cwd(workdir),
    "sys.path changed": lambda ns, _: _patch(sys, "path", [*sys.path, "/nowhere"]),
    "sys.stdout replaced": lambda ns, _: _stdout(),
    "the recursion limit changed": lambda ns, _: _patch_recursion(),
    "a warnings filter added": lambda ns, _: _warnings(),
    "numpy's error handling changed": lambda ns, _: _seterr(),
    "numpy's global generator seeded": lambda ns, _: _seed(),
    "a signal handler set": lambda ns, _: _signal_handler(),
    "an alarm left running": lambda ns, _: _timer(),
    "a thread left running": lambda ns, _: _thread(),
    "a resource limit lowered": lambda ns, _: _rlimit(),
    "the garbage collector turned off": lambda ns, _: _gc_off(),
    "a file left open": lambda ns, _: _open_file(),
    "the garbage collector's thresholds changed": lambda ns, _: _gc_threshold(),
    "a file written in the working directory": lambda ns, workdir: _file(workdir),
}


# the changes of the process (not of the notebook's globals) that a test can undo completely
UNDONE = [c for c in list(CHANGES)[CHANGES_OF_THE_GLOBALS:] if c != "a file written in the working directory"]


def _rlimit() -> Undo:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft - 1, hard))  # a soft limit can be raised back
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_file() -> Undo:
    handle = open(os.devnull)  # noqa: SIM115
    return handle.close


def _gc_off() -> Undo:
    gc.disable()
    return gc.enable


def _gc_threshold() -> Undo:
    old = gc.get_threshold()
    gc.set_threshold(old[0] + 1, *old[1:])
    return lambda: gc.set_threshold(*old)


def _stdout() -> Undo:
    stream = open(os.devnull, "w")  # noqa: SIM115
    undo = _patch(sys, "stdout", stream)

    def restore() -> None:
        undo()
        stream.close()

    return restore


def _patch_recursion() -> Undo:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(old + 100)
    return lambda: sys.setrecursionlimit(old)


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_student_code_can_make_changes_the_digest(
    change: str, namespace: dict[str, Any], tmp_path: Path
) -> None:
    first = _state.digest(namespace, str(tmp_path))
    undo = CHANGES[change](namespace, tmp_path)
    try:
        assert _state.digest(namespace, str(tmp_path)) != first
    finally:
        undo()
    if change in UNDONE:  # undone, the process digests as before: the digest is of the state alone
        assert _state.digest(namespace, str(tmp_path)) == first


def test_globals_too_large_to_digest_quickly_give_no_digest(tmp_path: Path) -> None:
    namespace = {"big": np.zeros(_state.MAX_BYTES // 8 + 1)}
    assert _state.digest(namespace, str(tmp_path)) is None
    many = {"parts": list(range(_state.MAX_NODES + 1))}
    assert _state.digest(many, str(tmp_path)) is None


def test_outside_a_pid_namespace_there_is_no_digest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_state, "_others", lambda tasks: None)
    assert _state.digest(make_namespace(), str(tmp_path)) is None


def test_a_leftover_process_changes_the_digest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    namespace = make_namespace()
    first = _state.digest(namespace, str(tmp_path))
    monkeypatch.setattr(_state, "_others", lambda tasks: ["7"])
    assert _state.digest(namespace, str(tmp_path)) != first


def test_the_random_module_state_is_digested(namespace: dict[str, Any], tmp_path: Path) -> None:
    import random

    first = _state.digest(namespace, str(tmp_path))
    random.random()
    assert _state.digest(namespace, str(tmp_path)) != first


class _Hostile:
    """An object whose attributes cannot be looked at: its ``__dict__`` raises."""

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        raise RuntimeError("no looking")


def test_what_cannot_be_digested_gives_no_digest_instead_of_an_error(tmp_path: Path) -> None:
    """A copy digests itself as it is made, outside any error handling of a request: a student's object
    that raises when looked at, or folders nested deeper than Python recurses, must not end the copy."""
    assert _state.digest({"obj": _Hostile()}, str(tmp_path)) is None
    deep = tmp_path
    for _ in range(300):
        deep = deep / "d"
        deep.mkdir()
    namespace = make_namespace()
    assert _state.digest(namespace, str(tmp_path)) is not None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # fewer levels than the folders have
    try:
        assert _state.digest(namespace, str(tmp_path)) is None
    finally:
        sys.setrecursionlimit(limit)
