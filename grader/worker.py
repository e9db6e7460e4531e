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
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import _codec
from .errors import (
    BadReturn,
    MissingFunction,
    StudentCrashed,
    StudentFailure,
    StudentRaised,
    StudentTimeout,
    WorkerError,
)
from .notebook import Statement

_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_child.py")
_LEN = 8
Resolver = Callable[[str], Callable[..., Any]]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker, e.g. ``Limits(call_seconds=5, memory_mb=1024)``."""

    call_seconds: float = 10.0
    statement_seconds: float = 10.0
    memory_mb: int = 2048
    cpu_seconds: int = 120


@dataclass(frozen=True)
class LoadIssue:
    """A kept top-level statement that failed when the worker ran it."""

    cell: int
    line: int
    message: str


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
    ) -> CallResult: ...

    def defined(self) -> list[str]: ...


def _format_frames(frames: list[list[Any]]) -> str | None:
    if not frames:
        return None
    filename, line, _ = frames[-1]
    return f"{filename.strip('<>')}, line {line}"


def _limit_child(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        mem = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


class ProcessWorker:
    """A worker process holding one submission's code. Use as a context manager."""

    def __init__(self, statements: Sequence[Statement], *, helpers: str = "", limits: Limits | None = None):
        self.statements = list(statements)
        self.helpers = helpers
        self.limits = limits or Limits()
        self.proc: subprocess.Popen[bytes] | None = None
        self.workdir: str | None = None
        self.rfd = self.wfd = -1
        self.issues: list[LoadIssue] = []
        self._good: list[Statement] = []
        self._loaded = False

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> ProcessWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="grader-worker-")
        down_r, down_w = os.pipe()  # grader -> worker
        up_r, up_w = os.pipe()  # worker -> grader
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.workdir,
            "TMPDIR": self.workdir,
            "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        }
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", _CHILD, str(down_r), str(up_w), self.helpers],
                pass_fds=(down_r, up_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self.workdir,
                env=env,
                start_new_session=True,
                preexec_fn=_limit_child(self.limits.memory_mb, self.limits.cpu_seconds),
            )
        except OSError as exc:
            raise WorkerError(f"cannot start the worker process: {exc}") from exc
        finally:
            os.close(down_r)
            os.close(up_w)
        self.rfd, self.wfd = up_r, down_w

    def _kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None
        for fd in (self.rfd, self.wfd):
            if fd >= 0:
                os.close(fd)
        self.rfd = self.wfd = -1
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def close(self) -> None:
        """Stop the worker and every process it started; remove its working directory."""
        self._kill()

    def _ensure(self) -> None:
        if self.proc is not None:
            return
        self._start()
        if not self._loaded:
            self._load_all()
        else:
            for st in self._good:  # replay into a fresh worker after a crash or timeout
                try:
                    self._exec(st)
                except StudentFailure:
                    self._kill()
                    self._start()

    def _load_all(self) -> None:
        self._loaded = True
        for st in self.statements:
            try:
                self._exec(st)
                self._good.append(st)
            except StudentFailure as exc:
                self.issues.append(LoadIssue(st.cell, st.line, exc.message))
                if self.proc is None:
                    self._start()
                    for good in self._good:
                        self._exec(good)

    def _exec(self, st: Statement) -> None:
        self._request(
            {"op": "exec", "code": st.code, "cell": st.cell, "line": st.line},
            self.limits.statement_seconds,
            None,
            what=f"the statement at cell {st.cell}, line {st.line}",
        )

    # -- channel ---------------------------------------------------------------------------------------
    def _send(self, message: Any, deadline: float) -> None:
        data = _codec.encode(message)
        view = memoryview(len(data).to_bytes(_LEN, "big") + data)
        while view:
            if not select.select([], [self.wfd], [], max(0.0, deadline - time.monotonic()))[1]:
                raise TimeoutError
            view = view[os.write(self.wfd, view[: 1 << 16]) :]

    def _read(self, n: int, deadline: float) -> bytes:
        chunks = []
        while n:
            if not select.select([self.rfd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError
            chunk = os.read(self.rfd, min(n, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _recv(self, deadline: float) -> Any:
        size = int.from_bytes(self._read(_LEN, deadline), "big")
        if size > _codec.MAX_BYTES + (1 << 20):
            raise _codec.CodecError("the worker sent a message that is too large")
        return _codec.decode(self._read(size, deadline))

    def _request(
        self, message: dict[str, Any], seconds: float, resolve: Resolver | None, *, what: str
    ) -> Any:
        deadline = time.monotonic() + seconds
        try:
            self._send(message, deadline)
            while True:
                reply = self._recv(deadline)
                if not isinstance(reply, dict):
                    raise _codec.CodecError("malformed reply")
                if "callback" not in reply:
                    return self._answer(reply, what)
                self._send(self._callback(reply, resolve), deadline)
        except TimeoutError:
            self._kill()
            raise StudentTimeout(f"{what} did not finish within {seconds:g} s and was stopped") from None
        except (EOFError, BrokenPipeError, ConnectionResetError):
            code = self.proc.poll() if self.proc else None
            self._kill()
            raise StudentCrashed(f"{what} crashed the worker process{_exit_reason(code)}") from None
        except _codec.CodecError as exc:
            self._kill()
            raise BadReturn(f"{what} sent back something unreadable: {exc}") from None

    def _answer(self, reply: dict[str, Any], what: str) -> Any:
        if "missing" in reply:
            raise MissingFunction(f"the notebook does not define {reply['missing']}()")
        if "exc" in reply:
            err = reply["exc"]
            if err.get("type") == "BadReturn":
                raise BadReturn(f"{what} returned a value that cannot be checked: {err.get('message')}")
            frames = [tuple(f) for f in err.get("frames") or []]
            raise StudentRaised(
                str(err.get("type")),
                str(err.get("message")),
                frames=frames,
                location=_format_frames(err.get("frames") or []),
            )
        return CallResult(reply.get("ok"), str(reply.get("out") or ""))

    @staticmethod
    def _callback(request: dict[str, Any], resolve: Resolver | None) -> dict[str, Any]:
        name = str(request.get("callback"))
        if resolve is None:
            return {"exc": {"type": "NameError", "message": f"{name} is not available", "frames": []}}
        try:
            return {"ok": resolve(name)(*request.get("args", []), **request.get("kwargs", {}))}
        except Exception as exc:  # the student passed something the stand-in cannot take
            return {"exc": {"type": type(exc).__name__, "message": f"{name}(): {exc}", "frames": []}}

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
    ) -> CallResult:
        """Call ``name(*args, **kwargs)`` in the worker. Raises StudentFailure when that fails."""
        self._ensure()
        request = {
            "op": "call",
            "name": name,
            "args": list(args),
            "kwargs": dict(kwargs or {}),
            "standins": list(standins),
        }
        result: CallResult = self._request(request, self.limits.call_seconds, resolve, what=f"{name}()")
        return result

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
