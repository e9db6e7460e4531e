"""The worker process: runs student code, answers requests from the grading process.

Forked by the warm parent (:mod:`_zygote`), which calls :func:`serve` after the supervisor has isolated
the process (:mod:`_sandbox`). The first message is ``{"hello": report}``, the protections in force. It
talks only through the safe codec over two pipes; the student's prints go to a bounded buffer, never to the
channel. It imports nothing from the grader package, and refuses imports of ``grader``, ``reference``
and ``exercises`` to student code.

Requests (dicts) and their answers:

- ``{"op": "exec", "code", "cell", "line"}``: run one kept top-level statement of the notebook.
  Answer ``{"ok": None}`` or ``{"exc": {...}}``.
- ``{"op": "load", "statements": [[code, cell, line], ...]}``: run them all in turn. Answer
  ``{"ok": [None or {...}, ...]}``, the exception of each one that failed.
- ``{"op": "call", "name", "args", "kwargs", "standins"}``: call a function of the notebook. Names in
  ``standins`` are replaced, for the duration of the call, by stubs that ask the grading process to run
  its own version (``{"callback": name, "args", "kwargs"}``, answered by ``{"ok": value}`` or
  ``{"exc": {...}}``). Answer ``{"ok": value, "out": text}`` or ``{"exc": {...}, "out": text}``, or
  ``{"missing": name}``.
- ``{"op": "names"}``: the functions and classes the notebook defined.
- Objects: calling a class (``call`` with its name) answers ``{"object": handle, "type": name}``; the
  object stays in this process. ``call`` with ``"target": handle`` calls a method of it;
  ``{"op": "get", "target", "name"}`` answers ``{"ok": value}`` or ``{"method": name}``;
  ``{"op": "set", "target", "name", "value"}`` sets an attribute.
- ``{"op": "fork"}``: from now on a copy-on-write copy of this process answers (``{"ok": None}``);
  ``{"op": "end"}`` ends the copy, and this process answers ``{"resumed": wait_status}`` (as it does
  when the copy ends by itself). Without a PID namespace the grading process gives each exercise a
  copy (in one, the loaded worker serves them itself: see ``as_loaded``).
- ``call`` with ``"as_loaded": true``: before the call, this process takes the digest of what student
  code can see (:mod:`_state`), as a copy does when it is made: the loaded worker then serves exercises
  itself, for as long as ``clean`` says yes.
- ``{"op": "clean"}``: asked of a copy, or of a loaded worker that took its digest, that served an
  exercise: ``{"ok": True}`` when what student code can see is still as it was then: it may serve the
  next exercise. It forgets the objects the last exercise constructed first.
- ``call`` with ``"if_clean": true``: the ``clean`` question and the call in one request, for the first
  call of the next exercise: ``{"unclean": True}``, the call not made, when the answer is no (always in
  a process that took no digest).
- ``{"op": "sync", "token"}``: answers ``{"ok": token}``; after a copy ended by itself, it shows that
  this process answers in step.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import io
import os
import sys
import traceback
import types
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
import _codec  # noqa: E402
import _sandbox  # noqa: E402
import _state  # noqa: E402

sys.path.remove(_HERE)

BLOCKED = ("grader", "reference", "exercises")
_LEN = 8
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}


class _Blocker:
    """A meta-path finder that refuses the grader's own packages to student code."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] in BLOCKED:
            raise ImportError(
                f"importing '{name}' is not allowed in a submission: the grader's packages are off limits"
            )


class _Capped(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output not kept]"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


class Channel:
    def __init__(self, rfd: int, wfd: int, max_bytes: int = _codec.MAX_BYTES) -> None:
        self.rfd, self.wfd = rfd, wfd
        self.max_bytes = max_bytes

    def send(self, message: Any, *, strict: bool = False) -> None:
        """Send ``message``; one that cannot be encoded is sent as a BadReturn, or raised when ``strict``."""
        try:
            data = _codec.encode(message, max_bytes=self.max_bytes)
        except _codec.CodecError as exc:
            if strict:
                raise
            data = _codec.encode({"exc": {"type": "BadReturn", "message": str(exc), "frames": []}})
        payload = len(data).to_bytes(_LEN, "big") + data
        view = memoryview(payload)
        while view:
            n = os.write(self.wfd, view)
            view = view[n:]

    def recv(self) -> Any:
        size = int.from_bytes(self._read(_LEN), "big")
        return _codec.decode(self._read(size))

    def _read(self, n: int) -> bytes:
        chunks = []
        while n:
            chunk = os.read(self.rfd, min(n, 1 << 20))
            if not chunk:
                os._exit(0)
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)


