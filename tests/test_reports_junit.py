"""JUnit XML (grader/reports/junit.py): parsed back by the standard library and by junitparser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import HIDDEN_SECRET

from grader.reports import render_junit
from grader.result import SubmissionResult


def test_one_testcase_per_check(result: SubmissionResult) -> None:
    root = ET.fromstring(render_junit([result]))
    assert root.tag == "testsuites" and root.get("tests") == "9" and root.get("failures") == "5"
    (suite,) = root
    assert suite.get("name") == "alice.ipynb" and suite.get("tests") == "9" and suite.get("errors") == "0"
    cases = suite.findall("testcase")
    assert len(cases) == 9
    assert [c.get("classname") for c in cases[:2]] == ["rnn_step_by_step.rnn_cell_forward"] * 2
    assert cases[0].get("name") == "shapes" and cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "a_next has wrong values in 2 of 6 entries"
    assert failure.text is not None and "Hint: is the bias ba there?" in failure.text
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["score"] == "2.5"


def test_hidden_message_is_not_written(result: SubmissionResult) -> None:
    text = render_junit([result])
    assert "hidden values" in text and HIDDEN_SECRET not in text


def test_hostile_text_stays_well_formed(hostile: tuple[str, SubmissionResult]) -> None:
    text, result = hostile
    root = ET.fromstring(render_junit([result]))
    assert root[0].get("name") == f"{text}.ipynb"
    assert root.find(".//injected") is None


def test_control_characters_are_dropped(result: SubmissionResult) -> None:
    bad = SubmissionResult.from_json(
        {**result.to_json(), "submission": "a\x00\x1bb.ipynb", "error": "x\x07y"}
    )
    root = ET.fromstring(render_junit([bad]))
    assert root[0].get("name") == "ab.ipynb" and root.get("errors") == "1"


def test_standard_reader_parses_several_submissions(result: SubmissionResult, tmp_path: Path) -> None:
    junitparser = pytest.importorskip("junitparser", reason="junitparser is in the test extras")
    path = tmp_path / "junit.xml"
    path.write_text(render_junit([result, result]))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 2 and xml.tests == 18 and xml.failures == 10
    cases = list(suites[0])
    assert cases[1].result and isinstance(cases[1].result[0], junitparser.Failure)
    assert cases[0].is_passed and cases[0].classname == "rnn_step_by_step.rnn_cell_forward"
