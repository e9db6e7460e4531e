"""Stage 5: results as plain data. Frozen dataclasses with ``to_json`` / ``from_json``; no rendering here.

The JSON layout is a fixed interface (see the README): extra keys may be added, none removed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "partial", "failed", "missing", "error", "timeout"]
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


def _known(cls: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``data`` that ``cls`` has: JSON written by a later version (extra keys) still reads."""
    return {k: data[k] for k in cls.__dataclass_fields__ if k in data}


@dataclass(frozen=True)
class CheckResult:
    """One graded check. ``details`` is optional structured, JSON-safe data about what was compared::

        {"values": {"name": "a_next", "shape": [5, 10], "wrong": 3, "size": 50, "nans": 0,
                    "index": [2, 3], "expected": 0.61, "got": -0.69,
                    "window": {"origin": [2], "rows": [0, 1, 2], "cols": [1, 2, 3],
                               "expected": [[...]], "got": [[...]], "wrong": [[...]]}},
         "gradients": [{"name": "dWax", "relative_error": 1.2e-10, "tolerance": 1e-06, "passed": true}],
         "traceback": [{"cell": 4, "line": 7, "function": "rnn_cell_forward"}]}

    Every key is optional; numbers that are not finite are the strings ``"nan"``, ``"inf"``, ``"-inf"``.
    """

    name: str
    points: float
    max_points: float
    passed: bool
    message: str
    hint: str | None = None
    visibility: Visibility = "visible"
    details: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        # written out: asdict's walk over every field cost five times as much, on a hundred checks a result
        return {
            "name": self.name,
            "points": self.points,
            "max_points": self.max_points,
            "passed": self.passed,
            "message": self.message,
            "hint": self.hint,
            "visibility": self.visibility,
            # a copy of its own, through json's C encoder and decoder: details are JSON data, and
            # deepcopy's walk cost more than the rest of a result's conversion
            "details": None if self.details is None else json.loads(json.dumps(self.details)),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class SourceSpan:
    """The student's code of an exercise, with where it is in the notebook."""

    cell: int
    first_line: int
    last_line: int
    code: str

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.cell,
            "first_line": self.first_line,
            "last_line": self.last_line,
            "code": self.code,
        }


@dataclass(frozen=True)
class ExerciseResult:
    name: str
    score: float
    max_score: float
    status: Status
    checks: tuple[CheckResult, ...] = ()
    source: SourceSpan | None = None
    output: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "checks": [c.to_json() for c in self.checks],
            "source": self.source.to_json() if self.source else None,
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseResult:
        src = data.get("source")
        return cls(
            name=data["name"],
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            status=data["status"],
            checks=tuple(CheckResult.from_json(c) for c in data.get("checks", [])),
            source=SourceSpan(**_known(SourceSpan, src)) if src else None,
            output=data.get("output", ""),
        )


@dataclass(frozen=True)
class Notice:
    """Something about the submission as a whole: a skipped cell, a statement that failed to run."""

    message: str
    cell: int | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SubmissionResult:
    assignment: str | None
    submission: str
    score: float
    max_score: float
    error: str | None
    grader_version: str
    duration_s: float
    exercises: tuple[ExerciseResult, ...] = ()
    notices: tuple[Notice, ...] = field(default_factory=tuple)
    confinement: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "error": self.error,
            "grader_version": self.grader_version,
            "duration_s": self.duration_s,
            "exercises": [e.to_json() for e in self.exercises],
            "notices": [n.to_json() for n in self.notices],
            "confinement": {k: dict(v) for k, v in self.confinement.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        return cls(
            assignment=data.get("assignment"),
            submission=data["submission"],
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            error=data.get("error"),
            grader_version=data.get("grader_version", ""),
            duration_s=float(data.get("duration_s", 0.0)),
            exercises=tuple(ExerciseResult.from_json(e) for e in data.get("exercises", [])),
            notices=tuple(Notice(**_known(Notice, n)) for n in data.get("notices", [])),
            confinement={str(k): dict(v) for k, v in (data.get("confinement") or {}).items()},
        )


def exercise_status(score: float, max_score: float, failures: list[str]) -> Status:
    """The status of an exercise from its score and the kinds of failure its checks met."""
    if max_score > 0 and score >= max_score:
        return "passed"
    if score > 0:
        return "partial"
    kinds: tuple[Status, ...] = ("missing", "timeout", "error")
    for kind in kinds:
        if failures and all(f == kind for f in failures):
            return kind
    if "timeout" in failures:
        return "timeout"
    return "failed"
