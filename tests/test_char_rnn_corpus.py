"""End-to-end grading of the ``char_rnn`` corpus in tests/files/char_rnn (built by its build.py).

The correct notebook, written in a style of its own, must score full marks and be recognised as
``char_rnn`` from its definitions; each one-mistake notebook must lose points in that exercise only,
with a hint on a failed check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader import assignments
from grader.grading import grade_notebook

CORPUS = Path(__file__).parent / "files" / "char_rnn"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
CHAR_RNN = assignments.load("char_rnn")


def test_correct_notebook_scores_full_marks_without_naming_its_assignment() -> None:
    result = grade_notebook(CORPUS / EXPECTED[0]["notebook"])
    assert result.error is None and result.assignment == "char_rnn" and result.max_score == 50
    failed = [c.message for e in result.exercises for c in e.checks if not c.passed]
    assert result.score == result.max_score, failed


@pytest.mark.parametrize("entry", EXPECTED[1:], ids=[e["notebook"] for e in EXPECTED[1:]])
def test_one_mistake_loses_points_in_its_exercise_only(entry: dict[str, object]) -> None:
    result = grade_notebook(CORPUS / str(entry["notebook"]), CHAR_RNN)
    assert result.error is None
    losing = {e.name for e in result.exercises if e.score < e.max_score}
    failures = {e.name: [c.message for c in e.checks if not c.passed][:2] for e in result.exercises}
    assert losing == set(entry["loses"]), failures  # type: ignore[arg-type]
    own = next(e for e in result.exercises if e.name in losing)
    hints = [c.hint for c in own.checks if not c.passed and c.hint]
    assert any("exactly what this mistake gives" in h for h in hints), (hints, failures[own.name])
