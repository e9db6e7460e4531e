"""The grading plugin: one worker call per distinct call (the memo), and checks run side by side."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader import assignments
from grader.grading import grade_stream
from grader.plugin import GradingSession
from grader.worker import CallResult


class CountingWorker:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def call(
        self, name: str, args: Sequence[Any], kwargs: dict[str, Any] | None = None, **_: Any
    ) -> CallResult:
        self.calls.append(name)
        return CallResult(float(np.sum(args[0])), "")

    def defined(self) -> list[str]:
        return ["f"]


def test_same_call_runs_once_and_any_difference_runs_again() -> None:
    worker = CountingWorker()
    session = GradingSession(worker, ModuleType("reference"))
    x = np.arange(6.0).reshape(2, 3)
    assert session.call("f", (x,), {}, ()) == 15.0
    assert session.call("f", (x.copy(),), {}, ()) == 15.0  # equal values: remembered
    assert len(worker.calls) == 1
    for args, kwargs, uses in [
        ((x + 1,), {}, ()),  # other values
        ((x.astype(np.float32),), {}, ()),  # other dtype
        ((x.reshape(3, 2),), {}, ()),  # other shape
        ((x,), {"t": 2}, ()),  # other keyword arguments
        ((x,), {}, ("g",)),  # other stand-ins
    ]:
        session.call("f", args, kwargs, uses)
    assert len(worker.calls) == 6


def test_every_submission_of_a_group_draws_the_same_random_inputs(tmp_path: Path) -> None:
    suite = tmp_path / "test_draw.py"
    suite.write_text(
        "import pytest\n\npytestmark = pytest.mark.exercise('draw')\n\n\n"
        "@pytest.mark.points(1)\ndef test_draw(rng):\n    assert False, f'drew {rng.random()}'\n"
    )
    draws = dataclasses.replace(assignments.load("rnn_step_by_step"), name="draws", directory=tmp_path)
    draws = dataclasses.replace(draws, exercises=("draw",), helpers=None)
    messages: list[str] = []
    notebooks = sorted((Path(__file__).parent / "files" / "submissions").glob("*.ipynb"))[:3]
    grade_stream(
        enumerate(notebooks), lambda _, r: messages.append(r.exercises[0].checks[0].message), draws, group=3
    )
    assert len(messages) == 3 and messages[0].startswith("drew 0.")
    assert len(set(messages)) == 1
