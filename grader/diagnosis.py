"""Stage 4: diagnosis. Say which mistake is behind a failed check, not only that it failed.

An assignment keeps a catalog of known mistakes: mutants of the reference, each with a one-line
description in a student's words, written in ``exercises/<assignment>/mistakes.py`` (or a package
``mistakes/`` with one module per exercise)::

    from grader import mistake
    from reference.rnn_step_by_step import np, softmax

    @mistake("rnn_cell_forward", "I left the bias ba out of a_next")
    def no_bias(xt, a_prev, parameters):
        a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev)
        ...

A mutant has the reference function's signature, and may use the reference module's names only (numpy
as ``np``, ``softmax``, the reference cell functions a sequence mutant calls): ``grader validate`` runs it
as a submission in the worker, where only those names exist.

When a check fails, :class:`Diagnoser` looks at the calls the check made to the student's function: when
the student's result matches a mutant's on the same inputs, that mutant's description is the hint.
Otherwise it looks for what real notebooks get wrong (a missing or misspelled function, a variable read
from the notebook instead of the arguments, the unfilled template, the wrong number of returned values,
misspelled keys) and, failing that, for where the result goes wrong (:mod:`grader._clues`).
"""

from __future__ import annotations

import ast
import builtins
import difflib
import functools
import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FunctionType, ModuleType
from typing import Any

import numpy as np

from . import _codec
from ._clues import locate, return_names
from .checks import CheckFailed, allclose
from .errors import MissingFunction, StudentFailure, StudentRaised
from .memo import memo_key
from .notebook import Source


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a mutant of the reference ``exercise`` and what the student did, in their words."""

    exercise: str
    description: str
    function: Callable[..., Any]

    @property
    def name(self) -> str:
        return str(getattr(self.function, "__name__", "mutant"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)


def mistake(exercise: str, description: str) -> Callable[[Callable[..., Any]], Mistake]:
    """Decorator: ``@mistake("rnn_cell_forward", "I left the bias ba out of a_next")`` on a mutant."""

    def wrap(function: Callable[..., Any]) -> Mistake:
        return Mistake(exercise, " ".join(description.split()), function)

    return wrap


def load_catalog(assignment: str) -> dict[str, tuple[Mistake, ...]]:
    """The mistakes of an assignment, by exercise, in the order they are written. Empty without a catalog."""
    try:
        root = importlib.import_module(f"exercises.{assignment}.mistakes")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"exercises.{assignment}.mistakes", f"exercises.{assignment}"):
            raise
        return {}
    modules = [root]
    if hasattr(root, "__path__"):
        for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
            modules.append(importlib.import_module(f"{root.__name__}.{info.name}"))
    found: dict[str, list[Mistake]] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Mistake):
                found.setdefault(value.exercise, []).append(value)
    return {name: tuple(items) for name, items in found.items()}


# -- comparing results ----------------------------------------------------------------------------------

Leaves = tuple[dict[tuple[Any, ...], Any], frozenset[tuple[Any, ...]]]


def leaves(value: Any) -> Leaves:
    """The values inside nested tuples, lists and dicts by path, and which paths are the same object."""
    found: dict[tuple[Any, ...], Any] = {}
    first: dict[int, tuple[Any, ...]] = {}
    aliases: set[tuple[Any, ...]] = set()
    stack: set[int] = set()

    def walk(item: Any, path: tuple[Any, ...]) -> None:
        if isinstance(item, (tuple, list, dict, np.ndarray)):
            if id(item) in first:
                aliases.add((first[id(item)], path))
            else:
                first[id(item)] = path
        if isinstance(item, (tuple, list, dict)):
            if id(item) in stack or len(path) > 16:
                return
            stack.add(id(item))
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                walk(child, (*path, key if isinstance(key, (int, str)) else repr(key)))
            stack.discard(id(item))
        else:
            found[path] = item

    walk(value, ())
    return found, frozenset(aliases)


def same(a: Any, b: Any) -> bool:
    """Equal values: arrays and numbers by shape and allclose, anything else by type and equality."""
    numeric = (np.ndarray, int, float, np.number)
    if (
        isinstance(a, numeric)
        and isinstance(b, numeric)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf" or x.shape != y.shape:
            return x.shape == y.shape and bool(np.array_equal(x, y))
        return allclose(x, y, equal_nan=True)
    return type(a) is type(b) and bool(a == b)


def explains(student: Any, mutant: Any, reference: Any) -> bool | None:
    """Does the mutant's result explain the student's? None when the mutant is not told apart here.

    True when the student's result equals the mutant's wherever both have a value, differs from the
    reference nowhere the mutant does not, and the mutant differs from the reference somewhere.
    """
    return _explained_by(leaves(student), leaves(mutant), leaves(reference))


def _explained_by(student: Leaves, mutant: Leaves, reference: Leaves) -> bool | None:
    """:func:`explains`, on the results' :func:`leaves` (worked out once per result, not per mutant)."""
    (s, s_alias), (m, m_alias), (r, r_alias) = student, mutant, reference
    distinct = False
    for path in s.keys() & m.keys():
        if not same(s[path], m[path]):
            return False
        if path not in r or not same(m[path], r[path]):
            distinct = True
    for path in s.keys() - m.keys():
        if path in r:  # the student has a value the mutant leaves out
            return False
    if r.keys() - m.keys():
        distinct = True
    shared = m_alias - r_alias
    if not distinct and shared:  # a mutant that differs only in what it shares (s = v) is judged on that
        if not shared <= s_alias:
            return False
        distinct = True
    return True if distinct else None


