"""``grader gradescope ASSIGNMENT``: the autograder zip to upload to Gradescope.

The zip holds, at its root, what Gradescope's autograder specification asks for: ``setup.sh`` (run once
when the image is built: a virtual environment with the grader's wheel and its dependencies) and an
executable ``run_autograder`` (run per submission: grades the notebooks in ``/autograder/submission``
and writes ``/autograder/results/results.json``), plus the grader itself as a wheel built from this
source tree by pip.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .assignments import Assignment
from .errors import GraderError

SOURCE = Path(__file__).resolve().parent.parent
_COPIED = ("pyproject.toml", "README.md", "grader", "reference", "exercises")

SETUP_SH = """#!/usr/bin/env bash
# Run once by Gradescope, as root, when it builds the autograder image.
set -euo pipefail
if ! python3 -m venv /autograder/venv; then
    apt-get update -qq
    apt-get install -y -qq python3 python3-venv python3-pip
    python3 -m venv /autograder/venv
fi
/autograder/venv/bin/python -m pip install --quiet --upgrade pip
/autograder/venv/bin/python -m pip install --quiet /autograder/source/{wheel}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Run by Gradescope for every submission; the student's files are in /autograder/submission.
set -uo pipefail
mkdir -p /autograder/results
/autograder/venv/bin/grader run /autograder/submission -a {assignment} \\
    -o /autograder/results/reports --gradescope /autograder/results/results.json
status=$?
if [ ! -s /autograder/results/results.json ]; then
    if find /autograder/submission -name '*.ipynb' | grep -q .; then
        message="The submission could not be graded (the grader exited with status $status): tell the staff."
    else
        message="No notebook (.ipynb) was found in the submission: upload your notebook."
    fi
    printf '{{"score": 0, "output": "%s", "output_format": "text", "tests": []}}\n' "$message" \
        > /autograder/results/results.json
fi
"""


def build_wheel(outdir: Path) -> Path:
    """Build the grader's wheel from a clean copy of this source tree; returns its path."""
    if not (SOURCE / "pyproject.toml").is_file():
        raise GraderError(
            "the autograder is built from the grader's source tree, and this installation has none",
            hint="run `grader gradescope` from a checkout of the repository (pip install -e .)",
        )
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as tmp:
        tree = Path(tmp) / "src"
        for name in _COPIED:
            source = SOURCE / name
            if source.is_dir():
                shutil.copytree(
                    source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
                )
            else:
                tree.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, tree / name)
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(outdir), str(tree)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GraderError(f"building the grader's wheel failed:\n{done.stderr.strip()[-2000:]}")
    wheels = sorted(outdir.glob("rnn_grader-*.whl"))
    if not wheels:
        raise GraderError("building the grader's wheel produced no wheel")
    return wheels[-1]


def build_autograder(assignment: Assignment, outdir: Path) -> Path:
    """Write ``OUTDIR/<assignment>-gradescope.zip``; returns its path."""
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{assignment.name}-gradescope.zip"
    with tempfile.TemporaryDirectory(prefix="grader-bundle-") as tmp:
        wheel = build_wheel(Path(tmp))
        files = {
            "setup.sh": SETUP_SH.format(wheel=shlex.quote(wheel.name)),
            "run_autograder": RUN_AUTOGRADER.format(assignment=shlex.quote(assignment.name)),
        }
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o100755 << 16) if name == "run_autograder" else (0o100644 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, text)
            bundle.write(wheel, wheel.name)
    return target
