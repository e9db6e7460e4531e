"""The table of scores printed by ``grader run``."""

from __future__ import annotations

from collections.abc import Sequence

from ..result import SubmissionResult

_MARK = {"passed": "ok", "partial": "~", "failed": "x", "missing": "-", "error": "!", "timeout": "T"}


def _fmt(x: float) -> str:
    return f"{x:g}"


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): " "})


def plain(text: str) -> str:
    """Student-controlled text made safe for a terminal or a CI log: one line, no control characters
    (no escape sequences that redraw the screen), and no ``::`` that a CI runner reads as a command."""
    return str(text).translate(_CONTROL).replace("::", ": :")


def render_table(results: Sequence[SubmissionResult], *, details: bool = True) -> str:
    """One row per submission; with ``details`` and a single submission, one row per exercise too.

    A hidden check's message is never printed: the output of a CI run is often what the student sees."""
    lines: list[str] = []
    if details and len(results) == 1:
        result = results[0]
        width = max([len(e.name) for e in result.exercises] + [8])
        lines.append(f"{plain(result.submission)}  ({result.assignment or 'no assignment'})")
        for ex in result.exercises:
            lines.append(f"  {ex.name:<{width}}  {_fmt(ex.score):>5} / {_fmt(ex.max_score):<5} {ex.status}")
            failed = [c for c in ex.checks if not c.passed]
            messages = {c.message for c in failed}
            if len(failed) > 1 and len(messages) == 1 and all(c.visibility == "visible" for c in failed):
                lines.append(
                    f"  {'':<{width}}    x all {len(failed)} failed checks: {plain(failed[0].message)[:150]}"
                )
                if failed[0].hint:
                    lines.append(f"  {'':<{width}}      hint: {plain(failed[0].hint)[:200]}")
                continue
            for check in failed:
                if check.visibility != "visible":  # its message may name expected values
                    lines.append(f"  {'':<{width}}    x {check.name}: a hidden check")
                    continue
                lines.append(f"  {'':<{width}}    x {check.name}: {plain(check.message)[:150]}")
                if check.hint:
                    lines.append(f"  {'':<{width}}      hint: {plain(check.hint)[:200]}")
        lines.append(f"  {'total':<{width}}  {_fmt(result.score):>5} / {_fmt(result.max_score):<5}")
        if result.error:
            lines.append(f"  error: {plain(result.error)}")
        return "\n".join(lines)
    width = max([len(plain(r.submission)) for r in results] + [10])
    lines.append(f"{'submission':<{width}}  {'score':>13}  notes")
    for r in results:
        marks = " ".join(_MARK.get(e.status, "?") for e in r.exercises)
        note = f"error: {plain(r.error)}" if r.error else marks
        lines.append(
            f"{plain(r.submission):<{width}}  {_fmt(r.score):>6} / {_fmt(r.max_score):<5}  {note[:100]}"
        )
    return "\n".join(lines)
