"""The HTML report: one self-contained, autoescaped page a student can read.

:func:`student_view` turns a result into what the page shows, and is the one place where what a student
may not see is left out: the message, hint and details of a hidden check never reach the template.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from .. import _cache
from ..result import CheckResult, ExerciseResult, SourceSpan, SubmissionResult
from ._code import highlight_lines, style_css

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
OUTPUT_LINES = 60
OUTPUT_CHARS = 4000
HIDDEN_MESSAGE = "This is a hidden check: its details are not shown."


def _points(x: float) -> str:
    return f"{x:g}"


def _number(x: Any, spec: str = ".4g") -> str:
    """A value from a check's details: a float, or one of the strings ``"nan"``, ``"inf"``, ``"-inf"``."""
    if isinstance(x, str):
        return {"nan": "NaN", "inf": "inf", "-inf": "-inf"}.get(x, "?")
    return format(float(x), spec)


def _breakable(name: str) -> Markup:
    """An identifier that may wrap after its underscores on a narrow screen (each part escaped)."""
    return Markup("_<wbr>").join(escape(part) for part in str(name).split("_"))


_ENV.filters["points"] = _points
_ENV.filters["number"] = _number
_ENV.filters["breakable"] = _breakable


def percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score else 0.0


def case_of(check_name: str) -> str:
    """The inputs a parametrized check ran on: the bracketed end of its name (``"m=1,T_x=1"``)."""
    match = re.search(r"\[([^\[\]]*)\]$", check_name)
    return match.group(1) if match else ""


def _excerpt(values: dict[str, Any]) -> dict[str, Any] | None:
    window = values.get("window")
    if not window:
        return None
    rows, cols, origin, index = window["rows"], window["cols"], window["origin"], values["index"]

    def span(ix: list[int]) -> str:
        return f"{ix[0]}:{ix[-1] + 1}" if len(ix) > 1 else str(ix[0])

    parts = [str(i) for i in origin] + ([span(rows)] if rows else []) + [span(cols)]
    worst = (rows.index(index[-2]) if rows else 0, cols.index(index[-1]))
    grids = [
        {
            "title": title,
            "cells": [
                [
                    {"text": _number(x), "wrong": bool(window["wrong"][i][j]), "worst": (i, j) == worst}
                    for j, x in enumerate(row)
                ]
                for i, row in enumerate(window[key])
            ],
        }
        for title, key in (("expected", "expected"), ("got", "got"))
    ]
    return {"label": f"{values['name']}[{', '.join(parts)}]", "rows": rows, "cols": cols, "grids": grids}


def _values(values: dict[str, Any]) -> dict[str, Any]:
    """Where the worst difference is and the excerpt around it (the message already gives the numbers)."""
    index = values.get("index")
    return {
        "where": f"{values['name']}[{', '.join(map(str, index))}]" if index else str(values["name"]),
        "excerpt": _excerpt(values),
    }


def _check_line(view: dict[str, Any]) -> Markup:
    """A check's line: passed or failed (a mark, and words for screen readers), its name, its points.
    Made here, not by a template macro: a page lists a hundred checks, and a macro call costs more."""
    state, mark, words = ("passed", "✓", "Passed") if view["passed"] else ("failed", "✗", "Failed")
    return Markup(
        '<div class="check">\n'
        f'  <span class="mark {state}" aria-hidden="true">{mark}</span>\n'
        f'  <span class="label"><span class="sr">{words}: </span>{escape(view["name"])}</span>\n'
        f'  <span class="pts">{_points(view["points"])}/{_points(view["max_points"])}</span>\n'
        "</div>"
    )


def _check(check: CheckResult) -> dict[str, Any]:
    view: dict[str, Any] = {
        "name": check.name,
        "passed": check.passed,
        "points": check.points,
        "max_points": check.max_points,
        "message": None,
        "hint": None,
        "diff": None,
    }
    view["line"] = _check_line(view)
    if check.passed:
        return view
    if check.visibility != "visible":
        return {**view, "message": HIDDEN_MESSAGE}
    view.update(message=check.message, hint=check.hint)
    values = (check.details or {}).get("values")
    if values:
        try:
            view["diff"] = _values(values)
        except (KeyError, TypeError, ValueError, IndexError):  # a malformed detail costs only itself
            view["diff"] = None
    return view


def _gradient_table(checks: list[CheckResult]) -> dict[str, Any] | None:
    """Relative errors by parameter (rows) and inputs (columns), from the visible gradient checks."""
    params: list[str] = []
    cases: list[str] = []
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    tolerances: set[str] = set()
    for check in checks:
        for entry in (check.details or {}).get("gradients", []):
            try:
                param, case = str(entry["name"]), case_of(check.name)
                cell = {"text": _number(entry["relative_error"], ".1e"), "passed": bool(entry["passed"])}
                tolerances.add(_number(entry["tolerance"], ".0e"))
            except (KeyError, TypeError, ValueError):
                continue
            params += [] if param in params else [param]
            cases += [] if case in cases else [case]
            cells[(param, case)] = cell
    if not params:
        return None
    return {
        "cases": cases,
        "rows": [{"param": p, "cells": [cells.get((p, c)) for c in cases]} for p in params],
        "tolerance": " or ".join(sorted(tolerances)),
        "failed": any(not cell["passed"] for cell in cells.values()),
    }


