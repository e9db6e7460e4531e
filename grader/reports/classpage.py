"""The class summary page of a batch (``OUTDIR/index.html``): score histogram, pass rate per exercise,
the most common hints and failed checks, and a link to every submission's report. It is for the staff."""

from __future__ import annotations

import statistics
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..result import SubmissionResult
from .html import get_template, percent

BINS = 10
TOP = 10


def _histogram(percents: list[float]) -> list[dict[str, Any]]:
    counts = [0] * BINS
    for p in percents:
        counts[min(BINS - 1, max(0, int(p // (100 / BINS))))] += 1
    most = max([*counts, 1])
    width = 100 // BINS
    return [
        {"label": f"{i * width}–{(i + 1) * width}%", "count": c, "width": round(100 * c / most, 1)}
        for i, c in enumerate(counts)
    ][::-1]


def class_view(results: Sequence[SubmissionResult], links: Sequence[str]) -> dict[str, Any]:
    """What the class page shows; ``links[i]`` is the report file of ``results[i]``."""
    graded = [r for r in results if not r.error]
    percents = [percent(r.score, r.max_score) for r in results]
    names: list[str] = []
    for r in results:
        names += [e.name for e in r.exercises if e.name not in names]
    exercises = []
    for name in names:
        mine = [e for r in results for e in r.exercises if e.name == name]
        passed = sum(e.status == "passed" for e in mine)
        exercises.append(
            {
                "name": name,
                "pass_rate": percent(passed, len(mine)),
                "passed": passed,
                "count": len(mine),
                "mean": percent(sum(e.score for e in mine), sum(e.max_score for e in mine)),
            }
        )
    hints: Counter[tuple[str, str]] = Counter()
    failures: Counter[tuple[str, str]] = Counter()
    for r in results:
        for e in r.exercises:
            hints.update({(e.name, c.hint) for c in e.checks if not c.passed and c.hint})
            failures.update((e.name, c.name) for c in e.checks if not c.passed)
    rows = sorted(zip(results, links, percents, strict=True), key=lambda t: (t[0].submission, t[1]))
    return {
        "count": len(results),
        "graded": len(graded),
        "mean": statistics.fmean(percents) if percents else 0.0,
        "median": statistics.median(percents) if percents else 0.0,
        "histogram": _histogram(percents),
        "exercises": exercises,
        "hints": [{"exercise": k[0], "text": k[1], "count": n} for k, n in _top(hints)],
        "failures": [{"exercise": k[0], "text": k[1], "count": n} for k, n in _top(failures)],
        "submissions": [
            {
                "name": r.submission,
                "link": "./" + urllib.parse.quote(link, safe=""),  # a file name, never a scheme
                "score": r.score,
                "max_score": r.max_score,
                "percent": p,
                "error": r.error,
            }
            for r, link, p in rows
        ],
    }


def _top(counter: Counter[tuple[str, str]]) -> list[tuple[tuple[str, str], int]]:
    """The most common entries; ties in name order, so the page is the same on every run."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]


def render_class_page(results: Sequence[SubmissionResult], links: Sequence[str], title: str = "") -> str:
    template = get_template("class.html.j2")
    return template.render(c=class_view(results, links), title=title or "Class summary")
