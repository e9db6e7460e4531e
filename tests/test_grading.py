"""End-to-end grading of the submission corpus in tests/files/submissions (one parametrized test).

Each notebook there has either no mistake (it must score full marks) or exactly one realistic mistake in
one function (that exercise must lose points, and no other).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from grader import assignments
from grader.grading import grade_notebook

CORPUS = Path(__file__).parent / "files" / "submissions"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
RNN = assignments.load("rnn_step_by_step")


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["notebook"] for e in EXPECTED])
def test_corpus_notebook(entry: dict[str, object]) -> None:
    result = grade_notebook(CORPUS / str(entry["notebook"]), RNN)
    assert result.error is None
    losing = {e.name for e in result.exercises if e.score < e.max_score}
    failures = {e.name: [c.message for c in e.checks if not c.passed][:2] for e in result.exercises}
    assert losing == set(entry["loses"]), failures  # type: ignore[arg-type]
    assert result.max_score == 100


def test_assignment_chosen_from_definitions() -> None:
    entry = EXPECTED[0]
    result = grade_notebook(CORPUS / entry["notebook"])
    assert result.assignment == "rnn_step_by_step"
    assert result.score == 100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"hello": 1}', "not a Jupyter notebook"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_unreadable_notebook_scores_zero_with_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    result = grade_notebook(path, RNN)
    assert result.score == 0
    assert result.error is not None and message in result.error
    assert [e.name for e in result.exercises] == list(RNN.exercises)
    assert result.max_score == 100
    assert all(e.status == "missing" for e in result.exercises)


def test_unreadable_notebook_without_assignment(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(b"[]")
    result = grade_notebook(path)
    assert result.score == 0 and result.assignment is None
    assert result.error is not None and "not a Jupyter notebook" in result.error


def test_messages_are_the_same_on_every_run(tmp_path: Path) -> None:
    """A student's exception that shows a memory address gives the same message twice."""
    notebook = nbformat.v4.new_notebook()
    code = "def rnn_cell_forward(xt, a_prev, parameters):\n    raise ValueError(object())"
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    path = tmp_path / "addr.ipynb"
    nbformat.write(notebook, path)
    one, two = (grade_notebook(path, RNN).exercises[0].checks[0].message for _ in range(2))
    assert one == two and "ValueError: <object object at 0x…>" in one
