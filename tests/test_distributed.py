"""``--dask``: the same gradebook from a local Dask cluster of two worker processes; a clear error without
Dask."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import LocalCluster
from test_batch import make_class, snapshot

from grader.cli import main

CORPUS = Path(__file__).parent / "files" / "submissions"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0", protocol="tcp"
    ) as local:
        yield local


def test_dask_gives_the_same_gradebook_as_grading_here(
    cluster: LocalCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_class(tmp_path / "class")
    assert main(["run", str(folder), "-o", str(tmp_path / "here")]) == 0
    here: dict[str, Any] = snapshot(tmp_path / "here")
    address = str(cluster.scheduler_address)
    assert main(["run", str(folder), "-o", str(tmp_path / "dask"), "--dask", address]) == 0
    # the late copy has the same bytes as its first hand-in: graded once, its result filed twice
    assert "5 graded, 1 already there" in capsys.readouterr().out
    assert snapshot(tmp_path / "dask") == here
    assert "grade_files" in cluster.scheduler.task_prefixes  # the work was done by the cluster


def test_without_dask_the_option_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    notebook = CORPUS / "correct_01_classic_2018.ipynb"
    assert main(["run", str(notebook), "-o", str(tmp_path), "--dask", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert "--dask needs Dask's distributed scheduler" in err and 'pip install "rnn-grader[dask]"' in err
