"""Syntax highlighting of the student's code for the HTML report (pygments), one line at a time.

Each line comes back as markup made here: a ``<span class="...">`` per token, the class one of
pygments' standard short names and the text escaped (``html.escape``), so nothing the student wrote can
become markup. The template puts each line in place with its own number and mark. Building the lines
here, rather than looping over tokens in the template, is what keeps a report quick to render.
"""

from __future__ import annotations

import functools
import html

from markupsafe import Markup
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES, _TokenType

STYLE = "xcode"  # every token colour has a contrast of 4.7:1 or more on the code background
Piece = tuple[str, str]


@functools.cache
def _css_class(token: _TokenType | None) -> str:
    while token is not None and token not in STANDARD_TYPES:
        token = token.parent
    return STANDARD_TYPES.get(token, "") if token is not None else ""


def highlight_lines(code: str) -> list[Markup]:
    """The code's lines as markup, as many as ``code.split("\\n")``: each token in a span of its class."""
    lines: list[list[Piece]] = [[]]
    lexer = PythonLexer(stripnl=False, ensurenl=False)
    for token, text in lexer.get_tokens(code):
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((_css_class(token), part))
    return [
        Markup("".join(f'<span class="{cls}">{html.escape(text)}</span>' for cls, text in pieces))
        for pieces in lines
    ]


def style_css(scope: str = ".code") -> str:
    """The colour rules of the highlighting style, scoped to ``scope``."""
    rules: list[str] = HtmlFormatter(style=STYLE).get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(rule.split(" /*")[0] for rule in rules)
