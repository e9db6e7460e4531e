"""Class-based exercises: SimpleRNN notebooks written in several styles grade sensibly
(tests/files/scratch_rnn/, written by its build.py), and a catalog of mutant classes validates and hints."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from grader import assignments
from grader.diagnosis import load_catalog, mistake
from grader.grading import grade_notebook
from grader.validation import check_mutant, judge, mutant_source
from reference.scratch_rnn import SimpleRNN

FILES = Path(__file__).parent / "files" / "scratch_rnn"
SCRATCH = assignments.load("scratch_rnn")


def grade(name: str) -> types.SimpleNamespace:
    result = grade_notebook(FILES / f"{name}.ipynb")
    assert result.assignment == "scratch_rnn" and result.error is None
    failed = [c for e in result.exercises for c in e.checks if not c.passed]
    return types.SimpleNamespace(score=result.score, max=result.max_score, failed=failed)


@pytest.mark.parametrize("name", ["correct_init_loop", "correct_set_later_vectorised", "correct_properties"])
def test_correct_classes_in_every_style_get_full_marks(name: str) -> None:
    graded = grade(name)
    assert graded.score == graded.max, [c.name for c in graded.failed]


def test_mistaken_classes_lose_the_points_of_their_mistake_only() -> None:
    bias = grade("mistake_constant_bias")  # the worked example uses B = 1, so only other cases show it
    assert 0 < bias.score < bias.max / 2
    assert not any(c.name == "forward gives the worked example's h" for c in bias.failed)
    assert any("dW_x" in c.message for c in bias.failed)  # backward is still `pass`

    signature = grade("mistake_backward_signature")  # forward is right, backward takes (x, y, h)
    assert {c.name.split(" ")[0] for c in signature.failed} >= {"backward(dh)", "dX", "dW_x"}
    assert all("backward" in c.message or c.visibility == "hidden" for c in signature.failed)
    assert signature.score == 8.0  # every forward check passes

    derivative = grade("mistake_no_tanh_derivative")
    assert derivative.failed and all(
        c.visibility == "hidden" or "tanh derivative" in (c.hint or "") for c in derivative.failed
    )


def test_a_mutant_class_is_graded_as_a_submission_and_hinted() -> None:
    mutant = next(m for m in load_catalog("scratch_rnn")["SimpleRNN"] if m.name == "no_bias")
    assert mutant_source(mutant).startswith("class SimpleRNN(SimpleRNN):")
    verdict = judge(SCRATCH, mutant)
    assert verdict.ok and verdict.lost > 0 and verdict.hinted


def test_a_mutant_class_must_use_the_reference_names_only() -> None:
    class Foreign:
        def __init__(self, n_features: int, n_units: int) -> None:
            pass

    @mistake("SimpleRNN", "I based my class on another one")
    class other_base(Foreign):
        pass

    @mistake("SimpleRNN", "I used a name the notebook does not have")
    class stray_name(SimpleRNN):
        def forward(self, X):  # type: ignore[no-untyped-def]
            return pytest.approx(X)  # pytest is a name of this module, not of the reference

    assert "base class Foreign" in (check_mutant(SCRATCH, other_base) or "")
    assert "`pytest`" in (check_mutant(SCRATCH, stray_name) or "")
    assert check_mutant(SCRATCH, load_catalog("scratch_rnn")["SimpleRNN"][0]) is None
