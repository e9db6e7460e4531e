"""Stage 1: the notebook. Read a submission and keep the source that defines the student's functions.

Code cells are taken in order. IPython syntax (``%magic``, ``!shell``, ``x = !cmd``, ``obj?``, and bare
shell lines such as ``pip install numpy``) becomes ``pass``; a cell magic whose body is not Python
(``%%bash``, ``%%html`` ...) drops its cell. Each cell is parsed on its own: a cell with a syntax error
is skipped and reported, the others still count. Of the top-level statements only imports, ``def``,
``class`` and assignments of constants are kept; demo calls, prints, plots, loops and the notebook's
own test calls are left out, so nothing slow or noisy runs. Every kept statement remembers its cell
and line, and is later compiled under the file name ``<cell N>`` with its own line numbers, so a
traceback reads "cell 7, line 3".

IPython's own input transformer is not used: importing it costs about 0.3 s, more than grading a whole
notebook, and only the handful of rules above matter for code that defines functions.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotebookError
from .memo import TextMemo

MAX_NOTEBOOK_BYTES = 200 * 1024 * 1024
# Cell magics whose body is Python: the body is kept, the magic line dropped.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit", "snakeviz"}
_SHELL_COMMANDS = (
    "pip|pip3|conda|mamba|apt|apt-get|ls|cd|pwd|wget|curl|git|mkdir|rm|cp|mv|unzip|tar|cat|echo|"
    "nvidia-smi|python|python3|jupyter|matplotlib|load_ext|autoreload|reload_ext|env|set_env|who|whos"
)
_SHELL_LINE = re.compile(rf"^({_SHELL_COMMANDS})(\s|$)")
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!?]|[A-Za-z_][\w, ]*=\s*[!%])")
# ``obj?`` / ``obj.attr??``: only where Python reports the syntax error (a comment may end in "?")
_HELP_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*\s*\?{1,2}\s*$")
# Python's own line breaks; str.splitlines() also splits at \f, \x1c, \u2028 ... inside string literals
_NEWLINE = re.compile(r"\r\n|\r|\n")
# Calls allowed in a kept module-level constant: pure constructors, cheap and without side effects.
_SAFE_CALLS = {
    "int",
    "float",
    "str",
    "bool",
    "list",
    "tuple",
    "dict",
    "set",
    "frozenset",
    "range",
    "len",
    "enumerate",
    "zip",
    "sorted",
    "reversed",
    "min",
    "max",
    "abs",
    "round",
    "sum",
    "ord",
    "chr",
}
_SAFE_NUMPY_CALLS = {
    "array",
    "asarray",
    "zeros",
    "ones",
    "eye",
    "arange",
    "linspace",
    "full",
    "float32",
    "float64",
    "int32",
    "int64",
    "sqrt",
    "exp",
    "log",
    "dtype",
}
_BUILTINS = set(dir(builtins))
_DEF_NAME = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)


@dataclass(frozen=True)
class Statement:
    """A kept top-level statement: its source, and where it starts in the notebook."""

    cell: int
    line: int
    code: str
    defines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Definition:
    """Where a function or class is defined in the notebook (the last definition wins)."""

    name: str
    cell: int
    first_line: int
    last_line: int
    code: str


@dataclass(frozen=True)
class CellIssue:
    """Something in a cell the grader could not use, with the names it cost."""

    cell: int
    line: int
    message: str
    lost: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """What stage 1 hands on: kept statements in order, definitions, and issues to report."""

    statements: tuple[Statement, ...]
    definitions: dict[str, Definition]
    issues: tuple[CellIssue, ...]
    assignment: str | None = None
    top_level_names: frozenset[str] = field(default_factory=frozenset)
    # names assigned by top-level statements that were left out, and the cell of the last such assignment
    skipped: dict[str, int] = field(default_factory=dict)


def read_notebook(path: str | Path) -> Source:
    """Read a notebook file and extract its source. Raises NotebookError with a specific message."""
    return extract(load_notebook(path))


def load_notebook(path: str | Path) -> Any:
    """Read ``path`` as an nbformat 4 notebook: its JSON, as dicts (an older format upgraded by nbformat)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(
                f"{path.name} is {size // 2**20} MB; notebooks over "
                f"{MAX_NOTEBOOK_BYTES // 2**20} MB are not graded"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise NotebookError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"{path.name} is not UTF-8 text (bad byte at position {exc.start})",
            hint="save the notebook again from Jupyter",
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise NotebookError(f"{path.name} is empty", hint="save the notebook again from Jupyter") from exc
        raise NotebookError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            hint="the file may be truncated; save it again from Jupyter",
        ) from exc
    if (
        not isinstance(data, dict)
        or "nbformat" not in data
        or not (isinstance(data.get("cells"), list) or isinstance(data.get("worksheets"), list))
    ):
        raise NotebookError(f"{path.name} is JSON but not a Jupyter notebook (no 'nbformat' and 'cells')")
    del raw, text
    _drop_outputs(data)
    if data["nbformat"] == 4 and isinstance(data.get("cells"), list):
        return _current(data, path.name)
    import nbformat  # an older format, upgraded: only then is nbformat (and its schemas) imported

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = nbformat.versions[int(data["nbformat"])].nbjson.JSONReader()
            return nbformat.convert(reader.to_notebook(data), 4)  # type: ignore[no-untyped-call]
    except Exception as exc:  # nbformat raises many kinds for malformed notebooks
        raise NotebookError(f"{path.name} is not a notebook nbformat can read: {exc}") from exc


