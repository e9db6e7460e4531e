"""Batch grading: results identical whichever way they were produced, resuming after a kill, progress."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from grader import batch
from grader.cli import main
from grader.gradebook import Gradebook

CORPUS = Path(__file__).parent / "files" / "submissions"
NOTEBOOKS = [
    "correct_01_classic_2018.ipynb",
    "correct_02_modern_2021.ipynb",
    "mistake_rnn_backward_assigns.ipynb",
    "mistake_lstm_cell_forward_concat_order.ipynb",
]


def make_class(folder: Path, names: list[str] = NOTEBOOKS) -> Path:
    (folder / "late").mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    shutil.copy(CORPUS / names[0], folder / "late" / names[0])  # same name and content, another student
    (folder / "broken.ipynb").write_text("{ truncated")
    return folder


def snapshot(outdir: Path) -> dict[str, Any]:
    """Every report and every gradebook row, without timings."""
    reports = {p.name: {**json.loads(p.read_text()), "duration_s": None} for p in outdir.glob("*.json")}
    with Gradebook(outdir / "gradebook.sqlite") as book:
        rows = {student: {**r.to_json(), "duration_s": None} for student, r in book.current()}
    return {"reports": reports, "gradebook": rows}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def serial(classroom: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("serial")
    assert main(["run", str(classroom), "-o", str(out)]) == 0
    return snapshot(out)


def test_serial_run_fills_the_gradebook(serial: dict[str, Any]) -> None:
    book = serial["gradebook"]
    assert sorted(book) == sorted(
        ["broken", *(Path(n).stem for n in NOTEBOOKS), f"{Path(NOTEBOOKS[0]).stem}-2"]
    )
    assert sorted(serial["reports"]) == sorted(f"{s}.json" for s in book)
    assert book["correct_02_modern_2021"]["score"] == 100
    assert book["mistake_rnn_backward_assigns"]["score"] < 100
    assert "not valid JSON" in book["broken"]["error"]


def test_parallel_run_gives_the_same_results(
    classroom: Path, serial: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(classroom), "-o", str(tmp_path), "-j", "2"]) == 0
    assert snapshot(tmp_path) == serial
    # the late copy has the same bytes as its first hand-in: graded once, its result filed twice
    assert "5 graded, 1 already there" in capsys.readouterr().out


def test_second_run_reuses_the_gradebook_and_rewrites_the_reports(
    classroom: Path, serial: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(classroom), "-o", str(tmp_path)]) == 0
    for report in tmp_path.glob("*.*ml"):
        report.unlink()
    for report in tmp_path.glob("*.json"):
        report.unlink()
    capsys.readouterr()
    assert main(["run", str(classroom), "-o", str(tmp_path)]) == 0
    # the broken notebook has an error: it is graded again, everything else comes from the gradebook
    assert "1 graded, 5 already there" in capsys.readouterr().out
    assert snapshot(tmp_path) == serial
    assert len([p for p in tmp_path.glob("*.html") if p.name != "index.html"]) == 6
    assert "6</strong> submissions" in (tmp_path / "index.html").read_text()  # the class page, all of them


def test_a_changed_notebook_is_graded_again(classroom: Path, tmp_path: Path) -> None:
    folder = make_class(tmp_path / "class", NOTEBOOKS[:2])
    book = tmp_path / "book.sqlite"
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--gradebook", str(book)]) == 0
    shutil.copy(CORPUS / NOTEBOOKS[2], folder / NOTEBOOKS[0])  # alice hands in another notebook
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--gradebook", str(book)]) == 0
    assert "2 graded, 2 already there" in out.getvalue()  # alice's new notebook, and the broken one
    with Gradebook(book) as opened:
        alice = dict(opened.current())[Path(NOTEBOOKS[0]).stem]
    assert alice.score < 100 and alice.submission == NOTEBOOKS[0]

    assert main(["export", "--gradebook", str(book), "-o", str(tmp_path / "grades.csv")]) == 0
    with open(tmp_path / "grades.csv", newline="") as grades:
        rows = {row["student"]: row for row in csv.DictReader(grades)}
    assert sorted(rows) == sorted(
        ["broken", "correct_01_classic_2018-2", *(Path(n).stem for n in NOTEBOOKS[:2])]
    )
    assert (
        rows["correct_02_modern_2021"]["total"] == "100"
        and rows["correct_02_modern_2021"]["rnn_forward"] == "10"
    )
    assert float(rows[Path(NOTEBOOKS[0]).stem]["total"]) == alice.score
    assert float(rows[Path(NOTEBOOKS[0]).stem]["rnn_backward"]) < 10  # the mistake of the new notebook
    assert "not valid JSON" in rows["broken"]["error"] and rows["broken"]["total"] == "0"


def _graded(book: Path) -> dict[str, tuple[int, float]]:
    """student -> (run, graded_at) of each result, read while the run may still be writing."""
    if not book.exists():
        return {}
    with contextlib.closing(sqlite3.connect(book)) as db:
        try:
            rows = db.execute(
                "SELECT s.student, r.run, r.graded_at FROM students s JOIN results r USING (key)"
            )
            return {student: (run, at) for student, run, at in rows}
        except sqlite3.OperationalError:  # the tables are not there yet
            return {}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_killed_halfway_finishes_the_rest_without_regrading(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    names = sorted(p.name for p in CORPUS.glob("*.ipynb"))[:8]
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    out, book = tmp_path / "out", tmp_path / "out" / "gradebook.sqlite"
    run = subprocess.Popen(
        [sys.executable, "-m", "grader", "run", str(folder), "-o", str(out), "-j", jobs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        give_up = time.monotonic() + 300  # a hang guard, not a speed check
        while len(_graded(book)) < 2:
            assert run.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < give_up, "the run graded nothing"
            time.sleep(0.01)
        os.killpg(run.pid, signal.SIGKILL)  # the run and its grading processes, no clean-up at all
    finally:
        run.wait()
    before = _graded(book)
    assert 2 <= len(before) < len(names)

    out_text = io.StringIO()
    with contextlib.redirect_stdout(out_text):
        assert main(["run", str(folder), "-o", str(out)]) == 0
    assert f"{len(names) - len(before)} graded, {len(before)} already there" in out_text.getvalue()
    after = _graded(book)
    assert sorted(after) == sorted(Path(n).stem for n in names)
    assert {s: after[s] for s in before} == before  # kept as they were, not graded again
    assert {run for run, _ in after.values()} == {1, 2}
    assert sorted(p.name for p in out.glob("*.json")) == sorted(f"{Path(n).stem}.json" for n in names)


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        with batch._progress(3) as advance:
            for _ in range(3):
                advance()
        assert ("/3 [" in stream.getvalue()) is shown
    monkeypatch.setenv("CI", "true")
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    with batch._progress(3) as advance:
        advance()
    assert stream.getvalue() == ""


def test_a_lone_notebook_collects_only_its_assignment_and_gets_the_result_of_a_class_run(
    serial: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[tuple[str, ...]] = []
    grade_stream = batch.grade_stream

    def recording(jobs: Any, on_result: Any, assignment: Any = None, **kwargs: Any) -> None:
        collected.append((assignment.name,) if assignment else ("every assignment",))
        grade_stream(jobs, on_result, assignment, **kwargs)

    monkeypatch.setattr(batch, "grade_stream", recording)
    char = Path(__file__).parent / "files" / "char_rnn" / "mistake_mean_loss.ipynb"
    for path in (CORPUS / NOTEBOOKS[2], char):
        out = tmp_path / path.stem
        assert main(["run", str(path), "-o", str(out)]) == 0
        alone = snapshot(out)["reports"][f"{path.stem}.json"]
        if path.parent == CORPUS:  # the same as in the run over the whole class
            assert alone == serial["reports"][f"{path.stem}.json"]
    assert collected == [("rnn_step_by_step",), ("char_rnn",)]
    assert alone["assignment"] == "char_rnn" and alone["score"] < alone["max_score"]
    for content in ("{ truncated", json.dumps({"nbformat": 4, "metadata": {}, "cells": []})):
        odd = tmp_path / "odd.ipynb"  # unreadable, or matching no assignment: the stream says so, as before
        odd.write_text(content)
        assert main(["run", str(odd), "-o", str(tmp_path / "odd")]) == 0
        assert json.loads((tmp_path / "odd" / "odd.json").read_text())["error"]
    assert collected[2:] == [("every assignment",)] * 2
