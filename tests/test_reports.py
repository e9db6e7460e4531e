"""Reports: the JSON round trip, the files written per submission and the terminal table."""

from __future__ import annotations

import json
from pathlib import Path

from grader.reports import render_table, write_reports
from grader.result import SubmissionResult


def test_json_round_trip(result: SubmissionResult) -> None:
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert SubmissionResult.from_json(data) == result
    assert {
        "assignment",
        "submission",
        "score",
        "max_score",
        "error",
        "grader_version",
        "duration_s",
        "exercises",
    } <= set(data)
    check = data["exercises"][0]["checks"][1]
    assert check == {
        **check,
        "name": "a_next values [m=10]",
        "points": 0.0,
        "max_points": 2.0,
        "passed": False,
        "hint": "is the bias ba there?",
        "visibility": "visible",
    }
    assert check["details"]["values"]["index"] == [1, 2]
    assert data["exercises"][0]["checks"][0]["details"] is None


def test_json_without_details_still_reads(result: SubmissionResult) -> None:
    data = result.to_json()
    for exercise in data["exercises"]:
        for check in exercise["checks"]:
            del check["details"]
    assert SubmissionResult.from_json(data).exercises[0].checks[1].details is None


def test_write_reports(tmp_path: Path, result: SubmissionResult) -> None:
    json_path, html_path = write_reports(result, tmp_path / "out", "alice")
    assert json.loads(json_path.read_text())["submission"] == "alice.ipynb"
    assert html_path.read_text().startswith("<!doctype html>")


def test_terminal_table(result: SubmissionResult) -> None:
    single = render_table([result])
    assert "rnn_cell_forward" in single and "a_next values [m=10]: a_next has wrong values" in single
    many = render_table([result, result])
    assert many.count("alice.ipynb") == 2
