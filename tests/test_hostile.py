"""The hostile corpus: every attack costs the attacked exercise its points and nothing else.

The notebooks come from ``tests/files/hostile/build.py`` (one attack each, in an otherwise correct
submission). For each one: the grader returns normally, the attacked exercise loses points, every
other exercise keeps full marks, no process it started is left, no secret reaches the reports, the
HTML has no live script, no file outside the worker's directory was written, and no connection
reached the grading machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader import _forkserver, assignments
from grader.grading import grade_notebook
from grader.reports import write_reports
from grader.worker import Limits

HOSTILE = Path(__file__).parent / "files" / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text())
MARKER = "grader-hostile-marker"
PORT = 47123
LIMITS = Limits(call_seconds=2, statement_seconds=2, memory_mb=1024, cpu_seconds=20)


def _processes() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) of every live process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if fields[0] != "Z":
            found[int(entry)] = (int(fields[1]), cmdline)
    return found


def _left_behind(zygote: int) -> list[str]:
    """Processes carrying the marker, or descending from the warm parent (all should have ended)."""
    table = _processes()
    left = []
    for pid, (_, cmdline) in table.items():
        ancestor, seen = table[pid][0], 0
        while ancestor in table and ancestor != zygote and seen < 50:
            ancestor, seen = table[ancestor][0], seen + 1
        if MARKER.encode() in cmdline or (ancestor == zygote and pid != zygote):
            left.append(f"{pid}: {cmdline[:80]!r}")
    return left


class _LiveContent(HTMLParser):
    """Collects script elements and event-handler or javascript: attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.live.append("<script>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"<{tag} {name}={value}>")


@pytest.fixture
def listener() -> Iterator[socket.socket | None]:
    """A TCP listener on the grading machine that no worker may reach (None if the port is taken)."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", PORT))
    except OSError:
        sock.close()
        yield None
        return
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A secret in the grading process's environment, with a warm parent started after it was set."""
    value = f"ci-token-{uuid.uuid4()}"
    monkeypatch.setenv("GRADER_TEST_SECRET", value)
    if _forkserver._SERVER is not None:
        _forkserver._SERVER.close()
        _forkserver._SERVER = None
    yield value


@pytest.mark.parametrize("notebook", sorted(EXPECTED))
def test_attack_is_contained(
    notebook: str, tmp_path: Path, listener: socket.socket | None, secret: str
) -> None:
    attacked = EXPECTED[notebook]["attacked"]
    victim = tmp_path / "victim.json"
    victim.write_text('{"untouched": true}')
    outdir = tmp_path / "out"

    result = grade_notebook(HOSTILE / notebook, assignments.load("rnn_step_by_step"), limits=LIMITS)
    write_reports(result, outdir, Path(notebook).stem)

    assert result.error is None
    scores = {e.name: (e.score, e.max_score) for e in result.exercises}
    assert scores[attacked][0] < scores[attacked][1], f"{attacked} kept its points"
    assert {n: s for n, s in scores.items() if n != attacked and s[0] != s[1]} == {}

    zygote = _forkserver.fork_server().proc.pid
    deadline = time.monotonic() + 5
    while _left_behind(zygote) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _left_behind(zygote) == []

    report_json = (outdir / f"{Path(notebook).stem}.json").read_text()
    report_html = (outdir / f"{Path(notebook).stem}.html").read_text()
    assert secret not in report_json and secret not in report_html
    parser = _LiveContent()
    parser.feed(report_html)
    assert parser.live == []

    assert victim.read_text() == '{"untouched": true}'
    for folder in ("/tmp", "/dev/shm", os.path.expanduser("~")):
        with contextlib.suppress(OSError):
            assert [n for n in os.listdir(folder) if MARKER in n] == []
    if listener is not None:
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_corpus_is_current() -> None:
    """Every attack the builder knows has its notebook (rerun build.py after editing it)."""
    notebooks = {p.name for p in HOSTILE.glob("*.ipynb")}
    assert notebooks == set(EXPECTED) and len(notebooks) >= 20
