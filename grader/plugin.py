"""Stage 3: the graded suites run as a pytest plugin inside the grading process.

Each exercise is a pytest module. Its tests use the fixtures this plugin gives:

- ``student``: a proxy whose attribute calls run the student's function in the worker
  (``student.rnn_forward(x, a0, parameters)``). Arguments are encoded afresh for every call, so a function
  that edits its inputs cannot corrupt them. Results are remembered per function and arguments, so a
  value checked by several tests is computed once, and a function that timed out once is not called
  again. Names listed in the module's ``exercise`` marker (``uses=``) are served by the reference while
  the call runs: each exercise is graded on its own.
- ``reference``: the assignment's reference module.
- ``rng``: a ``numpy.random.Generator`` seeded from the test's name, the same on every run.

Markers: ``exercise(name, uses=())`` on the module, ``points(n)`` and ``hidden`` on tests.
The outcome of every test is collected into :class:`CheckOutcome` records.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import threading
import time
import zlib
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from queue import SimpleQueue
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from .checks import CheckFailed, recording_details
from .diagnosis import Call, Diagnoser
from .errors import StudentFailure, StudentRaised, StudentTimeout
from .memo import call_key
from .result import Visibility
from .worker import CallResult, MethodRef, ObjectRef, Worker, at_once


@dataclass
class CheckOutcome:
    exercise: str
    name: str
    max_points: float
    passed: bool
    message: str
    hint: str | None
    visibility: Visibility
    failure: str  # "", "check", "error", "timeout", "missing"
    order: int
    details: dict[str, Any] | None = None


class StudentProxy:
    """Calls into the worker: ``proxy.name(*args)`` runs the student's ``name``. ``session()`` gives the
    submission being checked at the time of the call."""

    def __init__(
        self, session: Callable[[], GradingSession], uses: tuple[str, ...], exercise: str | None = None
    ) -> None:
        self._session = session
        self._uses = uses
        self._exercise = exercise

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            session = self._session()
            value = session.call(name, args, kwargs, self._uses, self._exercise)
            if isinstance(value, ObjectRef):  # the object lives in this submission's worker: keep to it
                return StudentObject(lambda: session, value, self._exercise)
            return value

        return call


class StudentObject:
    """An object of the student's class, living in the worker: ``obj.forward(x)`` calls its method there,
    ``obj.W_x`` reads an attribute back (through the codec), ``obj.W_x = w`` sets one. Nothing is
    remembered between calls: methods may change the object. ``session()`` gives the submission whose
    worker holds the object."""

    def __init__(self, session: Callable[[], GradingSession], ref: ObjectRef, exercise: str | None) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_exercise", exercise)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._session().object_op("get", self._ref, name, (), {}, self._exercise)
        if not isinstance(value, MethodRef):
            return value

        def method(*args: Any, **kwargs: Any) -> Any:
            result = self._session().object_op("call", self._ref, name, args, kwargs, self._exercise)
            return (
                StudentObject(self._session, result, self._exercise)
                if isinstance(result, ObjectRef)
                else result
            )

        return method

    def __setattr__(self, name: str, value: Any) -> None:
        self._session().object_op("set", self._ref, name, (value,), {}, self._exercise)

    def __repr__(self) -> str:
        return repr(self._ref)


class GradingSession:
    """The state shared by the checks of one submission: the worker, memo, time budget and output.

    The budget counts the time spent in this submission's own calls, so submissions graded side by side
    do not use up each other's time."""

    def __init__(
        self,
        worker: Worker,
        reference: ModuleType,
        *,
        budget_seconds: float = 120.0,
        diagnoser: Diagnoser | None = None,
    ) -> None:
        self.worker = worker
        self.reference = reference
        self.diagnoser = diagnoser
        self.calls: list[Call] = []  # the calls of the check that is running, for its diagnosis
        self.budget = budget_seconds
        self.spent = 0.0
        self.memo: dict[bytes, CallResult | StudentFailure] = {}
        self.timed_out: set[str] = set()
        self.output: dict[str, list[str]] = {}
        self.hidden_check = False  # output printed during a hidden check is not kept: it may show its inputs

    def call(
        self,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        uses: tuple[str, ...],
        exercise: str | None = None,
    ) -> Any:
        key = call_key(self.reference, [name, list(args), kwargs, list(uses)])  # empty: never remembered
        outcome = self.memo.get(key) if key else None
        if outcome is None:
            outcome = self._call(name, args, kwargs, uses, exercise)
            if key and not (isinstance(outcome, CallResult) and isinstance(outcome.value, ObjectRef)):
                self.memo[key] = outcome  # a constructed object is new each time: never remembered
        if isinstance(outcome, StudentFailure):
            self.calls.append(Call(name, args, kwargs, failure=outcome, uses=uses, key=key))
            raise outcome
        self.calls.append(Call(name, args, kwargs, value=outcome.value, uses=uses, key=key))
        return outcome.value

    def object_op(
        self,
        op: str,
        ref: ObjectRef,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        exercise: str | None,
    ) -> Any:
        """A method call, attribute read or attribute write on a student's object (never remembered)."""
        if (spent := self._budget_spent()) is not None:
            raise spent
        start = time.monotonic()
        try:
            if op == "get":
                result = self.worker.get_attribute(ref, name, scope=exercise)
            elif op == "set":
                self.worker.set_attribute(ref, name, args[0], scope=exercise)
                self.calls.append(Call(name, args, kwargs, op=op, target=ref))
                return None
            else:
                result = self.worker.call(
                    name, args, kwargs, resolve=self._resolve, scope=exercise, target=ref
                )
        except StudentTimeout:
            self.timed_out.add(ref.type_name)
            raise
        except StudentFailure as exc:
            self.calls.append(Call(name, args, kwargs, failure=exc, op=op, target=ref))
            raise
        finally:
            self.spent += time.monotonic() - start
        self._keep_output(exercise or ref.type_name, result)
        if not isinstance(result.value, MethodRef):  # recorded for diagnosis, which replays the object's life
            self.calls.append(Call(name, args, kwargs, value=result.value, op=op, target=ref))
        return result.value

    def _call(
        self,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        uses: tuple[str, ...],
        exercise: str | None,
    ) -> CallResult | StudentFailure:
        if name in self.timed_out:
            return StudentTimeout(f"{name}() was not called again: an earlier call ran out of time")
        if (spent := self._budget_spent()) is not None:
            return spent
        start = time.monotonic()
        try:
            result = self.worker.call(
                name, args, kwargs, standins=uses, resolve=self._resolve, scope=exercise
            )
        except StudentTimeout as exc:
            self.timed_out.add(name)
            return exc
        except StudentFailure as exc:
            return exc
        finally:
            self.spent += time.monotonic() - start
        self._keep_output(name, result)
        return result

    def _budget_spent(self) -> StudentTimeout | None:
        """The failure of any call made once the submission's time budget is used up."""
        if self.spent <= self.budget:
            return None
        return StudentTimeout("the submission used up its time budget; the remaining checks were not run")

    def _keep_output(self, key: str, result: CallResult) -> None:
        """What the call printed, kept under ``key`` (not during a hidden check: it may show its inputs)."""
        if result.output and not self.hidden_check:
            self.output.setdefault(key, []).append(result.output)

    def _resolve(self, name: str) -> Any:
        try:
            func = getattr(self.reference, name)
        except AttributeError:
            func = None
        if not callable(func):
            raise NameError(f"{name} is not part of the assignment")
        return func


