"""Feedback for students (grader/feedback.py): grader check, and check(fn) in a notebook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import check
from grader.cli import main
from grader.feedback import Feedback, feedback_text, gather
from grader.result import CheckResult, ExerciseResult, SubmissionResult

CORPUS = Path(__file__).parent / "files" / "submissions"
SCRIPT = "<script>alert(1)</script>"
BIAS = 0.0


def result_with(*checks: CheckResult) -> SubmissionResult:
    exercise = ExerciseResult("rnn_cell_forward", 1.0, 4.0, "partial", checks)
    return SubmissionResult("rnn_step_by_step", "alice.ipynb", 1.0, 4.0, None, "0", 0.1, (exercise,))


VISIBLE = CheckResult("a_next values", 0.0, 1.0, False, f"wrong {SCRIPT}", hint=f"bias? {SCRIPT}")
HIDDEN = CheckResult(
    "secret", 0.0, 1.0, False, "expected 0.123456", hint="the hidden hint", visibility="hidden"
)


def test_text_shows_message_and_hint_of_visible_checks_only() -> None:
    text = feedback_text(result_with(VISIBLE, HIDDEN))
    assert f"a_next values: wrong {SCRIPT}" in text and f"hint: bias? {SCRIPT}" in text
    assert "0.123456" not in text and "the hidden hint" not in text and "secret (a hidden check" in text


def test_html_is_escaped_and_hides_hidden_checks() -> None:
    page = Feedback(result_with(VISIBLE, HIDDEN))._repr_html_()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "0.123456" not in page and "the hidden hint" not in page


def softmax(z: Any) -> Any:
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def rnn_cell_forward(xt: Any, a_prev: Any, parameters: Any) -> Any:
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def with_constant(xt: Any, a_prev: Any, parameters: Any) -> Any:
    return rnn_cell_forward(xt, a_prev, parameters)[0] + BIAS


def test_gather_brings_the_helpers_imports_and_constants() -> None:
    pieces = gather(with_constant)
    assert "import numpy as np" in pieces[:2] and "BIAS = 0.0" in pieces
    assert any(p.startswith("def softmax(") for p in pieces)
    assert any(p.startswith("def rnn_cell_forward(") for p in pieces)
    assert pieces[-1].startswith("def with_constant(")


def test_check_of_a_function_with_a_known_mistake() -> None:
    feedback = check(rnn_cell_forward)
    assert not feedback.passed
    assert [e.name for e in feedback.result.exercises] == ["rnn_cell_forward"]
    assert "I left the bias ba out of a_next" in repr(feedback)
    assert "I left the bias ba out of a_next" in feedback._repr_html_()


def right_cell(xt: Any, a_prev: Any, parameters: Any) -> Any:
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    return a_next, softmax(parameters["Wya"] @ a_next + parameters["by"]), (a_next, a_prev, xt, parameters)


def test_check_of_a_right_function_passes_without_hints() -> None:
    feedback = check(right_cell, exercise="rnn_cell_forward")
    assert feedback.passed and "hint" not in repr(feedback)


def test_grader_check_prints_hints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CORPUS / "mistake_rnn_cell_forward_no_bias.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "hint: your result is exactly what this mistake gives: “I left the bias ba out of a_next”" in out


EPSILON = 1e-8


def with_default(parameters: Any, eps: float = EPSILON) -> Any:
    return parameters


class Scaled:
    def __init__(self, n: int) -> None:
        self.W = np.ones((n, n)) * EPSILON

    def forward(self, x: Any) -> Any:
        return softmax(self.W @ x)


def test_gather_includes_what_default_arguments_read() -> None:
    assert "EPSILON = 1e-08" in gather(with_default)


def test_gather_of_a_class_brings_what_its_methods_read() -> None:
    pieces = gather(Scaled)
    assert "import numpy as np" in pieces and "EPSILON = 1e-08" in pieces
    assert any(p.startswith("def softmax(") for p in pieces)
    assert pieces[-1].startswith("class Scaled")
