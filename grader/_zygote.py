"""The warm parent: a process with numpy loaded that forks one worker per request.

Started by :mod:`grader.worker` as ``python -I _zygote.py CONTROL_FD`` with a scrubbed environment. It
never runs student code itself. For each request on the control socket (a JSON config plus three file
descriptors: the worker's read and write ends and a status pipe) it forks a *supervisor*, which

1. isolates itself (namespaces, private working directory, hidden sources: :func:`_sandbox.isolate`),
2. forks the *worker* (PID 1 of the new PID namespace when there is one), which confines itself further
   and serves requests (:func:`_child.serve`),
3. reports the worker's PID on the status pipe, waits for it to end, kills anything it left behind, and
   reports its wait status.

The zygote ends when the grading process closes the control socket; its supervisors and their workers
die with it (parent-death signals).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import socket
import sys
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
import _child  # noqa: E402
import _sandbox  # noqa: E402

sys.path.remove(_HERE)


def _supervise(config: dict[str, Any], rfd: int, wfd: int, status_fd: int) -> None:
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    ctypes.CDLL(None).prctl(_sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    workdir = str(config["workdir"])
    limits = {str(k): int(v) for k, v in config["limits"].items()}
    hidden = [str(p) for p in config["hidden"]]
    # every copy of the grader's packages on this Python's own import path too (an installed copy
    # beside a source checkout, say)
    hidden += [
        os.path.join(p, n) for p in sys.path if p for n in _child.BLOCKED if os.path.isdir(os.path.join(p, n))
    ]
    try:
        report = _sandbox.isolate(
            workdir, str(config["helpers"]), hidden, limits["file_mb"], namespaces=bool(config["namespaces"])
        )
    except Exception as exc:  # a platform surprise, or an assignment's helpers that cannot be copied
        failure = f"isolating it failed: {type(exc).__name__}: {exc}"[:500]
        os.write(status_fd, json.dumps({"error": failure}).encode() + b"\n")
        return
    pid = os.fork()
    if pid == 0:
        os.close(status_fd)
        try:
            _child.serve(rfd, wfd, workdir, limits, report, hidden)
        finally:
            os._exit(0)
    os.close(rfd)
    os.close(wfd)
    os.write(status_fd, json.dumps({"pid": pid}).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    _sandbox.kill_strays()  # without a PID namespace, the worker's orphans came to this subreaper
    os.write(status_fd, json.dumps({"status": status}).encode() + b"\n")


def _reap(*_: object) -> None:
    """Wait for every supervisor that ended."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    signal.signal(signal.SIGCHLD, _reap)  # waited for, so their CPU time counts as this process's
    gc.freeze()  # what numpy loaded is never collected: its pages stay shared with every worker
    control.sendall(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        except OSError:
            return
        if not message:
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        pid = os.fork()
        if pid == 0:
            control.close()
            try:
                _supervise(json.loads(message), *fds)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)


if __name__ == "__main__":
    main()