# -- the calls a check made ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call a check made to the student's function, and what came back."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    value: Any = None
    failure: StudentFailure | None = None
    uses: tuple[str, ...] = ()  # functions the reference stood in for, through the worker's boundary
    key: bytes = b""  # identifies the function and arguments (the same inputs give the same key)
    op: str = "call"  # on an object of the student's class: "call" (a method), "get" or "set" (an attribute)
    target: Any = None  # that object (an ObjectRef); None for a call of a top-level name


def _copy(value: Any) -> Any:
    """A deep copy through the codec: what the student received, fresh for every run."""
    return _codec.decode(_codec.encode(value))


@dataclass
class _Run:
    value: Any = None
    error: tuple[str, str] | None = None
    _leaves: Leaves | None = None

    def leaves(self) -> Leaves:
        if self._leaves is None:
            self._leaves = leaves(self.value)
        return self._leaves


def _run(function: Callable[..., Any], call: Call, reference: ModuleType) -> _Run:
    """Run a mutant or the reference as the worker runs the student's function: on copies of the inputs,
    with the stand-ins for ``call.uses`` receiving and returning copies too."""
    if call.uses and isinstance(function, FunctionType):
        names = dict(function.__globals__)
        for name in call.uses:
            names[name] = _standin(getattr(reference, name))
        function = FunctionType(function.__code__, names, function.__name__, function.__defaults__)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return _Run(_copy(function(*_copy(list(call.args)), **_copy(call.kwargs))))
    except Exception as exc:
        return _Run(error=(type(exc).__name__, str(exc)))


