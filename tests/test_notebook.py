"""Tests of stage 1 (grader/notebook.py): which statements of a notebook are kept, and where they are."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader.errors import NotebookError
from grader.notebook import CellIssue, Source, extract, load_notebook, read_notebook

DEF_F = "def f(x):\n    return x + 1"


def notebook(tmp_path: Path, *cells: str, **metadata: Any) -> Path:
    """Write an nbformat 4 notebook; a cell starting with '#md ' is a markdown cell."""
    nb = nbformat.v4.new_notebook(metadata=metadata)
    for text in cells:
        is_md = text.startswith("#md ")
        nb.cells.append(nbformat.v4.new_markdown_cell(text[4:]) if is_md else nbformat.v4.new_code_cell(text))
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, path)
    return path


def block(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def read(tmp_path: Path, *cells: str, **metadata: Any) -> Source:
    return read_notebook(notebook(tmp_path, *cells, **metadata))


def kept(source: Source) -> list[tuple[int, int, str]]:
    return [(s.cell, s.line, s.code) for s in source.statements]


LINE_MAGICS = ["%matplotlib inline", "%load_ext autoreload", "!pip install x", "x = !ls", "files, = !ls"]
HELP_AND_SHELL = ["np.zeros?", "np.zeros??", "?np", "pip install numpy", "conda install -y numpy"]


@pytest.mark.parametrize("magic", LINE_MAGICS + HELP_AND_SHELL)
def test_ipython_lines_become_no_ops_and_the_cell_is_kept(tmp_path: Path, magic: str) -> None:
    source = read(tmp_path, f"import numpy as np\n{magic}\n{DEF_F}\n{magic}")
    assert kept(source) == [(1, 1, "import numpy as np"), (1, 3, DEF_F)]
    assert source.issues == ()


def test_magic_inside_a_function_and_comments_ending_in_a_question_mark(tmp_path: Path) -> None:
    code = "def g():\n    %time y = 1\n    return 2  # is this right?"
    source = read(tmp_path, f"%matplotlib inline\n{code}\ng?")
    assert kept(source) == [(1, 2, "def g():\n    pass\n    return 2")]  # the code before "# ...?" stays


def test_cell_magics(tmp_path: Path) -> None:
    source = read(tmp_path, "%%bash\necho hi", "%%time\n" + DEF_F, "\n%%capture out\nX = 1", "%%html\n<b>")
    assert kept(source) == [(2, 2, DEF_F), (3, 3, "X = 1")]
    assert source.issues == (
        CellIssue(1, 1, "cell magic %%bash: not Python, skipped"),
        CellIssue(4, 1, "cell magic %%html: not Python, skipped"),
    )


def test_syntax_error_skips_only_its_cell(tmp_path: Path) -> None:
    broken = block("""
        def ok_here():
            pass

        def broken(x:
            pass

        class Model:
            def method(self):
                pass
    """)
    source = read(tmp_path, "#md intro", broken, DEF_F)
    assert kept(source) == [(3, 1, DEF_F)]
    [issue] = source.issues
    assert (issue.cell, issue.line, issue.lost) == (2, 4, ("ok_here", "broken", "Model"))
    assert issue.message.startswith("syntax error:")
    assert set(source.definitions) == {"f"}


def test_cells_the_notebooks_share_are_placed_in_each_notebook_on_their_own(tmp_path: Path) -> None:
    broken, magic = "def f(x:\n    return x", "%%bash\necho hi"
    first = read(tmp_path, broken, magic, DEF_F)
    again = read(tmp_path, "#md moved", DEF_F, "#md on", magic, broken)  # the same cells, elsewhere
    assert [(i.cell, i.line) for i in first.issues] == [(1, 1), (2, 1)]
    assert [(i.cell, i.line) for i in again.issues] == [(4, 1), (5, 1)]
    assert kept(first) == [(3, 1, DEF_F)] and kept(again) == [(2, 1, DEF_F)]
    assert again.definitions["f"].cell == 2


def test_a_long_cell_is_read_like_any_other_without_being_remembered(tmp_path: Path) -> None:
    from grader import notebook as stage

    long_cell = DEF_F + "\n" + "\n".join(f"C{i} = {i}" for i in range(2000))  # over 10,000 characters
    before = stage._parsed.cache_info().currsize
    source = read(tmp_path, long_cell, f"TAG = '{os.urandom(8).hex()}'")  # a cell no other test has
    assert "f" in source.definitions and "C1999" in source.top_level_names
    assert stage._parsed.cache_info().currsize == before + 1  # the short cell only


def test_a_later_definition_wins_and_both_are_kept_in_order(tmp_path: Path) -> None:
    second = "def f(x):\n    return x + 2"
    source = read(tmp_path, DEF_F, "#md redo", "\n" + second)
    assert kept(source) == [(1, 1, DEF_F), (3, 2, second)]
    d = source.definitions["f"]
    assert (d.cell, d.first_line, d.last_line, d.code) == (3, 2, 3, second)


CONSTANTS = ["EPS = 1e-8", "SIZES = [1, 2]", "W = np.array([[1.0, 2.0]])", "n_x, n_a = 3, (5)"]
MORE_CONSTANTS = ["NAMES: list[str] = ['a']", "CFG = {'lr': 0.01, 'steps': int(1e3)}", "sq = lambda v: v * v"]
DEMO = block("""
    np.random.seed(1)
    x = np.random.randn(3)
    print(x)
    for i in range(3):
        print(i)
    parameters['W'] = 1
    a, y, c = f(x)
    y = f(2)
    f(3)
    plt.plot([1, 2])
    assert f(1) == 2
    if True:
        Z = 1
    x = [f(i) for i in range(3)]
    w = open('data.txt').read()
""")


def test_constants_are_kept_and_demo_code_is_not(tmp_path: Path) -> None:
    cell = "\n".join(["import numpy as np", DEF_F, *CONSTANTS, *MORE_CONSTANTS, DEMO])
    source = read(tmp_path, cell)
    assert [s.code for s in source.statements] == ["import numpy as np", DEF_F, *CONSTANTS, *MORE_CONSTANTS]
    assert source.top_level_names == {"np", "f", "EPS", "SIZES", "W", "n_x", "n_a", "NAMES", "CFG", "sq"}


def test_helper_star_imports_are_kept(tmp_path: Path) -> None:
    cell = "from rnn_utils import *\nfrom public_tests import *\nimport numpy as np"
    source = read(tmp_path, cell)
    assert [s.code for s in source.statements] == cell.split("\n")
    assert [s.defines for s in source.statements] == [(), (), ("np",)]


def test_training_loop_cell_is_dropped_entirely(tmp_path: Path) -> None:
    loop = block("""
        parameters = initialize_parameters(n_a, n_x, n_y)
        for i in range(10**9):
            a, y, caches = rnn_forward(X, a0, parameters)
            parameters = update(parameters, 0.01)
            if i % 100 == 0:
                print(i)
        plt.plot(costs)
        plt.show()
    """)
    source = read(tmp_path, DEF_F, loop)
    assert kept(source) == [(1, 1, DEF_F)]


def test_decorators_stay_with_their_function(tmp_path: Path) -> None:
    decorated = "@functools.lru_cache(maxsize=None)\n@staticmethod\n" + DEF_F
    source = read(tmp_path, "import functools\n\n" + decorated)
    assert kept(source) == [(1, 1, "import functools"), (1, 3, decorated)]
    assert source.definitions["f"].first_line == 3 and source.definitions["f"].code == decorated


def test_statements_after_a_semicolon_keep_only_their_own_text(tmp_path: Path) -> None:
    source = read(tmp_path, "\nimport numpy as np; x = np.random.randn(3); EPS = 1e-8; print(EPS)")
    assert kept(source) == [(1, 2, "import numpy as np"), (1, 2, "EPS = 1e-8")]


def test_statements_keep_cell_and_line_numbers(tmp_path: Path) -> None:
    source = read(tmp_path, "#md title", "import numpy as np", "#md ex 1", "# comment\n\n" + DEF_F, "Y = 2")
    assert [(s.cell, s.line) for s in source.statements] == [(2, 1), (4, 3), (5, 1)]
    d = source.definitions["f"]
    assert (d.cell, d.first_line, d.last_line) == (4, 3, 4)


@pytest.mark.parametrize(
    "text", ["S = 'a\u2028b'\n", "S = 'a\x0cb'\n", "S = 'a\x1cb'\r\n", "S = 'ab'\r"], ids=repr
)
def test_unusual_line_breaks(tmp_path: Path, text: str) -> None:
    source = read(tmp_path, text + DEF_F)
    assert [(s.line, s.code) for s in source.statements] == [(1, text.rstrip("\r\n")), (2, DEF_F)]


def raw_v4(minor: int, with_ids: bool, source: Any) -> dict[str, Any]:
    cell = {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
    md = {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]}
    cells = [md, cell]
    if with_ids:
        cells = [{**c, "id": f"cell-{i}"} for i, c in enumerate(cells)]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return {"nbformat": 4, "nbformat_minor": minor, "metadata": meta, "cells": cells}


@pytest.mark.parametrize("as_list", [True, False], ids=["list source", "str source"])
@pytest.mark.parametrize("with_ids", [True, False], ids=["ids", "no ids"])
@pytest.mark.parametrize("minor", range(6))
def test_nbformat_4_minor_versions(tmp_path: Path, minor: int, with_ids: bool, as_list: bool) -> None:
    src: Any = "import numpy as np\n" + DEF_F
    if as_list:
        src = ["import numpy as np\n", "def f(x):\n", "    return x + 1"]
    path = tmp_path / "v4.ipynb"
    path.write_text(json.dumps(raw_v4(minor, with_ids, src)))
    assert kept(read_notebook(path)) == [(2, 1, "import numpy as np"), (2, 2, DEF_F)]


def test_nbformat_3_worksheets(tmp_path: Path) -> None:
    code = {"cell_type": "code", "language": "python", "metadata": {}, "outputs": []}
    heading = {"cell_type": "heading", "level": 1, "metadata": {}, "source": "Title"}
    worksheet = {"metadata": {}, "cells": [heading, {**code, "input": ["import numpy as np\n", DEF_F]}]}
    path = tmp_path / "v3.ipynb"
    path.write_text(
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [worksheet]})
    )
    assert kept(read_notebook(path)) == [(2, 1, "import numpy as np"), (2, 2, DEF_F)]


def test_only_an_older_format_needs_nbformat_imported(tmp_path: Path) -> None:
    """nbformat's reader adds nothing to a current (4) notebook's JSON; importing it (and the schema
    libraries it loads) took a fifth of grading one notebook from the command line."""
    current, old = tmp_path / "v4.ipynb", tmp_path / "v3.ipynb"
    current.write_text(json.dumps(raw_v4(5, True, DEF_F)))
    old.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}))
    script = (
        "import sys\nfrom grader.notebook import read_notebook\n"
        "for path in sys.argv[1:]:\n    read_notebook(path)\n    print('nbformat' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(current), str(old)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]


BAD_FILES = {
    "not JSON": (b"{not json", "bad.ipynb is not valid JSON (line 1, column 2"),
    "truncated": (b'{"cells": [1,', "bad.ipynb is not valid JSON"),
    "other JSON": (b'{"hello": 1}', "bad.ipynb is JSON but not a Jupyter notebook"),
    "JSON list": (b"[1, 2]", "bad.ipynb is JSON but not a Jupyter notebook"),
    "cells not a list": (b'{"nbformat": 4, "cells": {}}', "bad.ipynb is JSON but not a Jupyter notebook"),
    "nbformat 5": (b'{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}', "nbformat can read"),
    "a cell not an object": (
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}, "x"]}',
        "bad.ipynb is not a notebook nbformat can read: cell 2 is not an object",
    ),
    "metadata not an object": (
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": []}',
        "bad.ipynb is not a notebook nbformat can read: its metadata is not an object",
    ),
    "latin-1": (b'{"a": "caf\xe9"}', "bad.ipynb is not UTF-8 text (bad byte at position 10)"),
    "empty": (b"", "bad.ipynb is empty"),
    "blank": (b" \n\n", "bad.ipynb is empty"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_raise_notebook_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError) as info:
        read_notebook(path)
    assert message in info.value.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match=r"cannot read nope\.ipynb: No such file or directory"):
        read_notebook(tmp_path / "nope.ipynb")
    with pytest.raises(NotebookError, match="cannot read"):
        read_notebook(tmp_path)


@pytest.mark.parametrize(
    "metadata, assignment",
    [
        ({"grader": {"assignment": "x"}}, "x"),
        ({"grader": {"assignment": 3}}, None),
        ({"grader": "x"}, None),
        ({}, None),
    ],
)
def test_assignment_is_read_from_metadata(
    tmp_path: Path, metadata: dict[str, Any], assignment: str | None
) -> None:
    assert read(tmp_path, DEF_F, **metadata).assignment == assignment


def test_constants_built_from_dropped_demo_variables_are_left_out(tmp_path: Path) -> None:
    demo = "np.random.seed(1)\nWaa = np.random.randn(5, 5)\nparameters = {'Waa': Waa}\nn = len(parameters)"
    kept_cell = "\n".join(
        [
            "LR = 0.01",
            "HALF = LR / 2",
            "TABLE = {c: i for i, c in enumerate('ab')}",
            "scale = lambda z: z * HIDDEN",
        ]
    )
    source = read(tmp_path, "import numpy as np", demo, kept_cell)
    assert [s.code for s in source.statements] == ["import numpy as np", *kept_cell.split("\n")]


def test_zero_cells_is_a_notice_not_an_error(tmp_path: Path) -> None:
    source = read(tmp_path)
    assert source.statements == () and [i.message for i in source.issues] == [
        "the notebook has no code cells"
    ]
    assert "no code cells" not in " ".join(i.message for i in read(tmp_path, DEF_F).issues)


def test_duplicate_cell_ids_are_reported_once_and_the_cells_still_count(tmp_path: Path) -> None:
    cells = [{"id": "same", "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}] * 3
    cells = [
        {**c, "source": text} for c, text in zip(cells, ["import numpy as np", DEF_F, "Y = 2"], strict=True)
    ]
    path = tmp_path / "dup.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    source = read_notebook(path)
    assert [s.cell for s in source.statements] == [1, 2, 3]
    [issue] = source.issues
    assert issue.message.startswith("cell ids repeat in cells 2, 3;")
    assert read(tmp_path, "import numpy as np", DEF_F).issues == ()  # unique ids: nothing to say


def test_a_50_mb_notebook_of_images_is_read_without_holding_its_outputs(tmp_path: Path) -> None:
    image = base64.b64encode(os.urandom(3 * 2**20)).decode()  # 4 MB of base64 per output
    nb = nbformat.v4.new_notebook()
    for _ in range(13):
        cell = nbformat.v4.new_code_cell(DEF_F)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": image})]
        nb.cells.append(cell)
    path = tmp_path / "images.ipynb"
    nbformat.write(nb, path)
    size = path.stat().st_size
    assert size > 50 * 10**6
    tracemalloc.start()
    try:
        nb_read = load_notebook(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(cell["outputs"] == [] for cell in nb_read["cells"])
    assert peak < 4 * size  # the raw bytes, their text and the parsed JSON, briefly; never more
    assert len(extract(nb_read).statements) == 13
