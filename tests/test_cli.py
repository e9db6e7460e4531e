"""The command line: exit codes, report files, the table."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.cli import main

CORPUS = Path(__file__).parent / "files" / "submissions"
GOOD = CORPUS / "correct_01_classic_2018.ipynb"


def test_run_writes_reports_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(GOOD), "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / f"{GOOD.stem}.json").read_text())
    assert data["score"] == 100 and data["assignment"] == "rnn_step_by_step"
    assert (tmp_path / f"{GOOD.stem}.html").is_file()
    assert "100 / 100" in capsys.readouterr().out


def test_folder_with_a_broken_notebook_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(GOOD, folder / "alice.ipynb")
    (folder / "bob.ipynb").write_text("{ truncated")
    assert main(["run", str(folder), "-a", "rnn_step_by_step", "-o", str(tmp_path / "out")]) == 0
    bob = json.loads((tmp_path / "out" / "bob.json").read_text())
    alice = json.loads((tmp_path / "out" / "alice.json").read_text())
    assert bob["score"] == 0 and "not valid JSON" in bob["error"]
    assert alice["score"] == 100


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "/no/such/notebook.ipynb"],
        ["run", str(GOOD), "-a", "no_such_assignment"],
        ["export", "--gradebook", "/no/such/gradebook.sqlite"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "grader: error:" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_jobs_must_be_a_positive_number(command: str, jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [command, str(GOOD)] if command == "run" else [command]
    with pytest.raises(SystemExit) as info:
        main([*argv, "-j", jobs])
    assert info.value.code == 2 and "invalid positive value" in capsys.readouterr().err


def test_gradebook_that_cannot_be_used_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_folder = tmp_path / "a-folder"
    as_folder.mkdir()
    assert main(["run", str(GOOD), "-o", str(tmp_path / "out"), "--gradebook", str(as_folder)]) == 2
    assert f"cannot use {as_folder} as a gradebook" in capsys.readouterr().err


def test_export_never_changes_a_file_that_is_not_a_gradebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (x)")
    before = other.read_bytes()
    assert main(["export", "--gradebook", str(other)]) == 2
    assert "cannot use" in capsys.readouterr().err and other.read_bytes() == before


def test_export_reports_a_damaged_row_and_writes_into_new_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "out" / "gradebook.sqlite"
    assert main(["run", str(GOOD), "-o", str(tmp_path / "out")]) == 0
    target = tmp_path / "new" / "folder" / "grades.csv"
    assert main(["export", "--gradebook", str(book), "-o", str(target)]) == 0
    assert target.read_text().count("\n") == 2  # the header and one student
    with sqlite3.connect(book) as db:
        db.execute("UPDATE results SET result = '{broken'")
    assert main(["export", "--gradebook", str(book)]) == 2
    assert "damaged result" in capsys.readouterr().err
    assert main(["run", str(GOOD), "-o", str(tmp_path / "out")]) == 0  # the damaged row is graded again
    assert main(["export", "--gradebook", str(book)]) == 0


def test_fail_under(tmp_path: Path) -> None:
    mistake = next(p for p in sorted(CORPUS.glob("mistake_*.ipynb")))
    assert main(["run", str(mistake), "-o", str(tmp_path), "--fail-under", "100"]) == 1
    assert main(["run", str(GOOD), "-o", str(tmp_path), "--fail-under", "100"]) == 0


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "rnn_step_by_step" in capsys.readouterr().out


SAMPLE = Path(__file__).parents[1] / "examples" / "sample_submission.ipynb"


def test_gradescope_junit_and_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    argv = [
        "run",
        str(SAMPLE),
        "-o",
        str(tmp_path / "out"),
        "--gradescope",
        str(tmp_path / "gs" / "results.json"),
    ]
    assert main([*argv, "--junit", str(tmp_path / "junit.xml")]) == 0
    gradescope = json.loads((tmp_path / "gs" / "results.json").read_text())
    assert gradescope["score"] == 91.5 and len(gradescope["tests"]) > 100
    suite = ET.parse(tmp_path / "junit.xml").getroot()[0]
    assert suite.get("name") == SAMPLE.name and int(suite.get("failures") or 0) == 9
    assert "### sample\\_submission\\.ipynb: 91.5 / 100 (92%)" in summary.read_text()
    assert not (tmp_path / "out" / "index.html").exists()  # one submission: no class page


def test_batch_writes_a_class_page(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(GOOD, folder / "index.ipynb")
    (folder / "bob.ipynb").write_text("{ truncated")
    assert main(["run", str(folder), "-a", "rnn_step_by_step", "-o", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text()
    assert "2</strong> submissions" in page and 'href="./index-2.html"' in page
    assert (tmp_path / "out" / "index-2.json").is_file()  # a notebook called index does not clash


def test_grading_twice_gives_the_same_reports(tmp_path: Path) -> None:
    """Everything but the timing fields is the same on a second run (the sample fails value and gradient
    checks, so the details are compared too)."""
    outputs = []
    for run in ("one", "two"):
        out = tmp_path / run
        assert main(["run", str(SAMPLE), "-o", str(out), "--gradescope", str(out / "gs.json")]) == 0
        data = json.loads((out / f"{SAMPLE.stem}.json").read_text())
        assert data.pop("duration_s") > 0
        gradescope = json.loads((out / "gs.json").read_text())
        gradescope.pop("execution_time")
        outputs.append((data, gradescope, (out / f"{SAMPLE.stem}.html").read_text()))
    assert outputs[0] == outputs[1]
    assert any(c["details"] for e in outputs[0][0]["exercises"] for c in e["checks"])


def test_gradescope_command_needs_a_known_assignment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gradescope", "no_such_assignment"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_report_names_never_collide() -> None:
    from grader.cli import _stems

    paths = [
        Path("a/hw.ipynb"),
        Path("b/hw.ipynb"),
        Path("c/hw-2.ipynb"),
        Path("index.ipynb"),
        Path("index-2.ipynb"),
    ]
    stems = _stems(paths)
    assert len(set(stems)) == len(stems) and "index" not in stems
    assert stems[:2] == ["hw", "hw-2"] and stems[2] == "hw-2-2"


_COMMAND = """
import atexit, gc, os, sys, threading, time

exit_now = os._exit
os._exit = lambda code: (os.write(1, b" ended at once"), exit_now(code))
atexit.register(lambda: print("exit handler ran, collector on:", gc.isenabled()))
from grader.__main__ import command  # the entry point of the grader command
if sys.argv[1] == "thread":  # still running when the command ends
    threading.Thread(target=lambda: (time.sleep(1), print("thread finished"))).start()
sys.argv = ["grader", *sys.argv[2:]]
print(f"collector on while importing: {gc.isenabled()}; unflushed output", end="")
command()
"""


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_with_its_exit_code_output_and_exit_handlers(tmp_path: Path, thread: bool) -> None:
    argv = ["run", str(tmp_path / "missing.ipynb"), "-o", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-c", _COMMAND, "thread" if thread else "-", *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "no such file or folder" in done.stderr
    assert done.stdout.startswith("collector on while importing: False; unflushed output")
    assert "exit handler ran, collector on: True" in done.stdout
    # the interpreter is left to the operating system, unless a thread still runs (Python waits for it)
    assert ("ended at once" in done.stdout) is not thread
    assert ("thread finished" in done.stdout) is thread


@pytest.mark.parametrize("given, used", [(None, "1"), ("3", "3")])
def test_the_command_keeps_blas_to_one_thread_unless_told_otherwise(given: str | None, used: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, grader.__main__, numpy; print(os.environ['OPENBLAS_NUM_THREADS'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == used
