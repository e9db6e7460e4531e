"""Gradescope's results.json (grader/reports/gradescope.py) and the autograder zip (grader/bundle.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import HIDDEN_SECRET

from grader import assignments
from grader.bundle import build_autograder
from grader.reports import gradescope_results
from grader.result import SubmissionResult

TOP_KEYS = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility", "tests"}
TEST_KEYS = {
    "name",
    "number",
    "score",
    "max_score",
    "status",
    "visibility",
    "output",
    "output_format",
    "tags",
}


def test_documented_keys_and_values(result: SubmissionResult) -> None:
    data = json.loads(json.dumps(gradescope_results([result]), allow_nan=False))
    assert set(data) == TOP_KEYS
    assert data["score"] == 2.5 and data["execution_time"] == 1 and isinstance(data["execution_time"], int)
    assert data["output_format"] == "text" and data["stdout_visibility"] == "hidden"
    tests = data["tests"]
    assert len(tests) == sum(len(e.checks) for e in result.exercises) == 9
    assert all(set(t) == TEST_KEYS for t in tests)
    assert {t["status"] for t in tests} == {"passed", "failed"}
    assert all(t["output_format"] == "text" for t in tests)
    first, values = tests[0], tests[1]
    assert first == {
        **first,
        "name": "rnn_cell_forward: shapes",
        "number": "1.1",
        "score": 1.0,
        "max_score": 1.0,
    }
    assert values["status"] == "failed" and values["score"] == 0.0 and values["max_score"] == 2.0
    assert (
        values["output"].startswith("a_next has wrong values")
        and "Hint: is the bias ba there?" in values["output"]
    )
    assert sum(t["score"] for t in tests) == data["score"]
    assert "rnn_cell_backward" in data["output"] and "syntax error" in data["output"]


def test_hidden_check_keeps_gradescope_visibility(result: SubmissionResult) -> None:
    tests = gradescope_results([result])["tests"]
    hidden = [t for t in tests if t["visibility"] != "visible"]
    assert [t["name"] for t in hidden] == ["rnn_cell_forward: hidden values"]
    assert hidden[0]["visibility"] == "hidden"  # Gradescope shows it to the staff only
    assert all(HIDDEN_SECRET not in t["output"] for t in tests if t["visibility"] == "visible")


def test_several_notebooks_the_best_counts(result: SubmissionResult) -> None:
    better = SubmissionResult.from_json({**result.to_json(), "submission": "copy.ipynb", "score": 3.0})
    data = gradescope_results([result, better])
    assert data["score"] == 3.0 and "2 notebooks were handed in" in data["output"]
    assert "alice.ipynb (2.5 / 10)" in data["output"]


def test_unreadable_notebook(result: SubmissionResult) -> None:
    broken = SubmissionResult("rnn_step_by_step", "x.ipynb", 0.0, 0.0, "not valid JSON", "0.1.0", 0.01)
    data = gradescope_results([broken])
    assert data["score"] == 0 and data["tests"] == [] and "not valid JSON" in data["output"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_autograder(assignments.load("rnn_step_by_step"), tmp_path_factory.mktemp("bundle"))


def test_bundle_has_setup_run_autograder_and_the_wheel(bundle: Path) -> None:
    assert bundle.name == "rnn_step_by_step-gradescope.zip"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert names[:2] == ["setup.sh", "run_autograder"] and len(names) == 3
        assert names[2].startswith("rnn_grader-") and names[2].endswith("-py3-none-any.whl")
        mode = z.getinfo("run_autograder").external_attr >> 16
        assert stat.S_ISREG(mode) and mode & 0o111 == 0o111
        run = z.read("run_autograder").decode()
        setup = z.read("setup.sh").decode()
    assert run.startswith("#!/usr/bin/env bash") and setup.startswith("#!/usr/bin/env bash")
    assert "grader run /autograder/submission -a rnn_step_by_step" in run
    assert "--gradescope /autograder/results/results.json" in run
    assert f"pip install --quiet /autograder/source/{names[2]}" in setup


def test_bundled_wheel_grades_a_notebook(bundle: Path, tmp_path: Path) -> None:
    """The wheel installed on its own (dependencies from this environment) grades into results.json."""
    with zipfile.ZipFile(bundle) as z:
        wheel = next(n for n in z.namelist() if n.endswith(".whl"))
        z.extract(wheel, tmp_path)
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
    subprocess.run([*pip, str(tmp_path / wheel)], check=True, capture_output=True)
    results = tmp_path / "results.json"
    notebook = Path(__file__).parent / "files" / "submissions" / "correct_01_classic_2018.ipynb"
    code = "import sys; from grader.cli import main; sys.exit(main())"
    args = ["run", str(notebook), "-o", str(tmp_path / "out"), "--gradescope", str(results)]
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(results.read_text())["score"] == 100
    probe = "import grader; print(grader.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(site))  # the wheel's grader ran, not this checkout's


@pytest.mark.parametrize(
    ("notebook", "said"),
    [
        (True, "could not be graded (the grader exited with status 3)"),
        (False, "No notebook (.ipynb) was found"),
    ],
)
def test_run_autograder_says_why_there_is_no_result(tmp_path: Path, notebook: bool, said: str) -> None:
    from grader.bundle import RUN_AUTOGRADER

    root = tmp_path / "autograder"
    (root / "venv" / "bin").mkdir(parents=True)
    (root / "submission").mkdir()
    fake = root / "venv" / "bin" / "grader"
    fake.write_text("#!/usr/bin/env bash\nexit 3\n")  # a grader that fails before writing anything
    fake.chmod(0o755)
    if notebook:
        (root / "submission" / "hw.ipynb").write_text("{}")
    script = tmp_path / "run_autograder"
    script.write_text(RUN_AUTOGRADER.format(assignment="rnn_step_by_step").replace("/autograder", str(root)))
    subprocess.run(["bash", str(script)], check=True, timeout=60)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and said in results["output"]
