"""``-j N``: grading processes that each grade many submissions, and a process that dies on one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from grader import assignments, parallel
from grader.grading import grade_stream
from grader.result import SubmissionResult

CORPUS = Path(__file__).parent / "files" / "submissions"
PATHS = sorted(CORPUS.glob("*.ipynb"))[:5]


def test_parallel_results_equal_serial_ones() -> None:
    jobs = list(enumerate(PATHS))
    serial: dict[int, dict[str, Any]] = {}
    grade_stream(jobs, lambda i, r: serial.update({i: {**r.to_json(), "duration_s": 0}}), None)
    got: dict[int, dict[str, Any]] = {}

    def keep(index: int, result: SubmissionResult) -> None:
        got[index] = {**result.to_json(), "duration_s": 0}

    parallel.grade_parallel(jobs, keep, None, 2)
    assert got == serial


def test_a_grading_process_that_dies_costs_only_its_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for index, source in enumerate(PATHS[:4]):
        name = "doomed.ipynb" if index == 1 else source.name
        shutil.copy(source, tmp_path / name)
        paths.append(tmp_path / name)
    real = parallel.grade_groups

    def dies_on_doomed(
        groups: Iterable[list[tuple[int, str]]], on_result: Callable[..., None], *a: Any, **k: Any
    ) -> None:
        def watched() -> Iterable[list[tuple[int, str]]]:
            for group in groups:
                if any(Path(path).name == "doomed.ipynb" for _, path in group):
                    os._exit(3)  # as a crash of the grading process would
                yield group

        real(watched(), on_result, *a, **k)

    monkeypatch.setattr(parallel, "grade_groups", dies_on_doomed)  # the grading processes are forked
    results: dict[int, SubmissionResult] = {}
    parallel.grade_parallel(
        list(enumerate(paths)), results.__setitem__, assignments.load("rnn_step_by_step").name, 2
    )
    assert sorted(results) == [0, 1, 2, 3]
    doomed = results[1]
    assert doomed.error is not None and "grading process stopped unexpectedly (status 3)" in doomed.error
    assert doomed.submission == "doomed.ipynb" and doomed.score == 0
    for index in (0, 2, 3):
        assert results[index].error is None and results[index].max_score == 100