def _message(exc: BaseException) -> tuple[str, str | None, str]:
    """The student-facing message, hint and failure kind of an exception raised by a check."""
    if isinstance(exc, CheckFailed):
        return exc.message, exc.hint, "check"
    if isinstance(exc, StudentFailure):
        kind = {"timeout": "timeout", "missing": "missing"}.get(exc.status, "error")
        return str(exc), None, kind
    if isinstance(exc, AssertionError):
        text = str(exc).split("\nassert ")[0].strip()
        return text or "the check failed", None, "check"
    return (
        f"the check could not use what the function returned ({type(exc).__name__}: {exc})",
        None,
        "check",
    )


def _details(exc: BaseException | None, noted: dict[str, Any]) -> dict[str, Any] | None:
    """Details for reports: what the helpers noted, the failure's own, where student code raised."""
    details = {key: list(value) for key, value in noted.items()}
    if isinstance(exc, CheckFailed) and exc.details:
        for key, value in exc.details.items():
            details.setdefault(key, value)
    if isinstance(exc, StudentRaised) and exc.frames:
        details["traceback"] = [
            {"cell": int(cell), "line": int(line), "function": str(function)}
            for filename, line, function in exc.frames
            if (cell := str(filename).removeprefix("<cell ").removesuffix(">")).isdigit()
        ]
    return details or None


