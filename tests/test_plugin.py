"""The pytest plugin (grader/plugin.py) run on small suites with an in-process fake worker: what each
check records, including the structured details the reports show; one worker call per distinct call (the
memo); and checks run side by side for a group of submissions."""

from __future__ import annotations

import dataclasses
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import assignments
from grader import plugin as plugin_module
from grader.errors import StudentRaised
from grader.grading import grade_stream
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
    assert pytest.main(args, plugins=[plugin]) == pytest.ExitCode.OK  # failures are recorded, not raised
    return {o.name: o for o in plugin.outcomes[0].values()}, session


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
        layer = StudentProxy(lambda: session, (), "Layer").Layer(2)
        assert isinstance(layer, StudentObject)
        np.testing.assert_array_equal(layer.forward(np.array([1.0, 2.0])), [3.0, 3.0])
        layer.W = np.eye(2) * 5
        np.testing.assert_array_equal(layer.W, np.eye(2) * 5)
        np.testing.assert_array_equal(layer.forward(np.array([1.0, 2.0])), [5.0, 10.0])
        with pytest.raises(StudentRaised, match="AttributeError"):
            _ = layer.b
        second = StudentProxy(lambda: session, (), "Layer").Layer(2)
        np.testing.assert_array_equal(second.W, np.ones((2, 2)))  # a new object, not the one changed above


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


class RightWorker(FakeWorker):
    """Answers f(x) rightly for every x (zeros for the hidden 4), printing what it was given."""

    def call(self, name: str, args: Sequence[Any], kwargs: dict[str, Any] | None = None, **_: Any) -> Any:
        (x,) = args
        return CallResult(np.zeros((2, 3)) if x == 4.0 else np.arange(6.0).reshape(2, 3), f"right {x}\n")


class LabelDiagnoser:
    """A hint naming the diagnoser and the calls it was shown."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[str] = []

    def hint(self, exercise: str, calls: Sequence[Any], exc: BaseException) -> str:
        return f"{self.label} {exercise}: {[c.args for c in calls]}"


def test_side_by_side_each_submission_keeps_its_own_details_hints_and_output(tmp_path: Path) -> None:
    (tmp_path / "test_f.py").write_text(SUITE)
    wrong = GradingSession(FakeWorker(), ModuleType("reference"), diagnoser=LabelDiagnoser("a"))  # type: ignore[arg-type]
    right = GradingSession(RightWorker(), ModuleType("reference"), diagnoser=LabelDiagnoser("b"))  # type: ignore[arg-type]
    plugin = GradingPlugin(wrong, right)
    args = [str(tmp_path / "test_f.py"), "-p", "no:cacheprovider", "-p", "no:terminal"]
    args += ["--rootdir", str(tmp_path), "--import-mode=importlib"]
    assert pytest.main(args, plugins=[plugin]) == pytest.ExitCode.OK  # failures are the submissions'
    mine, theirs = ({o.name: o for o in outcomes.values()} for outcomes in plugin.outcomes)
    assert not mine["values"].passed and mine["values"].hint == "a f: [(1.0,)]"
    assert mine["values"].details["values"]["wrong"] == 6  # type: ignore[index]
    assert mine["raises"].hint == "a f: [(3.0,)]" and mine["raises"].details is not None
    assert all(o.passed for o in theirs.values()), theirs
    assert theirs["values"].details is None and theirs["gradients"].details == mine["gradients"].details
    assert theirs["raises"].details is None
    assert wrong.output["f"] == ["printed 1.0\n", "printed 2.0\n"]
    assert right.output["f"] == ["right 1.0\n", "right 2.0\n", "right 3.0\n"]  # not the hidden check's


def test_each_runs_the_submissions_side_by_side_each_thread_with_its_own_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plugin_module, "at_once", lambda: 3)
    sessions = [GradingSession(CountingWorker(), ModuleType("reference")) for _ in range(3)]
    plugin = GradingPlugin(*sessions)
    together = threading.Barrier(3, timeout=20)  # passed only when all three run at once

    def task(index: int) -> int:
        together.wait()
        assert plugin.session is sessions[index]
        return index * 10

    try:
        assert plugin.each(3, task) == [0, 10, 20]
        assert plugin.session is sessions[0]  # the calling thread serves the first, as before
    finally:
        plugin.close()


def test_each_runs_as_many_at_once_as_workers_may_answer_and_a_slow_one_holds_up_only_its_lane(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plugin_module, "at_once", lambda: 2)
    sessions = [GradingSession(CountingWorker(), ModuleType("reference")) for _ in range(6)]
    plugin = GradingPlugin(*sessions)
    lock = threading.Lock()
    running, most, thread_of = 0, 0, {}
    slow_started = threading.Event()

    def task(index: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        thread_of[index] = threading.get_ident()
        assert plugin.session is sessions[index]
        if index == 0:
            slow_started.set()
            time.sleep(0.5)
        else:
            slow_started.wait(20)
            time.sleep(0.02)
        with lock:
            running -= 1
        return index

    try:
        assert plugin.each(6, task) == list(range(6))
    finally:
        plugin.close()
    assert most == 2
    assert len({thread_of[i] for i in range(1, 6)}) == 1  # the other lane took all the rest
    assert thread_of[0] != thread_of[1]


def test_each_raises_what_ended_a_lane_after_the_others_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not an Exception (no task catches it): a lane that it ends has its error raised all the same."""
    monkeypatch.setattr(plugin_module, "at_once", lambda: 2)
    plugin = GradingPlugin(*[GradingSession(CountingWorker(), ModuleType("reference")) for _ in range(2)])
    both = threading.Barrier(2, timeout=20)  # one task in each lane
    ended: list[int] = []

    class Abort(BaseException):
        pass

    def task(index: int) -> None:
        both.wait()
        if threading.current_thread() is not threading.main_thread():
            raise Abort
        time.sleep(0.05)
        ended.append(index)

    try:
        with pytest.raises(Abort):
            plugin.each(2, task)
        assert len(ended) == 1
    finally:
        plugin.close()