def _standin(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _copy(function(*_copy(list(args)), **_copy(kwargs)))

    return call


_SHARED_RUNS: dict[str, dict[tuple[str, bytes], _Run]] = {}  # with the catalog matches, by their calls


def _outcomes_key(
    exercise: str, calls: Sequence[Call], mutants: Sequence[Mistake]
) -> tuple[str, bytes] | None:
    """A digest of the mutants, of what the calls were given and of what came of them; None when a call
    has none (arguments or a result the codec cannot say exactly)."""
    parts: list[Any] = [exercise, [[id(m), m.name, m.description] for m in mutants]]
    for call in calls:
        if not call.key or call.op != "call":
            return None
        failure = call.failure
        if failure is None:
            parts += [call.key.hex(), "ok", call.value]
        elif isinstance(failure, StudentRaised):
            parts += [call.key.hex(), "raised", failure.exc_type, failure.exc_message]
        else:
            parts += [call.key.hex(), "failed", type(failure).__name__]
    digest = memo_key(parts)
    return ("match", digest) if digest else None


_SHARED_LIMIT = 20_000


@dataclass
class Diagnoser:
    """Finds the hint for a failed check from the calls it made. Mutants and the reference run here."""

    reference: ModuleType
    catalog: dict[str, tuple[Mistake, ...]] = field(default_factory=dict)
    source: Source | None = None
    errors: list[str] = field(default_factory=list)  # diagnoses that failed on an odd result
    _runs: dict[tuple[str, bytes], _Run] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Runs are keyed by the content of their inputs, which the checks draw the same way for every
        # submission: share them across the submissions of this process (bounded).
        shared = _SHARED_RUNS.setdefault(self.reference.__name__, {})
        if len(shared) > _SHARED_LIMIT:
            shared.clear()
        self._runs = shared

    def hint(self, exercise: str, calls: Sequence[Call], failure: BaseException | None) -> str | None:
        if isinstance(failure, MissingFunction):
            return self._missing(exercise)
        if isinstance(getattr(self.reference, exercise, None), type):
            return self._object_hint(exercise, calls, failure)
        mine = [c for c in calls if c.name == exercise]
        if not mine:
            return None
        last = mine[-1]
        known = self._notebook_variables(exercise, last) or self.match(exercise, mine)
        if known:  # a variable of the notebook read in place of an argument comes first: it is the cause
            return known
        if isinstance(failure, StudentRaised) or isinstance(last.failure, StudentRaised):
            raised = failure if isinstance(failure, StudentRaised) else last.failure
            assert isinstance(raised, StudentRaised)
            return self._raised(exercise, raised, last)
        if last.failure is not None:
            return None
        reference = self._reference_run(exercise, last)
        if reference.error is not None:
            return None
        return self._structure(exercise, last.value, reference.value, failure) or locate(
            last.value, reference.value, return_names(getattr(self.reference, exercise))
        )

    # -- the catalog -----------------------------------------------------------------------------------
    def match(self, exercise: str, calls: Sequence[Call]) -> str | None:
        """The description of every mutant that explains all the calls; None when none does.

        It depends on nothing but the calls' inputs and outcomes, so it is remembered by them: the
        submissions that make the same mistake are matched once."""
        key = _outcomes_key(exercise, calls, self.catalog.get(exercise, ()))
        if key is None:
            return self._match(exercise, calls)
        if key not in self._runs:
            self._runs[key] = _Run(self._match(exercise, calls))
        found: str | None = self._runs[key].value
        return found

    def _match(self, exercise: str, calls: Sequence[Call]) -> str | None:
        found = []
        results = [_Run(call.value) for call in calls]  # their leaves are worked out once, if needed
        for mutant in self.catalog.get(exercise, ()):
            verdicts = [
                self._explains(mutant, call, exercise, result)
                for call, result in zip(calls, results, strict=True)
            ]
            if False not in verdicts and True in verdicts:
                found.append(mutant.description)
        if not found:
            return None
        if len(found) == 1:
            return f"your result is exactly what this mistake gives: “{found[0]}”"
        return "your result is exactly what one of these mistakes gives: " + "; or ".join(
            f"“{d}”" for d in found
        )

    def _explains(self, mutant: Mistake, call: Call, exercise: str, student: _Run) -> bool | None:
        ran, ref = self._cached(mutant.function, mutant.name, call), self._reference_run(exercise, call)
        if isinstance(call.failure, StudentRaised):
            if ref.error is not None or ran.error is None:
                return False if ran.error is None and ref.error is None else None
            return (call.failure.exc_type, call.failure.exc_message) == ran.error
        if call.failure is not None or ran.error is not None or ref.error is not None:
            return False
        return _explained_by(student.leaves(), ran.leaves(), ref.leaves())

    def _reference_run(self, exercise: str, call: Call) -> _Run:
        return self._cached(getattr(self.reference, exercise), f"reference.{exercise}", call)

    def _cached(self, function: Callable[..., Any], label: str, call: Call) -> _Run:
        if not call.key:  # no content key: never cached (object ids are reused)
            return _run(function, call, self.reference)
        key = (label, call.key)
        if key not in self._runs:
            self._runs[key] = _run(function, call, self.reference)
        return self._runs[key]

    # -- classes: the life of each object the check made is replayed on the mutant and the reference ------
    def _object_hint(self, exercise: str, calls: Sequence[Call], failure: BaseException | None) -> str | None:
        lives = _lives(exercise, calls)
        found = []
        for mutant in self.catalog.get(exercise, ()):
            verdicts = [self._explains_life(mutant.function, mutant.name, life, exercise) for life in lives]
            if False not in verdicts and True in verdicts:
                found.append(mutant.description)
        if len(found) == 1:
            return f"your result is exactly what this mistake gives: “{found[0]}”"
        if found:
            return "your result is exactly what one of these mistakes gives: " + "; or ".join(
                f"“{d}”" for d in found
            )
        raised = failure if isinstance(failure, StudentRaised) else None
        if raised is not None and raised.exc_type == "NotImplementedError":  # a placeholder still there
            return self._raised(exercise, raised, calls[-1]) if calls else None
        return self._failing_line(raised) if raised is not None else None

    def _explains_life(self, cls: Any, label: str, life: list[Call], exercise: str) -> bool | None:
        student = [_outcome(c) for c in life]
        ran = self._replayed(cls, label, life)
        ref = self._replayed(getattr(self.reference, exercise), f"reference.{exercise}", life)
        if len(ran) < len(student) or len(ref) < len(student):
            return False  # the mutant or the reference raised where the student's class did not
        return explains(student, ran[: len(student)], ref[: len(student)])

    def _replayed(self, cls: Any, label: str, life: list[Call]) -> list[Any]:
        key = (label, _codec.encode([[c.op, c.name, list(c.args), c.kwargs] for c in life]))
        if key not in self._runs:
            self._runs[key] = _Run(_replay(cls, life))
        return list(self._runs[key].value)

    # -- what notebooks get wrong ------------------------------------------------------------------------
    def _missing(self, exercise: str) -> str | None:
        if self.source is None:
            return None
        for issue in self.source.issues:
            if exercise in issue.lost:
                return f"{exercise} is in cell {issue.cell}, which has an error at line {issue.line}: fix it"
        defined = self.source.definitions.get(exercise)
        if defined is not None:  # it is there, but running its definition failed
            return (
                f"`def {exercise}` in cell {defined.cell} failed when the notebook was loaded "
                "(see the notes at the end): a default argument or decorator may use a name that is not set"
            )
        names = sorted(self.source.definitions) or sorted(self.source.top_level_names)
        close = difflib.get_close_matches(exercise, names, n=1, cutoff=0.75)
        if close:
            where = self.source.definitions.get(close[0])
            cell = f" (cell {where.cell})" if where else ""
            return f"the notebook defines `{close[0]}`{cell}: did you mean `{exercise}`?"
        return f"no cell defines `def {exercise}(...)`: check the name and that the cell is in the notebook"

    def _raised(self, exercise: str, failure: StudentRaised, call: Call) -> str | None:
        if failure.exc_type == "NotImplementedError":  # the released notebook's placeholder, still there
            raised_in = str(failure.frames[-1][0]).strip("<>").split()[-1] if failure.frames else ""
            where = f" in cell {raised_in}" if raised_in.isdigit() else ""
            return (
                f"{exercise} is not written yet: replace `# YOUR CODE HERE` and the "
                f"`raise NotImplementedError(...)` line{where} with your code"
            )
        if self.source is None:
            return None
        if failure.exc_type in ("NameError", "UnboundLocalError"):
            name = failure.exc_message.split("'")[1] if failure.exc_message.count("'") >= 2 else ""
            cell = self.source.skipped.get(name)
            if cell is not None:
                instead = self._instead(exercise, name, call)
                return f"{exercise} reads `{name}`, which is set in cell {cell}, {instead}"
        return self._failing_line(failure)

    def _failing_line(self, failure: StudentRaised) -> str | None:
        """Quote the student's line that raised, with what the error usually means."""
        if not failure.frames or self.source is None:
            return None
        filename, line, _ = failure.frames[-1]
        try:
            cell = int(str(filename).strip("<>").split()[-1])
        except ValueError:
            return None
        for statement in self.source.statements:
            lines = statement.code.split("\n")
            if statement.cell == cell and statement.line <= int(line) < statement.line + len(lines):
                text = lines[int(line) - statement.line].strip()
                meaning = _MEANINGS.get(failure.exc_type, "")
                if failure.exc_type == "ValueError" and "shape" not in failure.exc_message:
                    meaning = ""
                return f"{failure.exc_type} in cell {cell}, line {line}: `{text[:120]}`{meaning}"
        return None

    def _instead(self, exercise: str, name: str, call: Call) -> str:
        params = list(inspect.signature(getattr(self.reference, exercise)).parameters)
        for param, arg in zip(params, call.args, strict=False):
            if isinstance(arg, dict) and name in arg:
                return f'not from `{param}` (use {param}["{name}"])'
        return "not from its arguments (grading calls the function on other inputs)"

    def _notebook_variables(self, exercise: str, call: Call) -> str | None:
        """A function that reads a variable set at the notebook's top level instead of its arguments."""
        if self.source is None or exercise not in self.source.definitions:
            return None
        kept = {
            n: st.cell
            for st in self.source.statements
            if _is_assignment(st.code) and not _is_constant(st.code)
            for n in st.defines
        }
        for name in globals_read(self.source.definitions[exercise].code):
            if name in kept and name not in self.source.definitions and not name.isupper():
                return (
                    f"{exercise} reads `{name}`, which is set in cell {kept[name]}, "
                    f"{self._instead(exercise, name, call)}"
                )
        return None

    def _structure(
        self, exercise: str, value: Any, reference: Any, failure: BaseException | None
    ) -> str | None:
        """The unfilled template, the wrong number of returned values, misspelled keys."""
        code = (
            self.source.definitions[exercise].code
            if self.source and exercise in self.source.definitions
            else ""
        )
        names = return_names(getattr(self.reference, exercise))
        if value is None:
            if code and not _returns_value(code):
                return f"{exercise} has no `return` with a value, so it returns None"
            return f"{exercise} returns None: is it still the template?"
        found, _ = leaves(value)
        nones = [path for path, v in found.items() if v is None]
        if nones and not any(v is None for v in leaves(reference)[0].values()):
            labels = [names.label(p) for p in nones[:3]]
            still = [lab for lab in labels if f"{lab} = None" in code]
            verb = "is" if len(labels) == 1 else "are"
            if still:
                return (
                    f"{', '.join(still)} {verb} still None, as in the template: "
                    f"replace `{still[0]} = None` with your code"
                )
            return f"{', '.join(labels)} {verb} None: is part of it still the template?"
        counted = isinstance(failure, CheckFailed) and "should return" in failure.message
        if counted and isinstance(reference, tuple) and isinstance(value, (tuple, list)):
            return self._count(value, reference, names)
        if isinstance(reference, dict) and isinstance(value, dict) and set(value) != set(reference):
            missing = [k for k in reference if k not in value]
            extra = [str(k) for k in value if k not in reference]
            for key in missing:
                close = difflib.get_close_matches(str(key), extra, n=1, cutoff=0.6)
                if close:
                    return f"`{close[0]}`: did you mean `{key}`?"
            if missing:
                return f"the dict has no key {', '.join(f'`{k}`' for k in missing[:3])}"
        return None

    @staticmethod
    def _count(value: Sequence[Any], reference: tuple[Any, ...], names: Any) -> str:
        wanted = [names.label((i,)) for i in range(len(reference))]
        got = []
        for item in value:
            got.append(next((wanted[i] for i, ref in enumerate(reference) if _equal(item, ref)), None))
        told = f"it returns {len(value)} values; the exercise asks for {len(reference)}: {', '.join(wanted)}"
        if all(got):
            lost = [w for w in wanted if w not in got]
            return f"{told} (yours are {', '.join(str(g) for g in got)}; {', '.join(lost) or 'none'} missing)"
        return told


def _lives(exercise: str, calls: Sequence[Call]) -> list[list[Call]]:
    """Per object of the class the check constructed: its construction, then what was done to it."""
    made = [c for c in calls if c.name == exercise and c.target is None and c.failure is None]
    return [[c, *[d for d in calls if d.target is not None and d.target == c.value]] for c in made]


def _outcome(call: Call) -> Any:
    """What one step of an object's life showed: a value, or the exception raised, as data."""
    if isinstance(call.failure, StudentRaised):
        return ("raised", call.failure.exc_type, call.failure.exc_message)
    if call.failure is not None:
        return ("failed", type(call.failure).__name__)
    return None if call.target is None else call.value  # the object itself is compared by what it does


def _replay(cls: Any, life: list[Call]) -> list[Any]:
    """Construct ``cls`` as the student's class was and do the same to it, on copies of the inputs.
    Stops after the first exception, which is recorded as data."""
    found: list[Any] = []
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            obj = cls(*_copy(list(life[0].args)), **_copy(life[0].kwargs))
            found.append(None)
            for step in life[1:]:
                if step.op == "set":
                    setattr(obj, step.name, _copy(step.args[0]))
                    found.append(None)
                elif step.op == "get":
                    found.append(_copy(getattr(obj, step.name)))
                else:
                    method = getattr(obj, step.name)
                    found.append(_copy(method(*_copy(list(step.args)), **_copy(step.kwargs))))
    except Exception as exc:
        found.append(("raised", type(exc).__name__, str(exc)))
    return found


_MEANINGS = {
    "ValueError": ": check the shapes of the arrays on that line (a missing or extra transpose?)",
    "KeyError": ": that key is not in the dict (check how the key is built)",
    "IndexError": ": an index is past the end (check the loop bounds)",
    "ZeroDivisionError": "",
    "TypeError": ": a value on that line is not of the type the operation needs",
}


def _equal(a: Any, b: Any) -> bool:
    x, _ = leaves(a)
    y, _ = leaves(b)
    return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)


