"""Tests of the isolated worker (grader/worker.py and grader/_child.py) with real worker processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from grader import _cache
from grader.errors import (
    BadReturn,
    MissingFunction,
    StudentCrashed,
    StudentFailure,
    StudentRaised,
    StudentTimeout,
    WorkerError,
)
from grader.notebook import Statement
from grader.worker import _LEN, Limits, LoadIssue, MethodRef, ObjectRef, ProcessWorker, hidden_folders

LIMITS = Limits(call_seconds=1, statement_seconds=1)

# (cell, line, code): what stage 1 would hand on for a small notebook.
CODE = [
    (1, 1, "import os, subprocess, sys\nimport numpy as np"),
    (2, 1, "def add(a, b):\n    return a + b"),
    (2, 4, "def fails(x):\n    y = x + 1\n    raise ValueError(f'bad {y}')"),
    (3, 2, "def outer():\n    return fails(1)"),
    (4, 1, "def helper(x):\n    return 'student'\n\ndef uses_helper(x):\n    return helper(x)"),
    (5, 1, "def loop():\n    while True:\n        pass"),
    (5, 4, "def leave(how):\n    if how == 'exit':\n        sys.exit(3)\n    os._exit(3)"),
    (5, 8, "def segfault():\n    import ctypes\n    return ctypes.string_at(0)"),
    (6, 1, "def shout(n):\n    print('x' * n)\n    return n"),
    (6, 4, "def double_in_place(a):\n    a *= 2\n    return a"),
    (6, 7, "def environ():\n    return dict(os.environ)"),
    (6, 9, "def where():\n    return os.getpid(), os.getcwd()"),
    (
        6,
        11,
        "def spawn(marker):\n"
        "    return subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)', marker]).pid",
    ),
    (7, 1, "def importer(name):\n    __import__(name)"),
    (7, 3, "def cyclic():\n    a = []\n    a.append(a)\n    return a"),
    (7, 7, "def helper_of_cycle():\n    a = []\n    a.append(a)\n    return helper(a)"),
]


def statements(code: list[tuple[int, int, str]]) -> list[Statement]:
    return [Statement(cell, line, text) for cell, line, text in code]


@pytest.fixture(scope="module")
def worker() -> Iterator[ProcessWorker]:
    with ProcessWorker(statements(CODE), helpers="", limits=LIMITS) as w:
        assert w.load() == []
        yield w


@pytest.fixture
def make() -> Iterator[Callable[[list[tuple[int, int, str]]], ProcessWorker]]:
    """Workers started by one test, all closed after it."""
    started: list[ProcessWorker] = []

    def start(code: list[tuple[int, int, str]], *, namespaces: bool = True) -> ProcessWorker:
        started.append(ProcessWorker(statements(code), helpers="", limits=LIMITS, namespaces=namespaces))
        return started[-1]

    yield start
    for w in started:
        w.close()


def running(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie waiting for its parent to reap it is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def processes_with(marker: str) -> list[int]:
    """Live processes anywhere on the machine whose command line contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read() and running(int(entry)):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def wait_until_gone(marker: str, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not processes_with(marker)


def wait_until_stopped(pid: int, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not running(pid)


def test_calls_return_values(worker: ProcessWorker) -> None:
    assert worker.call("add", [2, 3]).value == 5
    result = worker.call("add", [np.ones(3)], {"b": np.arange(3.0)})
    np.testing.assert_array_equal(result.value, [1.0, 2.0, 3.0])
    assert result.output == ""
    assert {"add", "fails", "helper", "loop"} <= set(worker.defined())


@pytest.mark.parametrize("name, args, depth", [("fails", [1], 1), ("outer", [], 2)])
def test_student_exception_comes_back_with_its_location(
    worker: ProcessWorker, name: str, args: list[int], depth: int
) -> None:
    with pytest.raises(StudentRaised) as info:
        worker.call(name, args)
    assert (info.value.exc_type, info.value.exc_message) == ("ValueError", "bad 2")
    assert info.value.location == "cell 2, line 6"
    assert str(info.value) == "ValueError: bad 2 (cell 2, line 6)"
    assert [tuple(f) for f in info.value.frames] == [("<cell 3>", 3, "outer"), ("<cell 2>", 6, "fails")][
        -depth:
    ]


def test_missing_function(worker: ProcessWorker) -> None:
    with pytest.raises(MissingFunction, match=r"does not define nope\(\)"):
        worker.call("nope", [])


def test_sys_exit_is_just_an_exception(worker: ProcessWorker) -> None:
    with pytest.raises(StudentRaised) as info:
        worker.call("leave", ["exit"])
    assert (info.value.exc_type, info.value.exc_message) == ("SystemExit", "3")
    assert worker.call("add", [1, 1]).value == 2


@pytest.mark.parametrize("name", ["grader", "grader.checks", "reference", "exercises.rnn_step_by_step"])
def test_grader_packages_cannot_be_imported(worker: ProcessWorker, name: str) -> None:
    with pytest.raises(StudentRaised, match="not allowed") as info:
        worker.call("importer", [name])
    assert info.value.exc_type == "ImportError"
    assert worker.call("importer", ["json"]).value is None  # other imports work


def test_standin_replaces_helper_for_one_call_only(worker: ProcessWorker) -> None:
    asked: list[str] = []

    def resolve(name: str) -> Callable[[int], str]:
        asked.append(name)
        return lambda x: f"reference {name}({x})"

    result = worker.call("uses_helper", [7], standins=("helper",), resolve=resolve)
    assert result.value == "reference helper(7)" and asked == ["helper"]
    assert worker.call("uses_helper", [7]).value == "student"
    assert worker.call("helper", [7]).value == "student"


def test_a_standin_request_seen_before_gets_the_kept_reply_from_the_same_function_only(
    worker: ProcessWorker,
) -> None:
    tag, calls = uuid.uuid4().hex, []  # requests of other tests never match this one

    def helper(x: str) -> str:
        calls.append(x)
        return f"reference helper({x})"

    def other(x: str) -> str:
        return "another reference"

    for _ in range(2):
        result = worker.call("uses_helper", [tag], standins=("helper",), resolve=lambda name: helper)
        assert result.value == f"reference helper({tag})"
    assert calls == [tag]  # the second request was answered with the reply kept from the first
    again = worker.call("uses_helper", [tag], standins=("helper",), resolve=lambda name: other)
    assert again.value == "another reference"


def test_standin_given_an_unencodable_value_keeps_the_channel_in_step(worker: ProcessWorker) -> None:
    with pytest.raises(StudentRaised, match="cannot take") as info:
        worker.call("helper_of_cycle", [], standins=("helper",), resolve=lambda name: lambda x: 0)
    assert info.value.exc_type == "TypeError"
    assert worker.call("add", [1, 2]).value == 3  # the next answer is the answer to the next call


def test_unreturnable_value_is_bad_return(worker: ProcessWorker) -> None:
    with pytest.raises(BadReturn, match="contains itself"):
        worker.call("cyclic", [])
    assert worker.call("add", [1, 2]).value == 3


def test_output_is_captured_per_call_and_truncated(worker: ProcessWorker) -> None:
    assert worker.call("shout", [3]).output == "xxx\n"
    big = worker.call("shout", [10**6])
    assert big.value == 10**6
    assert len(big.output) < 25_000 and "more characters of output not kept" in big.output
    assert worker.call("add", [1, 2]).output == ""


def test_student_editing_its_input_does_not_change_the_callers_array(worker: ProcessWorker) -> None:
    arr = np.ones(3)
    np.testing.assert_array_equal(worker.call("double_in_place", [arr]).value, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(arr, [1.0, 1.0, 1.0])


def test_timeout_then_next_call_works(worker: ProcessWorker) -> None:
    worker.call("add", [1, 1])
    pid = worker.pid
    with pytest.raises(StudentTimeout, match=r"loop\(\) did not finish within 1 s"):
        worker.call("loop", [])
    assert wait_until_stopped(pid)
    worker.call("add", [1, 1])
    assert worker.pid != pid
    assert worker.call("add", [2, 2]).value == 4  # the statements were replayed into the new worker


def test_interrupt_stops_a_running_call_and_no_later_call_starts_a_worker(
    make: Callable[..., ProcessWorker],
) -> None:
    worker = make(CODE)
    worker.call("add", [1, 1])
    pid = worker.pid
    failures: list[BaseException] = []

    def endless() -> None:
        try:
            worker.call("loop", [])  # would end as a timeout after 1 s
        except StudentFailure as exc:
            failures.append(exc)

    thread = threading.Thread(target=endless)
    thread.start()
    time.sleep(0.2)
    worker.interrupt()  # from another thread, as on Ctrl-C
    thread.join()
    assert [type(f) for f in failures] == [StudentCrashed]
    assert wait_until_stopped(pid)
    with pytest.raises(StudentCrashed, match="interrupted"):
        worker.call("add", [2, 2])
    assert worker.pid == 0


@pytest.mark.parametrize(
    "name, args, reason", [("leave", ["os"], "exited with status 3"), ("segfault", [], "SIGSEGV")]
)
def test_crash_then_next_call_works(worker: ProcessWorker, name: str, args: list[str], reason: str) -> None:
    with pytest.raises(StudentCrashed, match=reason):
        worker.call(name, args)
    assert worker.call("add", [2, 2]).value == 4


def test_loading_runs_in_one_request_and_a_statement_that_ends_the_worker_costs_only_itself(
    make: Callable[..., ProcessWorker],
) -> None:
    code = [(1, 1, "import os"), (2, 1, "x = 1 / 0"), (3, 1, "def f():\n    return 7")]
    w = make(code)
    requests: list[str] = []
    send = w._send
    w._send = lambda message, deadline: (requests.append(message.get("op")), send(message, deadline))[1]  # type: ignore[method-assign]
    assert [(i.cell, i.message) for i in w.load()] == [(2, "ZeroDivisionError: division by zero")]
    assert requests == ["load"]
    assert w.call("f", []).value == 7
    ended = make([*code[:2], (2, 3, "os._exit(4)"), code[2]])  # the one-request load cannot finish
    issues = ended.load()
    assert [(i.cell, i.line) for i in issues] == [(2, 1), (2, 3)]
    assert "exited with status 4" in issues[1].message
    assert ended.call("f", []).value == 7


def test_endless_statement_at_load_time_is_a_load_issue(make: Callable[..., ProcessWorker]) -> None:
    w = make(
        [(1, 1, "BEFORE = 1"), (2, 3, "while True:\n    pass"), (3, 1, "def both():\n    return BEFORE + 1")]
    )
    [issue] = w.load()
    assert isinstance(issue, LoadIssue) and (issue.cell, issue.line) == (2, 3)
    assert "did not finish within 1 s" in issue.message
    assert w.call("both", []).value == 2  # defined before and after the endless statement


def test_failing_statement_at_load_time_keeps_the_others(make: Callable[..., ProcessWorker]) -> None:
    w = make([(1, 1, "import grader"), (1, 2, "X = 1 / 0"), (2, 1, "def f():\n    return 5")])
    issues = w.load()
    assert [(i.cell, i.line) for i in issues] == [(1, 1), (1, 2)]
    assert "not allowed" in issues[0].message and "ZeroDivisionError" in issues[1].message
    assert w.call("f", []).value == 5


def test_parent_environment_is_not_inherited(
    make: Callable[..., ProcessWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_TEST_SECRET", "hunter2")
    env = make(CODE).call("environ", []).value
    assert "GRADER_TEST_SECRET" not in env and "hunter2" not in env.values()
    assert env["HOME"] != os.environ.get("HOME")


def test_close_ends_the_process_and_removes_its_directory(make: Callable[..., ProcessWorker]) -> None:
    w = make(CODE)
    _, cwd = w.call("where", []).value
    pid = w.pid
    assert running(pid) and os.path.isdir(cwd)
    w.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(cwd)


def test_close_stops_processes_the_student_started(make: Callable[..., ProcessWorker]) -> None:
    w = make(CODE)
    marker = f"grader-test-{uuid.uuid4()}"
    w.call("spawn", [marker])
    assert wait_until(lambda: bool(processes_with(marker)))  # its command line shows once exec is done
    w.close()
    assert wait_until_gone(marker, seconds=10.0)  # a loaded machine can be slow to reap


SCOPED = [
    (1, 1, "import numpy as np\nimport builtins, os\nSTATE = []"),
    (
        2,
        1,
        "def sabotage():\n"
        "    np.tanh = lambda x: 0\n"
        "    STATE.append(1)\n"
        "    return len(STATE)\n"
        "\n"
        "def wreck():\n"
        "    builtins.isinstance = lambda *a: True",
    ),
    (3, 1, "def honest(x):\n    return np.tanh(x), len(STATE), isinstance(x, str)"),
    (4, 1, "def vanish():\n    os._exit(0)"),
]


@pytest.mark.parametrize("namespaces", [True, False])
def test_each_scope_sees_the_notebook_as_loaded(make: Callable[..., ProcessWorker], namespaces: bool) -> None:
    """In a PID namespace the loaded worker serves the scopes itself, a fresh one taking over after a
    scope that changed it; elsewhere each scope gets a copy of it. Either way nothing leaks."""
    w = make(SCOPED, namespaces=namespaces)
    assert w.call("sabotage", [], scope="one").value == 1
    assert w.call("sabotage", [], scope="one").value == 2  # the same process within a scope
    with pytest.raises(StudentCrashed):  # it cannot even send its answer any more
        w.call("wreck", [], scope="one")
    value, state, claims_str = w.call("honest", [0.5], scope="two").value
    assert value == pytest.approx(np.tanh(0.5)) and state == 0 and claims_str is False
    assert w.call("sabotage", [], scope="one").value == 1  # as loaded when the scope comes back
    assert w.call("sabotage", [], scope="three").value == 1


@pytest.mark.parametrize("namespaces", [True, False])
def test_a_scope_whose_worker_exits_has_a_crash_and_the_next_scope_is_unharmed(
    make: Callable[..., ProcessWorker], namespaces: bool
) -> None:
    w = make(SCOPED, namespaces=namespaces)
    pid = w.call("sabotage", [], scope="one") and w.pid
    with pytest.raises(StudentCrashed, match="exited with status 0"):
        w.call("vanish", [], scope="one")
    assert (w.pid == pid) is not namespaces  # a copy ended, and the loaded worker was not restarted
    assert w.call("honest", [0.0], scope="two").value[1] == 0
    assert w.call("sabotage", [], scope="one").value == 1


def test_without_a_pid_namespace_the_last_scope_is_served_by_the_loaded_worker_then_a_fresh_one(
    make: Callable[..., ProcessWorker],
) -> None:
    w = make([*SCOPED, (5, 1, "def me():\n    return os.getpid()")], namespaces=False)
    w.last_scope = "last"
    loaded = w.call("me", []).value  # no scope: the loaded worker itself answers
    assert w.call("me", [], scope="one").value != loaded  # a copy
    assert w.call("sabotage", [], scope="one").value == 1
    pid = w.pid
    assert w.call("me", [], scope="last").value == loaded  # no copy made for the last scope
    assert w.call("sabotage", [], scope="last").value == 1  # ... and it was as loaded
    assert w.call("sabotage", [], scope="last").value == 2
    assert w.pid == pid
    value, state, _ = w.call("honest", [0.5], scope="two").value  # after it: a fresh worker
    assert w.pid != pid and state == 0 and value == pytest.approx(np.tanh(0.5))
    with pytest.raises(StudentCrashed):  # the loaded worker serving the last scope ends
        w.call("vanish", [], scope="last")
    assert w.call("sabotage", [], scope="last").value == 1  # a fresh one, as loaded


QUIET = [
    (1, 1, "import os, threading\nSTATE = []"),
    (2, 1, "def me():\n    return os.getpid()"),
    (3, 1, "def keep(x):\n    STATE.append(x)\n    return len(STATE)"),
    (4, 1, "def helper(x):\n    return x\n\ndef uses_helper(x):\n    return helper(x)"),
    (5, 1, "def die_later():\n    threading.Timer(0.3, os._exit, (0,)).start()\n    return 1"),
    (6, 1, "def echo(x):\n    return x"),
    (
        7,
        1,
        "import subprocess, sys\n\n"
        "def start(detached):\n"
        "    if not detached:\n"
        "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "    elif os.fork() == 0:\n"
        "        os.setsid()\n"
        "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "        os._exit(0)\n"
        "    return 1",
    ),
]


def test_a_worker_whose_calls_changed_nothing_serves_the_next_scope(
    make: Callable[..., ProcessWorker],
) -> None:
    w = make(QUIET)
    assert w.call("me", [], scope="one").value == 1  # the loaded worker itself (PID 1 of its namespace)
    pid = w.pid
    assert w.call("keep", [1], scope="two").value == 1
    assert w.pid == pid  # kept: the calls of scope one changed nothing
    assert w.call("keep", [1], scope="three").value == 1  # a global list changed: a fresh one, as loaded
    assert w.pid != pid


def test_whether_the_worker_is_kept_is_asked_with_the_next_scopes_first_call(
    make: Callable[..., ProcessWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = make(QUIET)
    w.load()
    sent: list[dict[str, object]] = []
    request = w._request_now

    def recording(message: dict[str, object], *args: object, **kwargs: object) -> object:
        sent.append(message)
        return request(message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(w, "_request_now", recording)
    pid = w.pid
    w.call("me", [], scope="one")
    w.call("me", [], scope="two")
    assert w.call("keep", [1], scope="two").value == 1
    assert w.pid == pid
    assert w.call("keep", [1], scope="three").value == 1  # refused: a fresh worker made the call
    assert w.pid != pid
    ops = [(m.get("op"), m.get("name"), bool(m.get("if_clean")), bool(m.get("as_loaded"))) for m in sent]
    assert ops == [
        ("call", "me", False, True),  # the digest as loaded is taken first: no fork, no copy
        ("call", "me", True, False),  # no round trip of its own to ask
        ("call", "keep", False, False),
        ("call", "keep", True, False),
        ("load", None, False, False),  # the fresh worker, in one request
        ("call", "keep", False, True),
    ]


def test_a_worker_that_ends_before_the_next_scopes_first_call_leaves_it_to_a_fresh_one(
    make: Callable[..., ProcessWorker],
) -> None:
    w = make(QUIET)
    assert w.call("die_later", [], scope="one").value == 1
    pid = w.pid
    time.sleep(1.0)  # it ends on its own, after the call
    assert w.call("echo", [2], scope="two").value == 2  # not taken for a crash of this call
    assert w.pid != pid
    assert w.call("echo", [3], scope="two").value == 3  # in step


def test_a_worker_whose_scope_constructed_objects_is_asked_on_its_own_whether_it_is_kept(
    make: Callable[..., ProcessWorker],
) -> None:
    """Forgetting an object runs its ``__del__``: when that ends the worker, it is not the next call's
    crash."""
    w = make([*QUIET, (8, 1, "class Doomed:\n    def __del__(self):\n        os._exit(3)")])
    w.call("Doomed", [], scope="one")
    assert w.call("echo", [1], scope="two").value == 1


@pytest.mark.parametrize("namespaces", [True, False])
def test_a_file_written_for_one_scope_is_there_for_the_next_only_where_copies_share_the_folder(
    make: Callable[..., ProcessWorker], namespaces: bool
) -> None:
    w = make(
        [
            (1, 1, "import os"),
            (2, 1, "def write():\n    with open('kept.txt', 'w') as f:\n        f.write('x')\n    return 1"),
            (3, 1, "def there():\n    return os.path.exists('kept.txt')"),
        ],
        namespaces=namespaces,
    )
    assert w.call("write", [], scope="one").value == 1
    assert w.call("there", [], scope="one").value is True
    assert w.call("there", [], scope="two").value is not namespaces  # a fresh worker, a folder of its own


@pytest.mark.parametrize("detached", [False, True])
def test_a_worker_that_left_a_process_running_is_not_kept(
    make: Callable[..., ProcessWorker], detached: bool
) -> None:
    w = make(QUIET)
    assert w.call("start", [detached], scope="one").value == 1
    pid = w.pid
    time.sleep(0.2)  # (a detached one comes back to the loaded worker once its parent ended)
    assert w.call("me", [], scope="two").value == 1
    assert w.pid != pid


def test_a_worker_is_not_kept_for_a_scope_whose_reference_stood_in_for_its_calls(
    make: Callable[..., ProcessWorker],
) -> None:
    w = make(QUIET)
    assert w.call("uses_helper", [1], scope="one", standins=["helper"], resolve=lambda name: echo).value == 1
    pid = w.pid
    assert w.call("me", [], scope="other").value == 1
    assert w.pid == pid
    assert w.call("me", [], scope="helper").value == 1
    assert w.pid != pid  # it was given the reference helper's results


def echo(x: object) -> object:
    return x


ACCOUNT = """
import os, resource, sys, time
from grader import _forkserver
from grader.notebook import Statement
from grader.worker import Limits, ProcessWorker

code = "import time\\n\\ndef burn():\\n    end = time.process_time() + 0.4\\n" \\
    "    while time.process_time() < end:\\n        pass\\n    return 1"
with ProcessWorker([Statement(1, 1, code)], limits=Limits(call_seconds=5)) as w:
    assert w.call("burn", [], scope="one").value == 1
    supervisor = int(open(f"/proc/{w.pid}/stat").read().rsplit(")", 1)[1].split()[1])
deadline = time.monotonic() + 10
while os.path.exists(f"/proc/{supervisor}") and time.monotonic() < deadline:  # reaped by the warm parent
    time.sleep(0.01)
_forkserver.shutdown()  # the warm parent ends: what it reaped joins this process's account
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(used.ru_utime + used.ru_stime)
"""


def test_a_copy_alive_when_its_worker_closes_is_waited_for_so_its_time_is_counted() -> None:
    """A copy that ended with its PID namespace would be reaped unseen by the kernel: its CPU time would
    be missing from the account of the process that graded (which the benchmark reports)."""
    done = subprocess.run([sys.executable, "-c", ACCOUNT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) >= 0.35


HELPED = [
    (1, 1, "import os\nfrom util import VALUE"),
    (
        2,
        1,
        "def change_helper():\n"
        "    try:\n"
        "        with open(os.path.join('.helpers', 'util.py'), 'w') as f:\n"
        "            f.write('VALUE = 0')\n"
        "    except OSError as exc:\n"
        "        return type(exc).__name__\n"
        "    return 'written'\n"
        "\n"
        "def value():\n"
        "    return VALUE",
    ),
]


@pytest.mark.parametrize(("namespaces", "mode"), [(True, 0o755), (True, 0o700), (False, 0o755)])
def test_the_helpers_are_importable_and_their_folder_cannot_be_changed(
    tmp_path: Path, namespaces: bool, mode: int
) -> None:
    """With a mount namespace the helpers' folder is mounted read-only; without one, or when other users
    cannot read it, the worker gets a copy. Either way the assignment's own files stay as they are."""
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "util.py").write_text("VALUE = 41\n")
    helpers.chmod(mode)
    with ProcessWorker(statements(HELPED), helpers=str(helpers), limits=LIMITS, namespaces=namespaces) as w:
        assert w.load() == []
        assert w.call("value", []).value == 41
        changed = w.call("change_helper", [], scope="one").value
        assert changed == ("OSError" if namespaces and mode == 0o755 else "written")
    assert (helpers / "util.py").read_text() == "VALUE = 41\n"


def test_helpers_that_cannot_be_copied_are_named_when_the_worker_cannot_start(tmp_path: Path) -> None:
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "util.py").write_text("VALUE = 41\n")
    (helpers / "broken.py").symlink_to(tmp_path / "nowhere.py")
    with (
        ProcessWorker(statements(HELPED), helpers=str(helpers), limits=LIMITS) as w,
        pytest.raises(WorkerError, match=r"isolating it failed: .*broken\.py"),
    ):
        w.load()


def test_without_a_pid_namespace_every_scope_gets_a_fresh_copy() -> None:
    with ProcessWorker(statements(QUIET), limits=LIMITS, namespaces=False) as w:
        pid = w.call("me", [], scope="one").value
        assert w.call("me", [], scope="two").value != pid  # a leftover process could not be told apart


@pytest.mark.parametrize("namespaces", [True, False])
def test_a_worker_or_copy_that_ends_between_calls_leaves_the_channel_in_step(
    make: Callable[..., ProcessWorker], namespaces: bool
) -> None:
    w = make(QUIET, namespaces=namespaces)
    assert w.call("die_later", [], scope="one").value == 1
    time.sleep(1.0)  # the copy ends on its own; the loaded worker reads the next request meant for it
    with pytest.raises(StudentCrashed):
        w.call("echo", [1], scope="one")
    assert w.call("echo", [2], scope="one").value == 2  # not the answer to the request before
    assert w.call("echo", [3], scope="two").value == 3


def test_without_namespaces_the_fallbacks_still_clean_up_and_say_what_is_missing() -> None:
    marker = f"grader-test-{uuid.uuid4()}"
    code = [
        (1, 1, "import os, subprocess, sys"),
        (
            2,
            1,
            "def daemon(marker):\n"
            "    if os.fork() == 0:\n"
            "        os.setsid()\n"
            "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)', marker])\n"
            "        os._exit(0)\n"
            "    return os.getpid() != 1",
        ),
    ]
    with ProcessWorker(statements(code), limits=LIMITS, namespaces=False) as w:
        assert w.call("daemon", [marker]).value is True  # no PID namespace: not PID 1
        assert wait_until_present(marker)
        assert w.confinement["network"]["active"] is False
        assert w.confinement["landlock"]["active"] is True
    assert wait_until_gone(marker)


def wait_until_present(marker: str, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while not processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(processes_with(marker))


def test_loading_has_a_time_budget_of_its_own() -> None:
    endless = "while True:\n    pass"
    code = [(1, 1, endless), (2, 1, endless), (3, 1, endless), (4, 1, "def f():\n    return 1")]
    limits = Limits(call_seconds=1, statement_seconds=1, load_seconds=1.5)
    with ProcessWorker(statements(code), limits=limits) as w:
        issues = w.load()
        assert [i.cell for i in issues] == [1, 2, 3, 4]
        assert "did not finish within 1 s" in issues[0].message
        assert all(
            i.message.startswith("not run: loading the notebook took more than 1.5 s") for i in issues[2:]
        )


def test_returned_values_are_bounded_in_size() -> None:
    code = [(1, 1, "import numpy as np"), (2, 1, "def big(n):\n    return np.zeros(n)")]
    with ProcessWorker(statements(code), limits=Limits(return_mb=1)) as w:
        assert w.call("big", [1000]).value.shape == (1000,)
        with pytest.raises(BadReturn, match="cannot be checked"):
            w.call("big", [2**18])  # 2 MB
        assert w.call("big", [10]).value.shape == (10,)


CLASSES = [
    (1, 1, "import numpy as np"),
    (
        2,
        1,
        "class Layer:\n"
        "    def __init__(self, n, scale=1.0):\n"
        "        self.W = np.ones((n, n)) * scale\n"
        "        self.calls = 0\n"
        "    def forward(self, x):\n"
        "        self.calls += 1\n"
        "        return self.W @ x\n"
        "    def child(self):\n"
        "        return Layer(1)\n"
        "\n"
        "class Broken:\n"
        "    def __init__(self):\n"
        "        raise ValueError('no')",
    ),
]


def test_objects_are_built_used_and_read_through_the_worker(make: Callable[..., ProcessWorker]) -> None:
    w = make(CLASSES)
    ref = w.call("Layer", [2], {"scale": 2.0}, scope="a").value
    assert isinstance(ref, ObjectRef) and ref.type_name == "Layer"
    np.testing.assert_array_equal(w.get_attribute(ref, "W", scope="a").value, np.full((2, 2), 2.0))
    w.set_attribute(ref, "W", np.eye(2), scope="a")
    np.testing.assert_array_equal(
        w.call("forward", [np.array([3.0, 4.0])], scope="a", target=ref).value, [3, 4]
    )
    assert w.get_attribute(ref, "calls", scope="a").value == 1  # state kept between calls
    assert w.get_attribute(ref, "forward", scope="a").value == MethodRef("forward")
    assert w.call("child", [], scope="a", target=ref).value.type_name == "Layer"  # not a constructor call
    with pytest.raises(StudentRaised, match="AttributeError"):
        w.get_attribute(ref, "missing", scope="a")
    with pytest.raises(StudentRaised, match="ValueError: no"):
        w.call("Broken", [], scope="a")
    w.call("Layer", [1], scope="b")
    with pytest.raises(StudentCrashed, match="the Layer object no longer exists"):
        w.get_attribute(ref, "W", scope="b")  # it lived in the copy of scope "a"


def test_a_statement_that_fails_when_replayed_is_reported_and_the_others_survive() -> None:
    code = [(1, 1, "def a():\n    return 1"), (2, 1, "def b():\n    return 2")]
    with ProcessWorker(statements(code), limits=LIMITS) as w:
        assert w.load() == []
        w._good.insert(1, Statement(9, 1, "1 / 0"))  # as if it had loaded once and now fails
        w._kill()  # the next call starts a fresh worker and replays
        assert (w.call("a", []).value, w.call("b", []).value) == (1, 2)
        [issue] = w.issues
        assert (issue.cell, issue.message) == (
            9,
            "failed when run again: ZeroDivisionError: division by zero",
        )


def test_the_cache_on_disk_is_out_of_the_workers_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    stored = tmp_path / "cache" / "gradients" / "values.npz"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"reference values")
    code = [
        (1, 1, "import os"),
        (
            2,
            1,
            "def peek(path):\n"
            "    try:\n"
            "        return open(path, 'rb').read()\n"
            "    except OSError as exc:\n"
            "        return type(exc).__name__\n"
            "\n"
            "def spoil(path):\n"
            "    try:\n"
            "        open(path, 'wb').write(b'altered')\n"
            "        return 'written'\n"
            "    except OSError as exc:\n"
            "        return type(exc).__name__",
        ),
    ]
    hidden_folders.cache_clear()  # worked out once per process: again for this cache folder
    try:
        assert str(tmp_path / "cache") in hidden_folders()  # mounted empty, and denied by Landlock
        with ProcessWorker(statements(code), limits=LIMITS) as w:
            assert w.load() == []
            assert w.call("peek", [str(stored)]).value != b"reference values"
            assert w.call("spoil", [str(stored)]).value != "written"
    finally:
        hidden_folders.cache_clear()
    assert stored.read_bytes() == b"reference values"


def test_workers_answer_at_once_only_as_many_as_the_share_of_cores_allows(
    make: Callable[..., ProcessWorker],
) -> None:
    from grader import worker as module

    code = [
        (
            1,
            1,
            "import time\n\ndef hold():\n"
            "    start = time.time()\n    time.sleep(0.3)\n    return start, time.time()",
        )
    ]
    workers = [make(code) for _ in range(4)]
    for w in workers:
        w.load()
    spans: list[tuple[float, float]] = []
    module.share_cores(10 * (os.cpu_count() or 1))  # a small share: two requests at once
    try:
        threads = [
            threading.Thread(target=lambda w=w: spans.append(w.call("hold", []).value)) for w in workers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        module.share_cores(1)
    assert len(spans) == 4
    at_once = max(sum(start <= t < end for start, end in spans) for t, _ in spans)
    assert at_once == 2


def test_a_cache_folder_holding_the_running_python_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", os.path.dirname(os.path.realpath(sys.prefix)))
    if _cache.folder("") is None:
        pytest.skip("the folder holding Python is not this user's own here, so it is no cache folder")
    hidden_folders.cache_clear()
    try:
        assert os.path.dirname(os.path.realpath(sys.prefix)) not in hidden_folders()
    finally:
        hidden_folders.cache_clear()


@pytest.mark.parametrize(
    "forged",
    [
        "{'exc': 5}",
        "{'exc': {'type': 'E', 'message': 'm', 'frames': 7}}",
        "{'exc': {'type': 'E', 'message': 'm', 'frames': [['<cell 1>', 'x', 'f'], 3]}}",
    ],
)
def test_a_forged_exception_from_the_worker_is_an_error_of_the_call_not_of_the_grader(
    make: Callable[..., ProcessWorker], forged: str
) -> None:
    # student code writes its own answer on the worker's channel, then the real one follows unread
    code = [
        (1, 1, "import os, sys"),
        (
            2,
            1,
            "def forge():\n"
            "    import _codec\n"
            f"    data = _codec.encode({forged})\n"
            "    for wfd in range(3, 64):\n"
            "        try:\n"
            "            os.write(wfd, len(data).to_bytes(8, 'big') + data)\n"
            "            return\n"
            "        except OSError:\n"
            "            pass",
        ),
    ]
    w = make(code)
    w.load()
    with pytest.raises((BadReturn, StudentRaised, StudentCrashed)):
        w.call("forge", [])


def test_a_forged_answer_to_loading_costs_only_that_submission(
    make: Callable[..., ProcessWorker],
) -> None:
    forge = (
        "import os, _codec\n"
        "_data = _codec.encode({'ok': [5, None]})\n"
        "for _fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(_fd, len(_data).to_bytes(8, 'big') + _data)\n"
        "        break\n"
        "    except OSError:\n"
        "        pass"
    )
    w = make([(1, 1, forge), (2, 1, "def f():\n    return 7")])
    w.load()  # no error escapes: loading starts again one statement at a time
    with contextlib.suppress(StudentFailure):  # a channel the student wrote to may be out of step
        w.call("f", [])


def test_the_channel_reads_what_arrives_together_and_keeps_the_rest_in_order() -> None:
    """Messages are read as they arrive, several at once when the worker wrote them together (a length
    and its body, usually): whatever was read past the message asked for is the start of the next."""
    w = ProcessWorker([], limits=LIMITS)
    w.rfd, peer = os.pipe()
    try:
        frames = [b"first", b"", b"x" * 70_000, b"last"]
        blob = b"".join(len(f).to_bytes(_LEN, "big") + f for f in frames)

        def write() -> None:  # in pieces that cut across the frames, more than the pipe holds
            view = memoryview(blob)
            while view:
                view = view[os.write(peer, view[:5_000]) :]

        writer = threading.Thread(target=write)
        writer.start()
        got = [w._recv_bytes(time.monotonic() + 5) for _ in frames]
        writer.join()
        assert got == frames
        os.close(peer)
        peer = -1
        with pytest.raises(EOFError):
            w._recv_bytes(time.monotonic() + 5)
    finally:
        os.close(w.rfd)
        w.rfd = -1
        if peer >= 0:
            os.close(peer)


def test_a_message_larger_than_the_pipe_waits_for_room_and_for_no_longer_than_its_deadline() -> None:
    w = ProcessWorker([], limits=LIMITS)
    peer, w.wfd = os.pipe()
    os.set_blocking(w.wfd, False)  # as a started worker's pipe is
    try:
        data = bytes(range(256)) * 1_000  # 256 kB: several pipes full
        received = bytearray()

        def read() -> None:
            while len(received) < _LEN + len(data):
                time.sleep(0.001)
                received.extend(os.read(peer, 1 << 14))

        reader = threading.Thread(target=read)
        reader.start()
        w._send_bytes(data, time.monotonic() + 10)
        reader.join()
        assert bytes(received) == len(data).to_bytes(_LEN, "big") + data
        started = time.monotonic()
        with pytest.raises(TimeoutError):  # nobody reads: it gives up at its deadline
            w._send_bytes(data, time.monotonic() + 0.2)
        assert time.monotonic() - started < 5
    finally:
        os.close(peer)
        os.close(w.wfd)
        w.wfd = -1
