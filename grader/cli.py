"""The ``grader`` command. Errors of the :class:`~grader.errors.GraderError` family are caught once, here."""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import assignments
from ._forkserver import GRADING_COMMANDS, prestart
from .batch import run_batch
from .bundle import build_autograder
from .errors import GraderError, UsageError
from .gradebook import Gradebook, export_csv
from .grading import grade_notebook
from .release import write_release
from .reports import (
    append_step_summary,
    gradescope_results,
    render_class_page,
    render_junit,
    render_table,
)
from .result import SubmissionResult
from .scaffold import choose_assignment, project_root, scaffold


def positive(text: str) -> int:
    """A positive number of parallel jobs (argparse turns the ValueError into a usage error, exit 2)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader", description="Grade numpy RNN exercises in Jupyter notebooks."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="grade notebooks and write JSON and HTML reports")
    run.add_argument("paths", nargs="+", metavar="PATH", help="a notebook, or a folder of notebooks")
    run.add_argument("-a", "--assignment", help="the assignment (default: from the notebook)")
    run.add_argument(
        "-o", "--outdir", default="grader-report", help="where reports go (default: grader-report/)"
    )
    run.add_argument(
        "--fail-under", type=float, metavar="PCT", help="exit 1 when a submission scores under PCT percent"
    )
    run.add_argument(
        "-j", "--jobs", type=positive, default=1, help="submissions graded in parallel (default 1)"
    )
    run.add_argument("--gradebook", metavar="FILE", help="the gradebook (default: OUTDIR/gradebook.sqlite)")
    run.add_argument("--dask", metavar="ADDRESS", help="grade on the Dask cluster whose scheduler is ADDRESS")
    run.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json to FILE")
    run.add_argument("--junit", metavar="FILE", help="also write JUnit XML (a testcase per check) to FILE")
    check = sub.add_parser("check", help="run only the visible checks on a notebook and print feedback")
    check.add_argument("notebook", help="the notebook to check")
    check.add_argument("-a", "--assignment", help="the assignment (default: from the notebook)")
    sub.add_parser("list", help="list the shipped assignments and their exercises")
    export = sub.add_parser("export", help="the gradebook as CSV: a row per student, a column per exercise")
    export.add_argument(
        "--gradebook", default="grader-report/gradebook.sqlite", metavar="FILE", help="(default: %(default)s)"
    )
    export.add_argument("-o", "--output", metavar="CSV", help="the CSV file (default: standard output)")
    bundle = sub.add_parser("gradescope", help="build the autograder zip to upload to Gradescope")
    bundle.add_argument("assignment", help="the assignment the autograder grades")
    bundle.add_argument("-o", "--outdir", default=".", help="where the zip goes (default: here)")
    validate = sub.add_parser(
        "validate", help="check that the reference scores full marks and every known mistake loses points"
    )
    validate.add_argument("assignment", nargs="?", help="the assignment (default: every shipped one)")
    validate.add_argument(
        "-j", "--jobs", type=positive, default=min(4, os.cpu_count() or 1), help="mistakes graded in parallel"
    )
    release = sub.add_parser("release", help="write the student notebook of an assignment from its reference")
    release.add_argument("assignment", help="the assignment to release")
    release.add_argument(
        "-o", "--output", help="the notebook to write (default: exercises/A/release/A.ipynb)"
    )
    new = sub.add_parser("new", help="scaffold a new exercise (reference stub, graded suite, a mistake)")
    new.add_argument("name", help="the exercise: the name of the function students write")
    new.add_argument("-a", "--assignment", help="its assignment (created if new; default: the only one)")
    new.add_argument("--args", default="x", help='its parameters, e.g. "x, h_prev, W_x" (default: x)')
    new.add_argument("--root", help="the project folder holding exercises/ (default: see docs/authoring.md)")
    return parser


def _notebooks(paths: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    if not found:
        raise UsageError(f"no notebooks (*.ipynb) found in {', '.join(paths)}")
    return found


def _stems(paths: Sequence[Path]) -> list[str]:
    """Report names for each notebook, unique even when two folders hold the same file name."""
    taken = {"index"}  # index.html is the class page of a batch
    stems = []
    for path in paths:
        stem, n = path.stem, 1
        while stem in taken:  # a generated name may itself be a file's stem: try until free
            n += 1
            stem = f"{path.stem}-{n}"
        taken.add(stem)
        stems.append(stem)
    return stems


def cmd_run(args: argparse.Namespace) -> int:
    if args.assignment:
        assignments.load(args.assignment)  # an unknown name is a usage error before any work
    paths = _notebooks(args.paths)
    stems = _stems(paths)
    outdir = Path(args.outdir)
    book = Path(args.gradebook) if args.gradebook else outdir / "gradebook.sqlite"
    batch = run_batch(paths, stems, outdir, book, assignment=args.assignment, jobs=args.jobs, dask=args.dask)
    graded = batch.results
    results: list[SubmissionResult | None] = list(graded)
    _write_extras(args, results, stems)
    print(render_table(graded))
    print(f"\nReports in {outdir}/; gradebook {book}: {batch.graded} graded, {batch.reused} already there")
    _warn_unconfined(graded)
    if args.fail_under is not None:
        low = [r for r in graded if r.max_score == 0 or 100 * r.score / r.max_score < args.fail_under]
        if low:
            print(f"{len(low)} submission(s) under {args.fail_under:g}%", file=sys.stderr)
            return 1
    return 0


def _warn_unconfined(results: Sequence[SubmissionResult]) -> None:
    """Say once which protections this platform could not give (the submissions were graded anyway)."""
    missing = sorted(
        {f"{k} ({v.get('detail')})" for r in results for k, v in r.confinement.items() if not v.get("active")}
    )
    if missing:
        print("grader: warning: graded without " + "; ".join(missing), file=sys.stderr)


def _write_extras(args: argparse.Namespace, graded: list[SubmissionResult | None], stems: list[str]) -> None:
    """The class page of a batch, the Gradescope and JUnit files asked for, the CI step summary."""
    pairs = [(r, stem) for r, stem in zip(graded, stems, strict=True) if r is not None]
    results = [r for r, _ in pairs]
    if len(results) > 1:
        page = render_class_page(results, [f"{stem}.html" for _, stem in pairs])
        (Path(args.outdir) / "index.html").write_text(page, encoding="utf-8")
    if args.gradescope:
        _write(args.gradescope, json.dumps(gradescope_results(results), indent=2) + "\n")
    if args.junit:
        _write(args.junit, render_junit(results))
    append_step_summary(results)


def _write(target: str, text: str) -> None:
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def cmd_gradescope(args: argparse.Namespace) -> int:
    zip_path = build_autograder(assignments.load(args.assignment), Path(args.outdir))
    print(f"Gradescope autograder: {zip_path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.notebook)
    if not path.is_file():
        raise UsageError(f"no such notebook: {args.notebook}")
    chosen = assignments.load(args.assignment) if args.assignment else None
    from .feedback import feedback_text  # the student's view: loaded only by the command that shows it

    result = grade_notebook(path, chosen, visible_only=True)
    print(feedback_text(result))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import validate  # with its process pool: loaded only by the command that uses it

    names = [args.assignment] if args.assignment else assignments.available()
    chosen = [assignments.load(name) for name in names]  # an unknown name is a usage error first
    results = [validate(assignment, jobs=args.jobs) for assignment in chosen]
    for result in results:
        print(result.table())
    return 0 if all(r.ok for r in results) else 1


def cmd_list(args: argparse.Namespace) -> int:
    for name in assignments.available():
        assignment = assignments.load(name)
        print(f"{name}: {assignment.title}")
        for exercise in assignment.exercises:
            print(f"  {exercise}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if not Path(args.gradebook).is_file():
        raise UsageError(f"no gradebook at {args.gradebook}", hint="give the file with --gradebook")
    with Gradebook(args.gradebook, read_only=True) as book:
        if args.output is None:
            export_csv(book, sys.stdout)
        else:
            try:
                Path(args.output).parent.mkdir(parents=True, exist_ok=True)
                with open(args.output, "w", newline="", encoding="utf-8") as out:
                    rows = export_csv(book, out)
            except OSError as exc:
                raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
            print(f"{rows} students written to {args.output}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    path = write_release(assignments.load(args.assignment), Path(args.output) if args.output else None)
    print(f"Student notebook: {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    root = project_root(args.root)
    assignment = choose_assignment(root, args.assignment)
    for path in scaffold(root, args.name, assignment, args=args.args):
        print(f"wrote {path.relative_to(root)}")
    print(f"Next: fill in the TODOs, then `grader validate {assignment}` (see docs/authoring.md)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in GRADING_COMMANDS:
        prestart()  # the warm worker parent loads numpy while the suites are collected
    commands = {
        "run": cmd_run,
        "check": cmd_check,
        "list": cmd_list,
        "gradescope": cmd_gradescope,
        "validate": cmd_validate,
        "export": cmd_export,
        "release": cmd_release,
        "new": cmd_new,
    }
    try:
        return commands[args.command](args)
    except GraderError as exc:
        print(f"grader: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ngrader: interrupted; reports already written are kept", file=sys.stderr)
        return 130


def command() -> NoReturn:
    """The ``grader`` program: :func:`main`, then the exit without tearing the interpreter down.

    Garbage collection is off while the program is imported (``grader/__main__.py``, the entry point of
    both ``grader`` and ``python -m grader``); what was imported is then frozen, so that later
    collections skip it.

    What a normal exit does that matters runs first: the atexit handlers (the warm worker parent is
    stopped there) and the flush of the standard streams. Freeing every object and module one by one
    (about 0.1 s with numpy, pytest and jinja2 loaded) is left to the operating system. A thread still
    running, a stream that cannot be flushed, or a profiler or coverage tool that writes its data at exit
    gets Python's own exit instead.
    """
    gc.freeze()  # what was imported lives as long as the command: the collector need not look at it again
    gc.enable()
    code = main()
    if threading.active_count() == 1 and sys.getprofile() is None and sys.gettrace() is None:
        atexit._run_exitfuncs()
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None when the command was started with that stream closed
                    stream.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    command()
