"""The grading session's memo: one worker call per distinct function and arguments."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

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
