"""Reports: the JSON round trip, the HTML page (escaped, self-contained) and the terminal table."""

from __future__ import annotations

import json
from pathlib import Path

from grader.reports import render_html, render_table, write_reports
from grader.result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult

SCRIPT = "<script>alert('x')</script>"


def make_result(
    message: str = "a_next has wrong values", code: str = "def f():\n    return 1"
) -> SubmissionResult:
    check_ok = CheckResult("shapes", 1.0, 1.0, True, "passed")
    check_bad = CheckResult("values", 0.0, 2.0, False, message, hint="is the bias there?")
    secret = CheckResult("hidden values", 0.0, 1.0, False, "expected 0.123456, got 0.5", visibility="hidden")
    exercise = ExerciseResult(
        "rnn_cell_forward",
        1.0,
        4.0,
        "partial",
        (check_ok, check_bad, secret),
        SourceSpan(3, 2, 3, code),
        output="printed " + SCRIPT,
    )
    return SubmissionResult(
        "rnn_step_by_step",
        "alice.ipynb",
        1.0,
        4.0,
        None,
        "0.1.0",
        0.2,
        (exercise,),
        (Notice("syntax error: invalid syntax", 5, 2),),
    )


def test_json_round_trip() -> None:
    result = make_result()
    data = json.loads(json.dumps(result.to_json()))
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
        "name": "values",
        "points": 0.0,
        "max_points": 2.0,
        "passed": False,
        "hint": "is the bias there?",
        "visibility": "visible",
    }


def test_html_escapes_everything_from_the_student() -> None:
    page = render_html(make_result(message=SCRIPT, code=f"def f():\n    return '{SCRIPT}'"))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing fetched


def test_html_shows_scores_messages_hints_and_code_with_cell_lines() -> None:
    page = render_html(make_result())
    assert "1 / 4" in page
    assert "a_next has wrong values" in page and "is the bias there?" in page
    assert "cell 3, lines 2–3" in page
    assert "cell 5, line 2" in page


def test_hidden_check_details_are_not_in_the_page() -> None:
    page = render_html(make_result())
    assert "hidden values" in page
    assert "0.123456" not in page


def test_write_reports(tmp_path: Path) -> None:
    json_path, html_path = write_reports(make_result(), tmp_path / "out", "alice")
    assert json.loads(json_path.read_text())["submission"] == "alice.ipynb"
    assert html_path.read_text().startswith("<!doctype html>")


def test_terminal_table() -> None:
    single = render_table([make_result()])
    assert "rnn_cell_forward" in single and "values: a_next has wrong values" in single
    many = render_table([make_result(), make_result()])
    assert many.count("alice.ipynb") == 2
