"""Stage 2: the worker. Student code runs in a separate process; this module is the grading side.

The seam is :class:`Worker`: the checks call ``worker.call(name, args)`` and get the value back (through
the safe codec) or a :class:`~grader.errors.StudentFailure`. :class:`ProcessWorker` is the real,
isolated implementation; tests of the layers above can use any object with the same methods.

A call that runs past its time limit, or a worker that dies (``os._exit``, a segfault, the memory
limit), costs only that call: the process group is killed with SIGKILL, a fresh worker is started and
the notebook's statements are replayed into it before the next call.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import secrets
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import _cache, _codec
from ._forkserver import START_SECONDS as _START_SECONDS
from ._forkserver import fork_server as _fork_server
from .errors import (
    BadReturn,
    MissingFunction,
    StudentCrashed,
    StudentFailure,
    StudentRaised,
    StudentTimeout,
    WorkerError,
)
from .memo import ReplyMemo
from .notebook import Statement

_LEN = 8
_END_SECONDS = 1.0  # for a copy to end when its worker is closed
Resolver = Callable[[str], Callable[..., Any]]
_REPLIES = ReplyMemo()  # stand-in replies, shared by the workers of this process


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker, e.g. ``Limits(call_seconds=5, memory_mb=1024)``."""

    call_seconds: float = 10.0
    statement_seconds: float = 10.0
    load_seconds: float = 60.0
    memory_mb: int = 2048
    cpu_seconds: int = 120
    processes: int = 64
    open_files: int = 256
    file_mb: int = 64
    output_chars: int = 20_000
    return_mb: int = 256

    def for_worker(self) -> dict[str, int]:
        """The limits the worker applies to itself (wall-clock limits are kept by the grading side)."""
        return {
            "memory_mb": self.memory_mb,
            "cpu_seconds": self.cpu_seconds,
            "processes": self.processes,
            "open_files": self.open_files,
            "file_mb": self.file_mb,
            "output_chars": self.output_chars,
            "return_mb": self.return_mb,
        }


@dataclass(frozen=True)
class LoadIssue:
    """A kept top-level statement that failed when the worker ran it."""

    cell: int
    line: int
    message: str


@dataclass(frozen=True)
class ObjectRef:
    """An object constructed in the worker (it stays there); valid until the worker copy it lives in ends."""

    handle: int
    type_name: str
    generation: int

    def __repr__(self) -> str:
        return f"<{self.type_name} object in the worker>"


@dataclass(frozen=True)
class MethodRef:
    """The answer to reading an attribute that is a method: call it through the worker."""

    name: str


@dataclass(frozen=True)
class CallResult:
    value: Any
    output: str


class Worker(Protocol):
    """What the checks need from a worker."""

    def call(
        self,
        name: str,
        args: Sequence[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        standins: Sequence[str] = (),
        resolve: Resolver | None = None,
        scope: str | None = None,
        target: ObjectRef | None = None,
    ) -> CallResult: ...

    def get_attribute(self, target: ObjectRef, name: str, *, scope: str | None = None) -> CallResult: ...

    def set_attribute(
        self, target: ObjectRef, name: str, value: Any, *, scope: str | None = None
    ) -> None: ...

    def defined(self) -> list[str]: ...

    def interrupt(self) -> None: ...


def _frames(value: Any) -> list[list[Any]]:
    """The ``[file, line, function]`` frames of an exception the worker described; others left out."""
    if not isinstance(value, list):
        return []
    return [
        list(f)
        for f in value
        if isinstance(f, list)
        and len(f) == 3
        and isinstance(f[0], str)
        and type(f[1]) is int
        and isinstance(f[2], str)
    ]


def _format_frames(frames: list[list[Any]]) -> str | None:
    if not frames:
        return None
    filename, line, _ = frames[-1]
    return f"{filename.strip('<>')}, line {line}"


@functools.cache
def hidden_folders() -> list[str]:
    """Folders mounted empty in the worker where the platform allows: the grader's own packages, its cache
    on disk (reference gradients a student must not see or alter) and, when they run from a source
    checkout, every folder of that checkout (its git history holds the reference) except one holding the
    running Python."""
    python = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.executable)}

    def holds_python(folder: str) -> bool:
        real = os.path.realpath(folder)
        return any(p == real or p.startswith(real + os.sep) for p in python)

    folders = [os.path.dirname(os.path.abspath(__file__))]
    cache = _cache.folder("")  # the cache's root
    if cache is not None and not holds_python(str(cache)):
        folders.append(str(cache))
    for name in ("reference", "exercises"):
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            folders.append(os.path.abspath(folder))
    checkout = os.path.dirname(folders[0])
    if os.path.isfile(os.path.join(checkout, "pyproject.toml")):
        for entry in sorted(os.listdir(checkout)):
            folder = os.path.join(checkout, entry)
            if os.path.isdir(folder) and not holds_python(folder):
                folders.append(folder)
    return sorted(set(folders))