class GradingPlugin:
    """Registered with ``pytest.main(plugins=[...])``; grades a group of submissions at a time.

    The suites are collected once. :meth:`begin` gives the sessions of the next group; pytest then sets
    up, runs and reports each check once for the whole group, while the check's function is called once
    per submission, each time with that submission's ``student`` and a fresh ``rng``. What pytest costs
    per check is shared by the group, and each submission's outcomes are those it would get alone.

    The calls of a check for the submissions of a group run side by side, one thread each: while one
    submission's worker computes, the grading process carries on with the others, so the workers and
    the grading process keep several cores busy. Each submission's state is its own (session, worker,
    outcomes) and every thread knows which submission it serves, so the outcomes do not depend on it.
    """

    _item: pytest.Item  # the test being run

    def __init__(self, *sessions: GradingSession) -> None:
        self.collect_errors: list[str] = []
        self._checks: dict[str, tuple[str, str, float, Visibility]] = {}
        self._local = threading.local()  # .current: the index of the submission this thread serves
        self._crew: _Crew | None = None
        self.begin(sessions)

    def begin(self, sessions: Sequence[GradingSession]) -> None:
        """Grade the next group: ``outcomes[i]`` will hold the outcomes of ``sessions[i]``."""
        self.sessions = list(sessions)
        self.outcomes: list[dict[str, CheckOutcome]] = [{} for _ in self.sessions]
        self._local.current = 0

    def close(self) -> None:
        """Stop the threads that run checks side by side (started again when needed)."""
        if self._crew is not None:
            self._crew.close()
            self._crew = None

    def each(
        self, count: int, task: Callable[[int], Any], workers: Sequence[Worker] | None = None
    ) -> list[Any]:
        """``[task(i) for i in range(count)]``, run side by side in as many lanes as this process's
        workers may answer at once (:func:`~grader.worker.at_once`): this thread and threads of their own
        (kept for the next calls). Each lane takes the next task no lane has taken, so a slow one holds
        up only its own lane; ``task(i)`` serves submission ``i``. More threads than that would only
        wait for a turn, and hand Python's lock to one another while they wait. The first error is
        raised once every task has ended. On Ctrl-C, ``workers`` (by default the sessions') are
        stopped and no task starts, so the others end soon."""
        lanes = max(1, min(count, at_once()))
        if lanes > 1 and (self._crew is None or self._crew.size < lanes - 1):
            self.close()
            self._crew = _Crew(lanes - 1)
        results: list[tuple[bool, Any]] = [(True, None)] * count
        taken = itertools.count()  # (next() on it is atomic)
        stopped = threading.Event()  # Ctrl-C: no task starts any more

        def lane(_: int) -> None:
            while not stopped.is_set() and (index := next(taken)) < count:
                try:
                    results[index] = (True, self._serving(index, task=task))
                except Exception as exc:
                    results[index] = (False, exc)

        crew = self._crew
        waiting = lanes - 1
        for slot in range(waiting):
            assert crew is not None
            crew.give(slot, slot, lane)
        lost: list[BaseException] = []  # what ended a lane (it is not an Exception: no task caught it)
        try:
            lane(0)
            while waiting:
                assert crew is not None
                _, (ok, value) = crew.done.get()
                waiting -= 1
                if not ok:
                    lost.append(value)
        except BaseException:  # Ctrl-C: stop the workers, let the tasks under way end, then stop too
            stopped.set()
            for worker in [s.worker for s in self.sessions] if workers is None else workers:
                worker.interrupt()
            while waiting and crew is not None:
                crew.done.get()
                waiting -= 1
            raise
        if lost:
            raise lost[0]
        for ok, value in results:
            if not ok:
                raise value
        return [value for _, value in results]

    def _serving(self, index: int, *, task: Callable[[int], Any]) -> Any:
        self._local.current = index
        try:
            return task(index)
        finally:
            self._local.current = 0

    @property
    def session(self) -> GradingSession:
        """The session of the submission whose check is running (in this thread)."""
        if not self.sessions:
            raise RuntimeError("no submission is being graded")
        return self.sessions[getattr(self._local, "current", 0)]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {str(report.longrepr).strip().splitlines()[-1]}")

    # The fixtures read the test being run from the plugin (set by pytest_runtest_setup) rather than
    # asking for pytest's ``request``: that request costs a fixture definition per test.
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._item = item
        hidden = item.get_closest_marker("hidden") is not None
        for session in self.sessions:  # a setup failure is diagnosed from no calls, as is its own check
            session.calls = []
            session.hidden_check = hidden

    @pytest.fixture
    def student(self) -> StudentProxy:
        marker = self._item.get_closest_marker("exercise")
        uses = tuple(marker.kwargs.get("uses", ())) if marker else ()
        return StudentProxy(lambda: self.session, uses, scope_of(self._item))

    @pytest.fixture
    def reference(self) -> ModuleType:
        return self.session.reference

    @pytest.fixture
    def rng(self) -> np.random.Generator:
        return _rng(self._item)

    def pytest_configure(self, config: pytest.Config) -> None:
        # Outcomes are read from the exceptions themselves; pytest's own failure report (source, locals,
        # a long traceback) would cost a quarter of a second per failed check and is never shown.
        config.option.tbstyle = "value"
        config.addinivalue_line("markers", "exercise(name, uses=()): the graded function of a module")
        config.addinivalue_line("markers", "points(n): points the check is worth")
        config.addinivalue_line("markers", "hidden: the check's details are not shown to students")

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool:
        """Call the check once per submission of the group, recording each outcome (with the details
        the helpers noted and the diagnosis of that submission's calls)."""
        fixtures = {name: pyfuncitem.funcargs[name] for name in _argnames(pyfuncitem.obj)}
        hidden = pyfuncitem.get_closest_marker("hidden") is not None

        def check(index: int) -> None:
            session = self.sessions[index]
            session.calls = []
            session.hidden_check = hidden
            args = dict(fixtures)
            if "rng" in args:
                args["rng"] = _rng(pyfuncitem)  # the same numbers for every submission
            error: BaseException | None = None
            with recording_details() as noted:
                try:
                    pyfuncitem.obj(**args)
                except (Exception, pytest.fail.Exception, pytest.skip.Exception) as exc:
                    error = exc
            self._record(index, pyfuncitem, error, noted)

        self.each(len(self.sessions), check)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.when in ("setup", "call") and call.excinfo is not None:
            for index in range(len(self.sessions)):
                self._record(index, item, call.excinfo.value)
        elif call.when == "teardown":
            for index in range(len(self.sessions)):
                self._record(index, item, None)  # only where nothing was recorded
        return report

    def _record(
        self, index: int, item: pytest.Item, exc: BaseException | None, noted: dict[str, Any] | None = None
    ) -> None:
        outcomes = self.outcomes[index]
        if item.nodeid in outcomes:
            return
        if item.nodeid not in self._checks:
            exercise = item.get_closest_marker("exercise")
            points = item.get_closest_marker("points")
            visibility: Visibility = "hidden" if item.get_closest_marker("hidden") else "visible"
            self._checks[item.nodeid] = (
                str(exercise.args[0]) if exercise else item.path.stem.removeprefix("test_"),
                _check_name(item),
                float(points.args[0]) if points else 0.0,
                visibility,
            )
        exercise_name, name, max_points, visibility = self._checks[item.nodeid]
        if exc is None:
            message, hint, failure = "passed", None, ""
        else:
            message, hint, failure = _message(exc)
            hint = self._diagnose(self.sessions[index], exercise_name, exc) or hint
        outcomes[item.nodeid] = CheckOutcome(
            exercise=exercise_name,
            name=name,
            max_points=max_points,
            passed=exc is None,
            message=message,
            hint=hint,
            visibility=visibility,
            failure=failure,
            order=len(outcomes) + 1,
            details=_details(exc, noted or {}),
        )

    @staticmethod
    def _diagnose(session: GradingSession, exercise: str, exc: BaseException) -> str | None:
        """The diagnosis of a failed check; a diagnosis that breaks costs the hint, never the grading."""
        if session.diagnoser is None:
            return None
        try:
            return session.diagnoser.hint(exercise, session.calls, exc)
        except Exception as error:  # a catalog or clue that cannot handle an odd result
            session.diagnoser.errors.append(f"{exercise}: {type(error).__name__}: {error}")
            return None


