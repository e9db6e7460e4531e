"""A Markdown summary for CI pages, appended to ``$GITHUB_STEP_SUMMARY`` when that variable is set.

Everything from a submission is escaped (Markdown punctuation and HTML), and a hidden check's message
is not written: the page is often what the student sees.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..result import SubmissionResult

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(text: str, limit: int = 200) -> str:
    """``text`` as inert Markdown on one line: no markup, links, HTML or table breaks survive."""
    one_line = " ".join(str(text).split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    escaped = _PUNCTUATION.sub(r"\\\1", one_line)
    return escaped.replace("&", "&amp;").replace("<", "&lt;")


def _percent(result: SubmissionResult) -> str:
    return f"{100 * result.score / result.max_score:.0f}%" if result.max_score else "–"


def render_markdown(results: Sequence[SubmissionResult]) -> str:
    """A heading and a table: one row per exercise for one submission, one row per submission otherwise."""
    lines: list[str] = []
    if len(results) == 1:
        result = results[0]
        lines += [
            f"### {md(result.submission)}: {result.score:g} / {result.max_score:g} ({_percent(result)})",
            "",
        ]
        if result.error:
            lines += [f"**Not graded fully:** {md(result.error, 500)}", ""]
        lines += ["| exercise | score | status | first failed check |", "|---|---:|---|---|"]
        for ex in result.exercises:
            failed = next((c for c in ex.checks if not c.passed), None)
            note = ""
            if failed is not None:
                shown = failed.message if failed.visibility == "visible" else "hidden check"
                note = f"{md(failed.name, 80)}: {md(shown)}"
            lines.append(f"| {md(ex.name)} | {ex.score:g} / {ex.max_score:g} | {ex.status} | {note} |")
    else:
        mean = sum(r.score for r in results) / len(results) if results else 0.0
        lines += [f"### Grades: {len(results)} submissions, mean score {mean:.1f}", ""]
        lines += ["| submission | score | % | notes |", "|---|---:|---:|---|"]
        for r in results:
            note = md(f"error: {r.error}") if r.error else ""
            lines.append(f"| {md(r.submission)} | {r.score:g} / {r.max_score:g} | {_percent(r)} | {note} |")
    return "\n".join(lines) + "\n\n"


def append_step_summary(
    results: Sequence[SubmissionResult], env: Mapping[str, str] | None = None
) -> Path | None:
    """Append the summary to the file ``$GITHUB_STEP_SUMMARY`` names; returns it, or None when unset."""
    target = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(render_markdown(results))
    return path
