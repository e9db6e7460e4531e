"""Syntax highlighting of the student's code for the HTML report (pygments), one line at a time.

The lines come back as ``(css_class, text)`` pieces, not as HTML: the template escapes the text, so
nothing the student wrote can become markup, and each line can carry its own number and mark.
"""

from __future__ import annotations

from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES, _TokenType

STYLE = "xcode"  # every token colour has a contrast of 4.7:1 or more on the code background
Piece = tuple[str, str]


def _css_class(token: _TokenType | None) -> str:
    while token is not None and token not in STANDARD_TYPES:
        token = token.parent
    return STANDARD_TYPES.get(token, "") if token is not None else ""


def highlight_lines(code: str) -> list[list[Piece]]:
    """The code's lines, each a list of ``(css_class, text)``; as many lines as ``code.split("\\n")``."""
    lines: list[list[Piece]] = [[]]
    lexer = PythonLexer(stripnl=False, ensurenl=False)
    for token, text in lexer.get_tokens(code):
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((_css_class(token), part))
    return lines


def style_css(scope: str = ".code") -> str:
    """The colour rules of the highlighting style, scoped to ``scope``."""
    rules: list[str] = HtmlFormatter(style=STYLE).get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(rule.split(" /*")[0] for rule in rules)
