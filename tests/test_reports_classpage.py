"""The class summary page of a batch (grader/reports/classpage.py)."""

from __future__ import annotations

from conftest import Elements, make_result

from grader.reports import render_class_page
from grader.reports.classpage import class_view
from grader.result import SubmissionResult


def test_histogram_pass_rates_and_common_hints(result: SubmissionResult) -> None:
    full = SubmissionResult.from_json({**result.to_json(), "submission": "bob.ipynb", "score": 10.0})
    view = class_view([result, full, result], ["a.html", "b.html", "c.html"])
    assert view["count"] == 3 and round(view["mean"], 4) == 50.0 and view["median"] == 25.0
    bins = {b["label"]: b["count"] for b in view["histogram"]}
    assert bins["20–30%"] == 2 and bins["90–100%"] == 1 and sum(bins.values()) == 3
    assert view["histogram"][0]["label"] == "90–100%"  # best scores on top
    forward = view["exercises"][0]
    assert forward["name"] == "rnn_cell_forward" and forward["passed"] == 0 and forward["count"] == 3
    hints = {h["text"]: h["count"] for h in view["hints"]}  # the page is for the staff: hidden ones too
    assert hints == {"is the bias ba there?": 3, "hidden hint 0.424242": 3}
    assert view["failures"][0]["count"] == 3
    assert [s["link"] for s in view["submissions"]] == ["./a.html", "./c.html", "./b.html"]


def test_page_links_stay_file_names(hostile: tuple[str, SubmissionResult]) -> None:
    text, result = hostile
    page = render_class_page([result, make_result()], [f"{text}.html", "javascript:alert(1).html"])
    parsed = Elements(page)
    links = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert len(links) == 2 and all(link is not None and link.startswith("./") for link in links)
    assert all(":" not in (link or "") for link in links)
    assert not [n for _, attrs in parsed.tags for n in attrs if n.startswith("on")]
    assert "<script" not in page and "default-src 'none'" in page