class _Status:
    """The supervisor's status pipe: one JSON line with the worker's PID, one with its wait status."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def _line(self, deadline: float) -> dict[str, Any] | None:
        while b"\n" not in self.buffer:
            if self.fd < 0 or not select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        data = json.loads(line)
        return data if isinstance(data, dict) else None

    def pid(self, deadline: float) -> int:
        message = self._line(deadline)
        if not message or not isinstance(message.get("pid"), int):
            self.close()
            said = message.get("error") if message else None
            raise WorkerError(f"the worker process did not start ({said or 'no word from its supervisor'})")
        return int(message["pid"])

    def exit_code(self, deadline: float) -> int | None:
        message = self._line(deadline)
        self.close()
        if message and isinstance(message.get("status"), int):
            return os.waitstatus_to_exitcode(message["status"])
        return None

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# Workers answering requests at once in this process, three per core (see share_cores): submissions
# checked side by side never leave a student's call less than a third of a core, which its time limit
# (started when it may run) allows for. With two per core, threads queued for a turn while a tenth of
# the cores idled (-j 2 on two cores).
_PER_CORE = 3
_AT_ONCE = _PER_CORE * max(1, os.cpu_count() or 1)
_RUNNING = threading.BoundedSemaphore(_AT_ONCE)


def share_cores(processes: int) -> None:
    """This process is one of ``processes`` grading side by side: its workers answer at once only as
    many as its share of the cores allows (three per core, at least two)."""
    global _AT_ONCE, _RUNNING
    _AT_ONCE = max(2, _PER_CORE * (os.cpu_count() or 1) // max(1, processes))
    _RUNNING = threading.BoundedSemaphore(_AT_ONCE)


def at_once() -> int:
    """How many requests this process's workers may be answering at once (see :func:`share_cores`)."""
    return _AT_ONCE


class _Unclean(Exception):
    """The worker asked to go on serving with the next scope's first call (``if_clean``) was not as
    loaded, or had ended: the call was not made."""


