"""grader/reports/_code.py: highlighting by Python's tokenizer gives back the code exactly, line for
line, with pygments' classes; code that does not tokenize is left to pygments; nothing is unescaped."""

from __future__ import annotations

import html
import importlib
import inspect
import re
from pathlib import Path

import pytest

from grader.errors import NotebookError
from grader.notebook import Definition, read_notebook
from grader.reports._code import _by_lines, _highlight_lines, _lexed, _line, highlight_lines, tokenized

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


@pytest.mark.parametrize("code", ["", "\n", "def f(x):\n\n    return x\n"])
def test_code_that_tokenizes_never_waits_for_pygments(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Making pygments' lexer compiles its regular expressions: tens of milliseconds, once per process,
    which one notebook graded on its own would pay for an empty line."""

    def lexed(code: str) -> list[tuple[str, str]]:
        raise AssertionError(f"{code!r} was left to pygments")

    monkeypatch.setattr("grader.reports._code._lexed", lexed)
    assert [text_of(line) for line in _highlight_lines(code)] == code.split("\n")
    assert [text_of(line) for line in _by_lines(code)] == code.split("\n")


def test_student_text_is_escaped() -> None:
    page = "".join(highlight_lines("x = '<img src=x onerror=alert(1)>' # </span><b>\n"))
    assert "<img" not in page and "<b>" not in page and "&lt;img" in page


TOGETHER = [
    # a header over several lines, its body on its last line or on the next ones
    "def call(\n    self, name: str,\n    args: list,\n) -> int: ...\n",
    "def f(a,\n      b):\n    # a comment before the body\n\n    return a + b\n",
    # decorators over several lines, a docstring, strings and calls continued in brackets
    "@pytest.mark.parametrize(\n    'x', [1, 2]\n)\n@cache\ndef g(x):\n    '''Doc\n    string.'''\n"
    '    y = f(x,\n          """a\nb""")\n    return [\n        y,\n    ]\n',
    # a backslash, an f-string, except clauses and a with over several lines, text that is not ASCII
    "x = 1 + \\\n    2\nz = f'{x!r:>{4}}'\ntry:\n    pass\n"
    "except (ValueError,\n        TypeError):\n    pass\n"
    "with open('é') as a, \\\n     open('b') as b: pass\nif 'é' == x: y = ['é',\n  1]\n",
    "from os import (\n    path,\n    sep,\n)\nimport numpy as np\nclass C(\n    object):\n    v = 1\n",
]


def _corpus() -> list[str]:
    """Tricky cases, the functions of the test notebooks, and whole modules of the grader and references."""
    files = Path(__file__).parent / "files"
    codes = [d.code for p in sorted(files.rglob("*.ipynb")) for d in _definitions(p)]
    for name in ("grader.worker", "grader._codec", "reference.rnn_step_by_step", "reference.char_rnn"):
        codes.append(inspect.getsource(importlib.import_module(name)))
    return [*TOGETHER, *SAMPLES, *codes]


def _definitions(path: Path) -> list[Definition]:
    try:
        return list(read_notebook(path).definitions.values())
    except NotebookError:  # a notebook of the corpus that is broken on purpose
        return []


def test_line_by_line_highlighting_is_that_of_the_whole_code() -> None:
    codes = _corpus()
    assert len(codes) > 100
    for code in codes:
        assert _by_lines(code) == _highlight_lines(code), code[:200]


def test_lines_students_share_are_highlighted_once() -> None:
    first = "def f(x):\n    '''Doc.'''\n    y = np.tanh(x)  # shared\n    return y\n"
    second = first.replace("def f(x):", "def f(x):  # my own")
    highlight_lines(first)
    before = _line.cache_info().hits
    lines = highlight_lines(second)
    assert _line.cache_info().hits - before >= 3  # all but the changed line
    assert lines == _highlight_lines(second)
