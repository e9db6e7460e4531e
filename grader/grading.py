"""The pipeline for one submission: notebook → worker → checks → result.

:func:`grade_notebook` never raises for a bad submission: an unreadable notebook, a crashing worker or a
broken function all end up in the result with a message, and the other exercises are graded as usual.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pytest

from . import assignments
from .assignments import Assignment
from .diagnosis import Diagnoser, load_catalog
from .errors import GraderError, NotebookError
from .notebook import Source, read_notebook
from .plugin import CheckOutcome, GradingPlugin, GradingSession
from .result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult, exercise_status
from .worker import Limits, ProcessWorker

_INI = Path(__file__).with_name("suite.ini")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")


def _stable(message: str) -> str:
    """A message the same on every run: memory addresses (``<object at 0x7f3a...>``) are blanked."""
    return _ADDRESS.sub("0x…", message)


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
    path = Path(path)
    start = time.monotonic()
    error = None
    try:
        source = read_notebook(path)
    except NotebookError as exc:
        if assignment is None:
            return _failed(path, None, str(exc), start)
        error, source = str(exc), Source((), {}, ())
    if assignment is None:
        assignment = assignments.choose(source, [assignments.load(n) for n in assignments.available()])
        if assignment is None:
            return _failed(
                path,
                None,
                "no assignment matches this notebook: it defines none of the graded "
                "functions (choose one with -a)",
                start,
            )
    return grade_source(
        source, assignment, path.name, limits=limits, visible_only=visible_only, error=error, start=start
    )


def grade_source(
    source: Source,
    assignment: Assignment,
    submission: str,
    *,
    limits: Limits | None = None,
    visible_only: bool = False,
    only: Sequence[str] | None = None,
    error: str | None = None,
    start: float | None = None,
) -> SubmissionResult:
    """Grade extracted source (a notebook's, or code gathered elsewhere) as the submission ``submission``.

    ``only`` limits grading to some exercises (the others are left out of the result).
    """
    start = time.monotonic() if start is None else start
    path = Path(submission)
    names = tuple(e for e in assignment.exercises if only is None or e in only)
    try:
        outcomes, outputs, load_notices, confinement = _run_checks(
            source, assignment, limits, visible_only, names
        )
    except GraderError as exc:
        return _failed(path, assignment, str(exc), start)
    exercises = tuple(_exercise(name, outcomes, source, outputs) for name in names)
    notices = (
        tuple(
            Notice(
                i.message + (f" (not graded: {', '.join(i.lost)})" if i.lost else ""),
                i.cell or None,
                i.line or None,
            )
            for i in source.issues
        )
        + load_notices
        + tuple(
            Notice(f"graded without this protection ({name}): {entry.get('detail')}")
            for name, entry in confinement.items()
            if not entry.get("active")
        )
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
        confinement=confinement,
    )


Checks = tuple[list[CheckOutcome], dict[str, list[str]], tuple[Notice, ...], dict[str, dict[str, Any]]]


def _run_checks(
    source: Source, assignment: Assignment, limits: Limits | None, visible_only: bool, names: Sequence[str]
) -> Checks:
    reference = assignment.reference()
    helpers = str(assignment.helpers) if assignment.helpers else ""
    diagnoser = Diagnoser(reference, load_catalog(assignment.name), source)
    with ProcessWorker(source.statements, helpers=helpers, limits=limits) as worker:
        issues = worker.load()
        session = GradingSession(worker, reference, diagnoser=diagnoser)
        plugin = GradingPlugin(session)
        args = [str(assignment.suite(e)) for e in names]
        args += [
            "-c",
            str(_INI),
            "--rootdir",
            str(assignment.directory),
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
        if visible_only:
            args += ["-m", "not hidden"]
        with _quiet_pytest_environment():
            code = pytest.main(args, plugins=[plugin])
    if plugin.collect_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        details = "; ".join(plugin.collect_errors) or f"pytest exit code {int(code)}"
        raise GraderError(
            f"the graded suites of '{assignment.name}' could not be run: {details}",
            hint="run `grader validate` to check the assignment",
        )
    notices = tuple(
        Notice(f"a statement failed when the notebook's code was loaded: {i.message}", i.cell, i.line)
        for i in issues
    )
    outcomes = sorted(plugin.outcomes.values(), key=lambda o: o.order)
    return outcomes, session.output, notices, worker.confinement


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
            o.name,
            o.max_points if o.passed else 0.0,
            o.max_points,
            o.passed,
            _stable(o.message),
            o.hint,
            o.visibility,
            o.details,
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
