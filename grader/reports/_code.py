"""Syntax highlighting of the student's code for the HTML report, one line at a time.

The tokens come from Python's own tokenizer (``tokenize``, the grammar the code is run with), about six
times quicker than pygments' regular-expression lexer, which takes over for code that does not tokenize
(an unclosed bracket, say). Either way each token gets one of pygments' standard short class names, so
pygments' style sheet colours it.

Each line comes back as markup made here: a ``<span class="...">`` per token, the class one of those
names and the text escaped (``html.escape``), so nothing the student wrote can become markup. The
template puts each line in place with its own number and mark. Building the lines here, rather than
looping over tokens in the template, is what keeps a report quick to render.

A batch's reports share most of their lines (docstrings, the released skeleton, common ways of writing
a step) even where whole functions differ: a line is highlighted on its own, and remembered by its
text, unless it belongs with others (a statement, header or decorator over several lines, found by
``ast``), which are highlighted together. The markup is the same as for the whole code at once.
"""

from __future__ import annotations

import ast
import builtins
import functools
import html
import io
import keyword
import tokenize
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES, _TokenType

from ..memo import TextMemo

STYLE = "xcode"  # every token colour has a contrast of 4.7:1 or more on the code background
Piece = tuple[str, str]

_EXCEPTIONS = frozenset(
    n
    for n in dir(builtins)
    if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
)
_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_")) - _EXCEPTIONS
_PUNCTUATION = frozenset("()[]{},:;")
_STRINGS = {tokenize.STRING} | {
    getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, n)
}
_SILENT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}


@functools.cache
def _css_class(token: _TokenType | None) -> str:
    while token is not None and token not in STANDARD_TYPES:
        token = token.parent
    return STANDARD_TYPES.get(token, "") if token is not None else ""


def _name_class(name: str, before: str, importing: str) -> str:
    """The class of a name, given the token before it and the kind of import statement it is in, if
    any (pygments' names for each kind)."""
    if keyword.iskeyword(name):
        if name in ("True", "False", "None"):
            return "kc"
        if name in ("and", "or", "not", "in", "is"):
            return "ow"
        return "kn" if name in ("import", "from") else "k"
    if importing == "module":
        return "nn"
    if before == "def":
        return "nf"
    if before == "class":
        return "nc"
    if before == "@":
        return "nd"
    if before == ".":
        return "n"  # an attribute: np.sum is not the builtin sum
    if name in ("self", "cls"):
        return "bp"
    if name in _EXCEPTIONS:
        return "ne"
    return "nb" if name in _BUILTINS else "n"


def _token_class(token: tokenize.TokenInfo, before: str, importing: str) -> str:
    kind = token.type
    if kind == tokenize.NAME:
        return _name_class(token.string, before, importing)
    if kind in _STRINGS:
        text = token.string.lstrip("rRbBuUfF")
        return "sd" if before in ("", "\n") and text[:3] in ('"""', "'''") else "s"
    if kind == tokenize.NUMBER:
        text = token.string.lower()
        base = {"0x": "mh", "0o": "mo", "0b": "mb"}.get(text[:2])
        return base or ("mf" if any(c in text for c in ".ej") else "mi")
    if kind == tokenize.COMMENT:
        return "c1"
    if kind == tokenize.OP:
        if token.string == "@" and before in ("", "\n"):
            return "nd"
        return "p" if token.string in _PUNCTUATION else "o"
    return ""


def tokenized(code: str) -> list[Piece] | None:
    """``(class, text)`` pieces whose texts join to ``code`` exactly, by Python's tokenizer; None when
    the code does not tokenize."""
    starts = [0]
    at = code.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = code.find("\n", at + 1)

    def offset(row: int, col: int) -> int:
        # the last line's NEWLINE may end past the text, and DEDENTs follow it: clamped to its end
        return min(starts[row - 1] + col, len(code)) if row - 1 < len(starts) else len(code)

    pieces: list[Piece] = []
    done, before = 0, ""
    importing = ""  # "module" while naming modules (import a.b, from a.b), "names" after from ... import
    from_ = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.ENDMARKER:
                break
            start, end = offset(*token.start), offset(*token.end)
            if start < done and end > start:
                return None
            if start > done:
                pieces.append(("", code[done:start]))  # spaces, a line continuation
            if token.type == tokenize.NAME and token.string in ("import", "from") and before in ("", "\n"):
                importing, from_ = "module", token.string == "from"  # a statement naming modules
            elif token.type == tokenize.NAME and token.string == "import" and from_:
                importing = "names"  # from a.b import names
            if end > start:
                cls = _token_class(token, before, importing if token.type == tokenize.NAME else "")
                pieces.append((cls, code[start:end]))
            done = max(done, end)
            if token.type not in _SILENT:
                before = token.string
            elif token.type in (tokenize.NEWLINE, tokenize.NL):
                before = "\n"
            if token.type == tokenize.NEWLINE:
                importing, from_ = "", False
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return None
    if done < len(code):
        pieces.append(("", code[done:]))
    return pieces


