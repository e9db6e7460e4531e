"""Speed of the worker codec (grader/_codec.py) against pickle on the same values, measured in the same run.

Every call into a student's worker sends one message and gets one back, so a class of notebooks costs
thousands of encodes and decodes on both sides. The messages built here are shaped like the real
traffic of the RNN assignment: calls carrying a few small float64 arrays and a dict of 10 parameters,
replies carrying an array, a tuple of arrays with a cache that repeats them (kept by reference), a
sequence of caches sharing one parameter dict, and a dict of gradients. For each message the benchmark
prints microseconds per encode and per decode and their ratio to ``pickle.dumps`` / ``pickle.loads``
of the same value (pickle is only the yardstick: the codec never uses it). ``--against REV`` also loads
``grader/_codec.py`` as it was at git revision REV and times it in the same run, so a change's speed-up
is measured under the same load.

    python benchmarks/bench_codec.py [--seconds 0.3] [--against main]
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GATES = ("f", "i", "c", "o")


def _lstm_parameters(r: np.random.Generator, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    params = {}
    for gate in GATES:
        params[f"W{gate}"] = r.standard_normal((n_a, n_a + n_x))
        params[f"b{gate}"] = r.standard_normal((n_a, 1))
    params["Wy"], params["by"] = r.standard_normal((n_y, n_a)), r.standard_normal((n_y, 1))
    return params


def messages() -> dict[str, Any]:
    """The values one grading run sends most often, by name."""
    r = np.random.default_rng(0)
    n_x, n_a, n_y, m, t_x = 3, 5, 2, 10, 6
    p = _lstm_parameters(r, n_x, n_a, n_y)
    xt, a_prev, c_prev = r.standard_normal((n_x, m)), r.standard_normal((n_a, m)), r.standard_normal((n_a, m))
    gates = [r.standard_normal((n_a, m)) for _ in range(4)]
    a_next, c_next, yt = r.standard_normal((n_a, m)), r.standard_normal((n_a, m)), r.standard_normal((n_y, m))
    cell_cache = (a_next, c_next, a_prev, c_prev, *gates, xt, p)
    x, a0 = r.standard_normal((n_x, m, t_x)), r.standard_normal((n_a, m))
    caches = [(r.standard_normal((n_a, m)), r.standard_normal((n_a, m)), xt, p) for _ in range(t_x)]
    grads = {"dx": r.standard_normal((n_x, m, t_x)), "da0": r.standard_normal((n_a, m))}
    grads |= {f"dW{g}": r.standard_normal((n_a, n_a + n_x)) for g in GATES}
    grads |= {f"db{g}": r.standard_normal((n_a, 1)) for g in GATES}

    def call(name: str, *args: Any) -> dict[str, Any]:
        return {"op": "call", "name": name, "args": list(args), "kwargs": {}, "standins": [], "target": None}

    return {
        "call cell (3 arrays + 10 params)": call("lstm_cell_forward", xt, a_prev, c_prev, p),
        "call sequence (x, a0, params)": call("lstm_forward", x, a0, p),
        "call backward (da, caches)": call("rnn_backward", r.standard_normal((n_a, m, t_x)), (caches, x)),
        "reply array": {"ok": r.standard_normal((n_a, m)), "out": ""},
        "reply tuple + cache": {"ok": (a_next, c_next, yt, cell_cache), "out": ""},
        "reply gradients dict": {"ok": grads, "out": ""},
        "exec / ok None": {"op": "exec", "code": "import numpy as np", "cell": 3, "line": 1},
    }


def per_call(fn: Callable[[], object], seconds: float) -> float:
    """Best-of-5 microseconds per call of ``fn``, each round running about ``seconds / 5``."""
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < 0.02:
        fn()
        n += 1
    loops = max(1, int(n * seconds / 5 / 0.02))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter() - start) / loops)
    return best * 1e6


def load_revision(rev: str) -> ModuleType:
    """``grader/_codec.py`` as it was at git revision ``rev``, imported under its own name."""
    source = subprocess.run(
        ["git", "show", f"{rev}:grader/_codec.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "codec_at_revision.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("codec_at_revision", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(codec: ModuleType, value: Any, seconds: float) -> tuple[float, float, int]:
    data = codec.encode(value)
    codec.decode(data)  # it must round-trip before it is timed
    encode_us = per_call(lambda: codec.encode(value), seconds)
    return encode_us, per_call(lambda: codec.decode(data), seconds), len(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time spent on each measurement")
    parser.add_argument("--against", metavar="REV", help="also time grader/_codec.py at this git revision")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from grader import _codec

    codecs = {"codec": _codec}
    if args.against:
        codecs[args.against] = load_revision(args.against)
    totals: dict[str, list[float]] = {name: [0.0, 0.0] for name in [*codecs, "pickle"]}
    columns = ("codec", "bytes", "enc µs", "dec µs", "enc/pickle", "dec/pickle")
    print(f"{'message':34}", *(f"{c:>10}" for c in columns))
    for label, value in messages().items():
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        p_enc = per_call(lambda v=value: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL), args.seconds)
        p_dec = per_call(lambda d=data: pickle.loads(d), args.seconds)
        totals["pickle"][0] += p_enc
        totals["pickle"][1] += p_dec
        for name, codec in codecs.items():
            enc, dec, size = measure(codec, value, args.seconds)
            totals[name][0] += enc
            totals[name][1] += dec
            cells = (f"{name:>10}", f"{size:10d}", f"{enc:10.1f}", f"{dec:10.1f}")
            print(f"{label:34}", *cells, f"{enc / p_enc:10.2f}", f"{dec / p_dec:10.2f}")
    p_enc, p_dec = totals["pickle"]
    print(f"\nall messages: pickle {p_enc:.1f} µs encode, {p_dec:.1f} µs decode")
    for name in codecs:
        enc, dec = totals[name]
        print(f"{name:>10}: {enc:8.1f} µs encode ({enc / p_enc:.2f}x pickle),", end=" ")
        print(f"{dec:8.1f} µs decode ({dec / p_dec:.2f}x pickle)")
    if args.against:
        (new_enc, new_dec), (old_enc, old_dec) = totals["codec"], totals[args.against]
        print(f"speed-up over {args.against}:", end=" ")
        print(f"encode {old_enc / new_enc:.2f}x, decode {old_dec / new_dec:.2f}x")


if __name__ == "__main__":
    main()
