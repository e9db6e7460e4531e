"""What a student sees when checking their own work: ``grader check NOTEBOOK``, and in a notebook::

    from grader import check
    check(rnn_cell_forward)

Only the visible checks run. Each failed check is shown with its message and hint; a hidden check (none
runs here, but a result may hold one) shows neither, since its message may name expected values.

``check(function)`` grades one function of a live notebook: its source (``inspect``) and what it needs
from the notebook's namespace (the functions it calls, the modules and helpers it imports, simple
constants) become a small submission, graded in the isolated worker like any notebook.
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any

import jinja2

from . import assignments
from .diagnosis import globals_read
from .errors import UsageError
from .grading import grade_source
from .notebook import extract
from .reports.terminal import plain
from .result import CheckResult, SubmissionResult

_HIDDEN = "a hidden check: its details are not shown"
_CONSTANTS = (int, float, complex, str, bool, type(None))


def _lines(check: CheckResult) -> list[str]:
    if check.visibility != "visible":
        return [f"    ✗ {check.name} ({_HIDDEN})"]
    lines = [f"    ✗ {check.name}: {plain(check.message)}"]
    if check.hint:
        lines.append(f"      hint: {plain(check.hint)}")
    return lines


def feedback_text(result: SubmissionResult) -> str:
    """Plain-text feedback: each exercise's score, then each failed check with its message and hint."""
    lines = [f"{plain(result.submission)}: {result.score:g} / {result.max_score:g}"]
    if result.error:
        lines.append(f"  error: {plain(result.error)}")
    for exercise in result.exercises:
        mark = "✓" if exercise.status == "passed" else "✗"
        lines.append(
            f"  {mark} {exercise.name}  {exercise.score:g} / {exercise.max_score:g}  {exercise.status}"
        )
        for check in exercise.checks:
            if not check.passed:
                lines += _lines(check)
    for notice in result.notices:
        where = f"cell {notice.cell}, line {notice.line}: " if notice.cell else ""
        lines.append(f"  note: {where}{plain(notice.message)}")
    return "\n".join(lines)


_TEMPLATE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<div class="grader-feedback">
<p><strong>{{ r.submission }}</strong>: {{ '%g' % r.score }} / {{ '%g' % r.max_score }}</p>
{% if r.error %}<p style="color:#b00">{{ r.error }}</p>{% endif %}
{% for e in r.exercises %}
<p>{{ "✓" if e.status == "passed" else "✗" }} <code>{{ e.name }}</code>
  {{ '%g' % e.score }} / {{ '%g' % e.max_score }} ({{ e.status }})</p>
<ul>
{% for c in e.checks if not c.passed %}
  {% if c.visibility != "visible" %}
  <li>{{ c.name }}: <em>{{ hidden }}</em></li>
  {% else %}
  <li>{{ c.name }}: {{ c.message }}{% if c.hint %}<br><em>Hint: {{ c.hint }}</em>{% endif %}</li>
  {% endif %}
{% endfor %}
</ul>
{% endfor %}
{% for n in r.notices %}<p>Note{% if n.cell %} (cell {{ n.cell }}){% endif %}: {{ n.message }}</p>{% endfor %}
</div>"""
)


@dataclass(frozen=True)
class Feedback:
    """The result of ``check(function)``: shown as HTML in a notebook, as text elsewhere."""

    result: SubmissionResult

    def _repr_html_(self) -> str:
        return _TEMPLATE.render(r=self.result, hidden=_HIDDEN)

    def __repr__(self) -> str:
        return feedback_text(self.result)

    @property
    def passed(self) -> bool:
        return self.result.max_score > 0 and self.result.score >= self.result.max_score


def gather(function: Any) -> list[str]:
    """Source that recreates ``function`` in the worker: imports, constants and functions it needs."""
    namespace: dict[str, Any] = getattr(function, "__globals__", None) or vars(
        sys.modules.get(getattr(function, "__module__", ""), ModuleType("empty"))
    )  # a class has no __globals__: its module's namespace (the notebook's, in a kernel)
    imports: list[str] = []
    code: list[str] = []
    seen: set[str] = set()

    def add_function(func: Any, *, required: bool = False) -> None:
        try:
            text = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):  # no source to be had (some kernels, for classes)
            if required:
                raise
            return  # a helper without source is left out; the worker says what is missing
        code.append(text)
        for name in globals_read(text, whole=True):  # defaults and a class's methods too
            resolve(name)

    def resolve(name: str) -> None:
        if name in seen or name not in namespace:
            return
        seen.add(name)
        value = namespace[name]
        if isinstance(value, ModuleType):
            imports.append(f"import {value.__name__} as {name}")
        elif isinstance(value, (FunctionType, type)) and getattr(value, "__module__", None) == own_module:
            add_function(value)  # defined in the notebook too
        elif isinstance(value, (FunctionType, type)):
            imports.append(f"from {value.__module__} import {value.__qualname__} as {name}")
        elif isinstance(value, _CONSTANTS):
            code.append(f"{name} = {value!r}")

    own_module = getattr(function, "__module__", None)
    seen.add(function.__name__)
    add_function(function, required=True)
    return imports + code[::-1]


def check(function: Any, *, exercise: str | None = None, assignment: str | None = None) -> Feedback:
    """Run the visible checks of one exercise on ``function`` (from the notebook) and show the feedback.

    The exercise is the function's name, unless ``exercise`` names it:
    ``check(my_cell, exercise="rnn_cell_forward")``.
    """
    own = getattr(function, "__name__", "")
    name = exercise or own
    if not callable(function) or not own or not name:
        raise UsageError("check() takes the function to check, e.g. check(rnn_cell_forward)")
    if assignment is not None:
        chosen = assignments.load(assignment)
    else:
        found = [a for a in map(assignments.load, assignments.available()) if name in a.exercises]
        if not found:
            raise UsageError(f"no assignment has an exercise called {name}")
        chosen = found[0]
    try:
        pieces = gather(function)
    except (OSError, TypeError) as exc:
        raise UsageError(f"the source of {own} cannot be found ({exc})") from exc
    if name != own:
        pieces.append(f"{name} = {own}")
    notebook = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": p} for p in pieces]}
    result = grade_source(extract(notebook), chosen, name, visible_only=True, only=(name,))
    return Feedback(result)
