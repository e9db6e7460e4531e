"""Writes the per-submission files: ``OUTDIR/<stem>.json`` and ``OUTDIR/<stem>.html``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..result import SubmissionResult
from .html import render_html


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_reports(result: SubmissionResult, outdir: Path, stem: str) -> tuple[Path, Path]:
    """Write the JSON and HTML reports of one submission; returns their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = outdir / f"{stem}.json", outdir / f"{stem}.html"
    _atomic_write(json_path, json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n")
    _atomic_write(html_path, render_html(result))
    return json_path, html_path
