"""Build the hostile corpus: one notebook per attack on the grader, each otherwise a correct submission.

Run from the repository root::

    python tests/files/hostile/build.py

Each notebook is ``tests/files/submissions/correct_01_classic_2018.ipynb`` with one graded function
replaced by an attack. ``expected.json`` names the attacked exercise: it must lose its points, every
other exercise must keep full marks, and nothing the attack starts may outlive the grading.

Every attack is bounded (a fixed number of processes, a capped loop) so that a broken sandbox cannot
take the machine down. The marker ``grader-hostile-marker`` in command lines and file names lets the
tests find anything an attack left behind.
"""

from __future__ import annotations

import ast
import copy
import json
import textwrap
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "submissions" / "correct_01_classic_2018.ipynb"
MARKER = "grader-hostile-marker"
PORT = 47123  # the tests listen here on 127.0.0.1 and expect no connection

SLEEPER = f"[sys.executable, '-c', 'import time; time.sleep(60)', '{MARKER}']"

# name -> (attacked exercise, code of the replacement definition, what it tries)
ATTACKS: dict[str, tuple[str, str, str]] = {
    "loop_in_call": (
        "rnn_cell_forward",
        """
        def rnn_cell_forward(xt, a_prev, parameters):
            while True:
                pass
        """,
        "an endless loop when called",
    ),
    "loop_at_definition": (
        "rnn_forward",
        """
        def rnn_forward(x, a0, parameters, _=[0 for _ in iter(int, 1)]):
            return None
        """,
        "an endless loop while the definition runs (a default argument)",
    ),
    "huge_allocation": (
        "lstm_cell_forward",
        """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            big = np.ones((2**20, 2**20))
            return big, big, big, big
        """,
        "one allocation of 8 TiB",
    ),
    "memory_growth": (
        "lstm_forward",
        """
        def lstm_forward(x, a0, parameters):
            hog = []
            for _ in range(400):  # at most 20 GB, far beyond the limit
                hog.append(bytearray(50 * 2**20))
            return None
        """,
        "memory growing 50 MB at a time",
    ),
    "many_children": (
        "rnn_cell_backward",
        f"""
        def rnn_cell_backward(da_next, cache):
            import subprocess, sys
            for _ in range(100):
                try:
                    subprocess.Popen({SLEEPER})
                except OSError:
                    pass
            return {{}}
        """,
        "100 child processes that sleep for a minute",
    ),
    "bounded_fork_burst": (
        "rnn_backward",
        """
        def rnn_backward(da, caches):
            import os, time
            for _ in range(300):
                try:
                    if os.fork() == 0:
                        time.sleep(60)
                        os._exit(0)
                except OSError:
                    break
            return {}
        """,
        "300 forks, each child sleeping for a minute",
    ),
    "daemon_and_threads": (
        "lstm_cell_backward",
        f"""
        def lstm_cell_backward(da_next, dc_next, cache):
            import os, subprocess, sys, threading, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    subprocess.Popen({SLEEPER}, start_new_session=True)
                    time.sleep(60)
                os._exit(0)
            for _ in range(4):
                threading.Thread(target=time.sleep, args=(60,), daemon=False).start()
            return {{"dxt": 0}}
        """,
        "a double-forked daemon in its own session, and threads left running",
    ),
    "sys_exit": (
        "lstm_backward",
        """
        def lstm_backward(da, caches):
            import sys
            sys.exit(0)
        """,
        "sys.exit(0) when called",
    ),
    "os_exit": (
        "initialize_adam",
        """
        def initialize_adam(parameters):
            import os
            os._exit(0)
        """,
        "os._exit(0) when called",
    ),
    "segfault": (
        "update_parameters_with_adam",
        """
        def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                        beta1=0.9, beta2=0.999, epsilon=1e-8):
            import ctypes
            return ctypes.string_at(0)
        """,
        "a segmentation fault",
    ),
    "huge_output": (
        "rnn_cell_forward",
        """
        def rnn_cell_forward(xt, a_prev, parameters):
            import os
            chunk = "<b>" + "x" * 2**20
            for _ in range(110):
                print(chunk)
                os.write(1, chunk.encode())
                os.write(2, chunk.encode())
            return None
        """,
        "110 MB printed and 220 MB written to the standard descriptors",
    ),
    "monkeypatch_numpy": (
        "rnn_forward",
        """
        def rnn_forward(x, a0, parameters):
            np.allclose = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
            np.tanh = lambda z: z * 0
            np.dot = lambda a, b: 0
            return np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), ([], x)
        """,
        "numpy's comparison and arithmetic replaced",
    ),
    "monkeypatch_builtins": (
        "lstm_cell_forward",
        """
        def lstm_cell_forward(xt, a_prev, c_prev, parameters):
            import builtins
            builtins.isinstance = lambda *a: True
            builtins.len = lambda *a: 0
            builtins.abs = lambda *a: 0
            return xt, xt, xt, None
        """,
        "isinstance, len and abs replaced for everyone",
    ),
    "fake_equality": (
        "rnn_cell_forward",
        """
        class _Anything:
            shape = (5, 10)
            dtype = np.float64
            def __eq__(self, other):
                return True
            __le__ = __ge__ = __lt__ = __gt__ = __eq__
            def __array__(self, *a, **k):
                raise TypeError("no")
            def __float__(self):
                return 0.0

        def rnn_cell_forward(xt, a_prev, parameters):
            return _Anything(), _Anything(), (_Anything(),) * 4
        """,
        "objects that claim to equal anything",
    ),
    "ndarray_subclass": (
        "rnn_cell_forward",
        """
        class _Liar(np.ndarray):
            def __eq__(self, other):
                return np.ones(np.shape(other), bool)
            def __array_ufunc__(self, *a, **k):
                return np.zeros(1)
            def tobytes(self, *a, **k):
                return b"lies"

        def rnn_cell_forward(xt, a_prev, parameters):
            n_a = parameters["Waa"].shape[0]
            fake = np.zeros((n_a, xt.shape[1])).view(_Liar)
            return fake, fake, (fake, a_prev, xt, parameters)
        """,
        "an ndarray subclass whose comparisons and buffer lie",
    ),
    "import_reference": (
        "rnn_backward",
        """
        def rnn_backward(da, caches):
            import glob, importlib, sys
            for name in ("reference.rnn_step_by_step", "reference", "exercises", "grader"):
                try:
                    return importlib.import_module(name).rnn_backward(da, caches)
                except Exception:
                    pass
            sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Blocker"]
            for name in list(sys.modules):
                if name.startswith(("reference", "grader", "exercises")):
                    del sys.modules[name]
            try:
                return importlib.import_module("reference.rnn_step_by_step").rnn_backward(da, caches)
            except Exception:
                pass
            roots = {"/work", "/tmp", "/root", "/usr", *sys.path}
            patterns = ["/reference/*.py", "/*/reference/*.py", "/*/*/reference/*.py", "/*/*/*/reference/*.py"]
            for path in [p for root in sorted(roots) for pattern in patterns for p in glob.glob(root + pattern)]:
                try:
                    code = open(path).read()
                except OSError:
                    continue
                if "def rnn_backward" in code:
                    namespace = {}
                    exec(code, namespace)
                    return namespace["rnn_backward"](da, caches)
            raise RuntimeError("no way to the answers")
        """,
        "importing the reference, with and without the import blocker, and reading its source",
    ),
    "read_secrets": (
        "lstm_forward",
        """
        def lstm_forward(x, a0, parameters):
            import os
            found = dict(os.environ)
            for path in ("/proc/1/environ", f"/proc/{os.getppid()}/environ", "/proc/self/environ"):
                try:
                    found[path] = open(path, "rb").read().decode(errors="replace")
                except OSError:
                    pass
            print(found)
            raise ValueError(repr(found))
        """,
        "environment variables of the worker and its parents, printed and raised",
    ),
    "open_socket": (
        "rnn_cell_backward",
        f"""
        def rnn_cell_backward(da_next, cache):
            import socket
            outcomes = []
            for address in (("127.0.0.1", {PORT}), ("1.1.1.1", 80), ("localhost", {PORT})):
                try:
                    socket.create_connection(address, timeout=1).sendall(b"{MARKER}")
                    outcomes.append("connected")
                except OSError as exc:
                    outcomes.append(str(exc))
            raise ConnectionError(outcomes)
        """,
        "connections to the grading machine and to the internet",
    ),
    "forged_report": (
        "initialize_adam",
        f"""
        def initialize_adam(parameters):
            import glob, json, os
            forged = json.dumps({{"score": 100.0, "max_score": 100.0, "exercises": []}})
            targets = ["/tmp/{MARKER}.json", os.path.expanduser("~/{MARKER}.json")]
            targets += glob.glob("/tmp/pytest-of-*/**/*.json", recursive=True)[:200]
            for path in targets:
                try:
                    with open(path, "w") as handle:
                        handle.write(forged)
                except OSError:
                    pass
            return None
        """,
        "overwriting the JSON files of the test run, reports included, and writing new ones",
    ),
    "script_injection": (
        "update_parameters_with_adam",
        """
        def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                        beta1=0.9, beta2=0.999, epsilon=1e-8):
            # </pre></code><script>alert("code")</script>
            print('<script>alert("output")</script><img src=x onerror=alert(1)>')
            raise ValueError('</td><script>alert("message")</script><a href="javascript:alert(1)">x</a>')
        """,
        "script tags and event handlers in code, output and an exception message",
    ),
    "deep_recursion": (
        "lstm_backward",
        """
        def lstm_backward(da, caches):
            import sys
            sys.setrecursionlimit(10**7)
            def down(n):
                return down(n + 1) + 1
            return down(0)
        """,
        "recursion deep enough to overflow the C stack",
    ),
    "ignored_signals": (
        "rnn_cell_forward",
        """
        def rnn_cell_forward(xt, a_prev, parameters):
            import signal
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP, signal.SIGXCPU):
                signal.signal(sig, signal.SIG_IGN)
            while True:
                pass
        """,
        "an endless loop that ignores every signal it can",
    ),
    "kill_everything": (
        "initialize_adam",
        """
        def initialize_adam(parameters):
            import os, signal
            for target in (os.getppid(), 1, -1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return {}, {}
        """,
        "SIGKILL to its parent, to PID 1 and to every process it may signal",
    ),
    "channel_garbage": (
        "rnn_forward",
        """
        def rnn_forward(x, a0, parameters):
            import os
            for fd in range(3, 64):
                try:
                    os.write(fd, b"\\xff" * 64 + b'{"ok": 1}')
                except OSError:
                    pass
            return None
        """,
        "garbage written to every open descriptor, the grader's channel included",
    ),
    "fill_disk": (
        "lstm_cell_backward",
        f"""
        def lstm_cell_backward(da_next, dc_next, cache):
            import os
            block = b"x" * 2**20
            for folder in (".", "/tmp", "/dev/shm"):
                for i in range(200):
                    try:
                        with open(os.path.join(folder, f"{MARKER}-{{i}}"), "wb") as handle:
                            handle.write(block)
                    except OSError:
                        break
            return {{}}
        """,
        "200 MB of files in its working directory, /tmp and /dev/shm",
    ),
}


def _replace_definition(nb: nbformat.NotebookNode, name: str, code: str) -> None:
    """Swap the cell text of ``def name`` for ``code`` (the rest of the cell stays)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                lines = cell.source.splitlines()
                start, end = node.lineno - 1, node.end_lineno or node.lineno
                cell.source = "\n".join([*lines[:start], code, *lines[end:]])
                return
    raise LookupError(f"{name} is not defined in {BASE.name}")


def main() -> None:
    base = nbformat.read(BASE, as_version=4)
    expected = {}
    for slug, (exercise, code, what) in ATTACKS.items():
        nb = copy.deepcopy(base)
        _replace_definition(nb, exercise, textwrap.dedent(code).strip("\n"))
        nbformat.write(nb, HERE / f"{slug}.ipynb")
        expected[f"{slug}.ipynb"] = {"attacked": exercise, "attack": what}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
