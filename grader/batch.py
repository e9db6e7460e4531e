"""``grader run`` over many submissions: take what the gradebook already has, grade the rest (in this
process, in N processes with ``-j N``, or on a Dask cluster), and as each result arrives write its
reports, commit it to the gradebook and advance the progress bar.

Whichever way a result was produced (serial, ``-j N``, Dask, or found in the gradebook) it is the same,
apart from ``duration_s``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import assignments
from .assignments import Assignment
from .errors import GraderError, NotebookError
from .gradebook import Gradebook, assignment_spec, submission_key
from .grading import Extracted, Job, grade_stream
from .notebook import read_notebook
from .reports import write_reports
from .result import SubmissionResult
from .worker import Limits


@dataclass(frozen=True)
class Batch:
    """What a batch did: every submission's result (in the order given), and how many were graded now
    and how many were found in the gradebook."""

    results: list[SubmissionResult]
    graded: int
    reused: int


def run_batch(
    paths: Sequence[Path],
    stems: Sequence[str],
    outdir: Path,
    gradebook: Path,
    *,
    assignment: str | None = None,
    jobs: int = 1,
    dask: str | None = None,
    limits: Limits | None = None,
) -> Batch:
    """Grade ``paths`` (reports ``OUTDIR/<stem>.json`` and ``.html``), resuming from ``gradebook``."""
    chosen = assignments.load(assignment) if assignment else None
    spec = assignment_spec(chosen)
    keys = [_key(path, spec) for path in paths]
    results: list[SubmissionResult | None] = [None] * len(paths)
    counts = {True: 0, False: 0}
    with Gradebook(gradebook) as book, _progress(len(paths)) as advance:
        book.start_run()

        def finish(index: int, result: SubmissionResult, graded: bool = True) -> None:
            data = result.to_json()  # written twice: to the report and to the gradebook
            write_reports(result, outdir, stems[index], data=data)
            book.record(stems[index], paths[index], keys[index], result, graded=graded, data=data)
            results[index] = result
            counts[graded] += 1
            advance()

        def graded(index: int, result: SubmissionResult) -> None:
            finish(index, result)
            for copy in copies[index]:  # the same bytes handed in again: the same result
                finish(copy, dataclasses.replace(result, submission=paths[copy].name), graded=False)

        stored = book.lookup(keys)
        todo: list[tuple[int, Path]] = []
        first: dict[str, int] = {}
        copies: dict[int, list[int]] = {}
        for index, (path, key) in enumerate(zip(paths, keys, strict=True)):
            if key in stored:
                finish(index, dataclasses.replace(stored[key], submission=path.name), graded=False)
            elif key in first:
                copies[first[key]].append(index)
            else:
                first[key], copies[index] = index, []
                todo.append((index, path))
        if dask:
            from .distributed import grade_on_dask  # Dask is optional; its import is slow

            grade_on_dask(dask, todo, graded, assignment)
        elif jobs > 1 and len(todo) > 1:
            from .parallel import grade_parallel  # multiprocessing: loaded only for -j N

            grade_parallel(todo, graded, assignment, jobs, limits=limits)
        else:
            jobs_, chosen = _lone(todo, chosen)
            grade_stream(jobs_, graded, chosen, limits=limits)
    done = [r for r in results if r is not None]
    if len(done) != len(paths):  # every path gets a result, an error result at worst
        raise GraderError(f"{len(paths) - len(done)} submission(s) got no result; the others are saved")
    return Batch(done, graded=counts[True], reused=counts[False])


def _lone(
    todo: list[tuple[int, Path]], chosen: Assignment | None
) -> tuple[list[tuple[int, Job]], Assignment | None]:
    """A lone notebook without ``-a``: its assignment is chosen here, so that only that assignment's suites
    are collected (collecting every shipped suite was a third of grading one notebook). A notebook that
    cannot be read or matches no assignment is left to the stream, which reports it as usual."""
    if chosen is not None or len(todo) != 1:
        return list(todo), chosen
    index, path = todo[0]
    since = time.monotonic()
    try:
        source = read_notebook(path)
    except NotebookError:
        return list(todo), None
    found = assignments.choose(source, [assignments.load(name) for name in assignments.available()])
    if found is None:
        return list(todo), None
    return [(index, Extracted(source, found, path.name, since=since))], found


def _key(path: Path, spec: str) -> str:
    try:
        return submission_key(path.read_bytes(), spec)
    except OSError:
        return f"unreadable:{path}"  # graded (and reported) as unreadable; never found again


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], object]]:
    """A progress bar on a terminal, advanced by the function yielded; nothing is shown when stderr is not
    a terminal, in CI, or for one notebook."""
    if total <= 1 or not sys.stderr.isatty() or os.environ.get("CI"):
        yield lambda: None
        return
    from tqdm import tqdm  # loaded only when a bar is shown

    tqdm.monitor_interval = 0  # no monitor thread: grading processes are forked while the bar is shown
    bar = tqdm(total=total, unit="notebook", file=sys.stderr, leave=False)
    try:
        yield lambda: bar.update(1)
    finally:
        bar.close()