def _current(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A notebook of the current format (4) as its JSON gives it: nbformat's reader would only wrap its
    dicts for attribute access and join sources given as lists of lines, which :func:`_text` does."""
    for index, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"{name} is not a notebook nbformat can read: cell {index} is not an object")
    if not isinstance(data.get("metadata", {}), dict):
        raise NotebookError(f"{name} is not a notebook nbformat can read: its metadata is not an object")
    return data


def _text(source: Any) -> str:
    """A cell's source, whether nbformat gave it as one string or as a list of lines."""
    if isinstance(source, list):
        return "".join(str(line) for line in source)
    return "" if source is None else str(source)


def _drop_outputs(data: dict[str, Any]) -> None:
    """Forget outputs and attachments (images, often most of the file) before nbformat builds its nodes."""
    worksheets = data.get("worksheets")
    sheets: list[Any] = worksheets if isinstance(worksheets, list) else [data]
    for sheet in sheets:
        cells = sheet.get("cells") if isinstance(sheet, dict) else None
        for cell in cells if isinstance(cells, list) else []:
            if isinstance(cell, dict):
                if isinstance(cell.get("outputs"), list):
                    cell["outputs"] = []
                cell.pop("attachments", None)


def _id_issues(cells: list[Any]) -> list[CellIssue]:
    """Cells whose id repeats an earlier cell's (nbformat 4.5 wants them unique; Jupyter repairs them)."""
    seen: set[str] = set()
    repeats = []
    for index, cell in enumerate(cells, start=1):
        cell_id = cell.get("id") if isinstance(cell, dict) else None
        if isinstance(cell_id, str):
            if cell_id in seen:
                repeats.append(index)
            seen.add(cell_id)
    if not repeats:
        return []
    shown = ", ".join(map(str, repeats[:10])) + (" ..." if len(repeats) > 10 else "")
    message = (
        f"cell ids repeat in cells {shown}; the cells were graded anyway (saving in Jupyter fixes the ids)"
    )
    return [CellIssue(repeats[0], 1, message, ())]


def extract(nb: Any) -> Source:
    """Keep the statements of a notebook that define things, cell by cell."""
    statements: list[Statement] = []
    definitions: dict[str, Definition] = {}
    issues: list[CellIssue] = []
    top_names: set[str] = set()
    skipped: dict[str, int] = {}
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        src = _text(cell.get("source"))
        text, tree, issue = _parsed(src)
        if issue is not None:
            issues.append(CellIssue(index, *issue))
        if text is None or tree is None:
            continue
        lines = text.split("\n")
        for node in tree.body:
            if not _keep(node, top_names):
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    skipped.update(dict.fromkeys(_defined_names(node), index))
                continue
            code = _segment(lines, node)
            defines = _defined_names(node)
            top_names.update(defines)
            first = _first_line(node)
            statements.append(Statement(index, first, code, defines))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                last = node.end_lineno or first
                full = "\n".join(lines[first - 1 : last])
                definitions[node.name] = Definition(node.name, index, first, last, full)
    cells = list(nb.get("cells", []))
    issues = _id_issues(cells) + issues
    if not any(c.get("cell_type") == "code" and _text(c.get("source")).strip() for c in cells):
        issues.insert(0, CellIssue(0, 0, "the notebook has no code cells", ()))
    metadata = nb.get("metadata", {}) or {}
    grader_meta = metadata.get("grader", {}) if isinstance(metadata.get("grader"), dict) else {}
    assignment = grader_meta.get("assignment")
    return Source(
        tuple(statements),
        definitions,
        tuple(issues),
        assignment if isinstance(assignment, str) else None,
        frozenset(top_names),
        {name: cell for name, cell in skipped.items() if name not in top_names},
    )


def _parse(src: str) -> tuple[str | None, ast.Module | None, tuple[int, str, tuple[str, ...]] | None]:
    """A code cell's Python text, its syntax tree (None on a syntax error) and what stops it from being
    used, as (line, message, names lost)."""
    text, tree, issue = _python_text(src)
    if text is None or tree is not None:
        return text, tree, issue
    try:
        return text, ast.parse(text), None
    except SyntaxError as exc:
        return text, None, (exc.lineno or 1, f"syntax error: {exc.msg}", tuple(_DEF_NAME.findall(text)))


# Remembered by the cell's text, for cells of common size (a template's are far shorter than 10,000
# characters; a tree takes about 50 times its text): the cells a class's notebooks share (the template's
# imports and test calls) are parsed once. The trees are only read.
_parsed = TextMemo(_parse, max_chars=10_000, maxsize=256)


def _python_text(src: str) -> tuple[str | None, ast.Module | None, tuple[int, str, tuple[str, ...]] | None]:
    """Turn IPython syntax into ``pass``; None when the whole cell is not Python. The text comes with its
    syntax tree when it was parsed without an error."""
    lines = _NEWLINE.split(src)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        name = magic[0] if magic else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None, None, (first + 1, f"cell magic %%{name}: not Python, skipped", ())
        lines[first] = ""
    text = "\n".join(lines)
    try:
        return text, ast.parse(text), None
    except SyntaxError:
        pass
    lines = [_pass_like(line) if _IPYTHON_LINE.match(line) else line for line in lines]
    for _ in range(50):  # bare shell lines at top level, one syntax error at a time
        text = "\n".join(lines)
        try:
            return text, ast.parse(text), None
        except SyntaxError as exc:
            number = (exc.lineno or 0) - 1
            if not 0 <= number < len(lines):
                break
            if _HELP_LINE.match(lines[number]):
                lines[number] = _pass_like(lines[number])
            elif _SHELL_LINE.match(lines[number]):
                lines[number] = "pass"
            else:
                break
    return "\n".join(lines), None, None


def _pass_like(line: str) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}pass"