class _Crew:
    """Threads that run one task each at a time, handed over through queues (cheaper than an executor's
    futures, which cost more than a check's own work when a check is quick)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.inboxes: list[SimpleQueue[tuple[int, Callable[[int], Any]] | None]] = [
            SimpleQueue() for _ in range(size)
        ]
        self.done: SimpleQueue[tuple[int, tuple[bool, Any]]] = SimpleQueue()
        self.threads = [
            threading.Thread(target=self._serve, args=(i,), name=f"grader-check-{i + 1}", daemon=True)
            for i in range(size)
        ]
        for thread in self.threads:
            thread.start()

    def give(self, slot: int, index: int, task: Callable[[int], Any]) -> None:
        """Thread ``slot`` runs ``task(index)``; ``(index, (ok, value or exception))`` comes to ``done``."""
        self.inboxes[slot].put((index, task))

    def _serve(self, slot: int) -> None:
        inbox = self.inboxes[slot]
        while (job := inbox.get()) is not None:
            index, task = job
            try:
                outcome: tuple[bool, Any] = (True, task(index))
            except BaseException as exc:
                outcome = (False, exc)
            self.done.put((index, outcome))

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join()


def scope_of(item: pytest.Item) -> str | None:
    """The scope the check's calls run in: its module's exercise (``exercise`` marker), or none."""
    marker = item.get_closest_marker("exercise")
    return str(marker.args[0]) if marker else None


def _rng(item: pytest.Item) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(item.nodeid.split("::", 1)[-1].encode()))


@functools.cache
def _argnames(function: Callable[..., Any]) -> tuple[str, ...]:
    """The fixtures a check takes: its parameters without defaults."""
    return tuple(
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )


def _check_name(item: pytest.Item) -> str:
    """The docstring's first line, with ``{param}`` filled in; other parameters follow in brackets."""
    func = getattr(item, "function", None)
    doc = (getattr(func, "__doc__", None) or "").strip().splitlines()
    base = doc[0].rstrip(".") if doc else item.name.split("[")[0].removeprefix("test_").replace("_", " ")
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return base
    shown = {name: _show(value) for name, value in callspec.params.items()}
    rest = [text for name, text in shown.items() if "{" + name + "}" not in base]
    with contextlib.suppress(KeyError, IndexError, ValueError):
        base = base.format(**shown)
    return f"{base} [{', '.join(rest)}]" if rest else base


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(_show(v) for v in value)
    return str(getattr(value, "id", value))
