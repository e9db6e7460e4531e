"""The pipeline for one submission: notebook → worker → checks → result.

:func:`grade_notebook` never raises for a bad submission: an unreadable notebook, a crashing worker or a
broken function all end up in the result with a message, and the other exercises are graded as usual.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from . import assignments
from .assignments import Assignment
from .diagnosis import Diagnoser, load_catalog
from .errors import GraderError, NotebookError
from .memo import RememberedModule, audit
from .notebook import Source, read_notebook
from .plugin import CheckOutcome, GradingPlugin, GradingSession, scope_of
from .result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult, exercise_status
from .worker import Limits, LoadIssue, ProcessWorker

_INI = Path(__file__).with_name("suite.ini")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
Key = TypeVar("Key")
GROUP = 16  # submissions checked side by side: pytest's cost per check is shared by them


@dataclass(frozen=True)
class Extracted:
    """A job whose source is already extracted (from a notebook, or code gathered elsewhere), graded with
    ``assignment`` as the submission named ``name``. ``error`` says why the notebook could not be read
    (it is then graded as empty); ``since`` is when its grading started (default: when it is read)."""

    source: Source
    assignment: Assignment
    name: str
    error: str | None = None
    since: float | None = None


Job = str | Path | Extracted


def _batched(jobs: Iterator[tuple[Key, Job]], size: int) -> Iterator[list[tuple[Key, Job]]]:
    while group := list(itertools.islice(jobs, max(1, size))):
        yield group


def _stable(message: str) -> str:
    """A message the same on every run: memory addresses (``<object at 0x7f3a...>``) are blanked."""
    return _ADDRESS.sub("0x…", message)


@functools.cache
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
    results: list[SubmissionResult] = []
    grade_stream(
        [(0, Extracted(source, assignment, Path(submission).name, error, start))],
        lambda _, result: results.append(result),
        assignment,
        limits=limits,
        visible_only=visible_only,
        only=only,
    )
    return results[0]


def grade_stream(
    jobs: Iterable[tuple[Key, Job]],
    on_result: Callable[[Key, SubmissionResult], None],
    assignment: Assignment | None = None,
    *,
    limits: Limits | None = None,
    visible_only: bool = False,
    only: Sequence[str] | None = None,
    group: int = GROUP,
) -> None:
    """Grade each ``(key, path)`` of ``jobs``, calling ``on_result(key, result)`` as each one finishes.

    One pytest session serves the whole stream: the suites are collected and imported once, and what
    they cache (reference gradients) is computed once, so a submission costs only its own checks.
    Submissions are checked ``group`` at a time, side by side (see :func:`grade_groups`). Without
    ``assignment`` the suites of every shipped assignment are collected, and each notebook's metadata or
    definitions choose among them. A job is a notebook's path or :class:`Extracted` source; ``only``
    limits grading to some exercises (the others are left out of the results).
    """
    grade_groups(
        _batched(iter(jobs), group),
        on_result,
        assignment,
        limits=limits,
        visible_only=visible_only,
        only=only,
    )


def grade_groups(
    groups: Iterable[Sequence[tuple[Key, Job]]],
    on_result: Callable[[Key, SubmissionResult], None],
    assignment: Assignment | None = None,
    *,
    limits: Limits | None = None,
    visible_only: bool = False,
    only: Sequence[str] | None = None,
) -> None:
    """Like :func:`grade_stream`, for jobs already in groups: the submissions of a group are checked side
    by side, one worker each, with every check set up and reported by pytest once for the group and
    called once per submission. ``groups`` is consumed lazily, a group at a time, so it may be fed while
    results come in. The results are the same whatever the grouping."""
    candidates = (assignment,) if assignment else tuple(assignments.load(n) for n in assignments.available())
    names = {a.name: tuple(e for e in a.exercises if only is None or e in only) for a in candidates}
    loop = _SessionLoop(iter(groups), on_result, assignment, candidates, limits, visible_only, names)
    args = [str(a.suite(e)) for a in candidates for e in names[a.name]]
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
        "-p",
        "no:unraisableexception",  # it collects garbage twice per session
        *("-p", "no:debugging", "-p", "no:unittest", "-p", "no:doctest", "-p", "no:junitxml"),
        *("-p", "no:pastebin", "-p", "no:stepwise", "-p", "no:setuponly", "-p", "no:setupplan"),
        *("-p", "no:faulthandler", "-p", "no:threadexception"),  # command-line tools, test kinds not used
        "--import-mode=importlib",
        "--assert=plain",  # students read an assert's own message; pytest's rewriting only adds to it
    ]
    with _quiet_pytest_environment():
        code = pytest.main(args, plugins=[loop, loop.plugin])
    loop.close(code)


@dataclass
class _Submission(Generic[Key]):
    """A submission read and matched to its assignment, waiting for its checks."""

    key: Key
    path: Path
    source: Source
    assignment: Assignment
    error: str | None  # the notebook could not be read: it is graded as empty
    prepared_s: float
    issues: list[LoadIssue] = field(default_factory=list)
    confinement: dict[str, dict[str, Any]] = field(default_factory=dict)
    diagnosis_errors: list[str] = field(default_factory=list)  # hints that could not be worked out
    changed_expected: list[str] = field(default_factory=list)  # reference results a check changed


class _SessionLoop(Generic[Key]):
    """A pytest plugin that replaces the run loop: for each group of jobs, grade the notebooks with the
    collected items. Exceptions (a failing ``on_result``, Ctrl-C) are kept and raised after pytest has
    closed its session."""

    def __init__(
        self,
        groups: Iterator[Sequence[tuple[Key, Job]]],
        on_result: Callable[[Key, SubmissionResult], None],
        assignment: Assignment | None,
        candidates: tuple[Assignment, ...],
        limits: Limits | None,
        visible_only: bool,
        names: dict[str, tuple[str, ...]],
    ) -> None:
        self.groups = groups
        self.on_result = on_result
        self.assignment = assignment
        self.candidates = candidates
        self.limits = limits
        self.visible_only = visible_only
        self.names = names  # the exercises graded, per assignment
        self.plugin = GradingPlugin()
        self.remembered: dict[str, RememberedModule] = {}
        self.ran = False
        self.error: BaseException | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.ran = True
        suites = {a.suite(e).resolve(): a.name for a in self.candidates for e in self.names[a.name]}
        items: dict[str, list[pytest.Item]] = {a.name: [] for a in self.candidates}
        for item in session.items:
            if not (self.visible_only and item.get_closest_marker("hidden")):
                items[suites[item.path.resolve()]].append(item)
        try:
            for group in self.groups:
                ready = []
                for key, job in group:
                    prepared = self._prepare(key, job)
                    if isinstance(prepared, SubmissionResult):
                        self.on_result(key, prepared)
                    else:
                        ready.append(prepared)
                for assignment in dict.fromkeys(s.assignment for s in ready):
                    members = [s for s in ready if s.assignment is assignment]
                    self._check(members, assignment, items[assignment.name])
        except BaseException as exc:  # raised again by close(), outside pytest
            self.error = exc
        return True

    def close(self, code: int | pytest.ExitCode) -> None:
        self.plugin.close()
        if self.error is not None:
            raise self.error
        if not self.ran:  # pytest stopped before running anything: every submission gets the reason
            details = "; ".join(self.plugin.collect_errors) or f"pytest exit code {int(code)}"
            for group in self.groups:
                for key, job in group:
                    message = str(_suites_failed(self.candidates, details))
                    path = Path(job.name if isinstance(job, Extracted) else job)
                    assignment = job.assignment if isinstance(job, Extracted) else self.assignment
                    self.on_result(key, failed_result(path, assignment, message, time.monotonic()))

    def _prepare(self, key: Key, job: Job) -> _Submission[Key] | SubmissionResult:
        """Read the notebook and choose its assignment; a result already when there is nothing to check."""
        start = time.monotonic()
        if isinstance(job, Extracted):
            if job.assignment.name not in self.names:
                message = f"the suites of '{job.assignment.name}' were not collected for this stream"
                return failed_result(Path(job.name), job.assignment, message, start)
            since = start if job.since is None else job.since
            return _Submission(key, Path(job.name), job.source, job.assignment, job.error, start - since)
        path = Path(job)
        error = None
        assignment = self.assignment
        try:
            source = read_notebook(path)
        except NotebookError as exc:
            if assignment is None:
                return failed_result(path, None, str(exc), start)
            error, source = str(exc), Source((), {}, ())
        if assignment is None:
            assignment = assignments.choose(source, list(self.candidates))
            if assignment is None:
                return failed_result(
                    path,
                    None,
                    "no assignment matches this notebook: it defines none of the graded "
                    "functions (choose one with -a)",
                    start,
                )
        return _Submission(key, path, source, assignment, error, time.monotonic() - start)

    def _check(
        self, members: list[_Submission[Key]], assignment: Assignment, items: list[pytest.Item]
    ) -> None:
        """Run the checks of ``assignment`` on submissions side by side: one worker each, each check
        set up and reported by pytest once and called once per submission."""
        if self.plugin.collect_errors:
            failure = str(_suites_failed((assignment,), "; ".join(self.plugin.collect_errors)))
            for member in members:
                self.on_result(member.key, failed_result(member.path, assignment, failure, time.monotonic()))
            return
        start = time.monotonic()
        reference = assignment.reference()
        if assignment.name not in self.remembered:  # the checks' expected values, once per process
            self.remembered[assignment.name] = RememberedModule(reference)
        remembered = self.remembered[assignment.name]
        catalog = load_catalog(assignment.name)
        helpers = str(assignment.helpers) if assignment.helpers else ""
        live: list[tuple[_Submission[Key], GradingSession, ProcessWorker]] = []
        with contextlib.ExitStack() as stack:
            workers = [
                stack.enter_context(ProcessWorker(m.source.statements, helpers=helpers, limits=self.limits))
                for m in members
            ]
            last_scope = scope_of(items[-1]) if items else None
            for worker in workers:  # the exercise graded last needs no copy of the loaded worker
                worker.last_scope = last_scope
            loaded = self.plugin.each(len(members), lambda i: _load(workers[i]), workers)  # side by side
            for member, worker, issues in zip(members, workers, loaded, strict=True):
                if isinstance(issues, GraderError):
                    broken = failed_result(member.path, assignment, str(issues), time.monotonic())
                    self.on_result(member.key, broken)
                    continue
                member.issues = issues
                diagnoser = Diagnoser(reference, catalog, member.source)  # it needs the member's source
                live.append((member, GradingSession(worker, remembered, diagnoser=diagnoser), worker))
            self.plugin.begin([session for _, session, _ in live])
            try:
                for index, item in enumerate(items):
                    nextitem = items[index + 1] if index + 1 < len(items) else None
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                outcomes = self.plugin.outcomes
            finally:
                self.plugin.begin([])
            changed = audit(remembered)  # a check that edits its expected values: only this group saw it
            for member, _, _ in live:
                member.changed_expected = changed
            for member, session, worker in live:  # what protected each worker, read before it closes
                member.confinement = dict(worker.confinement)
                member.diagnosis_errors = list(session.diagnoser.errors) if session.diagnoser else []
            # closed side by side: each waits for its processes to end, which the others need not do
            self.plugin.each(len(workers), lambda i: workers[i].close(), workers)
        share = (time.monotonic() - start) / max(len(live), 1)
        names = self.names[assignment.name]
        for (member, session, _), mine in zip(live, outcomes, strict=True):
            ordered = sorted(mine.values(), key=lambda o: o.order)
            duration = member.prepared_s + share
            self.on_result(member.key, _result(member, names, ordered, session.output, duration))


def _load(worker: ProcessWorker) -> list[LoadIssue] | GraderError:
    """Start ``worker`` and load the notebook's code: the statements that failed, or why it could not."""
    try:
        return worker.load()
    except GraderError as exc:
        return exc


