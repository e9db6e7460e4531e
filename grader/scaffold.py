"""``grader new``: scaffold one exercise of an assignment, ready for the instructor to fill in.

``grader new rnn_step --assignment my_rnn --args "x, h_prev, W_x, W_h, b"`` writes, under the project
root (the folder holding ``exercises/`` and ``reference/``):

* ``reference/my_rnn.py``: a stub of ``rnn_step`` with a docstring to write for students, appended;
* ``exercises/my_rnn/test_rnn_step.py``: a graded suite with a shape check, a values check and a hidden
  check, written with ``from grader import ...`` only;
* ``exercises/my_rnn/mistakes/rnn_step.py``: one example mistake to turn into a real one;
* ``rnn_step`` added to ``EXERCISES`` in ``exercises/my_rnn/__init__.py``.

An assignment that does not exist yet is created (its ``__init__.py`` and reference module). Nothing is
ever overwritten: an exercise that already has any of these files is refused. ``TODO`` comments say what
to fill in; ``docs/authoring.md`` walks through it.
"""

from __future__ import annotations

import ast
import keyword
from pathlib import Path

from .errors import UsageError


def project_root(explicit: str | Path | None = None) -> Path:
    """The folder holding the ``exercises/`` package: ``explicit``, else the current directory when it
    has one, else the source checkout the ``exercises`` package is imported from (never an installed
    copy)."""
    if explicit is not None:
        root = Path(explicit)
        if not root.is_dir():
            raise UsageError(f"no such folder: {explicit}")
        return root.resolve()
    here = Path.cwd()
    if (here / "exercises" / "__init__.py").is_file():
        return here
    from . import assignments

    root = assignments.ROOT.parent
    if not (root / "pyproject.toml").is_file():  # an installed copy: never write into site-packages
        raise UsageError(
            "no exercises/ folder here, and the grader is installed, not a source checkout",
            hint="run from your project's root folder, or give it with --root DIR",
        )
    return root


def _identifier(text: str, what: str) -> str:
    if not text.isidentifier() or keyword.iskeyword(text):
        raise UsageError(f"{what} '{text}' is not a Python name", hint="use letters, digits and _ only")
    return text


def _parameters(args: str) -> list[str]:
    names = [a.strip() for a in args.split(",") if a.strip()]
    if not names:
        raise UsageError("--args needs at least one parameter name")
    for name in names:
        _identifier(name, "parameter")
    if len(set(names)) != len(names):
        raise UsageError(f"--args names a parameter twice: {args}")
    return names


def choose_assignment(root: Path, assignment: str | None) -> str:
    """The assignment named, else the only one under ``root``."""
    if assignment:
        return _identifier(assignment, "assignment")
    found = sorted(
        p.name
        for p in (root / "exercises").glob("*")
        if (p / "__init__.py").is_file() and not p.name.startswith("_")
    )
    if len(found) == 1:
        return found[0]
    raise UsageError(
        "which assignment is the exercise for?",
        hint="name it with --assignment NAME (a new name creates the assignment)"
        + (f"; existing: {', '.join(found)}" if found else ""),
    )


def scaffold(root: Path, name: str, assignment: str, *, args: str = "x") -> list[Path]:
    """Write the exercise's files under ``root``; return the files written or changed, in order."""
    _identifier(name, "exercise")
    params = _parameters(args)
    package = root / "exercises" / assignment
    reference = root / "reference" / f"{assignment}.py"
    suite = package / f"test_{name}.py"
    mistakes = package / "mistakes"
    catalog = mistakes / f"{name}.py"
    if (package / "mistakes.py").is_file():
        raise UsageError(
            f"{assignment} keeps its mistakes in {package / 'mistakes.py'}",
            hint="move them into a package mistakes/ (one module per exercise) to scaffold new exercises",
        )
    for path in (suite, catalog):
        if path.exists():
            raise UsageError(f"{path} already exists: nothing was written", hint="choose another name")
    if reference.is_file() and _defines(reference, name):
        raise UsageError(
            f"{reference} already defines {name}: nothing was written", hint="choose another name"
        )
    init = package / "__init__.py"
    if init.is_file() and name in _exercises(init):
        raise UsageError(f"{assignment} already lists {name} in EXERCISES: nothing was written")
    written: list[Path] = []
    for folder, doc in (
        (root / "exercises", "Assignments and their graded suites; one package per assignment."),
        (root / "reference", "Reference implementations, one module per assignment."),
    ):
        if not (folder / "__init__.py").is_file():
            folder.mkdir(parents=True, exist_ok=True)
            written.append(_create(folder / "__init__.py", f'"""{doc}"""\n'))
    if not init.is_file():
        package.mkdir(parents=True, exist_ok=True)
        written.append(_create(init, _ASSIGNMENT.format(a=assignment)))
    if not reference.is_file():
        written.append(_create(reference, _REFERENCE.format(a=assignment)))
    if not (mistakes / "__init__.py").is_file():
        mistakes.mkdir(parents=True, exist_ok=True)
        written.append(_create(mistakes / "__init__.py", _MISTAKES_PACKAGE.format(a=assignment)))
    signature = ", ".join(params)
    described = "\n".join(f"        {p}: TODO what it is, with its shape, e.g. ``(n_x, m)``." for p in params)
    fill = {"a": assignment, "name": name, "sig": signature, "args": described}
    text = reference.read_text(encoding="utf-8").rstrip("\n")
    reference.write_text(text + "\n\n\n" + _STUB.format(**fill), encoding="utf-8")
    written.append(reference)
    inputs = "\n".join(f"        {p}=rng.standard_normal((3, 4)),  # TODO" for p in params)
    written.append(_create(suite, _SUITE.format(inputs=inputs, **fill)))
    written.append(_create(catalog, _MISTAKE.format(**fill)))
    _add_exercise(init, name)
    written.append(init)
    return list(dict.fromkeys(written))


