"""The pytest plugin (grader/plugin.py) run on small suites with an in-process fake worker: what each
check records, including the structured details the reports show."""

from __future__ import annotations

import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.errors import StudentRaised
from grader.plugin import CheckOutcome, GradingPlugin, GradingSession
from grader.worker import CallResult

SUITE = '''
import numpy as np
from grader import assert_close, assert_gradient, exercise, hidden, points

pytestmark = exercise("f")

@points(1)
def test_values(student):
    """values"""
    assert_close(student.f(1.0), np.arange(6.0).reshape(2, 3), "out")

@points(1)
def test_gradients(student):
    """gradients"""
    assert_gradient(student.f(2.0), np.arange(6.0).reshape(2, 3), "dW")

@points(1)
def test_raises(student):
    """raises"""
    student.f(3.0)

@hidden
@points(1)
def test_secret(student):
    """secret"""
    assert_close(student.f(4.0), np.zeros((2, 3)), "secret")
'''


class FakeWorker:
    """Answers f(x): a wrong array for 1, the right one for 2, raises for 3; prints its argument."""

    def call(self, name: str, args: Sequence[Any], kwargs: dict[str, Any] | None = None, **_: Any) -> Any:
        (x,) = args
        if x == 3.0:
            raise StudentRaised("ValueError", "bad", frames=[("<cell 2>", 5, "f"), ("<cell 4>", 9, "helper")])
        value = np.arange(6.0).reshape(2, 3) + (1.0 if x == 1.0 else 0.0)
        return CallResult(value, f"printed {x}\n")

    def defined(self) -> list[str]:
        return ["f"]


@pytest.fixture
def graded(tmp_path: Path) -> tuple[dict[str, CheckOutcome], GradingSession]:
    (tmp_path / "test_f.py").write_text(SUITE)
    session = GradingSession(FakeWorker(), types.ModuleType("reference"))  # type: ignore[arg-type]
    plugin = GradingPlugin(session)
    args = [str(tmp_path / "test_f.py"), "-p", "no:cacheprovider", "-p", "no:terminal"]
    args += ["--rootdir", str(tmp_path), "--import-mode=importlib"]
    assert pytest.main(args, plugins=[plugin]) == pytest.ExitCode.TESTS_FAILED
    return {o.name: o for o in plugin.outcomes.values()}, session


def test_value_failure_has_the_worst_difference(graded: tuple[dict[str, CheckOutcome], Any]) -> None:
    values = graded[0]["values"].details["values"]  # type: ignore[index]
    assert values["name"] == "out" and values["wrong"] == 6 and values["expected"] == 0.0


def test_passing_gradient_check_keeps_its_relative_error(graded: tuple[dict[str, CheckOutcome], Any]) -> None:
    outcome = graded[0]["gradients"]
    assert outcome.passed
    assert outcome.details == {
        "gradients": [{"name": "dW", "relative_error": 0.0, "tolerance": 1e-6, "passed": True}]
    }


def test_exception_keeps_its_cell_frames(graded: tuple[dict[str, CheckOutcome], Any]) -> None:
    outcome = graded[0]["raises"]
    assert not outcome.passed and outcome.failure == "error"
    assert outcome.details == {
        "traceback": [{"cell": 2, "line": 5, "function": "f"}, {"cell": 4, "line": 9, "function": "helper"}]
    }


def test_output_printed_during_a_hidden_check_is_not_kept(
    graded: tuple[dict[str, CheckOutcome], Any],
) -> None:
    outcomes, session = graded
    assert outcomes["secret"].visibility == "hidden" and not outcomes["secret"].passed
    assert session.output["f"] == ["printed 1.0\n", "printed 2.0\n"]


def test_student_objects_call_methods_and_move_attributes_through_the_worker() -> None:
    from grader.notebook import Statement
    from grader.plugin import StudentObject, StudentProxy
    from grader.worker import ProcessWorker

    code = (
        "import numpy as np\n"
        "class Layer:\n"
        "    def __init__(self, n):\n"
        "        self.W = np.ones((n, n))\n"
        "    def forward(self, x):\n"
        "        return self.W @ x\n"
    )
    with ProcessWorker([Statement(1, 1, code)]) as worker:
        session = GradingSession(worker, types.ModuleType("reference"))
        layer = StudentProxy(session, (), "Layer").Layer(2)
        assert isinstance(layer, StudentObject)
        np.testing.assert_array_equal(layer.forward(np.array([1.0, 2.0])), [3.0, 3.0])
        layer.W = np.eye(2) * 5
        np.testing.assert_array_equal(layer.W, np.eye(2) * 5)
        np.testing.assert_array_equal(layer.forward(np.array([1.0, 2.0])), [5.0, 10.0])
        with pytest.raises(StudentRaised, match="AttributeError"):
            _ = layer.b
        second = StudentProxy(session, (), "Layer").Layer(2)
        np.testing.assert_array_equal(second.W, np.ones((2, 2)))  # a new object, not the one changed above
