"""End-to-end grading of the submission corpus in tests/files/submissions (one parametrized test).

Each notebook there has either no mistake (it must score full marks) or exactly one realistic mistake in
one function (that exercise must lose points, and no other).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from grader import assignments
from grader.grading import grade_notebook, grade_stream
from grader.result import SubmissionResult
from grader.worker import Limits

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


def test_stream_grades_each_job_like_grade_notebook() -> None:
    paths = [CORPUS / e["notebook"] for e in EXPECTED[:3]]
    results: dict[int, dict[str, object]] = {}
    grade_stream(enumerate(paths), lambda key, r: results.update({key: r.to_json()}), RNN)
    for key, path in enumerate(paths):
        alone = grade_notebook(path, RNN).to_json()
        assert {**results[key], "duration_s": 0} == {**alone, "duration_s": 0}


def test_stream_reports_a_broken_suite_on_every_submission(tmp_path: Path) -> None:
    (tmp_path / "test_rnn_forward.py").write_text("def broken(:\n")
    broken = dataclasses.replace(RNN, name="broken", directory=tmp_path, exercises=("rnn_forward",))
    results: list[SubmissionResult] = []
    grade_stream(
        [(0, CORPUS / EXPECTED[0]["notebook"]), (1, CORPUS / EXPECTED[1]["notebook"])],
        lambda _, r: results.append(r),
        broken,
    )
    assert len(results) == 2
    for result in results:
        assert result.score == 0 and result.error is not None
        assert "graded suites of 'broken' could not be run" in result.error


def test_stream_stops_when_the_consumer_raises() -> None:
    taken: list[int] = []

    def jobs() -> Iterator[tuple[int, Path]]:
        for key, entry in enumerate(EXPECTED[:3]):
            taken.append(key)
            yield key, CORPUS / entry["notebook"]

    def stop(key: int, result: SubmissionResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade_stream(jobs(), stop, RNN, group=1)
    assert taken == [0]


def test_side_by_side_submissions_do_not_affect_each_other(tmp_path: Path) -> None:
    """A submission that runs out of time, and a broken one, in one group with good ones: each gets
    the result it gets alone (its own time budget, its own memo, the same random inputs)."""
    looping = nbformat.v4.new_notebook()
    looping.cells = [
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell(
            "def rnn_cell_forward(xt, a_prev, parameters):\n    while True:\n        pass"
        ),
        nbformat.v4.new_code_cell("def initialize_adam(parameters):\n    return {}, {}"),
    ]
    nbformat.write(looping, tmp_path / "looping.ipynb")
    (tmp_path / "broken.ipynb").write_text("{ truncated")
    paths = [
        CORPUS / EXPECTED[0]["notebook"],
        tmp_path / "looping.ipynb",
        tmp_path / "broken.ipynb",
        CORPUS / "mistake_rnn_backward_assigns.ipynb",
    ]
    limits = Limits(call_seconds=0.5)
    together: dict[int, dict[str, object]] = {}
    grade_stream(enumerate(paths), lambda k, r: together.update({k: r.to_json()}), RNN, limits=limits)
    for key, path in enumerate(paths):
        alone = grade_notebook(path, RNN, limits=limits).to_json()
        assert {**together[key], "duration_s": 0} == {**alone, "duration_s": 0}
    statuses = {e["name"]: e["status"] for e in together[1]["exercises"]}  # type: ignore[attr-defined]
    assert statuses["rnn_cell_forward"] == "timeout" and statuses["rnn_forward"] == "missing"
    assert together[0]["score"] == 100 and together[3]["score"] < 100


def test_messages_are_the_same_on_every_run(tmp_path: Path) -> None:
    """A student's exception that shows a memory address gives the same message twice."""
    notebook = nbformat.v4.new_notebook()
    code = "def rnn_cell_forward(xt, a_prev, parameters):\n    raise ValueError(object())"
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    path = tmp_path / "addr.ipynb"
    nbformat.write(notebook, path)
    one, two = (grade_notebook(path, RNN).exercises[0].checks[0].message for _ in range(2))
    assert one == two and "ValueError: <object object at 0x…>" in one


EDITING_SUITE = '''
import numpy as np

from grader import exercise, points

pytestmark = exercise("rnn_cell_forward")


@points(1)
def test_edits_what_it_expects(student, reference):
    """a check that edits the expected values it was given"""
    r = np.random.default_rng(0)
    p = {"Wax": r.random((5, 3)), "Waa": r.random((5, 5)), "Wya": r.random((2, 5)),
         "ba": r.random((5, 1)), "by": r.random((2, 1))}
    want = reference.rnn_cell_forward(r.random((3, 4)), r.random((5, 4)), p)
    want[2][3]["Wax"] = np.zeros((5, 3))  # the parameters kept in the expected cache
'''


def test_a_check_that_edits_its_expected_values_is_reported(tmp_path: Path) -> None:
    from grader.grading import EXPECTED_CHANGED, grade_source
    from grader.notebook import extract
    from grader.validation import submission, validate

    (tmp_path / "test_rnn_cell_forward.py").write_text(EDITING_SUITE)
    editing = dataclasses.replace(RNN, name="editing", directory=tmp_path, exercises=("rnn_cell_forward",))
    result = grade_source(extract(submission(editing)), editing, "reference.ipynb")
    notices = [n.message for n in result.notices if n.message.startswith(EXPECTED_CHANGED)]
    assert len(notices) == 1 and "reference.rnn_cell_forward" in notices[0]
    assert result.score == 1  # the check itself passed: only the notice tells
    assert any(p.startswith(EXPECTED_CHANGED) for p in validate(editing).problems)
