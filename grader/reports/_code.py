"""Syntax highlighting of the student's code for the HTML report, one line at a time.

The tokens come from Python's own tokenizer (``tokenize``, the grammar the code is run with), about six
times quicker than pygments' regular-expression lexer, which takes over for code that does not tokenize
(an unclosed bracket, say). Either way each token gets one of pygments' standard short class names, so
pygments' style sheet colours it.

Each line comes back as markup made here: a ``<span class="...">`` per token, the class one of those
names and the text escaped (``html.escape``), so nothing the student wrote can become markup. The
template puts each line in place with its own number and mark. Building the lines here, rather than
looping over tokens in the template, is what keeps a report quick to render.
"""

from __future__ import annotations

import builtins
import functools
import html
import io
import keyword
import tokenize

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
    for cls, text in tokenized(code) or _lexed(code):
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


# Remembered by the code, when it is of common length: the functions many students wrote alike (or left
# as released) are highlighted once per batch.
highlight_lines = TextMemo(_highlight_lines, max_chars=20_000, maxsize=512)


@functools.cache
def style_css(scope: str = ".code") -> str:
    """The colour rules of the highlighting style, scoped to ``scope``."""
    rules: list[str] = HtmlFormatter(style=STYLE).get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(rule.split(" /*")[0] for rule in rules)