@functools.lru_cache(maxsize=4096)
def _is_assignment(code: str) -> bool:
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[0], (ast.Assign, ast.AnnAssign))


@functools.lru_cache(maxsize=4096)
def _is_constant(code: str) -> bool:
    """An assignment of a literal (``VOCAB = "abc"``, ``EPS = 1e-8``): a constant, not data read by error."""
    try:
        node = ast.parse(code).body[0]
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        return value is not None and ast.literal_eval(value) is not None
    except (SyntaxError, ValueError, TypeError, IndexError):
        return False


def _returns_value(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return True
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(tree))


def globals_read(code: str, *, whole: bool = False) -> list[str]:
    """Names the function defined in ``code`` reads but neither takes nor assigns (in order of first use).

    Only its body by default (what it reads when called); with ``whole``, the whole statement, a class's
    too: default arguments, decorators and annotations are read when the definition runs.
    """
    return list(_globals_read(code, whole))


@functools.lru_cache(maxsize=1024)  # asked again for each failed check of a submission
def _globals_read(code: str, whole: bool) -> tuple[str, ...]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ()
    kinds: tuple[type, ...] = (ast.FunctionDef, ast.AsyncFunctionDef) + ((ast.ClassDef,) if whole else ())
    func = next((n for n in tree.body if isinstance(n, kinds)), None)
    if func is None:
        return ()
    bound = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not func:
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    read: list[str] = []
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    scope: list[ast.stmt] = [func] if whole or not isinstance(func, definitions) else func.body
    for node in (n for statement in scope for n in ast.walk(statement)):
        name = node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else ""
        if name and name not in bound and name not in read and not hasattr(builtins, name):
            read.append(name)
    return tuple(read)
