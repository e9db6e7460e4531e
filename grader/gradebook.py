"""The gradebook: every result kept in SQLite the moment its submission is graded.

A result is filed under what decides it: the sha256 of the notebook's bytes, the assignment asked for
(with its ``VERSION``; without ``-a``, every shipped assignment and its version, since any could be
chosen) and the grader's version. A run that stops halfway (Ctrl-C, ``kill -9``, a crash) keeps every
result it committed; started again, it finds them and grades only the rest. Changing the notebook, the
assignment's version or the grader's version grades it again.

One writer (the process running ``grader run``) and any number of readers: the database is in WAL
mode and each result is one transaction, so a reader never sees half a result.

Tables::

    runs      (id, started_at)                                 one row per ``grader run``
    results   (key, sha256, assignment, grader_version, score, max_score, error, result, run, graded_at)
    students  (student, submission, key, run, seen_at)         the current result of each student

``student`` is the report name of a submission (its file name without ``.ipynb``, made unique).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import assignments
from .assignments import Assignment
from .errors import UsageError
from .grading import grader_version
from .result import SubmissionResult

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    assignment TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    error TEXT,
    result TEXT NOT NULL,
    run INTEGER NOT NULL REFERENCES runs(id),
    graded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY,
    submission TEXT NOT NULL,
    key TEXT NOT NULL REFERENCES results(key),
    run INTEGER NOT NULL REFERENCES runs(id),
    seen_at REAL NOT NULL
);
"""


def assignment_spec(assignment: Assignment | None) -> str:
    """What the grading depends on besides the notebook: ``rnn_step_by_step@1``, or every candidate."""
    if assignment is not None:
        return f"{assignment.name}@{assignment.version}"
    shipped = [assignments.load(name) for name in assignments.available()]
    return "auto:" + ",".join(f"{a.name}@{a.version}" for a in shipped)


def submission_key(content: bytes, spec: str) -> str:
    """The gradebook key of a notebook's bytes graded for ``spec`` by this version of the grader."""
    return f"{hashlib.sha256(content).hexdigest()}|{spec}|{grader_version()}"


class Gradebook:
    """An open gradebook file; ``Gradebook(path)`` creates it when missing. Use as a context manager."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (and, unless ``read_only``, create) the gradebook at ``path``. ``read_only`` (for export)
        never changes the file and refuses one that is not a gradebook."""
        self.path = Path(path)
        self.run = -1
        db = None
        try:
            if read_only:
                db = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
                )
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if not {"results", "students"} <= tables:
                    raise sqlite3.DatabaseError("it has no results or students table")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across a killed process
                db.execute("PRAGMA busy_timeout=10000")
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.DatabaseError) as exc:
            if db is not None:
                db.close()
            raise UsageError(
                f"cannot use {self.path} as a gradebook: {exc}",
                hint="give another file with --gradebook, or remove this one",
            ) from None
        self._db = db

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def start_run(self) -> int:
        """Number the results this process is about to grade; returns the run's id."""
        cursor = self._db.execute("INSERT INTO runs (started_at) VALUES (?)", (time.time(),))
        self.run = int(cursor.lastrowid or 0)
        return self.run

    def lookup(self, keys: Sequence[str]) -> dict[str, SubmissionResult]:
        """The stored results among ``keys``. Results with an ``error`` are left out: they are graded again,
        as the error may have come from the machine (a worker that could not start) and not the notebook."""
        found: dict[str, SubmissionResult] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, result FROM results WHERE error IS NULL AND key IN ({marks})", chunk
            )
            for key, text in rows:
                result = _load(text)
                if result is not None:  # a damaged row is graded again
                    found[key] = result
        return found

    def record(
        self,
        student: str,
        path: Path,
        key: str,
        result: SubmissionResult,
        *,
        graded: bool,
        data: dict[str, Any] | None = None,
    ) -> None:
        """File ``result`` as ``student``'s current one, in one transaction. With ``graded`` the result is
        new and stored under ``key``; without, it was found by :meth:`lookup` and only the student's row
        is updated. ``data`` is ``result.to_json()`` when the caller has it already."""
        now = time.time()
        with self._db:  # BEGIN ... COMMIT, or ROLLBACK on an exception
            self._db.execute("BEGIN IMMEDIATE")
            if graded:
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        key.split("|", 1)[0],
                        result.assignment or "",
                        result.grader_version,
                        result.score,
                        result.max_score,
                        result.error,
                        json.dumps(result.to_json() if data is None else data),
                        self.run,
                        now,
                    ),
                )
            self._db.execute(
                "INSERT OR REPLACE INTO students VALUES (?, ?, ?, ?, ?)",
                (student, str(path), key, self.run, now),
            )

    def current(self) -> list[tuple[str, SubmissionResult]]:
        """Every student's current result, by student name."""
        rows = self._db.execute(
            "SELECT s.student, s.submission, r.result FROM students s JOIN results r ON r.key = s.key "
            "ORDER BY s.student"
        )
        current = []
        for student, sub, text in rows:
            result = _load(text)
            if result is None:
                raise UsageError(
                    f"the gradebook {self.path} has a damaged result for {student}",
                    hint="grade that submission again with grader run",
                )
            current.append((student, dataclasses.replace(result, submission=Path(sub).name)))
        return current


def _load(text: str) -> SubmissionResult | None:
    """A stored result, or None when the row is damaged."""
    try:
        return SubmissionResult.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def export_csv(book: Gradebook, out: TextIO) -> int:
    """Write a row per student, a column per exercise (in the assignment's order) and the total.
    Returns the number of rows."""
    rows = book.current()
    exercises: list[str] = []
    for _, result in rows:
        exercises += [e.name for e in result.exercises if e.name not in exercises]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "submission", "assignment", *exercises, "total", "max_score", "error"])
    for student, result in rows:
        scores = {e.name: e.score for e in result.exercises}
        writer.writerow(
            [
                student,
                result.submission,
                result.assignment or "",
                *(_number(scores[name]) if name in scores else "" for name in exercises),
                _number(result.score),
                _number(result.max_score),
                result.error or "",
            ]
        )
    return len(rows)


def _number(value: float) -> str:
    return f"{value:g}"
