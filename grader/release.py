"""``grader release``: the student notebook of an assignment, written from its reference.

The notebook holds, in order:

* a title and the assignment's introduction (the docstring of ``exercises/<assignment>/__init__.py``);
* a setup cell with the imports students need: those of the reference that its graded code uses (numpy),
  and ``from <module> import *`` for each helper module of the assignment (``HELPERS``);
* per exercise, its instructions (``INSTRUCTIONS[exercise]`` in the reference module, else the first
  paragraph of its docstring) and a code cell with its signature and docstring, the body replaced by::

      # YOUR CODE HERE
      raise NotImplementedError("rnn_cell_forward is not written yet")

  A class keeps its class attributes and every method's signature and docstring; each method's body is
  replaced the same way (``SimpleRNN.forward is not written yet``).

Signatures keep their default arguments as written; type annotations and the decorators of top-level
definitions are left out (they name things the student's notebook does not have). The metadata
``{"grader": {"assignment": ..., "version": ...}}`` lets ``grader run`` pick the assignment. The same
reference gives the same bytes: cell ids are made from the exercise names.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .assignments import Assignment
from .errors import UsageError

PLACEHOLDER = "# YOUR CODE HERE"
_MARK = "__grader_placeholder__"
# Imports only for type checking: the released notebook has no annotations.
_TYPING_ONLY = ("__future__", "typing", "numpy.typing", "collections.abc")


def default_path(assignment: Assignment) -> Path:
    """Where the released notebook is kept: ``exercises/<assignment>/release/<assignment>.ipynb``."""
    return assignment.directory / "release" / f"{assignment.name}.ipynb"


def write_release(assignment: Assignment, path: Path | None = None) -> Path:
    """Write the student notebook of ``assignment`` to ``path`` (default: :func:`default_path`)."""
    target = path or default_path(assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(assignment), encoding="utf-8")
    return target


def render(assignment: Assignment) -> str:
    """The notebook's file contents (nbformat 4.5 JSON, deterministic)."""
    import nbformat  # here: grading a notebook does not need it

    writes: Any = nbformat.writes  # untyped library
    return str(writes(build(assignment))) + "\n"


def build(assignment: Assignment) -> Any:
    """The student notebook of ``assignment`` as an nbformat node (validated)."""
    module = assignment.reference()
    source = Path(inspect.getfile(module)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    definitions = {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    missing = [e for e in assignment.exercises if e not in definitions]
    if missing:
        raise UsageError(
            f"{assignment.reference_module} does not define {', '.join(missing)}",
            hint="every exercise needs a top-level function or class of its name in the reference",
        )
    instructions = getattr(module, "INSTRUCTIONS", {}) or {}
    import nbformat  # here: grading a notebook does not need it

    v4: Any = nbformat.v4  # untyped library
    cells = [v4.new_markdown_cell(_introduction(assignment), id="introduction")]
    cells.append(v4.new_code_cell(_setup(assignment, tree, definitions), id="setup"))
    for number, name in enumerate(assignment.exercises, start=1):
        node = definitions[name]
        text = instructions.get(name) or _first_paragraph(ast.get_docstring(node) or "")
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        heading = f"## Exercise {number}: the {kind} `{name}`"
        cells.append(v4.new_markdown_cell(f"{heading}\n\n{text}".rstrip(), id=f"{name}-instructions"))
        cells.append(v4.new_code_cell(released_code(source, name), id=f"{name}-code"))
    notebook = v4.new_notebook(
        cells=cells,
        metadata={
            "grader": {"assignment": assignment.name, "version": assignment.version},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    notebook.nbformat_minor = 5
    nbformat.validate(notebook)
    return notebook


def released_code(source: str, name: str) -> str:
    """The top-level function or class ``name`` of ``source`` with every body replaced by the placeholder."""
    found = [
        n
        for n in ast.parse(source).body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == name
    ]
    if not found:
        raise UsageError(f"no top-level function or class `{name}` in the reference")
    node = found[-1]
    node.decorator_list = []
    labels: dict[str, str] = {}
    if isinstance(node, ast.ClassDef):
        kept: list[ast.stmt] = []
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                _blank(item, source, f"{name}.{item.name}", labels)
                kept.append(item)
            elif isinstance(item, ast.AnnAssign):
                if item.value is not None:  # a class attribute keeps its value, not its annotation
                    kept.append(ast.Assign(targets=[item.target], value=item.value, lineno=item.lineno))
            elif not isinstance(item, ast.ClassDef):
                kept.append(item)
        node.body = kept or [ast.Pass()]
    else:
        _blank(node, source, name, labels)
    lines = []
    for line in ast.unparse(node).split("\n"):
        stripped = line.strip()
        if stripped.startswith(_MARK):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}{PLACEHOLDER}")
            lines.append(f'{indent}raise NotImplementedError("{labels[stripped]} is not written yet")')
        else:
            lines.append(line)
    return "\n".join(lines)


def _blank(
    func: ast.FunctionDef | ast.AsyncFunctionDef, source: str, label: str, labels: dict[str, str]
) -> None:
    """Keep the signature (defaults as written, no annotations) and docstring; mark where the body goes."""
    args = func.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            arg.annotation = None
    args.defaults = [_as_written(d, source) for d in args.defaults]
    args.kw_defaults = [None if d is None else _as_written(d, source) for d in args.kw_defaults]
    func.returns = None
    mark = f"{_MARK}{len(labels)}"
    labels[mark] = label
    body: list[ast.stmt] = []
    if ast.get_docstring(func, clean=False) is not None:
        body.append(func.body[0])
    body.append(ast.Expr(ast.Name(id=mark)))
    func.body = body


def _as_written(node: ast.expr, source: str) -> ast.expr:
    """A default value shown as in the reference (``1e-8``, not ``1e-08``)."""
    text = ast.get_source_segment(source, node)
    return ast.Name(id=text) if text and "\n" not in text else node


def _introduction(assignment: Assignment) -> str:
    init = assignment.directory / "__init__.py"
    intro = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    return f"# {assignment.title}\n\n{intro}".rstrip()


def _setup(
    assignment: Assignment,
    tree: ast.Module,
    definitions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef],
) -> str:
    """The imports of the reference that its graded code uses, then every helper module's names."""
    used = {
        n.id
        for name in assignment.exercises
        for statement in definitions[name].body
        for n in ast.walk(statement)
        if isinstance(n, ast.Name)
    }
    lines = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [a for a in node.names if (a.asname or a.name.split(".")[0]) in used]
            if names and not any(a.name.startswith(_TYPING_ONLY) for a in names):
                lines.append(ast.unparse(ast.Import(names=names)))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in ("reference", "exercises", "grader") or node.module.startswith(
                _TYPING_ONLY
            ):
                continue
            names = [a for a in node.names if (a.asname or a.name) in used]
            if names:
                lines.append(ast.unparse(ast.ImportFrom(module=node.module, names=names, level=0)))
    if assignment.helpers is not None and assignment.helpers.is_dir():
        for helper in sorted(assignment.helpers.glob("*.py")):
            if not helper.stem.startswith("_"):
                lines.append(f"from {helper.stem} import *")
    return "\n".join(lines)


def _first_paragraph(docstring: str) -> str:
    return docstring.strip().split("\n\n")[0].strip()