def _code(source: SourceSpan, checks: list[CheckResult]) -> dict[str, Any]:
    """The student's code, highlighted, with the line where an exception was raised marked."""
    marks: dict[int, str] = {}
    for check in checks:
        frames = [
            f
            for f in (check.details or {}).get("traceback", [])
            if f.get("cell") == source.cell and source.first_line <= f.get("line", 0) <= source.last_line
        ]
        if frames and not check.passed:
            marks.setdefault(int(frames[-1]["line"]), check.message.split("\n")[0])
    lines = [
        {"number": source.first_line + i, "html": markup, "mark": marks.get(source.first_line + i)}
        for i, markup in enumerate(highlight_lines(source.code))
    ]
    return {
        "cell": source.cell,
        "first": source.first_line,
        "last": source.last_line,
        "lines": lines,
        "block": _code_block(lines),
    }


def _code_block(lines: list[dict[str, Any]]) -> Markup:
    """The lines as the page shows them, each with its number, a marked one followed by what it raised.
    Put together here rather than in the template: a loop over a few hundred lines there cost more than
    the rest of the page. ``html`` is the highlighter's markup (escaped there); the mark is escaped here."""
    parts = []
    for line in lines:
        mark = line["mark"]
        parts.append(
            f'<span class="line{" fail" if mark else ""}"><span class="ln">{int(line["number"])}</span>'
            f"{line['html']}</span>"
        )
        if mark:
            parts.append(f'<span class="raised">▲ raised here: {escape(mark)}</span>')
    return Markup("".join(parts))


def _output(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    lines = text.split("\n")
    shown = "\n".join(lines[:OUTPUT_LINES])[:OUTPUT_CHARS]
    hidden_lines = len(lines) - shown.count("\n") - 1
    return {"text": shown, "more_lines": hidden_lines, "more_chars": len(text) - len(shown)}


def _exercise(ex: ExerciseResult) -> dict[str, Any]:
    visible = [c for c in ex.checks if c.visibility == "visible"]
    checks = [_check(c) for c in ex.checks]
    shown: set[str] = set()
    for check in checks:  # the first excerpt of each value is open, the others fold away
        if check["diff"] and check["diff"]["excerpt"]:
            name = check["diff"]["excerpt"]["label"].split("[")[0]
            check["diff"]["open"] = name not in shown
            shown.add(name)
    return {
        "name": ex.name,
        "score": ex.score,
        "max_score": ex.max_score,
        "status": ex.status,
        "percent": percent(ex.score, ex.max_score),
        "failed_checks": [c for c in checks if not c["passed"]],
        "passed_checks": [c for c in checks if c["passed"]],
        "code": _code(ex.source, visible) if ex.source else None,
        "gradients": _gradient_table(visible),
        "output": _output(ex.output),
        "undefined": ex.status == "missing" and not ex.source,
    }


def student_view(result: SubmissionResult) -> dict[str, Any]:
    """What the report shows of ``result``: nothing of a hidden check but its name and points."""
    return {
        "submission": result.submission,
        "assignment": result.assignment,
        "score": result.score,
        "max_score": result.max_score,
        "percent": percent(result.score, result.max_score),
        "error": result.error,
        "grader_version": result.grader_version,
        "notices": result.notices,
        "exercises": [_exercise(ex) for ex in result.exercises],
    }


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once, kept in the grader's cache on disk (jinja2 compiles a template again when
    its source changed); a cache that cannot be read or written is as if there were none."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _compile_once() -> None:
    where = _cache.folder("templates")
    if where is not None:
        # The settings of _ENV (autoescape above all) are compiled into the code, not part of jinja2's
        # key: the version of this module and of jinja2 are part of the file names.
        version = hashlib.sha256(_cache.file_digest(__file__) + jinja2.__version__.encode()).hexdigest()
        _ENV.bytecode_cache = _CompiledTemplates(str(where), f"%s-{version[:20]}.cache")


def get_template(name: str) -> jinja2.Template:
    """A template of the reports (autoescaped, strict about undefined names)."""
    _compile_once()
    return _ENV.get_template(name)


def render_html(result: SubmissionResult) -> str:
    """Render the report page. Everything that came from the student is escaped by the template engine."""
    template = get_template("report.html.j2")
    return template.render(r=student_view(result), code_css=style_css(".code"))
