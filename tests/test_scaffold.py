"""grader new: the scaffold, its refusals, and the tutorial (docs/authoring.md) followed literally."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from grader.errors import UsageError
from grader.scaffold import choose_assignment, project_root, scaffold

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"


def _project(tmp_path: Path) -> Path:
    for package in ("exercises", "reference"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    return tmp_path


def test_scaffold_writes_an_exercise_and_lists_it(tmp_path):
    root = _project(tmp_path)
    written = scaffold(root, "step", "course", args="x, h")
    names = [p.relative_to(root).as_posix() for p in written]
    assert names == [
        "exercises/course/__init__.py",
        "reference/course.py",
        "exercises/course/mistakes/__init__.py",
        "exercises/course/test_step.py",
        "exercises/course/mistakes/step.py",
    ]
    scaffold(root, "other", "course")
    init = (root / "exercises/course/__init__.py").read_text()
    exercises = next(
        n for n in ast.parse(init).body if isinstance(n, ast.Assign) and n.targets[0].id == "EXERCISES"
    )
    assert ast.literal_eval(exercises.value) == ("step", "other")
    reference = ast.parse((root / "reference/course.py").read_text())
    functions = {
        n.name: [a.arg for a in n.args.args] for n in reference.body if isinstance(n, ast.FunctionDef)
    }
    assert functions == {"step": ["x", "h"], "other": ["x"]}
    suite = (root / "exercises/course/test_step.py").read_text()
    assert "from grader import" in suite and "@hidden" in suite and "TODO" in suite
    assert "import exercises" not in suite and "from exercises" not in suite
    for path in written:
        ast.parse(path.read_text())


def test_scaffold_refuses_to_overwrite(tmp_path):
    root = _project(tmp_path)
    scaffold(root, "step", "course")
    before = {p: p.read_text() for p in root.rglob("*.py")}
    with pytest.raises(UsageError, match="already exists: nothing was written"):
        scaffold(root, "step", "course")
    (root / "exercises/course/test_step.py").unlink()
    (root / "exercises/course/mistakes/step.py").unlink()
    with pytest.raises(UsageError, match="already defines step"):
        scaffold(root, "step", "course")
    del before[root / "exercises/course/test_step.py"], before[root / "exercises/course/mistakes/step.py"]
    assert {p: p.read_text() for p in root.rglob("*.py")} == before
    with pytest.raises(UsageError, match="not a Python name"):
        scaffold(root, "two words", "course")
    with pytest.raises(UsageError, match="not a Python name"):
        scaffold(root, "step2", "course", args="x, lambda")


def test_choosing_the_assignment_and_the_root(tmp_path, monkeypatch, capsys):
    root = _project(tmp_path)
    with pytest.raises(UsageError, match="--assignment"):
        choose_assignment(root, None)
    scaffold(root, "step", "course")
    assert choose_assignment(root, None) == "course"
    with pytest.raises(UsageError, match="no such folder"):
        project_root(tmp_path / "nowhere")
    monkeypatch.chdir(root)
    assert project_root() == root
    assert main(["new", "again", "--args", "a, b"]) == 0  # the only assignment, under the current directory
    assert "wrote exercises/course/test_again.py" in capsys.readouterr().out
    assert main(["new", "again"]) == 2


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)


def test_tutorial_followed_literally(tmp_path):
    """Every `grader` command of the tutorial, in order, on a fresh project, with its files as shown."""
    root = _project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(root)}

    def grader(line: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "grader", *shlex.split(line)[1:]]
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)

    commands = [line for block in _blocks("sh") for line in block.splitlines() if line.startswith("grader ")]
    assert [c.split()[1] for c in commands] == ["new", "validate", "release", "run", "run"]
    new, validate, release, run_release, run_try = commands
    assert grader(new).returncode == 0
    files = 0
    for block in _blocks("python"):
        first, _, body = block.partition("\n")
        if not re.fullmatch(r"# [\w/]+\.py", first):
            continue
        path = root / first[2:]
        if path.parent.name == "reference":  # replaces the stub, from `def rnn_step` to the end
            text = path.read_text()
            body = text[: text.index("def rnn_step")] + first + "\n" + body
        else:
            body = block
        path.write_text(body)
        files += 1
    assert files == 4
    done = grader(validate)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK in" in done.stdout and "100%" in done.stdout
    assert grader(release).returncode == 0
    assert grader(run_release).returncode == 0
    report = json.loads((root / "my-report" / "my_rnn.json").read_text())
    assert (report["assignment"], report["score"], report["max_score"]) == ("my_rnn", 0, 7)
    assert all("rnn_step is not written yet" in c["message"] for c in report["exercises"][0]["checks"])
    # The student's try: the placeholder replaced by a body, first with the bias left out.
    notebook = (root / "exercises/my_rnn/release/my_rnn.ipynb").read_text()
    placeholder = (
        '    # YOUR CODE HERE\\n",\n    "    raise NotImplementedError(\\"rnn_step is not written yet\\")'
    )
    assert placeholder in notebook
    for body, score in (("np.tanh(W_x @ x + W_h @ h_prev)", 1), ("np.tanh(W_x @ x + W_h @ h_prev + b)", 7)):
        (root / "my_try.ipynb").write_text(notebook.replace(placeholder, f"    return {body}"))
        assert grader(run_try).returncode == 0
        report = json.loads((root / "my-report" / "my_try.json").read_text())
        assert report["score"] == score
        hints = [c["hint"] or "" for c in report["exercises"][0]["checks"] if not c["passed"]]
        if score == 1:  # the tutorial promises the hint quotes the catalogued mistake
            assert "I left the bias b out of h_next" in TUTORIAL.read_text()
            assert any("I left the bias b out of h_next" in h for h in hints)
        else:
            assert hints == []


def test_never_scaffolds_into_an_installed_copy(tmp_path, monkeypatch):
    from grader import assignments
    from grader.errors import UsageError
    from grader.scaffold import project_root

    installed = tmp_path / "site-packages" / "exercises"
    installed.mkdir(parents=True)
    monkeypatch.setattr(assignments, "ROOT", installed)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="not a source checkout"):
        project_root()
    (installed.parent / "pyproject.toml").write_text("")  # a source checkout after all
    assert project_root() == installed.parent
