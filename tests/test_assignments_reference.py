"""Assignment.reference(): an instructor's broken reference is a usage error that says where."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from grader import assignments
from grader.errors import UsageError


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def f(:\n    pass\n", "has a syntax error ("),
        ("import no_such_module_anywhere\n", "failed to import: ModuleNotFoundError"),
    ],
)
def test_broken_reference_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, message: str
) -> None:
    name = f"broken_ref_{abs(hash(code))}"
    (tmp_path / f"{name}.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = dataclasses.replace(assignments.load("rnn_step_by_step"), reference_module=name)
    with pytest.raises(UsageError, match="the reference of 'rnn_step_by_step'") as info:
        broken.reference()
    assert message in info.value.message
    assert assignments.load("rnn_step_by_step").reference().__name__ == "reference.rnn_step_by_step"
