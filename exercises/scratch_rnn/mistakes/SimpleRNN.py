"""Mistakes in the SimpleRNN class: each mutant subclasses the reference and rewrites one method."""

from grader import mistake
from reference.scratch_rnn import SimpleRNN, np

EXERCISE = "SimpleRNN"


# -- forward ---------------------------------------------------------------------------------------------


@mistake(EXERCISE, "I left the bias B out of the step")
class no_bias(SimpleRNN):
    def forward(self, X):
        self.X = X
        self.hs = [np.zeros((X.shape[0], self.W_h.shape[0]))]
        for t in range(X.shape[1]):
            self.hs.append(np.tanh(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h))
        return self.hs[-1]


@mistake(EXERCISE, "I multiplied the previous state by W_h.T instead of W_h")
class transposed_w_h(SimpleRNN):
    def forward(self, X):
        self.X = X
        self.hs = [np.zeros((X.shape[0], self.W_h.shape[0]))]
        for t in range(X.shape[1]):
            self.hs.append(np.tanh(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h.T + self.B))
        return self.hs[-1]


@mistake(EXERCISE, "I forgot the tanh, so each state is just X_t W_x + h W_h + B")
class no_tanh(SimpleRNN):
    def forward(self, X):
        self.X = X
        self.hs = [np.zeros((X.shape[0], self.W_h.shape[0]))]
        for t in range(X.shape[1]):
            self.hs.append(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h + self.B)
        return self.hs[-1]


@mistake(EXERCISE, "I returned the hidden states of every time step instead of the last one")
class all_states(SimpleRNN):
    def forward(self, X):
        super().forward(X)
        return np.stack(self.hs[1:], axis=1)


@mistake(EXERCISE, "I started from h = tanh(B) instead of zeros")
class h0_not_zero(SimpleRNN):
    def forward(self, X):
        self.X = X
        self.hs = [np.tanh(np.zeros((X.shape[0], self.W_h.shape[0])) + self.B)]
        for t in range(X.shape[1]):
            self.hs.append(np.tanh(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h + self.B))
        return self.hs[-1]


@mistake(EXERCISE, "I kept h in self between calls, so a second forward starts from the last state")
class keeps_state(SimpleRNN):
    def forward(self, X):
        self.X = X
        if getattr(self, "h", None) is None or self.h.shape[0] != X.shape[0]:
            self.h = np.zeros((X.shape[0], self.W_h.shape[0]))
        self.hs = [self.h]
        for t in range(X.shape[1]):
            self.hs.append(np.tanh(X[:, t, :] @ self.W_x + self.hs[-1] @ self.W_h + self.B))
        self.h = self.hs[-1]
        return self.h


# -- backward --------------------------------------------------------------------------------------------


@mistake(EXERCISE, "I forgot the tanh derivative (1 - h**2) in backward")
class no_tanh_derivative(SimpleRNN):
    def backward(self, dh):
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        self.dW_x, self.dW_h, self.dB = (
            np.zeros(self.W_x.shape),
            np.zeros(self.W_h.shape),
            np.zeros(len(self.B)),
        )
        for t in reversed(range(X.shape[1])):
            da = dh
            self.dW_x += X[:, t, :].T @ da
            self.dW_h += hs[t].T @ da
            self.dB += da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
            dh = da @ self.W_h.T
        return dX


@mistake(EXERCISE, "I used the state h_t instead of the previous state h_(t-1) for dW_h")
class dw_h_current_state(SimpleRNN):
    def backward(self, dh):
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        self.dW_x, self.dW_h, self.dB = (
            np.zeros(self.W_x.shape),
            np.zeros(self.W_h.shape),
            np.zeros(len(self.B)),
        )
        for t in reversed(range(X.shape[1])):
            da = dh * (1 - hs[t + 1] ** 2)
            self.dW_x += X[:, t, :].T @ da
            self.dW_h += hs[t + 1].T @ da
            self.dB += da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
            dh = da @ self.W_h.T
        return dX


@mistake(EXERCISE, "I did not pass the gradient back to the previous step (dh stays the same at every step)")
class no_recurrent_gradient(SimpleRNN):
    def backward(self, dh):
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        self.dW_x, self.dW_h, self.dB = (
            np.zeros(self.W_x.shape),
            np.zeros(self.W_h.shape),
            np.zeros(len(self.B)),
        )
        for t in reversed(range(X.shape[1])):
            da = dh * (1 - hs[t + 1] ** 2)
            self.dW_x += X[:, t, :].T @ da
            self.dW_h += hs[t].T @ da
            self.dB += da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
        return dX


@mistake(EXERCISE, "I passed the gradient back with W_h instead of W_h.T")
class untransposed_w_h(SimpleRNN):
    def backward(self, dh):
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        self.dW_x, self.dW_h, self.dB = (
            np.zeros(self.W_x.shape),
            np.zeros(self.W_h.shape),
            np.zeros(len(self.B)),
        )
        for t in reversed(range(X.shape[1])):
            da = dh * (1 - hs[t + 1] ** 2)
            self.dW_x += X[:, t, :].T @ da
            self.dW_h += hs[t].T @ da
            self.dB += da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
            dh = da @ self.W_h
        return dX


@mistake(EXERCISE, "I divided the weight gradients by the batch size")
class averaged_over_batch(SimpleRNN):
    def backward(self, dh):
        dX = super().backward(dh)
        batch = dh.shape[0]
        self.dW_x, self.dW_h, self.dB = self.dW_x / batch, self.dW_h / batch, self.dB / batch
        return dX


@mistake(EXERCISE, "I assigned dW_x, dW_h and dB at each step instead of adding them up")
class assigns(SimpleRNN):
    def backward(self, dh):
        X, hs = self.X, self.hs
        dX = np.zeros(X.shape)
        for t in reversed(range(X.shape[1])):
            da = dh * (1 - hs[t + 1] ** 2)
            self.dW_x = X[:, t, :].T @ da
            self.dW_h = hs[t].T @ da
            self.dB = da.sum(axis=0)
            dX[:, t, :] = da @ self.W_x.T
            dh = da @ self.W_h.T
        return dX


@mistake(EXERCISE, "I never reset dW_x, dW_h, dB, so each backward adds to the last one's gradients")
class never_reset(SimpleRNN):
    def backward(self, dh):
        before = [getattr(self, n, 0) for n in ("dW_x", "dW_h", "dB")]
        dX = super().backward(dh)
        self.dW_x, self.dW_h, self.dB = self.dW_x + before[0], self.dW_h + before[1], self.dB + before[2]
        return dX


@mistake(EXERCISE, "I updated the weights with the gradients inside backward")
class updates_weights(SimpleRNN):
    def backward(self, dh):
        dX = super().backward(dh)
        self.W_x = self.W_x - 0.01 * self.dW_x
        self.W_h = self.W_h - 0.01 * self.dW_h
        self.B = self.B - 0.01 * self.dB
        return dX