def _lexed(code: str) -> list[Piece]:
    lexer = PythonLexer(stripnl=False, ensurenl=False)
    return [(_css_class(token), text) for token, text in lexer.get_tokens(code)]


def _highlight_lines(code: str) -> tuple[Markup, ...]:
    """The code's lines as markup, as many as ``code.split("\\n")``: each token in a span of its class."""
    lines: list[list[Piece]] = [[]]
    pieces = tokenized(code)
    if pieces is None:  # an empty line tokenizes to no pieces: still tokenized, not left to pygments
        pieces = _lexed(code)
    for cls, text in pieces:
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((cls, part))
    return tuple(
        Markup(
            "".join(
                f'<span class="{cls}">{html.escape(text)}</span>' if cls else html.escape(text)
                for cls, text in pieces
            )
        )
        for pieces in lines
    )


# Statements whose header may span lines while their body is highlighted line by line.
_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.If,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.ExceptHandler,
    *((ast.Match,) if hasattr(ast, "Match") else ()),
)


def _together(code: str, lines: list[str]) -> list[tuple[int, int]] | None:
    """The runs of lines (first and last, from 1) that must be highlighted together: a statement, a
    header or a decorator over several lines (a docstring, a call continued in brackets or after a
    backslash). Each other line is highlighted as it would be in its code, on its own. None when the
    code does not parse. ``lines``: the code's lines."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    runs = []
    for node in _statements(tree.body):
        if isinstance(node, _COMPOUND):
            body = getattr(node, "body", None) or []
            if body:  # the header, up to the line before the body, or to the body's line when it follows
                start = body[0].lineno  # the colon there (def f(a,\n b): pass)
                before = lines[start - 1].encode()[: body[0].col_offset].decode(errors="replace")
                end = start - 1 if not before.strip() else start
                if end > node.lineno:
                    runs.append((node.lineno, end))
            runs += [(d.lineno, d.end_lineno or d.lineno) for d in getattr(node, "decorator_list", ())]
        elif isinstance(node, ast.stmt) and (node.end_lineno or node.lineno) > node.lineno:
            runs.append((node.lineno, node.end_lineno or node.lineno))
    merged: list[tuple[int, int]] = []
    for first, last in sorted(runs):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        elif last > first:
            merged.append((first, last))
    return merged


def _statements(nodes: list[Any]) -> Iterator[Any]:
    """The statements (and except clauses) among ``nodes`` and in their bodies, at every depth: what
    can span lines and hold lines of its own (expressions are inside their statement's lines)."""
    for node in nodes:
        if hasattr(node, "lineno"):
            yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def _by_lines(code: str) -> tuple[Markup, ...]:
    """:func:`_highlight_lines` a line at a time, each line (or run of lines that belong together)
    remembered by its text: the lines students share (a docstring, the released skeleton, a common
    way of writing a step) are highlighted once per batch even where their functions differ."""
    lines = code.split("\n")
    runs = _together(code, lines)
    if runs is None:
        return _highlight_lines(code)
    out: list[Markup] = []
    row = 1
    for first, last in [*runs, (len(lines) + 1, len(lines))]:
        out += [_line(text) for text in lines[row - 1 : first - 1]]
        if first <= last:
            out += _run("\n".join(lines[first - 1 : last]))
        row = last + 1
    return tuple(out)


_line = TextMemo(lambda text: _highlight_lines(text)[0], max_chars=2_000, maxsize=8192)
_run = TextMemo(_highlight_lines, max_chars=20_000, maxsize=2048)

# Remembered by the code, when it is of common length: the functions many students wrote alike (or left
# as released) are highlighted once per batch; the others line by line (:func:`_by_lines`).
highlight_lines = TextMemo(_by_lines, max_chars=20_000, maxsize=512)


@functools.cache
def style_css(scope: str = ".code") -> str:
    """The colour rules of the highlighting style, scoped to ``scope``."""
    rules: list[str] = HtmlFormatter(style=STYLE).get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(rule.split(" /*")[0] for rule in rules)