class ProcessWorker:
    """A worker process holding one submission's code. Use as a context manager.

    ``confinement`` holds the protections the worker reported once started (name -> ``{"active",
    "detail"}``); ``namespaces=False`` starts it without namespaces, as on a platform that has none.
    """

    def __init__(
        self,
        statements: Sequence[Statement],
        *,
        helpers: str = "",
        limits: Limits | None = None,
        namespaces: bool = True,
    ):
        self.statements = list(statements)
        self.namespaces = namespaces
        self.helpers = helpers
        self.limits = limits or Limits()
        self.pid = 0
        self.status: _Status | None = None
        self.workdir: str | None = None
        self.rfd = self.wfd = -1
        self._inbox = bytearray()  # bytes read from the worker, not yet asked for
        self.confinement: dict[str, dict[str, Any]] = {}
        self.issues: list[LoadIssue] = []
        self._good: list[Statement] = []
        self._loaded = False
        self._scope: str | None = None  # the exercise the loaded worker, or its current copy, serves
        # The scope of the last calls (the last exercise graded): when it needs a fresh copy (the copy
        # before it changed something), the loaded worker serves it itself, as nothing needs it unchanged
        # afterwards; that saves a copy. A call of another scope after it starts a fresh worker.
        self.last_scope: str | None = None
        self._adopted = False  # the loaded worker itself serves ``_scope``: it is no longer as loaded
        # names whose reference results the process serving scopes was given (the stand-ins of its
        # calls): it never goes on to serve the exercise of one of them
        self._shown: set[str] = set()
        self._made = False  # the current scope's calls constructed objects (kept by the worker)
        # the loaded worker serves its first scope itself, and is to take the digest of what student code
        # can see as loaded with the next call
        self._marking = False
        self._generation = 0  # changes whenever objects constructed earlier stop existing
        self._interrupted = False

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> ProcessWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="grader-worker-")
        down_r, down_w = os.pipe()  # grader -> worker
        up_r, up_w = os.pipe()  # worker -> grader
        status_r, status_w = os.pipe()  # supervisor -> grader: the worker's PID, then its wait status
        config = {
            "workdir": self.workdir,
            "helpers": self.helpers,
            "hidden": list(hidden_folders()),
            "namespaces": self.namespaces,
            "limits": self.limits.for_worker(),
        }
        try:
            _fork_server().spawn(config, (down_r, up_w, status_w))
        except OSError as exc:
            for fd in (down_w, up_r, status_r):
                os.close(fd)
            raise WorkerError(f"cannot start a worker process: {exc}") from exc
        finally:
            for fd in (down_r, up_w, status_w):
                os.close(fd)
        self.rfd, self.wfd, self.status = up_r, down_w, _Status(status_r)
        os.set_blocking(down_w, False)
        self._inbox = bytearray()
        self.pid = self.status.pid(time.monotonic() + _START_SECONDS)
        try:
            hello = self._recv(time.monotonic() + _START_SECONDS)
        except (TimeoutError, EOFError, _codec.CodecError) as exc:
            code = self._kill()
            raise WorkerError(f"the worker process did not start{_exit_reason(code)}: {exc!r}") from None
        if isinstance(hello, dict) and "fatal" in hello:
            self._kill()
            raise WorkerError(f"the worker process did not start: {str(hello['fatal'])[:500]}")
        report = hello.get("hello") if isinstance(hello, dict) else None
        self.confinement = dict(report) if isinstance(report, dict) else {}

    def _kill(self) -> int | None:
        """Kill the worker and everything it started; return its exit code when known."""
        code, self._scope, self._adopted, self._made, self._marking = None, None, False, False, False
        self._generation += 1
        if self.pid:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(self.pid, signal.SIGKILL)
            self.pid = 0
        if self.status is not None:
            code = self.status.exit_code(time.monotonic() + _START_SECONDS)
            self.status = None
        for fd in (self.rfd, self.wfd):
            if fd >= 0:
                os.close(fd)
        self.rfd = self.wfd = -1
        self._inbox = bytearray()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        return code

    def close(self) -> None:
        """Stop the worker and every process it started; remove its working directory."""
        if self.pid and self._scope is not None and not self._adopted and not self._interrupted:
            # The copy ends first, waited for by the loaded worker: one that ends with its PID namespace
            # is reaped unseen, and its CPU time would be missing from the grading process's account.
            self._scope = None
            with contextlib.suppress(StudentFailure):
                self._request_now({"op": "end"}, _END_SECONDS, None, what="the worker")
        self._kill()

    def interrupt(self) -> None:
        """Stop the worker at once, from any thread (grading was interrupted): the call waiting on it
        ends as a crash and no later call starts it again. :meth:`close` still cleans up."""
        self._interrupted = True
        pid = self.pid
        if pid:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)

    def _ensure(self) -> None:
        if self.pid:
            return
        if self._interrupted:
            raise StudentCrashed("grading was interrupted")
        self._start()
        if not self._loaded:
            self._load_all()
        else:
            self._replay()  # into a fresh worker, after a crash or a timeout

    def _replay(self) -> None:
        """Run the statements that loaded before; one that now fails is reported and left out."""
        if self._good and self._replay_at_once():
            return
        for st in list(self._good):
            try:
                self._exec(st)
            except StudentFailure as exc:
                self._good.remove(st)
                self.issues.append(LoadIssue(st.cell, st.line, f"failed when run again: {exc.message}"))
                if not self.pid:  # it ended the worker: start again without it
                    self._start()
                    self._replay()
                    return

    def _load_all(self) -> None:
        self._loaded = True
        if self._load_at_once():
            return
        deadline = time.monotonic() + self.limits.load_seconds
        for st in self.statements:
            if time.monotonic() > deadline:
                message = f"not run: loading the notebook took more than {self.limits.load_seconds:g} s"
                self.issues.append(LoadIssue(st.cell, st.line, message))
                continue
            try:
                self._exec(st)
                self._good.append(st)
            except StudentFailure as exc:
                self.issues.append(LoadIssue(st.cell, st.line, exc.message))
                if not self.pid:  # it ended the worker
                    self._start()
                    self._replay()

    def _load_at_once(self) -> bool:
        """Run every statement in one request, the common case: a notebook whose code loads well
        within one statement's time. False when that does not work out (a statement that hangs or
        ends the process): the worker is then started afresh, to run them one at a time."""
        failures = self._load_request(self.statements, "loading the notebook's code")
        if failures is None:
            return False
        for st, failure in zip(self.statements, failures, strict=True):
            if failure is None:
                self._good.append(st)
                continue
            try:
                self._answer({"exc": failure}, f"the statement at cell {st.cell}, line {st.line}")
            except StudentFailure as exc:
                self.issues.append(LoadIssue(st.cell, st.line, exc.message))
        return True

    def _replay_at_once(self) -> bool:
        """Run the statements that loaded before in one request, the common case; False when one of
        them fails now (the worker is then started afresh, to run them one at a time and say which)."""
        failures = self._load_request(self._good, "loading the notebook's code again")
        if failures is None:  # (started afresh already)
            return False
        if any(failures):
            self._kill()
            self._start()
            return False
        return True

    def _load_request(self, statements: Sequence[Statement], what: str) -> list[dict[str, Any] | None] | None:
        """The exception of each of ``statements`` (None where it ran), run in one request; None when
        the request itself failed (a statement that hangs or ends the process, or an answer that is no
        such list), after which the worker has been started afresh."""
        request = {"op": "load", "statements": [[st.code, st.cell, st.line] for st in statements]}
        try:
            failures = self._request(request, self.limits.statement_seconds, None, what=what).value
            if (
                not isinstance(failures, list)
                or len(failures) != len(statements)
                or not all(f is None or isinstance(f, dict) for f in failures)
            ):  # the worker's bytes (a student can write to its channel): loaded again one at a time
                raise BadReturn("the worker answered the loading with something else")
        except StudentFailure:
            self._kill()
            self._start()
            return None
        return failures

    def _exec(self, st: Statement) -> None:
        self._request(
            {"op": "exec", "code": st.code, "cell": st.cell, "line": st.line},
            self.limits.statement_seconds,
            None,
            what=f"the statement at cell {st.cell}, line {st.line}",
        )

    # -- channel ---------------------------------------------------------------------------------------
    def _send(self, message: Any, deadline: float) -> None:
        self._send_bytes(_codec.encode(message), deadline)

    def _send_bytes(self, data: bytes, deadline: float) -> None:
        # The pipe does not block (set at start): a message the pipe has room for, the usual case, is
        # written without waiting on select first. Each system call lets go of Python's lock, and with
        # several submissions checked side by side, each let-go hands it to another thread.
        view = memoryview(len(data).to_bytes(_LEN, "big") + data)
        while view:
            try:
                view = view[os.write(self.wfd, view[: 1 << 16]) :]
            except BlockingIOError:
                if not select.select([], [self.wfd], [], max(0.0, deadline - time.monotonic()))[1]:
                    raise TimeoutError from None

    def _read(self, n: int, deadline: float) -> bytes:
        """The next ``n`` bytes from the worker. What arrived together is read together (a message's
        length and body in one read, usually), the rest kept for the next call."""
        inbox = self._inbox
        while len(inbox) < n:
            if not select.select([self.rfd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError
            # what is there, up to what is missing (at least 64 kB, at most 1 MB: os.read allocates that)
            chunk = os.read(self.rfd, min(max(n - len(inbox), 1 << 16), 1 << 20))
            if not chunk:
                raise EOFError
            inbox += chunk
        data = bytes(inbox[:n])
        del inbox[:n]
        return data

    def _recv(self, deadline: float) -> Any:
        return _codec.decode(self._recv_bytes(deadline))

    def _recv_bytes(self, deadline: float) -> bytes:
        size = int.from_bytes(self._read(_LEN, deadline), "big")
        if size > _codec.MAX_BYTES + (1 << 20):
            raise _codec.CodecError("the worker sent a message that is too large")
        return self._read(size, deadline)

    def _request(
        self, message: dict[str, Any], seconds: float, resolve: Resolver | None, *, what: str
    ) -> Any:
        with _RUNNING:  # its time limit starts when it may run
            return self._request_now(message, seconds, resolve, what=what)

    def _request_now(
        self, message: dict[str, Any], seconds: float, resolve: Resolver | None, *, what: str
    ) -> Any:
        """Send ``message``, answer its stand-in requests, and return its reply as a CallResult (or raise
        the StudentFailure it stands for; ``_Unclean`` for a refused ``if_clean`` call)."""
        deadline = time.monotonic() + seconds
        try:
            try:
                self._send(message, deadline)
            except BrokenPipeError:
                if message.get("if_clean"):  # it ended after the last scope, before this request
                    self._kill()
                    raise _Unclean from None
                raise
            while True:
                data = self._recv_bytes(deadline)
                # a stand-in request's header starts {"callback": (the worker writes that key first)
                asks = resolve is not None and _codec.header_starts(data, b'{"callback":')
                key = _REPLIES.key(data) if asks else b""
                kept = _REPLIES.find(key, resolve) if key else None
                if kept is not None:  # a stand-in request answered before: the same reply
                    self._send_bytes(kept, deadline)
                    continue
                reply = _codec.decode(data)
                if not isinstance(reply, dict):
                    raise _codec.CodecError("malformed reply")
                if "callback" not in reply:
                    if reply == {"unclean": True} and message.get("if_clean"):
                        raise _Unclean
                    return self._answer(reply, what)
                answer, function = self._callback(reply, resolve)
                encoded = _codec.encode(answer)
                if function is not None and key:
                    _REPLIES.keep(key, str(reply["callback"]), function, encoded)
                self._send_bytes(encoded, deadline)
        except TimeoutError:
            self._kill()
            raise StudentTimeout(f"{what} did not finish within {seconds:g} s and was stopped") from None
        except (EOFError, BrokenPipeError, ConnectionResetError):
            code = self._kill()
            raise StudentCrashed(f"{what} crashed the worker process{_exit_reason(code)}") from None
        except _codec.CodecError as exc:
            self._kill()
            raise BadReturn(f"{what} sent back something unreadable: {exc}") from None

    def _answer(self, reply: dict[str, Any], what: str) -> Any:
        if "resumed" in reply:  # the copy serving a scope ended; the loaded worker answers again
            ended_copy, self._scope = self._scope is not None, None
            code = reply["resumed"]
            if ended_copy:
                self._settle()
                reason = _exit_reason(os.waitstatus_to_exitcode(code) if isinstance(code, int) else None)
                raise StudentCrashed(f"{what} crashed the worker process{reason}")
            return CallResult(None, "")
        if "missing" in reply:
            raise MissingFunction(f"the notebook does not define {reply['missing']}()")
        if "exc" in reply:
            err = reply["exc"]
            if not isinstance(err, dict):  # the worker's bytes: a student can write to its channel
                raise _codec.CodecError("a malformed exception")  # the worker is stopped: out of step
            if err.get("type") == "BadReturn":
                raise BadReturn(f"{what} returned a value that cannot be checked: {err.get('message')}")
            frames = _frames(err.get("frames"))
            raise StudentRaised(
                str(err.get("type")),
                str(err.get("message")),
                frames=[tuple(f) for f in frames],
                location=_format_frames(frames),
            )
        out = str(reply.get("out") or "")
        if "object" in reply:
            self._made = True
            return CallResult(ObjectRef(int(reply["object"]), str(reply.get("type")), self._generation), out)
        if "method" in reply:
            return CallResult(MethodRef(str(reply["method"])), out)
        return CallResult(reply.get("ok"), out)

    def _settle(self) -> None:
        """The copy serving a scope ended by itself: make sure the loaded worker, which answers again,
        is in step. A copy that ended between two requests leaves the next one to the loaded worker,
        which runs it and answers it after the grading process took ``resumed`` for its answer. So a
        request with a fresh token must be answered first; anything else before it (or a copy that
        only claimed to have ended) and the worker is stopped, to be started afresh when needed."""
        token = secrets.token_hex(8)
        deadline = time.monotonic() + self.limits.call_seconds
        try:
            self._send({"op": "sync", "token": token}, deadline)
            in_step = self._recv(deadline) == {"ok": token}
        except (TimeoutError, EOFError, OSError, _codec.CodecError):
            in_step = False
        if not in_step:
            self._kill()

    @staticmethod
    def _callback(
        request: dict[str, Any], resolve: Resolver | None
    ) -> tuple[dict[str, Any], Callable[..., Any] | None]:
        """The reply to a stand-in request, and the function that gave it (None when it failed)."""
        name = str(request.get("callback"))
        if resolve is None:
            return {"exc": {"type": "NameError", "message": f"{name} is not available", "frames": []}}, None
        try:
            function = resolve(name)
            return {"ok": function(*request.get("args", []), **request.get("kwargs", {}))}, function
        except Exception as exc:  # the student passed something the stand-in cannot take
            return {"exc": {"type": type(exc).__name__, "message": f"{name}(): {exc}", "frames": []}}, None

    # -- the seam --------------------------------------------------------------------------------------
    def load(self) -> list[LoadIssue]:
        """Start the worker and run the notebook's kept statements; return the ones that failed."""
        self._ensure()
        return list(self.issues)

    def call(
        self,
        name: str,
        args: Sequence[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        standins: Sequence[str] = (),
        resolve: Resolver | None = None,
        scope: str | None = None,
        target: ObjectRef | None = None,
    ) -> CallResult:
        """Call ``name(*args, **kwargs)`` in the worker. Raises StudentFailure when that fails.

        Calls with a ``scope`` (an exercise's name) run in the loaded worker, or in a copy of it (see
        :meth:`_enter`), which serves another scope's calls afterwards only when they changed nothing
        student code can see (its answer to ``clean``); else that scope gets a fresh one: what they
        change does not reach calls of another scope.
        """
        self._ensure()
        folded = scope != self._scope and self._enter(scope, fold=True)
        request = {
            "op": "call",
            "name": name,
            "args": list(args),
            "kwargs": dict(kwargs or {}),
            "standins": list(standins),
            "target": self._handle(target),
        }
        try:
            return self._call(request, resolve, folded=folded)
        except _Unclean:  # what served the last scope was not as loaded after all: a fresh one makes the call
            self._drop()
            self._enter(scope)
            return self._call(request, resolve, folded=False)

    def _call(self, request: dict[str, Any], resolve: Resolver | None, *, folded: bool) -> CallResult:
        standins = request["standins"]
        if self._scope is not None:
            self._shown.update(standins)
        allowed = set(standins)

        def guarded(callee: str) -> Callable[..., Any]:
            # a stand-in kept by student code from an earlier call must not reach the reference later
            if resolve is None or callee not in allowed:
                raise NameError(f"{callee} is not available during this call")
            return resolve(callee)

        message = {**request, "if_clean": True} if folded else request
        if self._marking:  # the loaded worker serves its first scope itself: it takes its digest first
            self._marking = False
            message = {**message, "as_loaded": True}
        result: CallResult = self._request(
            message, self.limits.call_seconds, guarded, what=f"{request['name']}()"
        )
        return result

    def _handle(self, target: ObjectRef | None) -> int | None:
        if target is None:
            return None
        if target.generation != self._generation:
            raise StudentCrashed(
                f"the {target.type_name} object no longer exists: the worker holding it ended after a failure"
            )
        return target.handle

    def get_attribute(self, target: ObjectRef, name: str, *, scope: str | None = None) -> CallResult:
        """Read ``target.name`` in the worker: the value, or a :class:`MethodRef` for a method."""
        self._ensure()
        if scope != self._scope:
            self._enter(scope)
        request = {"op": "get", "target": self._handle(target), "name": name}
        result: CallResult = self._request(request, self.limits.call_seconds, None, what=f"reading .{name}")
        return result

    def set_attribute(self, target: ObjectRef, name: str, value: Any, *, scope: str | None = None) -> None:
        """Set ``target.name = value`` in the worker."""
        self._ensure()
        if scope != self._scope:
            self._enter(scope)
        request = {"op": "set", "target": self._handle(target), "name": name, "value": value}
        self._request(request, self.limits.call_seconds, None, what=f"setting .{name}")

    def _enter(self, scope: str | None, *, fold: bool = False) -> bool:
        """Serve ``scope`` from now on. What serves the current scope goes on to serve it when no call
        it served had ``scope``'s reference as a stand-in and it is still as loaded (see
        :meth:`_keeps`). With ``fold``, that last question is left to the next request (``if_clean``),
        which saves a round trip; True when it is. Not when the scope's calls constructed objects: they
        are forgotten first, which runs their ``__del__``, and a failure there must not be taken for
        the next call's.

        Where the worker can tell whether it is still as loaded (a PID namespace of its own), the loaded
        worker serves the scopes itself, and a fresh one takes over after a scope that changed it: no
        copy is made (a fork, and the copy's page faults and exit, cost more than the digest). Elsewhere
        each scope gets a copy of it, except the last one (see ``last_scope``)."""
        self._generation += 1
        made, self._made = self._made, False
        if self._scope is not None:
            if self._adopted and self._watches() and scope is not None and scope not in self._shown:
                if fold and not made:
                    self._scope = scope
                    return True
                if self._keeps():
                    self._scope = scope
                    return False
            self._drop()
        if scope is not None:
            self._ensure()
            self._shown = set()
            if self._watches():
                self._adopted = self._marking = True
            elif scope == self.last_scope:
                self._adopted = True
            else:
                self._request({"op": "fork"}, self.limits.call_seconds, None, what="the worker")
            self._scope = scope
        return False

    def _watches(self) -> bool:
        """Whether the worker can tell that it is still as loaded: only in a PID namespace of its own,
        where no process left running by student code goes unseen (the worker's report at start)."""
        processes = self.confinement.get("processes")
        return isinstance(processes, dict) and processes.get("active") is True

    def _drop(self) -> None:
        """What serves the current scope serves no other: a copy ends; the loaded worker, if it served
        the scope itself, is stopped (a fresh one is started when needed). A copy found gone has
        already been dealt with."""
        if self._adopted:
            self._kill()
        elif self._scope is not None:
            self._scope = None
            self._request({"op": "end"}, self.limits.call_seconds, None, what="the worker")

    def _keeps(self) -> bool:
        """Whether the loaded worker serving the current scope is still as loaded: what student code can
        see of the process (its answer to ``clean``, see ``_state``). One that ended meanwhile is not."""
        try:
            reply: CallResult = self._request(
                {"op": "clean"}, self.limits.call_seconds, None, what="the worker"
            )
        except StudentFailure:
            return False
        return reply.value is True

    def defined(self) -> list[str]:
        """Names of the functions and classes the notebook defined."""
        self._ensure()
        names: CallResult = self._request({"op": "names"}, self.limits.call_seconds, None, what="listing")
        return [str(n) for n in names.value]


def _exit_reason(code: int | None) -> str:
    if code is None:
        return ""
    if code < 0:
        try:
            return f" (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f" (signal {-code})"
    return f" (it exited with status {code})"
