"""Build the corpus of ``char_rnn`` submissions used by tests/test_char_rnn_corpus.py.

Run from the repository root::

    .venv/bin/python tests/files/char_rnn/build.py

It (re)writes, deterministically, ``tests/files/char_rnn/*.ipynb`` and ``expected.json``: one correct
notebook written in a style of its own (explicit one-hot vectors, lists of columns stacked at the end,
its own softmax helper, a training cell), and notebooks that each hold exactly one realistic mistake in
one function. A mistake is the correct source with one text replacement; the script checks that the
replaced text is there.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

IMPORTS = "import numpy as np"

HELPERS = '''
def one_hot(index, size):
    x = np.zeros((size, 1))
    x[index] = 1.0
    return x


def softmax(z):
    z = z - z.max()
    return np.exp(z) / np.exp(z).sum()
'''

FORWARD = '''
def char_rnn_forward(inputs, h0, params):
    U, W, V = params["U"], params["W"], params["V"]
    n_v = U.shape[1]
    hs, ps = [], []
    h_prev = h0
    for ix in inputs:
        x = one_hot(ix, n_v)
        h_prev = np.tanh(np.dot(U, x) + np.dot(W, h_prev) + params["bh"])
        hs.append(h_prev)
        ps.append(softmax(np.dot(V, h_prev) + params["by"]))
    return np.hstack(hs), np.hstack(ps)
'''

LOSS = '''
def char_rnn_loss(p, targets):
    total = 0.0
    for t, target in enumerate(targets):
        total += -np.log(p[target, t])
    return total
'''

BACKWARD = '''
def char_rnn_backward(inputs, targets, h0, h, p, params):
    U, W, V = params["U"], params["W"], params["V"]
    n_v = U.shape[1]
    dU, dW, dV = np.zeros_like(U), np.zeros_like(W), np.zeros_like(V)
    dbh, dby = np.zeros_like(params["bh"]), np.zeros_like(params["by"])
    dh_next = np.zeros_like(h0)
    states = np.hstack([h0, h])  # states[:, t] is the state before step t
    for t in reversed(range(len(inputs))):
        dy = p[:, t:t + 1] - one_hot(targets[t], n_v)
        dV += np.dot(dy, h[:, t:t + 1].T)
        dby += dy
        dh = np.dot(V.T, dy) + dh_next
        draw = (1 - h[:, t:t + 1] ** 2) * dh
        dU += np.dot(draw, one_hot(inputs[t], n_v).T)
        dW += np.dot(draw, states[:, t:t + 1].T)
        dbh += draw
        dh_next = np.dot(W.T, draw)
    return {"dU": dU, "dW": dW, "dV": dV, "dbh": dbh, "dby": dby, "dh0": dh_next}
'''

STEP = '''
def clipped_sgd_step(params, grads, learning_rate=0.1, clip=5.0):
    new_params = {}
    for name in ["U", "W", "V", "bh", "by"]:
        g = np.maximum(np.minimum(grads["d" + name], clip), -clip)
        new_params[name] = params[name] - learning_rate * g
    return new_params
'''

TRAINING = '''
text = "hello world"
chars = sorted(set(text))
data = [chars.index(c) for c in text]
params = {"U": np.random.randn(8, len(chars)) * 0.1, "W": np.random.randn(8, 8) * 0.1,
          "V": np.random.randn(len(chars), 8) * 0.1, "bh": np.zeros((8, 1)), "by": np.zeros((len(chars), 1))}
for epoch in range(100):
    h, p = char_rnn_forward(data[:-1], np.zeros((8, 1)), params)
    grads = char_rnn_backward(data[:-1], data[1:], np.zeros((8, 1)), h, p, params)
    params = clipped_sgd_step(params, grads)
print(char_rnn_loss(p, data[1:]))
'''

CELLS = {"helpers": HELPERS, "forward": FORWARD, "loss": LOSS, "backward": BACKWARD, "step": STEP}

# name -> (cell, replaced text, replacement, exercise that must lose points, description)
MISTAKES = {
    "softmax_whole_matrix": (
        "forward",
        "        ps.append(softmax(np.dot(V, h_prev) + params[\"by\"]))\n    return np.hstack(hs), np.hstack(ps)",
        "    H = np.hstack(hs)\n    return H, softmax(np.dot(V, H) + params[\"by\"])",
        "char_rnn_forward",
        "the softmax of the whole score matrix at once",
    ),
    "zero_initial_state": (
        "forward",
        "h_prev = h0",
        "h_prev = np.zeros_like(h0)",
        "char_rnn_forward",
        "starts from zeros, not h0",
    ),
    "mean_loss": (
        "loss",
        "    return total",
        "    return total / len(targets)",
        "char_rnn_loss",
        "the mean over the steps",
    ),
    "no_tanh_derivative": (
        "backward",
        "draw = (1 - h[:, t:t + 1] ** 2) * dh",
        "draw = dh",
        "char_rnn_backward",
        "the tanh derivative is left out",
    ),
    "dh_next_not_added": (
        "backward",
        "dh = np.dot(V.T, dy) + dh_next",
        "dh = np.dot(V.T, dy)",
        "char_rnn_backward",
        "dh_next is not added",
    ),
    "clip_after_update": (
        "step",
        "        g = np.maximum(np.minimum(grads[\"d\" + name], clip), -clip)\n"
        "        new_params[name] = params[name] - learning_rate * g",
        "        new_params[name] = np.clip(params[name] - learning_rate * grads[\"d\" + name], -clip, clip)",
        "clipped_sgd_step",
        "clips the parameters after the update",
    ),
}


def notebook(cells: dict[str, str], *, metadata: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Character RNN"), nbformat.v4.new_code_cell(IMPORTS)]
    for source in cells.values():
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(source).strip("\n")))
    nb.cells.append(nbformat.v4.new_code_cell(TRAINING.strip("\n")))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    if metadata:
        nb.metadata["grader"] = {"assignment": "char_rnn"}
    return nb


def main() -> None:
    expected = [{"notebook": "correct_onehot_lists.ipynb", "loses": [], "about": "correct"}]
    nbformat.write(notebook(CELLS, metadata=False), HERE / expected[0]["notebook"])
    for name, (cell, old, new, loses, about) in MISTAKES.items():
        if CELLS[cell].count(old) != 1:
            raise SystemExit(f"{name}: the text to replace is not in the {cell} cell exactly once")
        cells = {**CELLS, cell: CELLS[cell].replace(old, new)}
        path = f"mistake_{name}.ipynb"
        nbformat.write(notebook(cells, metadata=True), HERE / path)
        expected.append({"notebook": path, "loses": [loses], "about": about})
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
