"""The Markdown step summary (grader/reports/markdown.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import HIDDEN_SECRET

from grader.reports import append_step_summary, render_markdown
from grader.reports.markdown import md
from grader.result import SubmissionResult


def test_table_per_exercise(result: SubmissionResult) -> None:
    text = render_markdown([result])
    lines = text.splitlines()
    assert lines[0] == "### alice\\.ipynb: 2.5 / 10 (25%)"
    assert "| exercise | score | status | first failed check |" in lines
    row = next(line for line in lines if line.startswith("| rnn\\_cell\\_forward"))
    assert row.count(" | ") == 3 and "2 / 5" not in row and "1 / 5 | partial" in row
    assert HIDDEN_SECRET not in text


def test_table_per_submission(result: SubmissionResult) -> None:
    text = render_markdown([result, result])
    assert "2 submissions, mean score 2.5" in text and text.count("| alice\\.ipynb |") == 2


def test_student_text_is_inert(hostile: tuple[str, SubmissionResult]) -> None:
    _, result = hostile
    for line in render_markdown([result]).splitlines():
        assert "<" not in line.replace("&lt;", "")
        if line.startswith("| ") and not line.startswith("|---"):
            assert line.replace("\\|", "").count("|") == 5  # no cell was split
    assert md("[x](javascript:1) *b*") == "\\[x\\]\\(javascript:1\\) \\*b\\*"


def test_appended_only_when_the_variable_is_set(result: SubmissionResult, tmp_path: Path) -> None:
    assert append_step_summary([result], env={}) is None
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n")
    assert append_step_summary([result], env={"GITHUB_STEP_SUMMARY": str(target)}) == target
    append_step_summary([result], env={"GITHUB_STEP_SUMMARY": str(target)})
    text = target.read_text()
    assert text.startswith("earlier step\n") and text.count("### alice") == 2
