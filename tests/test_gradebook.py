"""The gradebook: keys, the stored round trip, what is found again, and the CSV export."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from grader import assignments
from grader.errors import UsageError
from grader.gradebook import Gradebook, assignment_spec, export_csv, submission_key
from grader.result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult

RNN = assignments.load("rnn_step_by_step")


def result(name: str, scores: dict[str, float], error: str | None = None) -> SubmissionResult:
    exercises = tuple(
        ExerciseResult(
            ex,
            score,
            10.0,
            "passed" if score == 10 else "partial",
            (CheckResult("values [m=1]", score, 10.0, score == 10, "passed", hint="a <hint>"),),
            SourceSpan(3, 1, 2, "def f():\n    return 'é'"),
            output="printed",
        )
        for ex, score in scores.items()
    )
    total = sum(scores.values())
    return SubmissionResult(
        "rnn_step_by_step",
        name,
        total,
        10.0 * len(scores),
        error,
        "0.1.0",
        0.2,
        exercises,
        (Notice("n", 1, 2),),
    )


def test_key_depends_on_content_assignment_version_and_grader() -> None:
    spec = assignment_spec(RNN)
    assert spec == f"rnn_step_by_step@{RNN.version}"
    assert submission_key(b"a", spec) == submission_key(b"a", spec)
    assert submission_key(b"a", spec) != submission_key(b"b", spec)
    assert submission_key(b"a", spec) != submission_key(b"a", "rnn_step_by_step@2")
    assert submission_key(b"a", spec) != submission_key(b"a", assignment_spec(None))
    assert f"rnn_step_by_step@{RNN.version}" in assignment_spec(None)


def test_recorded_result_is_found_again_unchanged(tmp_path: Path) -> None:
    alice = result("alice.ipynb", {"rnn_forward": 10.0, "rnn_backward": 5.0})
    with Gradebook(tmp_path / "book.sqlite") as book:
        book.start_run()
        book.record("alice", Path("class/alice.ipynb"), "k1", alice, graded=True)
    with Gradebook(tmp_path / "book.sqlite") as book:  # another process, later
        found = book.lookup(["k1", "k2"])
        assert list(found) == ["k1"]
        assert found["k1"].to_json() == alice.to_json()
        assert [(s, r.to_json()) for s, r in book.current()] == [("alice", alice.to_json())]


def test_results_with_an_error_are_graded_again(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "book.sqlite") as book:
        book.start_run()
        book.record(
            "bob", Path("bob.ipynb"), "k", result("bob.ipynb", {}, error="worker failed"), graded=True
        )
        assert book.lookup(["k"]) == {}
        assert book.current()[0][1].error == "worker failed"  # still exported


def test_current_result_follows_the_students_latest_submission(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "book.sqlite") as book:
        book.start_run()
        book.record(
            "alice", Path("alice.ipynb"), "old", result("alice.ipynb", {"rnn_forward": 2.0}), graded=True
        )
        book.start_run()
        book.record(
            "alice", Path("alice.ipynb"), "new", result("alice.ipynb", {"rnn_forward": 9.0}), graded=True
        )
        assert [r.score for _, r in book.current()] == [9.0]
        assert set(book.lookup(["old", "new"])) == {"old", "new"}  # the old result is still on file


def test_export_is_a_row_per_student_and_a_column_per_exercise(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "book.sqlite") as book:
        book.start_run()
        bob = result("bob.ipynb", {"rnn_forward": 10.0, "rnn_backward": 2.5})
        alice = result("alice.ipynb", {"rnn_forward": 4.0, "rnn_backward": 10.0})
        carol = dataclasses.replace(
            result("carol.ipynb", {}), assignment=None, error="not valid JSON, line 1"
        )
        for student, res in (("bob", bob), ("alice", alice), ("carol", carol)):
            book.record(student, Path(f"{student}.ipynb"), student, res, graded=True)
        out = io.StringIO()
        assert export_csv(book, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == [
        "student",
        "submission",
        "assignment",
        "rnn_forward",
        "rnn_backward",
        "total",
        "max_score",
        "error",
    ]
    assert [r["student"] for r in rows] == ["alice", "bob", "carol"]
    assert rows[0]["rnn_forward"] == "4" and rows[0]["rnn_backward"] == "10" and rows[0]["total"] == "14"
    assert rows[1]["rnn_backward"] == "2.5" and rows[1]["total"] == "12.5" and rows[1]["max_score"] == "20"
    assert (
        rows[2]["rnn_forward"] == ""
        and rows[2]["total"] == "0"
        and rows[2]["error"] == "not valid JSON, line 1"
    )


def test_a_file_that_is_not_a_gradebook_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the grades you are looking for\n" * 100)
    with pytest.raises(UsageError, match=r"cannot use .*notes\.txt as a gradebook"):
        Gradebook(path)
