"""``grader validate``: is an assignment's suite strong, and does every known mistake get its hint?

The reference is graded as a submission and must score full marks with no failed check. Then every
mutant of the catalog (:mod:`grader.diagnosis`) is graded as a submission in which it replaces the
reference's function: it must lose points in its own exercise and nowhere else, and a failed check of
its exercise must carry its own description as the hint. Grading goes through the whole pipeline: the
submission is a notebook (the reference module's source in one cell, the mutant in the next), read by
stage 1 and run in the worker.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import assignments
from .assignments import Assignment
from .diagnosis import Mistake, load_catalog
from .grading import DIAGNOSIS_FAILED, EXPECTED_CHANGED, grade_source
from .notebook import extract
from .result import SubmissionResult


@dataclass(frozen=True)
class Verdict:
    """What grading one mutant showed."""

    exercise: str
    name: str
    description: str
    lost: float  # points lost in its own exercise
    collateral: tuple[str, ...] = ()  # other exercises that lost points
    hinted: bool = False  # a failed check of its exercise carries its description
    problem: str | None = None  # the mutant itself is not usable as written
    diagnosis_errors: tuple[str, ...] = ()  # why a hint could not be worked out, when that failed

    @property
    def ok(self) -> bool:
        return self.problem is None and self.lost > 0 and not self.collateral and self.hinted


@dataclass(frozen=True)
class Validation:
    assignment: str
    reference: SubmissionResult
    verdicts: tuple[Verdict, ...]
    problems: tuple[str, ...]  # about the reference or the catalog as a whole
    duration_s: float

    @property
    def ok(self) -> bool:
        return not self.problems and all(v.ok for v in self.verdicts)

    def table(self) -> str:
        """The mutation score per exercise, then every problem found."""
        ref = self.reference
        lines = [f"{self.assignment}: the reference scores {ref.score:g} / {ref.max_score:g}", ""]
        names = list(dict.fromkeys([e.name for e in ref.exercises] + [v.exercise for v in self.verdicts]))
        width = max([len(n) for n in names] + [8])
        lines.append(f"{'exercise':<{width}}  mistakes  killed  hinted  mutation score")
        rows = [(n, [v for v in self.verdicts if v.exercise == n]) for n in names]
        rows.append(("total", list(self.verdicts)))
        failing = {e.name for e in ref.exercises if e.score < e.max_score}  # nothing to measure against
        for name, mine in rows:
            killed = sum(v.lost > 0 and not v.collateral and v.problem is None for v in mine)
            hinted = sum(v.hinted for v in mine)
            score = f"{100 * killed / len(mine):.0f}%" if mine else "-"
            if name in failing or (name == "total" and failing):
                score = "n/a: reference"
            lines.append(f"{name:<{width}}  {len(mine):>8}  {killed:>6}  {hinted:>6}  {score:>14}")
        trouble = list(self.problems)
        for v in self.verdicts:
            said = f"{v.exercise}: “{v.description}” ({v.name})"
            if v.problem:
                trouble.append(f"{said}: {v.problem}")
                continue
            if v.lost <= 0:
                trouble.append(f"{said} loses no points: the suite does not catch it")
            if v.collateral:
                trouble.append(f"{said} also loses points in {', '.join(v.collateral)}")
            if v.lost > 0 and not v.hinted:
                why = f" ({'; '.join(v.diagnosis_errors)})" if v.diagnosis_errors else ""
                trouble.append(f"{said} gets no hint of its own{why}")
        lines += ["", *trouble] if trouble else []
        lines.append(f"\n{'OK' if self.ok else 'FAILED'} in {self.duration_s:.1f} s")
        return "\n".join(lines)


def mutant_source(mutant: Mistake) -> str:
    """The mutant's function (or class) as a student would write it: named after the exercise, undecorated.

    A mutant class may subclass the reference class: in the submission its base is the reference's
    class, defined in the cell before under the same name."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(mutant.function)))
    func = tree.body[0]
    assert isinstance(func, (ast.FunctionDef, ast.ClassDef))
    func.decorator_list = []
    func.name = mutant.exercise
    return ast.unparse(func)