def _describe(exc: BaseException) -> dict[str, Any]:
    frames = [
        [f.filename, f.lineno or 0, f.name]
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith("<cell ")
    ]
    try:
        message = str(exc)
    except Exception:  # a student's exception class can fail to print
        message = "(the exception's message could not be printed)"
    return {"type": type(exc).__name__, "message": message[:2000], "frames": frames[-20:]}


_RERAISE = {
    "ValueError": ValueError,
    "TypeError": TypeError,
    "IndexError": IndexError,
    "KeyError": KeyError,
    "ZeroDivisionError": ZeroDivisionError,
}


class Worker:
    def __init__(self, channel: Channel, output_chars: int, workdir: str = "") -> None:
        self.channel = channel
        self.ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.objects: list[Any] = []  # objects the grader constructed, by handle
        self.out = _Capped(output_chars)
        self.workdir = workdir or os.getcwd()
        self.watched = False  # a copy made by ``fork``, or this process after ``as_loaded``
        self.loaded = b""  # then the digest of what student code could see as loaded
        self.modules: list[types.ModuleType] = []  # ... and the modules its code reached by name then

    def standin(self, name: str) -> Any:
        channel = self.channel

        def stub(*args: Any, **kwargs: Any) -> Any:
            try:  # nothing is sent when the arguments cannot be encoded: the channel stays in step
                channel.send({"callback": name, "args": list(args), "kwargs": kwargs}, strict=True)
            except _codec.CodecError as exc:
                raise TypeError(f"{name}() was given a value the grader cannot take: {exc}") from None
            reply = channel.recv()
            if "exc" in reply:
                err = reply["exc"]
                raise _RERAISE.get(err["type"], RuntimeError)(err["message"])
            return reply["ok"]

        stub.__name__ = stub.__qualname__ = name
        return stub

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        op = req.get("op")
        if op == "exec":
            padded = "\n" * (int(req["line"]) - 1) + str(req["code"])
            try:
                exec(compile(padded, f"<cell {int(req['cell'])}>", "exec"), self.ns)
            except BaseException as exc:
                return {"exc": _describe(exc), "out": self.out.take()}
            return {"ok": None, "out": self.out.take()}
        if op == "load":  # every statement in turn; the failures, None for those that ran
            failures = []
            for code, cell, line in req["statements"]:
                answer = self.handle({"op": "exec", "code": code, "cell": cell, "line": line})
                failures.append(answer.get("exc"))
            return {"ok": failures}
        if op == "call":
            if req.get("if_clean") and not (self.watched and self.clean()):
                return {"unclean": True}
            if req.get("as_loaded"):
                self.watch()
            target = req.get("target")
            return self.call(
                str(req["name"]),
                req.get("args") or [],
                req.get("kwargs") or {},
                [str(n) for n in req.get("standins") or []],
                target if isinstance(target, int) else None,
            )
        if op in ("get", "set"):
            return self.attribute(op, req.get("target"), str(req.get("name")), req.get("value"))
        if op == "fork":
            return self.fork()
        if op == "end":
            os._exit(0)
        if op == "clean":
            return {"ok": self.clean()}
        if op == "sync":
            return {"ok": req.get("token")}
        if op == "names":
            return {
                "ok": sorted(
                    k
                    for k, v in self.ns.items()
                    if isinstance(v, (types.FunctionType, type)) and not k.startswith("__")
                )
            }
        return {"exc": {"type": "ProtocolError", "message": f"unknown request {op!r}", "frames": []}}

    def watch(self) -> None:
        """Take the digest of what student code can see now, as loaded, for :meth:`clean` to compare
        with (b"": too much to digest, never clean)."""
        self.watched, self.modules = True, _state.reached(self.ns)
        self.loaded = _state.digest(self.ns, self.workdir, self.modules) or b""

    def clean(self) -> bool:
        """Whether this process may serve the next exercise (``clean``): it took its digest as loaded
        (``watch``) and what student code can see is still so. It forgets the objects
        the last exercise constructed first (their ``__del__`` runs before the digest)."""
        self.objects.clear()
        try:
            now = _state.digest(self.ns, self.workdir, self.modules)
            return self.watched and bool(self.loaded) and now == self.loaded
        except Exception:  # a process too broken to digest is not as it was
            return False

    def attribute(self, op: str, target: Any, name: str, value: Any) -> dict[str, Any]:
        """Read (``get``) or set (``set``) an attribute of a constructed object."""
        if not isinstance(target, int) or not 0 <= target < len(self.objects):
            return {"exc": {"type": "LookupError", "message": "no such object", "frames": []}}
        try:
            if op == "set":
                setattr(self.objects[target], name, value)
                return {"ok": None, "out": self.out.take()}
            found = getattr(self.objects[target], name)
            if callable(found) and not isinstance(found, type):
                return {"method": name, "out": self.out.take()}
            return {"ok": found, "out": self.out.take()}
        except BaseException as exc:
            return {"exc": _describe(exc), "out": self.out.take()}

    def fork(self) -> dict[str, Any]:
        """Serve the next requests from a copy of this process, until it ends; then answer again here.

        The copy answers ``{"ok": None}`` at once. This process waits for the copy to end (an ``end``
        request, a crash, anything) and answers ``{"resumed": wait_status}``: whatever the copy did to
        its memory (monkeypatching, globals, threads) is gone.
        """
        gc.freeze()  # the copy's collections leave the loaded objects alone: their pages stay shared
        pid = os.fork()
        if pid == 0:
            self.watch()
            return {"ok": None}
        _, status = os.waitpid(pid, 0)
        _sandbox.kill_strays()  # what the copy started (processes, daemons) ends with it
        self.out.take()
        return {"resumed": status}

    def call(
        self,
        name: str,
        args: list[Any],
        kwargs: dict[str, Any],
        standins: list[str],
        target: int | None = None,
    ) -> dict[str, Any]:
        func: Any = self.ns.get(name) if target is None else None
        if target is None:
            if func is None:
                return {"missing": name}
        elif not 0 <= target < len(self.objects):
            return {"exc": {"type": "LookupError", "message": "no such object", "frames": []}}
        saved = {n: self.ns[n] for n in standins if n in self.ns}
        try:
            for n in standins:
                self.ns[n] = self.standin(n)
            if target is not None:
                func = getattr(self.objects[target], name)
            value = func(*args, **kwargs)
            if isinstance(func, type):  # a constructed object stays here; the grader gets a handle
                self.objects.append(value)
                return {"object": len(self.objects) - 1, "type": type(value).__name__, "out": self.out.take()}
            return {"ok": value, "out": self.out.take()}
        except BaseException as exc:
            return {"exc": _describe(exc), "out": self.out.take()}
        finally:
            for n in standins:
                self.ns.pop(n, None)
            self.ns.update(saved)


