"""Reports: the JSON round trip, the files written per submission and the terminal table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.reports import render_table, write_reports
from grader.reports.writer import json_text
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
    assert json.loads(json_path.read_text()) == result.to_json()
    lines = json_path.read_text().splitlines()  # a line per field and per exercise
    assert lines[0] == "{" and lines[1] == '  "assignment": "rnn_step_by_step",' and lines[-1] == "}"
    assert sum(line.startswith('    {"name": ') for line in lines) == len(result.exercises)
    assert html_path.read_text().startswith("<!doctype html>")
    for data in ({}, {"exercises": []}, {"a": [1, {"b": None}]}):
        assert json.loads(json_text(data)) == data


def test_terminal_table(result: SubmissionResult) -> None:
    single = render_table([result])
    assert "rnn_cell_forward" in single and "a_next values [m=10]: a_next has wrong values" in single
    many = render_table([result, result])
    assert many.count("alice.ipynb") == 2


def test_json_with_keys_added_by_a_later_version_still_reads(result: SubmissionResult) -> None:
    data = result.to_json()
    data["new_top_level"] = 1
    for exercise in data["exercises"]:
        exercise["new"] = 1
        for check in exercise["checks"]:
            check["new"] = 1
        if exercise["source"]:
            exercise["source"]["new"] = 1
    for notice in data["notices"]:
        notice["new"] = 1
    assert SubmissionResult.from_json(data) == result


def test_terminal_output_has_no_control_characters_or_ci_commands_from_students(
    result: SubmissionResult,
) -> None:
    import dataclasses

    from grader.feedback import feedback_text

    evil = "\x1b[31mRED\n::warning::injected\r\x1b[2K"
    exercise = result.exercises[0]
    check = dataclasses.replace(exercise.checks[0], passed=False, points=0.0, message=evil, hint=evil)
    bad = dataclasses.replace(
        result,
        submission="::error::name.ipynb",
        error=evil,
        exercises=(dataclasses.replace(exercise, checks=(check,)), *result.exercises[1:]),
    )
    for text in (render_table([bad]), render_table([bad, result]), feedback_text(bad)):
        assert "\x1b" not in text and "\r" not in text
        assert not any(line.lstrip().startswith("::") for line in text.splitlines())
        assert "injected" in text  # shown, but inert


@pytest.mark.parametrize("visibility", ["hidden", "after_due_date", "after_published"])
def test_no_student_facing_output_shows_a_check_that_is_not_visible(
    result: SubmissionResult, visibility: str
) -> None:
    import dataclasses

    from conftest import HIDDEN_SECRET

    from grader.feedback import feedback_text
    from grader.reports import render_html, render_junit, render_markdown

    secret = next(c for e in result.exercises for c in e.checks if HIDDEN_SECRET in c.message)
    alone = dataclasses.replace(secret, visibility=visibility)  # the first and only failed check
    twice = (alone, dataclasses.replace(alone, name=alone.name + " again"))  # collapsed rows too
    for checks in ((alone,), twice):
        exercise = dataclasses.replace(result.exercises[0], checks=checks, status="failed", score=0.0)
        only = dataclasses.replace(result, exercises=(exercise,))
        for text in (
            render_table([only]),
            render_markdown([only]),
            render_junit([only]),
            render_html(only),
            feedback_text(only),
        ):
            assert HIDDEN_SECRET not in text
