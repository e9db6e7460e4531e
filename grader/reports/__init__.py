"""Stage 6: reports. Each renderer turns :class:`~grader.result.SubmissionResult` data into one format."""

from __future__ import annotations

from .html import render_html
from .terminal import render_table
from .writer import write_reports

__all__ = ["render_html", "render_table", "write_reports"]