def submission(assignment: Assignment, mutant: Mistake | None = None) -> dict[str, Any]:
    """A notebook holding the reference module's source and, after it, the mutant in place of its exercise."""
    reference = assignment.reference()
    sources = [Path(inspect.getfile(reference)).read_text(encoding="utf-8")]
    if mutant is not None:
        sources.append(mutant_source(mutant))
    return {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": s} for s in sources]}


def check_mutant(assignment: Assignment, mutant: Mistake) -> str | None:
    """Why a mutant cannot be graded as written, or None."""
    if mutant.exercise not in assignment.exercises:
        return f"'{mutant.exercise}' is not an exercise of {assignment.name}"
    if not mutant.description or "\n" in mutant.description:
        return "its description should be one line"
    reference = assignment.reference()
    want = list(inspect.signature(getattr(reference, mutant.exercise)).parameters)
    got = list(inspect.signature(mutant.function).parameters)
    if got != want:
        return f"its parameters ({', '.join(got)}) are not the reference's ({', '.join(want)})"
    if inspect.isclass(mutant.function):
        return _check_class(mutant.function, reference)
    return _check_names(mutant.function, reference)


def _check_names(function: Any, reference: Any) -> str | None:
    names = inspect.getclosurevars(function)
    if set(names.nonlocals) - {"__class__"}:  # __class__ is how super() finds the class of a method
        return "it uses variables of an enclosing function; a mutant must be a top-level function"
    for name, value in names.globals.items():
        if getattr(reference, name, None) is not value and getattr(builtins, name, None) is not value:
            return f"it uses `{name}`, which the reference module does not define (the worker has only those)"
    return None


def _check_class(cls: type, reference: Any) -> str | None:
    """A mutant class: its bases and the names its methods use must be the reference module's."""
    for base in cls.__bases__:
        if base is not object and getattr(reference, base.__name__, None) is not base:
            return f"its base class {base.__name__} is not the reference module's"
    for value in vars(cls).values():
        function = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if inspect.isfunction(function) and (problem := _check_names(function, reference)):
            return problem
    return None


def judge(assignment: Assignment, mutant: Mistake, *, own_exercise_only: bool = False) -> Verdict:
    """Grade one mutant through the whole pipeline and say what it showed.

    ``own_exercise_only`` grades its exercise alone: quicker, but blind to points lost elsewhere.
    """
    base = (mutant.exercise, mutant.name, mutant.description)
    problem = check_mutant(assignment, mutant)
    if problem:
        return Verdict(*base, lost=0.0, problem=problem)
    only = (mutant.exercise,) if own_exercise_only else None
    result = grade_source(
        extract(submission(assignment, mutant)), assignment, f"{mutant.name}.ipynb", only=only
    )
    if result.error:
        return Verdict(*base, lost=0.0, problem=f"grading failed: {result.error}")
    changed = [n.message for n in result.notices if n.message.startswith(EXPECTED_CHANGED)]
    if changed:
        return Verdict(*base, lost=0.0, problem=f"grading it showed that {changed[0]}")
    own = next(e for e in result.exercises if e.name == mutant.exercise)
    others = tuple(e.name for e in result.exercises if e.name != mutant.exercise and e.score < e.max_score)
    hinted = any(c.hint and mutant.description in c.hint for c in own.checks if not c.passed)
    errors = tuple(n.message for n in result.notices if n.message.startswith(DIAGNOSIS_FAILED))
    return Verdict(
        *base, lost=own.max_score - own.score, collateral=others, hinted=hinted, diagnosis_errors=errors
    )


def _judge_by_name(assignment: str, exercise: str, index: int) -> Verdict:
    chosen = assignments.load(assignment)
    return judge(chosen, load_catalog(assignment)[exercise][index])


def order_problems(assignment: Assignment) -> list[str]:
    """Exercises graded before one whose reference stands in for their calls (``exercise(name,
    uses=...)``): a student's function is handed that reference's results, and could leave them in its
    working directory for its own version of it, graded later in the same worker."""
    position = {name: i for i, name in enumerate(assignment.exercises)}
    problems = []
    for exercise in assignment.exercises:
        for used in _uses(assignment.suite(exercise)):
            if position.get(used, -1) > position[exercise]:
                problems.append(
                    f"{exercise} is graded before {used}, whose reference stands in for its calls: "
                    f"list {used} first in EXERCISES"
                )
    return problems


def _uses(suite: Path) -> tuple[str, ...]:
    """The ``uses=`` of a suite's ``pytestmark = exercise(name, uses=(...))``, read without importing it."""
    try:
        tree = ast.parse(suite.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "uses" and isinstance(keyword.value, (ast.Tuple, ast.List)):
                    return tuple(
                        e.value
                        for e in keyword.value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
    return ()


def validate(assignment: Assignment, *, jobs: int = 1) -> Validation:
    """Grade the reference and every catalogued mutant of ``assignment``."""
    start = time.monotonic()
    reference = grade_source(extract(submission(assignment)), assignment, "reference.ipynb")
    problems = []
    if reference.error or reference.score < reference.max_score:
        failed = [
            f"{e.name}: {c.name}: {c.message}" for e in reference.exercises for c in e.checks if not c.passed
        ]
        problems.append(
            f"the reference does not score full marks ({reference.score:g} / {reference.max_score:g})"
            + "".join(f"\n  {line}" for line in ([reference.error] if reference.error else []) + failed[:10])
        )
    catalog = load_catalog(assignment.name)
    problems += [n.message for n in reference.notices if n.message.startswith(EXPECTED_CHANGED)]
    problems += order_problems(assignment)
    for exercise in assignment.exercises:
        if not catalog.get(exercise):
            problems.append(f"{exercise} has no catalogued mistakes")
    tasks = [(e, i) for e in assignment.exercises for i in range(len(catalog.get(e, ())))]
    tasks += [(e, i) for e in catalog if e not in assignment.exercises for i in range(len(catalog[e]))]
    verdicts = list(_run(assignment, catalog, tasks, jobs))
    return Validation(assignment.name, reference, tuple(verdicts), tuple(problems), time.monotonic() - start)


def _run(
    assignment: Assignment, catalog: dict[str, tuple[Mistake, ...]], tasks: list[tuple[str, int]], jobs: int
) -> Iterator[Verdict]:
    if jobs <= 1:
        for exercise, index in tasks:
            yield judge(assignment, catalog[exercise][index])
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_judge_by_name, *zip(*[(assignment.name, e, i) for e, i in tasks], strict=True))
