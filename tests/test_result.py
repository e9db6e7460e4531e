"""grader/result.py: a check's JSON holds every field of the dataclass, as asdict would write it, with
its details copied."""

from __future__ import annotations

import dataclasses

from grader.result import CheckResult, SourceSpan


def test_a_checks_json_is_every_field_as_asdict_writes_it() -> None:
    details = {"values": {"name": "a", "window": {"rows": [0, 1]}}, "traceback": [{"cell": 2, "line": 3}]}
    check = CheckResult("a has the right values", 0.0, 1.0, False, "a is wrong", "a hint", "hidden", details)
    data = check.to_json()
    assert data == dataclasses.asdict(check)
    assert list(data) == [f.name for f in dataclasses.fields(CheckResult)]
    data["details"]["values"]["window"]["rows"].append(9)
    assert details["values"]["window"]["rows"] == [0, 1]  # the result itself is left as it was
    assert CheckResult.from_json(check.to_json()) == check


def test_a_source_spans_json_is_every_field_as_asdict_writes_it() -> None:
    span = SourceSpan(3, 1, 4, "def f(x):\n    return x")
    assert span.to_json() == dataclasses.asdict(span)
    assert list(span.to_json()) == [f.name for f in dataclasses.fields(SourceSpan)]
