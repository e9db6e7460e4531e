"""The command line: exit codes, report files, the table."""

from __future__ import annotations

import json
import shutil
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


def test_fail_under(tmp_path: Path) -> None:
    mistake = next(p for p in sorted(CORPUS.glob("mistake_*.ipynb")))
    assert main(["run", str(mistake), "-o", str(tmp_path), "--fail-under", "100"]) == 1
    assert main(["run", str(GOOD), "-o", str(tmp_path), "--fail-under", "100"]) == 0


def test_two_jobs_give_the_same_scores(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.ipynb"))[:4]:
        shutil.copy(path, folder / path.name)
    assert main(["run", str(folder), "-o", str(tmp_path / "one")]) == 0
    assert main(["run", str(folder), "-o", str(tmp_path / "two"), "-j", "2"]) == 0
    for report in (tmp_path / "one").glob("*.json"):
        one, two = json.loads(report.read_text()), json.loads((tmp_path / "two" / report.name).read_text())
        assert one["score"] == two["score"]


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "rnn_step_by_step" in capsys.readouterr().out
