"""The pipeline for one submission: notebook → worker → checks → result.

:func:`grade_notebook` never raises for a bad submission: an unreadable notebook, a crashing worker or a
broken function all end up in the result with a message, and the other exercises are graded as usual.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Generic, TypeVar

import pytest

from . import assignments
from .assignments import Assignment
from .errors import GraderError, NotebookError
from .notebook import Source, read_notebook
from .plugin import CheckOutcome, GradingPlugin, GradingSession
from .result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult, exercise_status
from .worker import Limits, ProcessWorker

_INI = Path(__file__).with_name("suite.ini")
Key = TypeVar("Key")


def grader_version() -> str:
    try:
        return version("rnn-grader")
    except PackageNotFoundError:
        return "0+unknown"


def grade_notebook(
    path: str | Path,
    assignment: Assignment | None = None,
    *,
    limits: Limits | None = None,
    visible_only: bool = False,
) -> SubmissionResult:
    """Grade one notebook. Without ``assignment`` the notebook's metadata or definitions choose it."""
    results: list[SubmissionResult] = []
    grade_stream(
        [(0, Path(path))],
        lambda _, result: results.append(result),
        assignment,
        limits=limits,
        visible_only=visible_only,
    )
    return results[0]


def grade_stream(
    jobs: Iterable[tuple[Key, str | Path]],
    on_result: Callable[[Key, SubmissionResult], None],
    assignment: Assignment | None = None,
    *,
    limits: Limits | None = None,
    visible_only: bool = False,
) -> None:
    """Grade each ``(key, path)`` of ``jobs``, calling ``on_result(key, result)`` as each one finishes.

    One pytest session serves the whole stream: the suites are collected and imported once, and what
    they cache (reference gradients) is computed once, so a submission costs only its own checks.
    ``jobs`` is consumed lazily, one submission at a time, so it may be fed while results come in.
    Without ``assignment`` the suites of every shipped assignment are collected, and each notebook's
    metadata or definitions choose among them.
    """
    candidates = (assignment,) if assignment else tuple(assignments.load(n) for n in assignments.available())
    loop = _SessionLoop(iter(jobs), on_result, assignment, candidates, limits, visible_only)
    args = [str(a.suite(e)) for a in candidates for e in a.exercises]
    args += [
        "-c",
        str(_INI),
        "--rootdir",
        str(assignments.ROOT),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:warnings",
        "-p",
        "no:terminal",
        "-p",
        "no:logging",
        "--import-mode=importlib",
    ]
    with _quiet_pytest_environment():
        code = pytest.main(args, plugins=[loop, loop.plugin])
    loop.close(code)


