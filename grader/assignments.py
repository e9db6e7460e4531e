"""Assignments: where their suites, reference and worker helpers are, and which one a notebook is for.

An assignment is a package ``exercises/<name>/`` whose ``__init__.py`` sets ``TITLE``, ``REFERENCE``
(the module of reference implementations), ``EXERCISES`` (the graded names, in order) and optionally
``HELPERS`` (a folder of modules the worker may import, such as ``rnn_utils``). Each exercise has its
suite ``test_<exercise>.py`` beside it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import exercises

from .errors import UsageError
from .notebook import Source

ROOT = Path(exercises.__file__).resolve().parent


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str
    directory: Path
    reference_module: str
    exercises: tuple[str, ...]
    helpers: Path | None
    version: str

    def suite(self, exercise: str) -> Path:
        return self.directory / f"test_{exercise}.py"

    def reference(self) -> ModuleType:
        """The reference module; a UsageError saying where, when it cannot be imported."""
        try:
            return importlib.import_module(self.reference_module)
        except SyntaxError as exc:
            where = f"{exc.filename}, line {exc.lineno}"
            raise UsageError(
                f"the reference of '{self.name}' has a syntax error ({where}): {exc.msg}"
            ) from None
        except Exception as exc:  # an instructor's module failing at import: say so, not a traceback
            raise UsageError(
                f"the reference of '{self.name}' ({self.reference_module}) failed to import: "
                f"{type(exc).__name__}: {exc}"
            ) from None


def available() -> list[str]:
    """Names of the shipped assignments."""
    return sorted(
        p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and not p.name.startswith("_")
    )


def load(name: str) -> Assignment:
    """The assignment called ``name``; UsageError when there is none."""
    names = available()
    if name not in names:
        raise UsageError(f"unknown assignment '{name}'", hint=f"available: {', '.join(names) or 'none'}")
    module = importlib.import_module(f"exercises.{name}")
    directory = ROOT / name
    helpers = getattr(module, "HELPERS", None)
    exercise_names = tuple(module.EXERCISES)
    for exercise in exercise_names:
        if not (directory / f"test_{exercise}.py").is_file():
            raise UsageError(f"assignment '{name}' lists {exercise} but has no test_{exercise}.py")
    return Assignment(
        name=name,
        title=str(getattr(module, "TITLE", name)),
        directory=directory,
        reference_module=str(module.REFERENCE),
        exercises=exercise_names,
        helpers=directory / helpers if helpers else None,
        version=str(getattr(module, "VERSION", "1")),
    )


def choose(source: Source, candidates: list[Assignment]) -> Assignment | None:
    """The assignment a notebook is for: its metadata, else the best overlap of defined names."""
    by_name = {a.name: a for a in candidates}
    if source.assignment in by_name:
        return by_name[source.assignment]
    best, best_score = None, 0
    for candidate in candidates:
        score = len(set(candidate.exercises) & source.top_level_names)
        if score > best_score:
            best, best_score = candidate, score
    return best
