"""grader release: the student notebook is deterministic, leaks no answer, and grades to zero with clear
messages; every shipped assignment's committed release is up to date."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import nbformat
import pytest

from grader import assignments
from grader.assignments import Assignment
from grader.cli import main
from grader.grading import grade_notebook
from grader.release import build, default_path, released_code, render

SHIPPED = assignments.available()


def _body_statements(node: ast.AST) -> list[str]:
    """Every statement inside the bodies of a function or of a class's methods, docstrings left out."""
    found = []
    functions = [n for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for func in functions:
        body = func.body[1:] if ast.get_docstring(func) is not None else func.body
        for statement in body:
            found.extend(ast.unparse(s) for s in ast.walk(statement) if isinstance(s, ast.stmt))
    return found


def _code_lines(notebook: dict) -> set[str]:
    return {
        line.strip()
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for line in ast.unparse(ast.parse("".join(cell["source"]))).split("\n")
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_committed_release_is_up_to_date(name):
    assignment = assignments.load(name)
    path = default_path(assignment)
    assert path.is_file(), f"run `grader release {name}` and commit {path}"
    assert path.read_text(encoding="utf-8") == render(assignment), f"run `grader release {name}`"


@pytest.mark.parametrize("name", SHIPPED)
def test_release_leaks_no_reference_body(name):
    assignment = assignments.load(name)
    notebook = json.loads(render(assignment))
    shown = _code_lines(notebook)
    tree = ast.parse(Path(inspect.getfile(assignment.reference())).read_text(encoding="utf-8"))
    graded = [n for n in tree.body if getattr(n, "name", None) in assignment.exercises]
    assert len(graded) == len(assignment.exercises)
    for node in graded:
        statements = _body_statements(node)
        assert statements
        for statement in statements:
            first = statement.split("\n")[0].strip()
            assert first not in shown or first in ("pass", "return"), f"{node.name}: `{first}` leaks"


def test_release_is_a_valid_deterministic_notebook(tmp_path):
    assignment = assignments.load("rnn_step_by_step")
    assert render(assignment) == render(assignment)
    out = tmp_path / "student.ipynb"
    assert main(["release", "rnn_step_by_step", "-o", str(out)]) == 0
    nb = nbformat.read(str(out), as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata["grader"] == {"assignment": "rnn_step_by_step", "version": assignment.version}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb.cells]
    assert len(set(ids)) == len(ids)
    setup = nb.cells[1].source.split("\n")
    assert setup == ["import numpy as np", "from public_tests import *", "from rnn_utils import *"]
    code = {c["id"]: c.source for c in nb.cells if c.cell_type == "code"}
    adam = code["update_parameters_with_adam-code"]
    assert adam.startswith(
        "def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, "
        "beta2=0.999, epsilon=1e-8):"
    )
    placeholder = 'raise NotImplementedError("update_parameters_with_adam is not written yet")'
    assert adam.endswith(f"    # YOUR CODE HERE\n    {placeholder}")
    # Every exercise: instructions, then its signature and docstring.
    for name in assignment.exercises:
        doc = inspect.getdoc(getattr(assignment.reference(), name))
        assert doc.split("\n")[0] in code[f"{name}-code"]


@pytest.mark.parametrize("name", assignments.available())
def test_released_notebook_grades_to_zero_with_clear_messages(name):
    assignment = assignments.load(name)
    result = grade_notebook(default_path(assignment))  # no -a: the metadata chooses
    assert result.assignment == name
    assert result.error is None
    assert result.score == 0
    for exercise in result.exercises:
        assert exercise.checks
        for check in exercise.checks:
            assert not check.passed
            assert "is not written yet" in check.message
            if check.visibility == "visible":
                assert check.hint and check.hint.startswith(f"{exercise.name} is not written yet: replace")


CLASS_REFERENCE = '''
"""Reference of a class exercise."""
import functools
from typing import Any
import numpy as np
from numpy.typing import NDArray


def helper(x):
    return x


@functools.cache
def scale(x: NDArray[np.float64], factor: float = 1e-8, *, shift=(1, 2)) -> Any:
    """Scale x.

    Returns:
        x times factor.
    """
    y = x * factor
    return helper(y) + shift[0]


class Layer:
    """A layer.

    More text.
    """

    units: int = 4
    activation = "tanh"

    def __init__(self, n_in: int, n_out: int = 3) -> None:
        """Make the weights."""
        self.W = np.zeros((n_out, n_in))

    @property
    def size(self):
        return self.W.size

    def forward(self, X):
        out = np.tanh(self.W @ X)
        return out
'''


def _fake_assignment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instructions: str = "") -> Assignment:
    (tmp_path / "refpkg_release").mkdir()
    (tmp_path / "refpkg_release" / "__init__.py").write_text("")
    (tmp_path / "refpkg_release" / "layer.py").write_text(CLASS_REFERENCE + instructions)
    (tmp_path / "exercises" / "toy").mkdir(parents=True)
    (tmp_path / "exercises" / "toy" / "__init__.py").write_text('"""Learn *layers*."""\nEXERCISES = ()\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    return Assignment(
        name="toy",
        title="Toy",
        directory=tmp_path / "exercises" / "toy",
        reference_module="refpkg_release.layer",
        exercises=("scale", "Layer"),
        helpers=None,
        version="2",
    )


def test_classes_keep_attributes_and_method_signatures(tmp_path, monkeypatch):
    assignment = _fake_assignment(tmp_path, monkeypatch, 'INSTRUCTIONS = {"Layer": "Write **Layer**."}\n')
    nb = build(assignment)
    texts = [c.source for c in nb.cells]
    assert texts[0] == "# Toy\n\nLearn *layers*."
    assert texts[1] == "import numpy as np"  # not functools, typing or numpy.typing
    assert texts[2] == "## Exercise 1: the function `scale`\n\nScale x."
    assert texts[4] == "## Exercise 2: the class `Layer`\n\nWrite **Layer**."
    scale = texts[3]
    assert scale.startswith('def scale(x, factor=1e-8, *, shift=(1, 2)):\n    """Scale x.')
    assert "@functools" not in scale and "x * factor" not in scale
    layer = texts[5]
    tree = ast.parse(layer)
    cls = tree.body[0]
    assert isinstance(cls, ast.ClassDef) and cls.name == "Layer"
    assert "units = 4" in layer and "activation = 'tanh'" in layer
    assert "def __init__(self, n_in, n_out=3):" in layer
    assert "@property\n    def size(self):" in layer
    for method in ("Layer.__init__", "Layer.size", "Layer.forward"):
        assert (
            f'        # YOUR CODE HERE\n        raise NotImplementedError("{method} is not written yet")'
            in layer
        )
    assert "np.zeros" not in layer and "np.tanh" not in layer and "self.W.size" not in layer
    leaked = set(_body_statements(ast.parse(CLASS_REFERENCE))) & _code_lines(nb)
    assert not leaked


def test_leak_check_sees_a_leaking_release():
    """The leak test's own check fails on a release that kept a body line (a mutant of released_code)."""
    shown = _code_lines({"cells": [{"cell_type": "code", "source": CLASS_REFERENCE}]})
    leaked = set(_body_statements(ast.parse(CLASS_REFERENCE))) & shown
    assert "y = x * factor" in leaked


def test_unknown_exercise_is_a_usage_error(tmp_path, monkeypatch):
    from grader.errors import UsageError

    assignment = _fake_assignment(tmp_path, monkeypatch)
    with pytest.raises(UsageError, match="does not define nowhere"):
        build(Assignment(**{**assignment.__dict__, "exercises": ("scale", "nowhere")}))
    with pytest.raises(UsageError, match="no top-level function or class `missing`"):
        released_code(CLASS_REFERENCE, "missing")