def test_each_raises_the_first_error_after_every_task_ended() -> None:
    plugin = GradingPlugin(*[GradingSession(CountingWorker(), ModuleType("reference")) for _ in range(3)])
    ended: list[int] = []

    def task(index: int) -> None:
        if index == 0:
            raise ValueError("first")
        time.sleep(0.05)
        ended.append(index)

    try:
        with pytest.raises(ValueError, match="first"):
            plugin.each(3, task)
        assert sorted(ended) == [1, 2]
    finally:
        plugin.close()


def test_a_plain_assert_shows_its_own_message_and_a_bare_one_says_the_check_failed(tmp_path: Path) -> None:
    suite = tmp_path / "suite_f.py"  # a name this test run's own assertion rewriting leaves alone
    suite.write_text(
        "from grader import exercise, points\n"
        "pytestmark = exercise('f')\n"
        "@points(1)\n"
        "def test_told(student):\n"
        "    assert student.f(1.0) is None, 'f should return nothing'\n"
        "@points(1)\n"
        "def test_bare(student):\n"
        "    assert student.f(1.0) is None\n"
    )
    worker = FakeWorker()
    plugin = GradingPlugin(GradingSession(worker, ModuleType("reference")))  # type: ignore[arg-type]
    args = [str(suite), "-q", "-p", "no:cacheprovider", "--assert=plain", "-o", "python_files=suite_*.py"]
    pytest.main(args, plugins=[plugin])
    messages = {o.name: o.message for o in plugin.outcomes[0].values()}
    assert messages == {"told": "f should return nothing", "bare": "the check failed"}


def test_a_call_whose_arguments_pickle_cannot_take_is_never_remembered() -> None:
    worker = CountingWorker()
    session = GradingSession(worker, ModuleType("reference"))
    x = np.arange(3.0)
    session.call("f", (x,), {"activation": lambda v: v}, ())
    session.call("f", (x,), {"activation": lambda v: 2 * v}, ())  # same type, another function
    assert len(worker.calls) == 2
