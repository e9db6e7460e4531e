"""Stage 6: reports. Each renderer turns :class:`~grader.result.SubmissionResult` data into one format."""

from __future__ import annotations

from .classpage import render_class_page
from .gradescope import gradescope_results
from .html import render_html
from .junit import render_junit
from .markdown import append_step_summary, render_markdown
from .terminal import render_table
from .writer import write_reports

__all__ = [
    "append_step_summary",
    "gradescope_results",
    "render_class_page",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_table",
    "write_reports",
]
