"""The authoring API is one import: ``from grader import ...`` gives everything a suite or a catalog uses."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path

import pytest

import grader

PROJECT = Path(grader.__file__).resolve().parent.parent


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }


def test_all_is_complete_and_exists():
    assert sorted(grader.__all__) == sorted(set(grader.__all__))
    for name in grader.__all__:
        assert getattr(grader, name) is not None  # a name loaded on first use is in the module from then on
    assert set(grader.__all__) == _public(grader), "add the new name to grader.__all__ (or make it private)"
    assert set(grader._LAZY) <= set(grader.__all__)
    assert set(grader.__all__) <= set(dir(grader))


def test_names_are_loaded_from_their_module_on_first_use():
    assert grader.assert_close is grader.checks.assert_close
    assert grader.mistake is grader.diagnosis.mistake
    with pytest.raises(AttributeError, match="no attribute 'assert_closer'"):
        grader.assert_closer  # noqa: B018


def test_importing_grader_loads_neither_numpy_nor_pytest():
    code = "import sys, grader; print(sorted({'numpy', 'pytest', 'jinja2'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_run_command_does_not_load_what_only_other_commands_use():
    code = (
        "import sys; import grader.cli, grader.batch; "
        "print(sorted({'multiprocessing', 'grader.feedback', 'grader.validation', 'grader.parallel'} & "
        "set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_completeness_check_sees_a_missing_name():
    fake = types.ModuleType("fake")
    fake.assert_close = grader.assert_close
    fake.__all__ = []
    assert _public(fake) == {"assert_close"} != set(fake.__all__)


def _imported_from_grader(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "grader":
            assert node.module == "grader", f"{path}: import from `grader` itself, not {node.module}"
            names.update(a.name for a in node.names)
    return names


def test_suites_catalogs_and_the_tutorial_use_the_public_names_only():
    files = [*PROJECT.glob("exercises/*/test_*.py"), *PROJECT.glob("exercises/*/mistakes/*.py")]
    assert files
    used = set().union(*(_imported_from_grader(f) for f in files))
    assert used <= set(grader.__all__)
    tutorial = (PROJECT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for line in tutorial.splitlines():
        if line.startswith("from grader import "):
            assert set(line.removeprefix("from grader import ").split(", ")) <= set(grader.__all__)
    assert "docs/authoring.md" in (PROJECT / "README.md").read_text(encoding="utf-8")