def _keep(node: ast.stmt, known: set[str]) -> bool:
    """Imports, definitions, and constants built only from names defined by statements kept before."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(_simple_target(t) for t in node.targets) and _constant(node.value, known)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and _simple_target(node.target) and _constant(node.value, known)
    if isinstance(node, ast.Try):
        return all(_keep(n, known) for n in node.body)
    return False


def _simple_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_simple_target(t) for t in target.elts)
    return isinstance(target, ast.Starred) and _simple_target(target.value)


def _constant(expr: ast.expr, known: set[str]) -> bool:
    """True for expressions that only build values (no calls but to pure constructors) from known names.

    A test cell's ``parameters = {"Waa": Waa, ...}`` refers to variables made by dropped demo code: kept,
    it would only fail when loaded, so it is left out.
    """
    for node in ast.walk(expr):
        if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(node, ast.Call) and not _safe_call(node.func):
            return False
    return _free_names(expr) <= known | _BUILTINS


def _free_names(expr: ast.expr) -> set[str]:
    """Names an expression reads when evaluated (lambda bodies run later; comprehension targets are bound)."""
    if isinstance(expr, ast.Lambda):
        return set()
    if isinstance(expr, ast.Name):
        return {expr.id} if isinstance(expr.ctx, ast.Load) else set()
    names: set[str] = set()
    bound: set[str] = set()
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        for gen in expr.generators:
            bound |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
    for child in ast.iter_child_nodes(expr):
        if isinstance(child, ast.expr):
            names |= _free_names(child)
        elif isinstance(child, ast.comprehension):
            names |= _free_names(child.iter) | set().union(*(_free_names(c) for c in child.ifs))
    return names - bound


def _safe_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _SAFE_CALLS
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("np", "numpy")
        and func.attr in _SAFE_NUMPY_CALLS
    )


def _first_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The statement's own text: from its first column (after a ``;``) to its last."""
    first, last = _first_line(node), node.end_lineno or node.lineno
    chunk = lines[first - 1 : last]
    end_col = node.end_col_offset
    if end_col is not None:
        chunk[-1] = chunk[-1].encode()[:end_col].decode(errors="ignore")
    if first == node.lineno:
        chunk[0] = chunk[0].encode()[node.col_offset :].decode(errors="ignore")
    else:
        chunk[0] = chunk[0].lstrip()
    return "\n".join(chunk)


def _defined_names(node: ast.stmt) -> tuple[str, ...]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return tuple((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return tuple(n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name))