DIAGNOSIS_FAILED = "the hint of a failed check could not be worked out (a fault of the grader)"
EXPECTED_CHANGED = "a check changed the expected values it was given (a fault of the assignment's checks)"


def _result(
    member: _Submission[Any],
    names: Sequence[str],
    outcomes: list[CheckOutcome],
    outputs: dict[str, list[str]],
    duration: float,
) -> SubmissionResult:
    source, assignment = member.source, member.assignment
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
        + tuple(
            Notice(f"a statement failed when the notebook's code was loaded: {i.message}", i.cell, i.line)
            for i in member.issues
        )
        + tuple(
            Notice(f"graded without this protection ({name}): {entry.get('detail')}")
            for name, entry in member.confinement.items()
            if not entry.get("active")
        )
        + tuple(
            Notice(f"{DIAGNOSIS_FAILED}: {error}"[:500]) for error in dict.fromkeys(member.diagnosis_errors)
        )
        + tuple(
            Notice(
                f"{EXPECTED_CHANGED}: reference.{name}; results graded alongside this one may be off, "
                "and `grader validate` shows the assignment's problem"
            )
            for name in member.changed_expected
        )
    )
    return SubmissionResult(
        assignment=assignment.name,
        submission=member.path.name,
        score=round(sum(e.score for e in exercises), 4),
        max_score=round(sum(e.max_score for e in exercises), 4),
        error=member.error,
        grader_version=grader_version(),
        duration_s=round(duration, 3),
        exercises=exercises,
        notices=notices,
        confinement=member.confinement,
    )


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


def failed_result(
    path: Path, assignment: Assignment | None, message: str, start: float | None = None
) -> SubmissionResult:
    """The result of a submission that could not be graded: score 0, the ``message`` as its error, and
    each exercise of ``assignment`` (when known) marked as an error."""
    return SubmissionResult(
        assignment=assignment.name if assignment else None,
        submission=path.name,
        score=0.0,
        max_score=0.0,
        error=message,
        grader_version=grader_version(),
        duration_s=round(time.monotonic() - start, 3) if start is not None else 0.0,
        exercises=tuple(
            ExerciseResult(e, 0.0, 0.0, "error") for e in (assignment.exercises if assignment else ())
        ),
    )
