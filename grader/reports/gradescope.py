"""Gradescope's ``results.json``: one test per check, as the autograder specification describes it.

Top level: ``score``, ``execution_time`` (whole seconds), ``output``, ``output_format``, ``visibility``,
``stdout_visibility``, ``tests``. Each test: ``name``, ``number``, ``score``, ``max_score``, ``status``
(``passed``/``failed``), ``visibility``, ``output``, ``output_format``, ``tags``. A check's visibility
(``visible``, ``hidden``, ``after_due_date``, ``after_published``) is Gradescope's own, so it maps
unchanged: a hidden check's message is there for the staff, and Gradescope never shows it to students.
Outputs are plain ``text``, so nothing a student wrote is rendered as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..result import CheckResult, SubmissionResult

OUTPUT_CHARS = 5000


def _test_output(check: CheckResult) -> str:
    if check.passed:
        return "passed"
    text = check.message + (f"\nHint: {check.hint}" if check.hint else "")
    return text[:OUTPUT_CHARS]


def _overview(result: SubmissionResult, others: Sequence[SubmissionResult]) -> str:
    lines = [f"{result.submission}: {result.score:g} / {result.max_score:g}"]
    if result.error:
        lines.append(f"Could not be graded fully: {result.error}")
    width = max([len(e.name) for e in result.exercises] + [8])
    lines += [f"  {e.name:<{width}}  {e.score:>5g} / {e.max_score:<5g} {e.status}" for e in result.exercises]
    lines += [
        f"Notebook, cell {n.cell}{f', line {n.line}' if n.line else ''}: {n.message}"
        if n.cell
        else f"Notebook: {n.message}"
        for n in result.notices
    ]
    if others:
        lines.append(
            f"{len(others) + 1} notebooks were handed in; the best one counts. The others: "
            + "; ".join(f"{o.submission} ({o.score:g} / {o.max_score:g})" for o in others)
        )
    return "\n".join(lines)[: 4 * OUTPUT_CHARS]


def gradescope_results(results: Sequence[SubmissionResult]) -> dict[str, Any]:
    """The ``results.json`` for one Gradescope submission. Given several notebooks, the best one counts."""
    if not results:
        raise ValueError("gradescope_results needs at least one result")
    best = max(results, key=lambda r: (r.score, -results.index(r)))
    others = [r for r in results if r is not best]
    tests = [
        {
            "name": f"{exercise.name}: {check.name}",
            "number": f"{i}.{j}",
            "score": check.points,
            "max_score": check.max_points,
            "status": "passed" if check.passed else "failed",
            "visibility": check.visibility,
            "output": _test_output(check),
            "output_format": "text",
            "tags": [exercise.name],
        }
        for i, exercise in enumerate(best.exercises, start=1)
        for j, check in enumerate(exercise.checks, start=1)
    ]
    return {
        "score": best.score,
        "execution_time": math.ceil(sum(r.duration_s for r in results)),
        "output": _overview(best, others),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
