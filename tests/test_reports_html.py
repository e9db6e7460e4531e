"""The HTML report (grader/reports/html.py, templates/report.html.j2): what a student sees, escaped and
self-contained, with nothing of a hidden check but its name."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import HIDDEN_SECRET, PAYLOADS, Elements, make_result

from grader.reports import html, render_html
from grader.reports.html import case_of, student_view
from grader.result import SubmissionResult

ALLOWED = set(
    [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "main",
        "header",
        "nav",
        "section",
        "h1",
        "h2",
        "h3",
        "p",
        "div",
        "span",
        "a",
        "strong",
        "small",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "ul",
        "li",
        "details",
        "summary",
        "figure",
        "figcaption",
        "wbr",
    ]
)


def test_nothing_from_the_student_is_live(hostile: tuple[str, SubmissionResult]) -> None:
    text, result = hostile
    page = render_html(result)
    parsed = Elements(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED
    assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
    assert [attrs.get("href", "#")[0] for _, attrs in parsed.tags] == ["#"] * len(parsed.tags)
    shown = "".join(parsed.text)
    assert text.split("\n")[0] in shown  # the payload is shown as text, in the code and the messages
    assert "1337" not in page  # {{ 7 * 191 }} was not evaluated


def test_check_names_are_escaped(hostile: tuple[str, SubmissionResult]) -> None:
    """A check's name carries its parameters' values; it is text on the page, passed or failed."""
    text, result = hostile
    exercise = result.exercises[0]
    named = [dataclasses.replace(c, name=f"{text} {c.passed}") for c in exercise.checks]
    result = dataclasses.replace(result, exercises=(dataclasses.replace(exercise, checks=tuple(named)),))
    parsed = Elements(render_html(result))
    assert {tag for tag, _ in parsed.tags} <= ALLOWED
    shown = "".join(parsed.text)
    assert f"{text} True" in shown and f"{text} False" in shown


def test_page_is_self_contained_and_forbids_scripts(result: SubmissionResult) -> None:
    page = render_html(result)
    assert "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page and "src=" not in page


def test_summary_comes_first_with_a_bar_per_exercise(result: SubmissionResult) -> None:
    page = render_html(result)
    assert page.index('class="summary"') < page.index('id="ex-rnn_cell_forward"')
    assert page.count('class="bar ') == 3
    assert 'style="width: 20.0%"' in page and 'style="width: 75.0%"' in page
    assert "2.5 / 10" in page and "(25%)" in page


def test_value_failure_shows_where_and_an_excerpt(result: SubmissionResult) -> None:
    check = student_view(result)["exercises"][0]["failed_checks"][0]
    diff = check["diff"]
    assert diff["where"] == "a_next[1, 2]"
    excerpt = diff["excerpt"]
    assert excerpt["label"] == "a_next[0:2, 1:3]"
    expected, got = excerpt["grids"]
    assert [c["text"] for c in expected["cells"][1]] == ["0.125", "0.75"]
    assert [c["text"] for c in got["cells"][0]] == ["0.5", "NaN"]
    assert [(c["wrong"], c["worst"]) for c in got["cells"][1]] == [(False, False), (True, True)]
    page = render_html(result)
    assert '<td class="wrong worst">-0.5</td>' in page and "is the bias ba there?" in page


def test_gradient_table_by_parameter_and_inputs(result: SubmissionResult) -> None:
    table = student_view(result)["exercises"][1]["gradients"]
    assert table["cases"] == ["m=10", "m=1"] and table["tolerance"] == "1e-06" and table["failed"]
    assert [row["param"] for row in table["rows"]] == ["dWax", "dba"]
    assert [(c["text"], c["passed"]) for c in table["rows"][1]["cells"]] == [
        ("6.1e-01", False),
        ("4.0e-12", True),
    ]
    assert case_of("dx matches [m=1,T_x=1]") == "m=1,T_x=1" and case_of("keys") == ""


def test_code_is_highlighted_with_cell_lines_and_the_failing_line_marked(result: SubmissionResult) -> None:
    code = student_view(result)["exercises"][0]["code"]
    assert [line["number"] for line in code["lines"]] == [2, 3, 4, 5]
    assert [line["mark"] for line in code["lines"]] == [None, None, "ValueError:  (cell 3, line 4)", None]
    page = render_html(result)
    assert "cell 3, lines 2–5" in page
    assert '<span class="k">def</span>' in page  # pygments token classes
    assert '<span class="line fail"><span class="ln">4</span>' in page


def test_hidden_check_shows_its_name_only(result: SubmissionResult) -> None:
    page = render_html(result)
    assert "hidden values" in page and "its details are not shown" in page
    assert HIDDEN_SECRET not in page and "0.4242" not in page and "hidden hint" not in page
    assert "dsecret" not in page and "3.1e-01" not in page  # its gradient is not in the table
    lines = student_view(result)["exercises"][0]["code"]["lines"]
    assert lines[1]["mark"] is None  # its traceback marks no line


def test_output_is_cut_short(result: SubmissionResult) -> None:
    view = student_view(make_result("x" * 3000))
    output = view["exercises"][0]["output"]
    assert len(output["text"]) == 4000 and output["more_chars"] == 3 * 3009 - 4000
    assert "Cut short" in render_html(make_result("x" * 3000))
    assert "Cut short" not in render_html(result)


def test_malformed_details_cost_only_themselves(result: SubmissionResult) -> None:
    data = result.to_json()
    data["exercises"][0]["checks"][1]["details"] = {"values": {"name": "a", "window": "nonsense"}}
    data["exercises"][1]["checks"][0]["details"] = {"gradients": [{"name": "dW"}]}
    page = render_html(SubmissionResult.from_json(data))
    assert "a_next has wrong values" in page and "Expected and got" not in page


def test_error_and_missing_function(result: SubmissionResult) -> None:
    broken = SubmissionResult.from_json({**result.to_json(), "error": "not valid JSON <b>"})
    page = render_html(broken)
    assert 'role="alert"' in page and "not valid JSON &lt;b&gt;" in page
    assert "The notebook does not define <code>lstm_forward</code>" in page


def test_compiled_templates_are_kept_on_disk_and_give_the_same_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(html._ENV, "bytecode_cache", None)
    html._compile_once.cache_clear()
    html._ENV.cache.clear()
    result = make_result(PAYLOADS[0])
    page = render_html(result)
    kept = sorted((tmp_path / "templates").glob("*.cache"))
    assert len(kept) == 2  # the report and the style it includes

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    html._ENV.cache.clear()  # the templates are loaded again: from the files
    with monkeypatch.context() as patch:
        patch.setattr(html._ENV, "compile", no_compiling)
        assert render_html(result) == page
    for path in kept:
        path.write_bytes(path.read_bytes()[:40])  # damaged: compiled again, the same page
    html._ENV.cache.clear()
    assert render_html(result) == page
    html._ENV.cache.clear()
