"""The HTML report: one self-contained, autoescaped page a student can read."""

from __future__ import annotations

import jinja2

from ..result import SubmissionResult

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _points(x: float) -> str:
    return f"{x:g}"


_ENV.filters["points"] = _points


def render_html(result: SubmissionResult) -> str:
    """Render the report page. Everything that came from the student is escaped by the template engine."""
    template = _ENV.get_template("report.html.j2")
    return template.render(result=result)