def serve(
    rfd: int, wfd: int, workdir: str, limits: dict[str, int], report: dict[str, Any], hidden: list[str]
) -> None:
    """Confine this process, then answer requests until the grading process says ``exit`` or goes away."""
    os.setsid()
    _sandbox.become_subreaper()
    try:
        report = _sandbox.confine(workdir, limits, report, hidden)
    except Exception as exc:  # a bug or a platform surprise: say what it was instead of vanishing
        Channel(rfd, wfd).send({"fatal": f"confining the worker failed: {type(exc).__name__}: {exc}"})
        return
    _close_all_but(rfd, wfd)
    os.environ.clear()
    os.environ.update(ENVIRONMENT, HOME=workdir, TMPDIR=workdir)
    sys.meta_path.insert(0, _Blocker())
    for mod in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
        del sys.modules[mod]
    helpers = os.path.join(workdir, ".helpers")
    if os.path.isdir(helpers):
        sys.path.insert(0, helpers)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    worker = Worker(
        Channel(rfd, wfd, min(limits["return_mb"] * 2**20, _codec.MAX_BYTES)), limits["output_chars"], workdir
    )
    sys.stdout = sys.stderr = worker.out
    sys.argv = ["submission"]
    worker.channel.send({"hello": report})
    while True:
        request = worker.channel.recv()
        if request.get("op") == "exit":
            return
        worker.channel.send(worker.handle(request))


def _close_all_but(*keep: int) -> None:
    """Close every inherited descriptor (the warm parent's socket among them) except ``keep``."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
