"""grader/_forkserver.py: the warm parent is started on first use, ended on request, and started again."""

from __future__ import annotations

from grader import _forkserver
from grader.notebook import Statement
from grader.worker import Limits, ProcessWorker

LIMITS = Limits(call_seconds=5.0, statement_seconds=5.0)
CODE = [Statement(1, 1, "import numpy as np"), Statement(2, 1, "def add(a, b):\n    return a + b")]


def test_shutdown_ends_the_warm_parent_and_the_next_worker_starts_another() -> None:
    with ProcessWorker(CODE[:1], limits=LIMITS) as w:
        w.load()
    server = _forkserver._SERVER
    assert server is not None and server.proc.poll() is None
    _forkserver.shutdown()
    assert server.proc.poll() is not None  # ended and waited for
    with ProcessWorker(CODE[:2], limits=LIMITS) as w:
        assert w.load() == [] and w.call("add", [1, 2]).value == 3
    assert _forkserver._SERVER is not None and _forkserver._SERVER is not server


def test_prestart_starts_the_warm_parent_without_waiting_and_once() -> None:
    _forkserver.shutdown()
    _forkserver.prestart()
    server = _forkserver._SERVER
    assert server is not None and not server.ready  # its "ready" is awaited only by the first spawn
    _forkserver.prestart()
    assert _forkserver._SERVER is server
    with ProcessWorker(CODE, limits=LIMITS) as w:
        assert w.load() == [] and w.call("add", [2, 3]).value == 5
    assert _forkserver._SERVER is server and server.ready