class _SessionLoop(Generic[Key]):
    """A pytest plugin that replaces the run loop: for each job, grade the notebook with the collected
    items. Exceptions (a failing ``on_result``, Ctrl-C) are kept and raised after pytest has closed."""

    def __init__(
        self,
        jobs: Iterator[tuple[Key, str | Path]],
        on_result: Callable[[Key, SubmissionResult], None],
        assignment: Assignment | None,
        candidates: tuple[Assignment, ...],
        limits: Limits | None,
        visible_only: bool,
    ) -> None:
        self.jobs = jobs
        self.on_result = on_result
        self.assignment = assignment
        self.candidates = candidates
        self.limits = limits
        self.visible_only = visible_only
        self.plugin = GradingPlugin()
        self.ran = False
        self.error: BaseException | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        # Failure tracebacks are never shown (checks carry their own messages): skip formatting them.
        config.option.tbstyle = "no"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.ran = True
        suites = {a.suite(e).resolve(): a.name for a in self.candidates for e in a.exercises}
        items: dict[str, list[pytest.Item]] = {a.name: [] for a in self.candidates}
        for item in session.items:
            items[suites[item.path.resolve()]].append(item)
        try:
            for key, path in self.jobs:
                self.on_result(key, self._grade(Path(path), items))
        except BaseException as exc:  # raised again by close(), outside pytest
            self.error = exc
        return True

    def close(self, code: int | pytest.ExitCode) -> None:
        if self.error is not None:
            raise self.error
        if not self.ran:  # pytest stopped before running anything: every submission gets the reason
            details = "; ".join(self.plugin.collect_errors) or f"pytest exit code {int(code)}"
            for key, path in self.jobs:
                message = str(_suites_failed(self.candidates, details))
                self.on_result(key, _failed(Path(path), None, message, time.monotonic()))

    def _grade(self, path: Path, items: dict[str, list[pytest.Item]]) -> SubmissionResult:
        start = time.monotonic()
        error = None
        assignment = self.assignment
        try:
            source = read_notebook(path)
        except NotebookError as exc:
            if assignment is None:
                return _failed(path, None, str(exc), start)
            error, source = str(exc), Source((), {}, ())
        if assignment is None:
            assignment = assignments.choose(source, list(self.candidates))
            if assignment is None:
                return _failed(
                    path,
                    None,
                    "no assignment matches this notebook: it defines none of the graded "
                    "functions (choose one with -a)",
                    start,
                )
        try:
            outcomes, outputs, load_notices = self._run_checks(source, assignment, items[assignment.name])
        except GraderError as exc:
            return _failed(path, assignment, str(exc), start)
        exercises = tuple(_exercise(name, outcomes, source, outputs) for name in assignment.exercises)
        notices = (
            tuple(
                Notice(i.message + (f" (not graded: {', '.join(i.lost)})" if i.lost else ""), i.cell, i.line)
                for i in source.issues
            )
            + load_notices
        )
        return SubmissionResult(
            assignment=assignment.name,
            submission=path.name,
            score=round(sum(e.score for e in exercises), 4),
            max_score=round(sum(e.max_score for e in exercises), 4),
            error=error,
            grader_version=grader_version(),
            duration_s=round(time.monotonic() - start, 3),
            exercises=exercises,
            notices=notices,
        )

    def _run_checks(
        self, source: Source, assignment: Assignment, items: list[pytest.Item]
    ) -> tuple[list[CheckOutcome], dict[str, list[str]], tuple[Notice, ...]]:
        if self.plugin.collect_errors:
            raise _suites_failed((assignment,), "; ".join(self.plugin.collect_errors))
        if self.visible_only:
            items = [item for item in items if item.get_closest_marker("hidden") is None]
        reference = assignment.reference()
        helpers = str(assignment.helpers) if assignment.helpers else ""
        with ProcessWorker(source.statements, helpers=helpers, limits=self.limits) as worker:
            issues = worker.load()
            session = GradingSession(worker, reference)
            self.plugin.begin(session)
            for index, item in enumerate(items):
                nextitem = items[index + 1] if index + 1 < len(items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        notices = tuple(
            Notice(f"a statement failed when the notebook's code was loaded: {i.message}", i.cell, i.line)
            for i in issues
        )
        return sorted(self.plugin.outcomes.values(), key=lambda o: o.order), session.output, notices


def _suites_failed(candidates: tuple[Assignment, ...], details: str) -> GraderError:
    names = ", ".join(f"'{a.name}'" for a in candidates)
    return GraderError(
        f"the graded suites of {names} could not be run: {details}",
        hint="run `grader validate` to check the assignment",
    )


@contextlib.contextmanager
def _quiet_pytest_environment() -> Iterator[None]:
    """Run the suites unaffected by the user's pytest settings and installed plugins."""
    saved = {
        k: os.environ.get(k) for k in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    os.environ.pop("PYTEST_ADDOPTS", None)
    os.environ.pop("PYTEST_PLUGINS", None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _exercise(
    name: str, outcomes: list[CheckOutcome], source: Source, outputs: dict[str, list[str]]
) -> ExerciseResult:
    mine = [o for o in outcomes if o.exercise == name]
    checks = tuple(
        CheckResult(
            o.name, o.max_points if o.passed else 0.0, o.max_points, o.passed, o.message, o.hint, o.visibility
        )
        for o in mine
    )
    score = round(sum(c.points for c in checks), 4)
    max_score = round(sum(c.max_points for c in checks), 4)
    definition = source.definitions.get(name)
    span = (
        SourceSpan(definition.cell, definition.first_line, definition.last_line, definition.code)
        if definition
        else None
    )
    status = exercise_status(score, max_score, [o.failure for o in mine if not o.passed])
    if definition is None and status != "passed":
        status = "missing"
    return ExerciseResult(
        name, score, max_score, status, checks, span, "\n".join(outputs.get(name, []))[:20_000]
    )


def _failed(path: Path, assignment: Assignment | None, message: str, start: float) -> SubmissionResult:
    return SubmissionResult(
        assignment=assignment.name if assignment else None,
        submission=path.name,
        score=0.0,
        max_score=0.0,
        error=message,
        grader_version=grader_version(),
        duration_s=round(time.monotonic() - start, 3),
        exercises=tuple(
            ExerciseResult(e, 0.0, 0.0, "error") for e in (assignment.exercises if assignment else ())
        ),
    )
