"""``grader run --dask ADDRESS``: the same grading, sent to a Dask distributed cluster.

Each task carries a few notebooks' bytes (the workers need not see this machine's files) and grades
them with :func:`grader.grading.grade_stream`, exactly as ``grader run`` does here; results come back as
JSON text and are reported in completion order. The workers must have the grader installed (the same
version: the results record it). Dask is optional: ``pip install "rnn-grader[dask]"``.

The cluster is trusted like this machine: Dask moves the notebooks and results between its processes
with pickle. Student code still runs only in the grader's isolated worker processes on the Dask workers.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import assignments
from .errors import UsageError
from .grading import GROUP, failed_result, grade_stream
from .result import SubmissionResult

OnResult = Callable[[int, SubmissionResult], None]
CHUNK = GROUP  # notebooks per task: one pytest session's start-up is shared by these


def grade_files(files: list[tuple[str, bytes]], assignment: str | None) -> list[str]:
    """Grade notebooks given as ``(file name, bytes)``; the result JSON of each, in order. Runs on a
    Dask worker (or anywhere): the notebooks are written to a temporary folder under their own names,
    so the results are the same as grading the original files."""
    chosen = assignments.load(assignment) if assignment else None
    out: list[str] = [""] * len(files)
    with tempfile.TemporaryDirectory(prefix="grader-dask-") as tmp:
        jobs = []
        for index, (name, content) in enumerate(files):
            folder = Path(tmp) / str(index)  # two students may hand in files of the same name
            folder.mkdir()
            (folder / Path(name).name).write_bytes(content)
            jobs.append((index, folder / Path(name).name))

        def keep(index: int, result: SubmissionResult) -> None:
            out[index] = json.dumps(result.to_json())

        grade_stream(jobs, keep, chosen)
    return out


def grade_on_dask(
    address: str, jobs: Sequence[tuple[int, Path]], on_result: OnResult, assignment: str | None
) -> None:
    """Grade ``jobs`` on the cluster whose scheduler is at ``address``; ``on_result`` runs here."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--dask needs Dask's distributed scheduler, which is not installed",
            hint='pip install "rnn-grader[dask]"',
        ) from None
    try:
        client = Client(address, timeout="20s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            hint="give the scheduler's address, e.g. tcp://10.0.0.5:8786",
        ) from None
    readable: list[tuple[int, Path, bytes]] = []
    unreadable: list[tuple[int, Path]] = []
    for index, path in jobs:
        try:
            readable.append((index, path, path.read_bytes()))
        except OSError:  # graded here: reading fails at once, with the same message as without --dask
            unreadable.append((index, path))
    with client:
        futures: dict[Any, list[tuple[int, Path]]] = {}
        for start in range(0, len(readable), CHUNK):
            chunk = readable[start : start + CHUNK]
            files = [(path.name, content) for _, path, content in chunk]
            future = client.submit(grade_files, files, assignment, pure=False)
            futures[future] = [(index, path) for index, path, _ in chunk]
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            done = futures[future]
            try:
                texts: list[str] = future.result()
            except Exception as exc:  # the task failed on the cluster (a worker died, ...)
                for index, path in done:
                    on_result(index, failed_result(path, None, f"the Dask task grading it failed: {exc!r}"))
                continue
            for (index, _), text in zip(done, texts, strict=True):
                on_result(index, SubmissionResult.from_json(json.loads(text)))
    if unreadable:
        grade_stream(unreadable, on_result, assignments.load(assignment) if assignment else None)
