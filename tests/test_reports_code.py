"""grader/reports/_code.py: highlighting by Python's tokenizer gives back the code exactly, line for
line, with pygments' classes; code that does not tokenize is left to pygments; nothing is unescaped."""

from __future__ import annotations

import html
import re

import pytest

from grader.reports._code import _lexed, highlight_lines, tokenized

SAMPLES = [
    "def f(x, y=1e-8):\n    '''Doc.'''\n    return np.sum(x) + y  # total\n",
    "@decorator\nclass Cell(Base):\n    def forward(self, a):\n        return a @ self.W\n",
    "x = [1,\n     2]  \\\n    + [0x1F, 3j]\nif x is not None and len(x) > 2:\n\tpass",
    's = f\'{a!r:>{width}}\' + rb\'\\x00\' + """multi\nline"""\n'
    "raise ValueError('<script>alert(1)</script>')",
    "import numpy as np\nfrom math import pi\nprint(True, None)\n",
    "z = 'é' * 3  # ünïcode\n\n\n",
    "",
]


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("code", SAMPLES)
def test_the_lines_are_the_code_exactly(code: str) -> None:
    pieces = tokenized(code)
    assert pieces is not None and "".join(text for _, text in pieces) == code
    lines = highlight_lines(code)
    assert [text_of(line) for line in lines] == code.split("\n")


@pytest.mark.parametrize("code", SAMPLES[:5])
def test_each_word_gets_the_class_pygments_gives_it(code: str) -> None:
    ours, theirs = tokenized(code), _lexed(code)
    assert ours is not None

    def first_class(pieces: list[tuple[str, str]]) -> dict[str, str]:
        found: dict[str, str] = {}
        for cls, text in pieces:
            if re.fullmatch(r"\w+", text):
                found.setdefault(text, cls)
        return found

    mine, pygments = first_class(ours), first_class(theirs)
    shared = mine.keys() & pygments.keys()
    assert len(shared) >= 3
    assert {w: mine[w] for w in shared} == {w: pygments[w] for w in shared}


@pytest.mark.parametrize(
    "code", ["def f(:\n    return [1,\n", "if x:\n        a = 1\n    b = 2\n", "s = '''open"]
)
def test_code_that_does_not_tokenize_is_highlighted_by_pygments(code: str) -> None:
    assert tokenized(code) is None
    assert [text_of(line) for line in highlight_lines(code)] == code.split("\n")


def test_student_text_is_escaped() -> None:
    page = "".join(highlight_lines("x = '<img src=x onerror=alert(1)>' # </span><b>\n"))
    assert "<img" not in page and "<b>" not in page and "&lt;img" in page
