"""Writes the per-submission files: ``OUTDIR/<stem>.json`` and ``OUTDIR/<stem>.html``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..result import SubmissionResult
from .html import render_html


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def json_text(data: dict[str, Any]) -> str:
    """A result's JSON as written to its file: a line per field and per exercise, so that a person can
    find their way in it, each line written by json's C encoder (``indent`` takes json's pure-Python
    path, several times slower on a result's hundred checks)."""
    fields = []
    for key, value in data.items():
        if key == "exercises" and isinstance(value, list) and value:
            inner = ",\n".join(f"    {json.dumps(item)}" for item in value)
            fields.append(f"  {json.dumps(key)}: [\n{inner}\n  ]")
        else:
            fields.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def write_reports(
    result: SubmissionResult, outdir: Path, stem: str, *, data: dict[str, Any] | None = None
) -> tuple[Path, Path]:
    """Write the JSON and HTML reports of one submission; returns their paths. ``data`` is
    ``result.to_json()`` when the caller has it already."""
    outdir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = outdir / f"{stem}.json", outdir / f"{stem}.html"
    _atomic_write(json_path, json_text(result.to_json() if data is None else data))
    _atomic_write(html_path, render_html(result))
    return json_path, html_path
