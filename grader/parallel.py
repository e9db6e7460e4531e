"""``grader run -j N``: N grading processes, each one pytest session grading submission after submission.

A grading process is forked once with the grader, numpy and pytest already imported, collects the
suites once and keeps what they cache (reference gradients), then takes one submission at a time from
its pipe and sends back the result, both as JSON text (no pickle). The next submission goes to whichever
process answers first. If a grading process dies, the submission it held is reported with an error and
a fresh process takes over the rest: one bad submission never stops the batch.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from . import assignments
from .grading import grade_stream, grader_version
from .result import SubmissionResult
from .worker import Limits

OnResult = Callable[[int, SubmissionResult], None]


def _serve(
    conn: Connection, assignment: str | None, limits: Limits | None, inherited: list[Connection]
) -> None:
    """The grading process: ``(index, path)`` in, ``(index, result JSON)`` out, until ``None``."""
    for other in inherited:  # the parent's ends of the other processes' pipes: keep their EOF working
        other.close()
    signal.signal(
        signal.SIGTERM, _interrupt
    )  # stop like Ctrl-C: the worker of the current submission is ended

    def jobs() -> Iterator[tuple[int, str]]:
        while (job := json.loads(conn.recv_bytes())) is not None:
            yield int(job[0]), str(job[1])

    def send(index: int, result: SubmissionResult) -> None:
        conn.send_bytes(json.dumps([index, result.to_json()]).encode())

    chosen = assignments.load(assignment) if assignment else None
    with contextlib.suppress(KeyboardInterrupt, EOFError, BrokenPipeError):  # the parent stopped the batch
        grade_stream(jobs(), send, chosen, limits=limits)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@dataclass
class _Process:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: tuple[int, Path] | None = None


def grade_parallel(
    jobs: Sequence[tuple[int, Path]],
    on_result: OnResult,
    assignment: str | None,
    workers: int,
    *,
    limits: Limits | None = None,
) -> None:
    """Grade ``jobs`` in ``workers`` processes; ``on_result(index, result)`` runs here, in this process,
    as each result arrives (in completion order)."""
    pending = deque(jobs)
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    running: list[_Process] = []

    def start() -> None:
        parent, child = context.Pipe()
        inherited = [p.conn for p in running]
        process = context.Process(target=_serve, args=(child, assignment, limits, inherited), daemon=True)
        process.start()
        child.close()
        running.append(_Process(process, parent))

    def feed(proc: _Process) -> None:
        proc.job = pending.popleft() if pending else None
        with contextlib.suppress(OSError):  # a dead process: wait() sees it and reports the job
            proc.conn.send_bytes(
                json.dumps(None if proc.job is None else [proc.job[0], str(proc.job[1])]).encode()
            )

    try:
        for _ in range(min(workers, len(pending))):
            start()
            feed(running[-1])
        while any(p.job is not None for p in running):
            busy = [p for p in running if p.job is not None]
            ready = wait([p.conn for p in busy] + [p.process.sentinel for p in busy])
            for proc in busy:
                if proc.conn in ready or proc.process.sentinel in ready:
                    _collect(proc, on_result, feed, start, pending, running)
    finally:
        for proc in running:
            if proc.job is not None:  # interrupted: stop it, and the worker of its submission with it
                proc.process.terminate()
        for proc in running:
            proc.process.join(timeout=10)
            if proc.process.is_alive():
                proc.process.kill()
                proc.process.join()
            proc.conn.close()


def _collect(
    proc: _Process,
    on_result: OnResult,
    feed: Callable[[_Process], None],
    start: Callable[[], None],
    pending: deque[tuple[int, Path]],
    running: list[_Process],
) -> None:
    assert proc.job is not None
    index, path = proc.job
    try:
        got, data = json.loads(proc.conn.recv_bytes())
    except (EOFError, OSError):  # the process died holding this submission
        proc.process.join()
        running.remove(proc)
        proc.conn.close()
        on_result(index, _lost(path, proc.process.exitcode))
        if pending:
            start()
            feed(running[-1])
        return
    result = SubmissionResult.from_json(data)
    feed(proc)
    on_result(got, result)


def _lost(path: Path, exitcode: int | None) -> SubmissionResult:
    reason = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"status {exitcode}"
    return SubmissionResult(
        assignment=None,
        submission=path.name,
        score=0.0,
        max_score=0.0,
        error=f"the grading process stopped unexpectedly ({reason}) while grading this submission",
        grader_version=grader_version(),
        duration_s=0.0,
    )
