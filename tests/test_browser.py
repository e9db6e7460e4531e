"""The reports as a person sees them: opened in headless Chromium (Debian's ``chromium``, driven by
playwright without its own browser download) at a phone's and a desktop's width.

Screenshots go to ``$GRADER_SCREENSHOTS`` when it is set (to look at them), else to a temporary folder.
Skipped, saying why, where Chromium or playwright cannot be had.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PAYLOADS, make_result

from grader import assignments
from grader.grading import grade_notebook
from grader.reports import render_class_page, render_html

SAMPLE = Path(__file__).parents[1] / "examples" / "sample_submission.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (apt-get install chromium; .ci/run does it)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        try:
            context = p.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=ARGS
            )
        except Exception as exc:  # a Chromium too old or broken for playwright
            pytest.skip(f"Chromium at {CHROMIUM} could not be started: {str(exc).splitlines()[0]}")
        yield context
        context.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    sample = grade_notebook(SAMPLE, assignments.load("rnn_step_by_step"))
    GRADED["sample"] = sample.to_json()
    hostile = make_result("".join(PAYLOADS), submission=PAYLOADS[0] + ".ipynb")
    files = {
        "sample": render_html(sample),
        "hostile": render_html(hostile),
        "class": render_class_page([sample, hostile, make_result()], ["a.html", "b.html", "c.html"]),
    }
    for name, text in files.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    return {name: folder / f"{name}.html" for name in files}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("GRADER_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("screenshots")


GRADED: dict[str, Any] = {}  # the results the pages show, to say why a page is not as expected


def _graded(exercise: str) -> str:
    """What the sample's result says of ``exercise``: its score and the checks it failed."""
    result = GRADED.get("sample", {})
    for found in result.get("exercises", []):
        if found["name"] == exercise:
            failed = [c["message"] for c in found.get("checks", []) if not c.get("passed")]
            return f"{exercise}: {found['score']}/{found['max_score']}, failed: {failed}"
    return f"{exercise} not in the result (error: {result.get('error')!r})"


def open_page(browser: Any, path: Path, width: str) -> Any:
    page = browser.new_page()
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    page.goto(path.as_uri())
    return page


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize("width", WIDTHS)
def test_report_reads_well(browser: Any, pages: dict[str, Path], shots: Path, width: str) -> None:
    page = open_page(browser, pages["sample"], width)
    w, h = WIDTHS[width]
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1] == w, "the page scrolls sideways"
    summary = page.locator("table.summary").bounding_box()
    total = page.locator(".total").bounding_box()
    assert summary is not None and total is not None
    assert summary["y"] + summary["height"] <= h, "the summary is not visible without scrolling"
    assert total["y"] + total["height"] <= h and summary["width"] <= w
    rows = page.locator("table.summary tbody tr")
    assert rows.count() == 10
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.why p')).fontSize)")
    assert font >= 14
    page.screenshot(path=str(shots / f"report-{width}.png"))
    assert png_size(shots / f"report-{width}.png") == (w, h)
    page.screenshot(path=str(shots / f"report-{width}-full.png"), full_page=True)
    page.close()


def test_class_page_fits_a_phone(browser: Any, pages: dict[str, Path], shots: Path) -> None:
    page = open_page(browser, pages["class"], "phone")
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1]
    assert page.locator("h2").all_inner_texts()[:2] == ["Scores", "Exercises"]
    page.screenshot(path=str(shots / "class-phone.png"), full_page=True)
    page.close()


def test_hostile_text_is_shown_not_run(browser: Any, pages: dict[str, Path]) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(pages["hostile"].as_uri())
    live = page.evaluate(
        "document.querySelectorAll('script, img, svg, iframe, object, embed, textarea').length"
    )
    assert live == 0 and dialogs == []
    assert PAYLOADS[0] in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.close()


def test_printing_shows_the_folded_parts(browser: Any, pages: dict[str, Path]) -> None:
    """Folded code is on paper (Chromium unfolds details to print; the stylesheet asks other browsers to)."""
    page = open_page(browser, pages["sample"], "desktop")
    folded = "#ex-rnn_forward pre.code"  # a passed exercise: its code is folded on screen
    box = page.locator(folded).bounding_box()
    assert box is None or box["height"] == 0, _graded("rnn_forward")
    page.emulate_media(media="print")
    with contextlib.suppress(Exception):  # the layout for print may take a moment on a loaded machine
        page.wait_for_function(
            "s => document.querySelector(s).getBoundingClientRect().height > 100", arg=folded, timeout=5000
        )
    box = page.locator(folded).bounding_box()
    assert box is not None and box["height"] > 100
    page.close()
