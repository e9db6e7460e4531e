"""``grader run -j N``: N grading processes, each one pytest session grading submission after submission.

A grading process is forked once with the grader, numpy and pytest already imported, collects the
suites once and keeps what they cache (reference gradients), then takes a few submissions at a time
from its pipe (graded side by side, see :func:`grader.grading.grade_groups`) and sends back each result
as it is ready; both ways as JSON text (no pickle). The next few go to whichever process is free. If a
grading process dies, the submissions it held are reported with an error and a fresh process takes over
the rest: one bad submission never stops the batch.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from . import assignments
from ._forkserver import shutdown
from .grading import GROUP, failed_result, grade_groups
from .result import SubmissionResult
from .worker import Limits, share_cores

OnResult = Callable[[int, SubmissionResult], None]
Job = tuple[int, Path]


def _serve(
    conn: Connection,
    assignment: str | None,
    limits: Limits | None,
    inherited: list[Connection],
    processes: int,
) -> None:
    """The grading process: ``[[index, path], ...]`` in, ``[index, result]`` out per job, until ``null``."""
    for other in inherited:  # the parent's ends of the other processes' pipes: keep their EOF working
        other.close()
    signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C: the workers being used are ended
    share_cores(processes)

    def groups() -> Iterator[list[tuple[int, str]]]:
        while (group := json.loads(conn.recv_bytes())) is not None:
            yield [(int(index), str(path)) for index, path in group]

    def send(index: int, result: SubmissionResult) -> None:
        conn.send_bytes(json.dumps([index, result.to_json()]).encode())

    chosen = assignments.load(assignment) if assignment else None
    try:
        with contextlib.suppress(KeyboardInterrupt, EOFError, BrokenPipeError):  # the parent stopped it
            grade_groups(groups(), send, chosen, limits=limits)
    finally:  # multiprocessing ends this process without exit handlers
        shutdown()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _Pool:
    def __init__(
        self, jobs: Sequence[Job], on_result: OnResult, assignment: str | None, limits: Limits | None
    ) -> None:
        self.pending = deque(jobs)
        self.on_result = on_result
        self.assignment = assignment
        self.limits = limits
        self.context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        self.conns: dict[Connection, multiprocessing.process.BaseProcess] = {}
        self.held: dict[Connection, dict[int, Path]] = {}  # what each process is grading
        self.size = 1
        self.processes = 1

    def start(self) -> None:
        parent, child = self.context.Pipe()
        args = (child, self.assignment, self.limits, list(self.conns), self.processes)
        process = self.context.Process(target=_serve, args=args, daemon=True)
        process.start()
        child.close()
        self.conns[parent] = process
        self.held[parent] = {}
        self.feed(parent)

    def feed(self, conn: Connection) -> None:
        group = [self.pending.popleft() for _ in range(min(self.size, len(self.pending)))]
        self.held[conn] = dict(group)
        with contextlib.suppress(OSError):  # a dead process: wait() sees it and reports its jobs
            conn.send_bytes(json.dumps([[i, str(p)] for i, p in group] if group else None).encode())

    def receive(self, conn: Connection) -> None:
        try:
            index, data = json.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the process died holding these submissions
            self.lost(conn)
            return
        del self.held[conn][index]
        if not self.held[conn]:
            self.feed(conn)
        self.on_result(index, SubmissionResult.from_json(data))

    def lost(self, conn: Connection) -> None:
        process = self.conns.pop(conn)
        process.join()
        conn.close()
        for index, path in self.held.pop(conn).items():
            self.on_result(index, _lost(path, process.exitcode))
        if self.pending:
            self.start()

    def run(self, workers: int) -> None:
        self.processes = workers
        self.size = max(1, min(GROUP, math.ceil(len(self.pending) / (2 * workers))))
        try:
            for _ in range(min(workers, len(self.pending))):
                self.start()
            while busy := [c for c in self.conns if self.held[c]]:
                ready = wait(busy + [self.conns[c].sentinel for c in busy])
                for conn in busy:
                    if conn in self.conns and (conn in ready or self.conns[conn].sentinel in ready):
                        self.receive(conn)
        finally:
            for conn, process in self.conns.items():
                if self.held[conn]:  # interrupted: stop it, and the workers it was using
                    process.terminate()
            for conn, process in self.conns.items():
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
                    process.join()
                conn.close()


def grade_parallel(
    jobs: Sequence[Job],
    on_result: OnResult,
    assignment: str | None,
    workers: int,
    *,
    limits: Limits | None = None,
) -> None:
    """Grade ``jobs`` in ``workers`` processes; ``on_result(index, result)`` runs here, in this process,
    as each result arrives (in completion order)."""
    _Pool(jobs, on_result, assignment, limits).run(workers)


def _lost(path: Path, exitcode: int | None) -> SubmissionResult:
    reason = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"status {exitcode}"
    return failed_result(
        path, None, f"the grading process stopped unexpectedly ({reason}) while grading this submission"
    )
