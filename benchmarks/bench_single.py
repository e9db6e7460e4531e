"""``grader run`` on one notebook in a fresh process, against Python starting and importing numpy, measured
in the same run, with a breakdown of where the time goes.

Each run of ``grader run NOTEBOOK`` is a fresh process, as a student or a CI job starts it. The anchor
(``python -c "import numpy"``) is measured alternately with it, so both see the same load on the machine,
and the ratio of the medians is printed. One more run is timed phase by phase (a driver that times the
same ``grader.cli.main`` from inside): interpreter start, imports, reading and grading, writing the
reports, the rest of the command, and the process's exit.

    python benchmarks/bench_single.py [-n 7] [--notebook NB]

Without ``--notebook`` the notebook is the first of a generated class (``bench_batch.make_class``). For a
run as a fresh install would see it, remove the ``__pycache__`` folders first (or unset
``PYTHONDONTWRITEBYTECODE`` and run twice, so that the byte code is cached).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import make_class

# Runs in the measured process: times the phases of the same `grader run` the command line starts.
_DRIVER = """
import json, sys, time
t0 = time.time()
import grader.__main__  # the entry point of the command: it imports with the collector off
from grader import batch, cli
t1 = time.time()
phases = {"grading": 0.0, "reports": 0.0}
def timed(phase, function):
    def call(*args, **kwargs):
        start = time.time()
        try:
            return function(*args, **kwargs)
        finally:
            phases[phase] += time.time() - start
    return call
batch.grade_stream = timed("grading", batch.grade_stream)
batch.write_reports = timed("reports", batch.write_reports)
main = cli.main
def timed_main():
    code = main(sys.argv[2:])
    with open(sys.argv[1], "w") as out:
        json.dump({"t0": t0, "t1": t1, "t2": time.time(), **phases}, out)
    return code
cli.main = timed_main
cli.command()
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all its processes: less sensitive to others sharing the cores)."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def phases(notebook: Path, outdir: Path, record: Path) -> dict[str, float]:
    """One timed run, split into its phases (seconds)."""
    command = [sys.executable, "-c", _DRIVER, str(record), "run", str(notebook), "-o", str(outdir)]
    start = time.time()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    end = time.time()
    r = json.loads(record.read_text())
    # grading includes the reports, written as each submission is graded
    grading = r["grading"] - r["reports"]
    return {
        "interpreter start": r["t0"] - start,
        "imports": r["t1"] - r["t0"],
        "reading and grading": grading,
        "reports": r["reports"],
        "rest of the command": r["t2"] - r["t1"] - r["grading"],
        "exit": end - r["t2"],
        "total": end - start,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=7, help="runs of each (the medians are compared)")
    parser.add_argument("--notebook", type=Path, help="the notebook (default: a generated one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notebook = args.notebook
        if notebook is None:
            folder = Path(tmp) / "class"
            folder.mkdir()
            make_class(folder, 1)
            notebook = next(folder.glob("*.ipynb"))
        anchor, single = [], []
        for i in range(args.n):
            anchor.append(wall([sys.executable, "-c", "import numpy"]))
            single.append(wall([sys.executable, "-m", "grader", "run", str(notebook), "-o", f"{tmp}/out{i}"]))
        split = phases(notebook, Path(tmp) / "phases", Path(tmp) / "phases.json")
    a, s = (statistics.median(w for w, _ in runs) for runs in (anchor, single))
    a_cpu, s_cpu = (statistics.median(c for _, c in runs) for runs in (anchor, single))
    print(f"notebook: {notebook.name}")
    print(f"python -c 'import numpy' (fresh process, median of {args.n}): {a:.3f} s, CPU {a_cpu:.3f} s")
    print(f"grader run on one notebook (fresh process, median of {args.n}): {s:.3f} s, CPU {s_cpu:.3f} s")
    print(f"  runs: {', '.join(f'{w:.3f}' for w, _ in sorted(single))}")
    print(f"ratio: grader run takes {s / a:.1f}x the time of starting Python and importing numpy")
    print("one more run, phase by phase:")
    for name, seconds in split.items():
        print(f"  {name:<20} {seconds:.3f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (others sharing the cores slow all of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
