"""Grading speed against executing the same notebooks with nbclient, measured in the same run.

nbclient is the engine behind nbgrader's autograde: executing a notebook is what a notebook-running grader
pays at least. This benchmark copies the submission corpus into a folder of N notebooks, grades the folder
with ``grader run`` (a fresh process, as a user runs it), executes a sample of the same notebooks with
nbclient, and prints seconds per notebook for both and their ratio. Needs ``pip install ".[bench]"``.

    python benchmarks/bench_grade.py [-n 40] [--sample 5] [-j 1]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "files" / "submissions"
HELPERS = ROOT / "exercises" / "rnn_step_by_step" / "helpers"
# Notebooks that cannot be executed top to bottom in reasonable time (a training loop) are not sampled.
NOT_EXECUTABLE = {"correct_08_training_loop_2020.ipynb"}


def make_folder(target: Path, count: int) -> list[Path]:
    sources = sorted(CORPUS.glob("*.ipynb"))
    paths = []
    for index in range(count):
        source = sources[index % len(sources)]
        path = target / f"{index:04d}_{source.name}"
        shutil.copy(source, path)
        paths.append(path)
    return paths


def grade(folder: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader", "run", str(folder), "-o", str(folder / "reports"), "-j", str(jobs)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def execute(paths: list[Path]) -> float:
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(HELPERS)}},
        )
        client.execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="notebooks to grade")
    parser.add_argument("--sample", type=int, default=5, help="notebooks to execute with nbclient")
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        paths = make_folder(folder, args.n)
        graded_s = grade(folder, args.jobs)
        sample = [p for p in paths if p.name.split("_", 1)[1] not in NOT_EXECUTABLE][: args.sample]
        executed_s = execute(sample)
    per_grade = graded_s / args.n
    per_exec = executed_s / len(sample)
    print(f"grader run -j {args.jobs}: {args.n} notebooks in {graded_s:.2f} s = {per_grade:.3f} s each")
    print(f"nbclient execute: {len(sample)} notebooks in {executed_s:.2f} s = {per_exec:.3f} s each")
    print(f"ratio: grading is {per_exec / per_grade:.1f}x faster than executing the notebook")


if __name__ == "__main__":
    main()