def _create(path: Path, text: str) -> Path:
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(text)
    return path


def _defines(module: Path, name: str) -> bool:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(getattr(node, "name", None) == name for node in tree.body)


def _exercises_node(init: Path) -> ast.Assign:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "EXERCISES" for t in node.targets
        ):
            return node
    raise UsageError(f"{init} has no EXERCISES = (...)", hint="add EXERCISES = () to it")


def _exercises(init: Path) -> list[str]:
    node = _exercises_node(init)
    try:
        names = ast.literal_eval(node.value)
    except ValueError:
        raise UsageError(f"EXERCISES in {init} is not a plain tuple of names") from None
    return [str(n) for n in names]


def _add_exercise(init: Path, name: str) -> None:
    """Rewrite ``EXERCISES = (...)`` in place with ``name`` appended, one name a line."""
    names = [*_exercises(init), name]
    node = _exercises_node(init)
    lines = init.read_text(encoding="utf-8").split("\n")
    assert node.end_lineno is not None
    block = ["EXERCISES = (", *(f'    "{n}",' for n in names), ")"]
    lines[node.lineno - 1 : node.end_lineno] = block
    init.write_text("\n".join(lines), encoding="utf-8")


_ASSIGNMENT = '''"""TODO: the assignment's introduction, shown to students at the top of the released notebook
(markdown): what they will build, and the conventions (shapes, names)."""

TITLE = "{a}"  # TODO: the title students see
REFERENCE = "reference.{a}"
VERSION = "1"
EXERCISES = ()
'''

_REFERENCE = '''"""Reference solution of the assignment ``{a}``.

Every graded function has a docstring written for students: ``grader release`` copies it into their
notebook. Mistakes in ``exercises/{a}/mistakes/`` may use this module's names only.
"""

from __future__ import annotations

import numpy as np
'''

_MISTAKES_PACKAGE = '''"""Known mistakes of ``{a}``: one module per exercise, each marked ``@mistake``."""
'''

_STUB = '''def {name}({sig}):
    """TODO: one sentence for students: what {name} computes.

    Args:
{args}

    Returns:
        TODO what it returns, with its shape.
    """
    # TODO: the reference solution (students never see this body)
    raise NotImplementedError("{name}: write the reference solution")
'''

_SUITE = '''"""{name}({sig}): TODO what it computes, in one line."""

import numpy as np

from grader import assert_close, assert_shape, exercise, hidden, points

pytestmark = exercise("{name}")


def inputs(seed):
    """The arguments of one call (TODO: shapes and values like the ones students use)."""
    rng = np.random.default_rng(seed)
    return dict(
{inputs}
    )


@points(1)
def test_shape(student):
    """returns an array of the right shape"""
    got = student.{name}(**inputs(0))
    assert_shape(got, (3, 4), "the result")  # TODO: the shape {name} returns for inputs(0)


@points(2)
def test_values(student, reference):
    """values on a small example"""
    args = inputs(1)
    assert_close(student.{name}(**args), reference.{name}(**args), "the result")


@points(2)
@hidden
def test_values_hidden(student, reference):
    """values on other inputs (hidden: students see only its name and points)"""
    for seed in (2, 3, 4):
        args = inputs(seed)
        assert_close(student.{name}(**args), reference.{name}(**args), "the result")
'''

_MISTAKE = '''"""Mistakes in {name}({sig})."""

from grader import mistake
from reference.{a} import np

EXERCISE = "{name}"


# TODO: the reference's body with one realistic mistake, and what the student did in their words.
@mistake(EXERCISE, "TODO: what I did wrong, in a student's words")
def example_mistake({sig}):
    raise NotImplementedError("{name}: write this mutant")
'''
