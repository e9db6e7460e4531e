"""JUnit XML as CI tools read it: a ``testsuite`` per submission, a ``testcase`` per check.

A failed check is a ``<failure>`` whose ``message`` is the check's message; a submission that could not be
graded gets one ``<error>`` testcase. The classname is ``<assignment>.<exercise>``. A hidden check's
message is not written: CI logs are often what the student sees.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..result import CheckResult, SubmissionResult

HIDDEN_MESSAGE = "hidden check failed"


def _failure_text(check: CheckResult) -> tuple[str, str]:
    if check.visibility != "visible":
        return HIDDEN_MESSAGE, HIDDEN_MESSAGE
    text = check.message + (f"\nHint: {check.hint}" if check.hint else "")
    return check.message.split("\n")[0][:500], text


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, whatever the escaping: drop them."""
    return "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))


def render_junit(results: Sequence[SubmissionResult]) -> str:
    root = ET.Element("testsuites", name="grader")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in results:
        suite = ET.SubElement(root, "testsuite", name=_clean(result.submission))
        properties = ET.SubElement(suite, "properties")
        for key, value in (
            ("assignment", result.assignment or ""),
            ("score", f"{result.score:g}"),
            ("max_score", f"{result.max_score:g}"),
        ):
            ET.SubElement(properties, "property", name=key, value=value)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        prefix = result.assignment or "notebook"
        if result.error:
            case = ET.SubElement(suite, "testcase", classname=prefix, name="the notebook is graded")
            error = ET.SubElement(case, "error", message=_clean(result.error[:500]), type="not graded")
            error.text = _clean(result.error)
            counts["tests"] += 1
            counts["errors"] += 1
        for exercise in result.exercises:
            for check in exercise.checks:
                case = ET.SubElement(
                    suite, "testcase", classname=f"{prefix}.{exercise.name}", name=_clean(check.name)
                )
                counts["tests"] += 1
                if not check.passed:
                    message, text = _failure_text(check)
                    failure = ET.SubElement(
                        case,
                        "failure",
                        message=_clean(message),
                        type=f"{check.points:g} of {check.max_points:g} points",
                    )
                    failure.text = _clean(text)
                    counts["failures"] += 1
        for key, count in counts.items():
            suite.set(key, str(count))
            totals[key] += count
    for key, count in totals.items():
        root.set(key, str(count))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
