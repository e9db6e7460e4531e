"""Grading a class: N generated submissions with ``grader run -j 1`` and ``-j 2``, against executing a
sample of the same notebooks with nbclient, all measured in the same run (half of the sample before the
grading runs, half after, so that the anchor sees the load of the whole run on a shared machine).

The submissions are written by the corpus generator (``tests/files/submissions/build.py``): about half
are correct (nine ways of writing the ten functions), the others have one realistic mistake; each
notebook carries its student's name, so every file is different and nothing is graded twice. The
results are checked against what each notebook must lose. Each grading run is a fresh ``grader run``
process with its own gradebook, as an instructor would start it. Needs ``pip install ".[bench]"``.

    python benchmarks/bench_batch.py [-n 1000] [--sample 10] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grade import NOT_EXECUTABLE, execute

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "tests" / "files" / "submissions" / "build.py"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("corpus_build", BUILD)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _own_code(nb: dict[str, object], student: str) -> None:
    """Make every function of the notebook the student's own text (a comment on each ``def`` line), as
    students who write their own code differently: caches of what notebooks share then miss."""
    for cell in nb["cells"]:  # type: ignore[attr-defined]
        if cell["cell_type"] != "code":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [
            f"{line}  # {student}" if line.lstrip().startswith("def ") and not line.endswith("\\") else line
            for line in text.split("\n")
        ]
        cell["source"] = "\n".join(lines)


def make_class(folder: Path, count: int, seed: int = 0, *, own_code: bool = False) -> dict[str, list[str]]:
    """Write ``count`` notebooks into ``folder``; returns what each must lose (file stem -> exercises).
    Each is one of the corpus's notebooks with its student's name added; ``own_code`` also makes the
    text of every function the student's own."""
    build = _generator()
    bases = []
    for spec in build.correct_specs() + build.mistake_specs():
        bases.append((spec, build.to_notebook(spec, build.cells_for(spec), None)))
    correct = [b for b in bases if not b[0].loses]
    mistaken = [b for b in bases if b[0].loses]
    rng = random.Random(seed)
    expected = {}
    for index in range(count):
        spec, base = rng.choice(correct if rng.random() < 0.5 else mistaken)
        stem = f"student_{index:04d}_{spec.name}"
        nb = copy.deepcopy(base)
        nb.cells.insert(0, {"cell_type": "markdown", "id": f"student-{index}", "metadata": {},
                            "source": f"Submitted by student {index:04d}"})  # fmt: skip
        if own_code:
            _own_code(nb, f"student {index:04d}")
        (folder / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1))
        expected[stem] = list(spec.loses)
    return expected


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(path: Path, outdir: Path, jobs: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all its processes) of ``grader run PATH`` in a fresh process, with a
    fresh gradebook in ``outdir``. CPU time says what the run costs even when others share the cores."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "grader", "run", str(path), "-o", str(outdir), "-j", str(jobs)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def worker_start(count: int = 20) -> float:
    """Seconds from starting a worker to its first answer (Python, numpy, the helpers): what every
    submission pays before its own work."""
    from grader import assignments
    from grader.notebook import Statement
    from grader.worker import ProcessWorker

    helpers = str(assignments.load("rnn_step_by_step").helpers)
    start = time.perf_counter()
    for _ in range(count):
        with ProcessWorker([Statement(1, 1, "x = 1")], helpers=helpers) as worker:
            worker.load()
    return (time.perf_counter() - start) / count


def mismatches(outdir: Path, expected: dict[str, list[str]]) -> list[str]:
    wrong = []
    for stem, loses in expected.items():
        data = json.loads((outdir / f"{stem}.json").read_text())
        losing = sorted(e["name"] for e in data["exercises"] if e["score"] < e["max_score"])
        if data["error"] or losing != sorted(loses):
            wrong.append(f"{stem}: loses {losing}, expected {sorted(loses)} ({data['error']})")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="submissions to generate and grade")
    parser.add_argument("--sample", type=int, default=10, help="notebooks to execute with nbclient")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="values of -j to measure")
    parser.add_argument("--single", type=int, default=3, help="runs of `grader run` on one notebook")
    parser.add_argument(
        "--own-code",
        action="store_true",
        help="make every function's text each student's own (what notebooks share is then less)",
    )
    args = parser.parse_args()
    if args.sample < 1 or args.single < 1 or args.n < 1:
        parser.error("-n, --sample and --single must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        expected = make_class(folder, args.n, own_code=args.own_code)
        paths = sorted(folder.glob("*.ipynb"))
        lines = []

        single, anchor = [], []
        for i in range(args.single):  # alternately, so that both see the same load on the machine
            anchor.append(_seconds([sys.executable, "-c", "import numpy"]))
            single.append(grade(paths[0], Path(tmp) / f"single{i}", 1)[0])
        median, python = sorted(single)[len(single) // 2], sorted(anchor)[len(anchor) // 2]
        lines.append(
            f"grader run on one notebook (fresh process, median of {args.single}): {median:.2f} s = "
            f"{median / python:.1f}x starting Python with numpy ({python:.3f} s; see bench_single.py)"
        )

        # half of the nbclient sample runs before the grading runs and half after, so that the anchor
        # sees the load of the whole run, not only of its end
        sample = [p for p in paths if not any(p.name.endswith(n) for n in NOT_EXECUTABLE)][: args.sample]
        first, second = sample[::2], sample[1::2]
        execute(sample[:1])  # untimed: the first kernel the process starts pays for loading its client
        executed_first = execute(first)

        rates = {}
        for jobs in args.jobs:
            outdir = Path(tmp) / f"reports-j{jobs}"
            seconds, cpu = grade(folder, outdir, jobs)
            wrong = mismatches(outdir, expected)
            rates[jobs] = seconds / args.n
            lines.append(
                f"grader run -j {jobs}: {args.n} notebooks in {seconds:.1f} s = {args.n / seconds:.1f} "
                f"notebooks/s, {seconds / args.n:.3f} s/notebook, CPU {cpu / args.n:.3f} s/notebook; "
                f"{len(wrong)} graded wrong"
            )
            lines += [f"  {w}" for w in wrong[:5]]
        started = worker_start()
        lines.append(
            f"worker start (to its first answer): {started:.3f} s, "
            f"{100 * started / rates[min(rates)]:.0f}% of the -j {min(rates)} time per notebook"
        )
        lines.append(
            f"load average at the end: {os.getloadavg()[0]:.2f} (others sharing the cores slow all of it)"
        )

        executed_second = execute(second) if second else 0.0
        executed = executed_first + executed_second
        per_exec = executed / len(sample)
        halves = f"{executed_first / len(first):.3f} s before the grading runs" + (
            f", {executed_second / len(second):.3f} s after" if second else ""
        )
        lines.append(
            f"nbclient execute: {len(sample)} notebooks in {executed:.1f} s = {per_exec:.3f} s/notebook "
            f"({halves})"
        )
        for jobs, per in rates.items():
            lines.append(
                f"ratio -j {jobs}: grading is {per_exec / per:.1f}x faster per notebook than executing"
            )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
