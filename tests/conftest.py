"""Results shared by the report tests: a typical one, and one with hostile text in every field a student
controls (file name, code, printed output, exception messages, function names in tracebacks)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from grader.result import CheckResult, ExerciseResult, Notice, SourceSpan, SubmissionResult

# Each must stay inert text wherever it is shown: markup, a closing tag, template syntax, an attribute.
PAYLOADS = (
    "<script>alert(1)</script>",
    "</textarea></pre><img src=x onerror=alert(2)>",
    "{{ 7 * 191 }}{% raw %}",
    '"><svg onload=alert(3)>',
    "]]></failure><injected/>",
    "| md | table |\n# heading",
)
HIDDEN_SECRET = "0.424242"  # appears only in a hidden check's message and details


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The grader's cache on disk (reference gradients, compiled templates) in a folder of this session,
    shared with the grader processes the tests start, never the user's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADER_CACHE_DIR", str(tmp_path_factory.mktemp("grader-cache")))
        yield


def _values(name: str, expected: float, got: float) -> dict[str, object]:
    return {
        "values": {
            "name": name,
            "shape": [2, 3],
            "wrong": 2,
            "size": 6,
            "nans": 1,
            "index": [1, 2],
            "expected": expected,
            "got": got,
            "window": {
                "origin": [],
                "rows": [0, 1],
                "cols": [1, 2],
                "expected": [[0.5, 0.25], [0.125, expected]],
                "got": [[0.5, "nan"], [0.125, got]],
                "wrong": [[False, True], [False, True]],
            },
        }
    }


def make_result(text: str = "", submission: str = "alice.ipynb") -> SubmissionResult:
    """A graded submission; ``text`` is put into every field the student controls."""
    code = f"def rnn_cell_forward(xt):\n    s = '{text}'\n    raise ValueError(s)  # {text}\n    return xt"
    forward = ExerciseResult(
        "rnn_cell_forward",
        1.0,
        5.0,
        "partial",
        (
            CheckResult("shapes", 1.0, 1.0, True, "passed"),
            CheckResult(
                "a_next values [m=10]",
                0.0,
                2.0,
                False,
                "a_next has wrong values in 2 of 6 entries" + text,
                hint="is the bias ba there?",
                details=_values("a_next", 0.75, -0.5),
            ),
            CheckResult(
                "raises [m=1]",
                0.0,
                1.0,
                False,
                f"ValueError: {text} (cell 3, line 4)",
                details={"traceback": [{"cell": 3, "line": 4, "function": f"rnn_cell_forward{text}"}]},
            ),
            CheckResult(
                "hidden values",
                0.0,
                1.0,
                False,
                f"expected {HIDDEN_SECRET}, got 0.5",
                hint=f"hidden hint {HIDDEN_SECRET}",
                visibility="hidden",
                details={
                    **_values("secret", float(HIDDEN_SECRET), 0.5),
                    "traceback": [{"cell": 3, "line": 3, "function": "rnn_cell_forward"}],
                    "gradients": [
                        {"name": "dsecret", "relative_error": 0.313131, "tolerance": 1e-6, "passed": False}
                    ],
                },
            ),
        ),
        SourceSpan(3, 2, 5, code),
        output=f"printed {text}\n" * 3,
    )
    backward = ExerciseResult(
        "rnn_cell_backward",
        1.5,
        2.0,
        "partial",
        tuple(
            CheckResult(
                f"{key} matches the numerical gradient [{case}]",
                0.5 if ok else 0.0,
                0.5,
                ok,
                "passed" if ok else f"{key} does not match the numerical gradient",
                details={
                    "gradients": [{"name": key, "relative_error": err, "tolerance": 1e-6, "passed": ok}]
                },
            )
            for key, case, err, ok in (
                ("dWax", "m=10", 3.1e-11, True),
                ("dWax", "m=1", 2.5e-11, True),
                ("dba", "m=10", 0.61, False),
                ("dba", "m=1", 4.0e-12, True),
            )
        ),
        SourceSpan(4, 1, 2, "def rnn_cell_backward(da_next, cache):\n    return {}"),
    )
    missing = ExerciseResult(
        "lstm_forward",
        0.0,
        3.0,
        "missing",
        (CheckResult("shapes", 0.0, 3.0, False, "the notebook does not define lstm_forward()"),),
    )
    return SubmissionResult(
        "rnn_step_by_step",
        submission,
        2.5,
        10.0,
        None,
        "0.1.0",
        0.25,
        (forward, backward, missing),
        (Notice(f"syntax error: invalid syntax {text}", 5, 2),),
    )


@pytest.fixture
def result() -> SubmissionResult:
    return make_result()


@pytest.fixture(params=PAYLOADS, ids=range(len(PAYLOADS)))
def hostile(request: pytest.FixtureRequest) -> tuple[str, SubmissionResult]:
    text = str(request.param)
    return text, make_result(text, submission=f"{text}.ipynb")


class Elements(HTMLParser):
    """The elements and attributes of a page, as a browser's parser sees them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
