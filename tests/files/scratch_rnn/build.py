"""Writes the SimpleRNN notebooks of this folder: correct classes in three styles and mistaken ones.

Run from the repository root: ``python tests/files/scratch_rnn/build.py``.
"""

from pathlib import Path

import nbformat

HERE = Path(__file__).parent
EXAMPLE = """x = np.array([[[1, 2], [2, 3], [3, 4]]]) / 100
rnn = SimpleRNN(2, 4)
rnn.W_x = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100
rnn.W_h = np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100
rnn.B = np.array([1, 1, 1, 1])
print(rnn.forward(x))"""

NOTEBOOKS = {
    # weights made in __init__, a loop over time, states kept in a list
    "correct_init_loop": """
class SimpleRNN:
    def __init__(self, n_features, n_units, sigma=0.01):
        self.W_x = sigma * np.random.randn(n_features, n_units)
        self.W_h = sigma * np.random.randn(n_units, n_units)
        self.B = np.zeros(n_units)

    def forward(self, X):
        self.X = X.copy()
        h = np.zeros((X.shape[0], self.W_h.shape[0]))
        self.h_list = [h]
        for i in range(X.shape[1]):
            h = np.tanh(np.dot(X[:, i, :], self.W_x) + np.dot(h, self.W_h) + self.B)
            self.h_list.append(h)
        return h

    def backward(self, dh):
        dX = np.zeros_like(self.X)
        self.dW_x = np.zeros_like(self.W_x)
        self.dW_h = np.zeros_like(self.W_h)
        self.dB = np.zeros_like(self.B, dtype=float)
        for i in reversed(range(self.X.shape[1])):
            dA = dh * (1 - self.h_list[i + 1] ** 2)
            self.dB += np.sum(dA, axis=0)
            self.dW_x += np.dot(self.X[:, i, :].T, dA)
            self.dW_h += np.dot(self.h_list[i].T, dA)
            dX[:, i, :] = np.dot(dA, self.W_x.T)
            dh = np.dot(dA, self.W_h.T)
        return dX
""",
    # weights left as None until they are set, states in one preallocated array, einsum
    "correct_set_later_vectorised": """
class SimpleRNN:
    def __init__(self, n_features, n_units):
        self.n_features, self.n_units = n_features, n_units
        self.W_x = None
        self.W_h = None
        self.B = None

    def forward(self, X):
        batch, steps, _ = X.shape
        H = np.zeros((batch, steps + 1, self.n_units))
        for t in range(steps):
            H[:, t + 1] = np.tanh(X[:, t] @ self.W_x + H[:, t] @ self.W_h + self.B)
        self.cache = (X, H)
        return H[:, -1]

    def backward(self, dh):
        X, H = self.cache
        dA = np.zeros_like(H[:, 1:])
        for t in range(X.shape[1] - 1, -1, -1):
            dA[:, t] = dh * (1 - H[:, t + 1] ** 2)
            dh = dA[:, t] @ self.W_h.T
        self.dW_x = np.einsum("btf,btu->fu", X, dA)
        self.dW_h = np.einsum("btu,btv->uv", H[:, :-1], dA)
        self.dB = dA.sum(axis=(0, 1))
        return dA @ self.W_x.T
""",
    # weights kept in a dict behind properties, a helper method per step, prints while it runs
    "correct_properties": """
class SimpleRNN:
    def __init__(self, n_features, n_units):
        self.params = {"W_x": np.ones((n_features, n_units)), "W_h": np.eye(n_units), "B": np.zeros(n_units)}
        self.grads = {}

    @property
    def W_x(self):
        return self.params["W_x"]

    @W_x.setter
    def W_x(self, value):
        self.params["W_x"] = np.asarray(value, dtype=float)

    @property
    def W_h(self):
        return self.params["W_h"]

    @W_h.setter
    def W_h(self, value):
        self.params["W_h"] = np.asarray(value, dtype=float)

    @property
    def B(self):
        return self.params["B"]

    @B.setter
    def B(self, value):
        self.params["B"] = np.asarray(value, dtype=float)

    def step(self, x, h):
        return np.tanh(x @ self.W_x + h @ self.W_h + self.B)

    def forward(self, X):
        print("forward", X.shape)
        self.inputs = [X[:, t, :] for t in range(X.shape[1])]
        self.states = [np.zeros((X.shape[0], self.W_h.shape[1]))]
        for x in self.inputs:
            self.states.append(self.step(x, self.states[-1]))
        return self.states[-1]

    def backward(self, dh):
        dxs = []
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        for t in range(len(self.inputs), 0, -1):
            da = dh * (1 - self.states[t] ** 2)
            self.grads["W_x"] += self.inputs[t - 1].T @ da
            self.grads["W_h"] += self.states[t - 1].T @ da
            self.grads["B"] += da.sum(0)
            dxs.insert(0, da @ self.W_x.T)
            dh = da @ self.W_h.T
        self.dW_x, self.dW_h, self.dB = self.grads["W_x"], self.grads["W_h"], self.grads["B"]
        return np.stack(dxs, axis=1)
""",
    # the bias is a constant 1 written into forward; backward not written yet
    "mistake_constant_bias": """
class SimpleRNN:
    def __init__(self, n_features, n_units):
        self.W_x = np.random.randn(n_features, n_units)
        self.W_h = np.random.randn(n_units, n_units)
        self.B = np.zeros(n_units)

    def forward(self, X):
        h = np.zeros((X.shape[0], self.W_h.shape[0]))
        b = np.ones(self.W_h.shape[0])
        for i in range(X.shape[1]):
            h = np.tanh(X[:, i, :] @ self.W_x + h @ self.W_h + b)
        return h

    def backward(self, dh):
        pass
""",
    # backward takes (x, y, h) and updates the weights, as in a training step
    "mistake_backward_signature": """
class SimpleRNN:
    def __init__(self, n_features, n_units, learning_rate=0.01):
        self.lr = learning_rate
        self.W_x = self.W_h = self.B = None

    def forward(self, x):
        h = np.zeros((x.shape[0], self.W_h.shape[0]))
        self.hs = [h]
        for t in range(x.shape[1]):
            h = np.tanh(np.dot(x[:, t, :], self.W_x) + np.dot(h, self.W_h) + self.B)
            self.hs.append(h)
        return h

    def backward(self, x, y, h):
        dh_next = np.zeros_like(h)
        for t in reversed(range(x.shape[1])):
            dh = (h - y) * (1 - h ** 2) + dh_next
            self.W_x -= self.lr * np.dot(x[:, t, :].T, dh)
            dh_next = np.dot(dh, self.W_h.T)
""",
    # the tanh derivative is missing from backward
    "mistake_no_tanh_derivative": """
class SimpleRNN:
    def __init__(self, n_features, n_units):
        self.W_x = np.zeros((n_features, n_units))
        self.W_h = np.zeros((n_units, n_units))
        self.B = np.zeros(n_units)

    def forward(self, X):
        self.X = X
        self.hs = [np.zeros((X.shape[0], self.W_h.shape[0]))]
        for t in range(X.shape[1]):
            self.hs.append(np.tanh(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h + self.B))
        return self.hs[-1]

    def backward(self, dh):
        dX = np.zeros(self.X.shape)
        self.dW_x, self.dW_h, self.dB = np.zeros(self.W_x.shape), np.zeros(self.W_h.shape), np.zeros(len(self.B))
        for t in reversed(range(self.X.shape[1])):
            self.dW_x += self.X[:, t, :].T @ dh
            self.dW_h += self.hs[t].T @ dh
            self.dB += dh.sum(axis=0)
            dX[:, t, :] = dh @ self.W_x.T
            dh = dh @ self.W_h.T
        return dX
""",
}


def main() -> None:
    for name, code in NOTEBOOKS.items():
        cells = [
            nbformat.v4.new_markdown_cell("# SimpleRNN"),
            nbformat.v4.new_code_cell("import numpy as np"),
            nbformat.v4.new_code_cell(code.strip()),
            nbformat.v4.new_code_cell(EXAMPLE),
        ]
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["grader"] = {"assignment": "scratch_rnn"}
        nbformat.write(nb, HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
