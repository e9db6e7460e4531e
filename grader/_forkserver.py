"""The warm parent of this process's workers (``_zygote.py``): numpy loaded once, a worker forked per
request. Nothing here but the standard library, so that a command can start it before its own heavy
imports (numpy, pytest, nbformat), and the two load side by side."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from typing import Any

_ZYGOTE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_zygote.py")
START_SECONDS = 30.0
GRADING_COMMANDS = ("run", "check", "validate")  # the commands of ``grader`` that start workers


class _ForkServer:
    """The warm parent (``_zygote.py``): numpy loaded once, a worker forked per request."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        env.update({k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", _ZYGOTE, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                env=env,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.sock = ours
        self.ready = False  # its "ready" is awaited at the first spawn: start-up overlaps the caller's work
        self.lock = threading.Lock()  # workers are started from several threads

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def spawn(self, config: dict[str, Any], fds: tuple[int, int, int]) -> None:
        with self.lock:
            self._spawn(config, fds)

    def _spawn(self, config: dict[str, Any], fds: tuple[int, int, int]) -> None:
        if not self.ready:
            self.sock.settimeout(START_SECONDS)
            try:
                answer = self.sock.recv(16)
            except OSError:
                answer = b""
            if answer != b"ready":
                raise OSError("the warm parent process did not start")
            self.ready = True
        socket.send_fds(self.sock, [json.dumps(config).encode()], list(fds))

    def close(self) -> None:
        self.sock.close()
        if self.owner == os.getpid():  # it keeps nothing: killed, not waited for while it tears numpy down
            self.proc.kill()
            self.proc.wait()


_SERVER: _ForkServer | None = None
_SERVER_LOCK = threading.Lock()


def prestart() -> None:
    """Start the warm parent now, without waiting for it (it loads numpy while the caller gets ready)."""
    with contextlib.suppress(OSError):
        fork_server()


def shutdown() -> None:
    """End this process's warm parent now (it is started again when needed). A process that ends
    without running exit handlers calls it, so the warm parent, and the CPU time of its workers, are
    accounted for."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is not None and _SERVER.owner == os.getpid():
            _SERVER.close()
        _SERVER = None


def fork_server() -> _ForkServer:
    """The warm parent of this process, started on first use (again after it died or after a fork)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or not _SERVER.alive():
            if _SERVER is not None and _SERVER.owner == os.getpid():
                _SERVER.close()
            _SERVER = _ForkServer()
            atexit.register(_SERVER.close)
        return _SERVER
