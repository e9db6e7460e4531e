"""Mistakes in forward_states(X, wx, wRec) -> S (m, T + 1)."""

from grader import mistake
from reference.linear_rnn import np

EXERCISE = "forward_states"


@mistake(EXERCISE, "I did not keep the initial state, so S has T columns instead of T + 1")
def no_initial_column(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1]))
    s = np.zeros(X.shape[0])
    for k in range(X.shape[1]):
        s = X[:, k] * wx + s * wRec
        S[:, k] = s
    return S


@mistake(EXERCISE, "I swapped the weights: the input times wRec and the state times wx")
def swapped_weights(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, k] * wRec + S[:, k] * wx
    return S


@mistake(EXERCISE, "I added the previous state without multiplying it by wRec")
def no_w_rec(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, k] * wx + S[:, k]
    return S


@mistake(EXERCISE, "I returned only the last state S[:, -1] instead of all of them")
def last_only(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, k] * wx + S[:, k] * wRec
    return S[:, -1]


@mistake(EXERCISE, "I went through the sequence from its end to its start")
def reversed_time(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, X.shape[1] - 1 - k] * wx + S[:, k] * wRec
    return S


@mistake(EXERCISE, "I used the input of the next step, X[:, k + 1], wrapping around at the end")
def next_input(X, wx, wRec):
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(X.shape[1]):
        S[:, k + 1] = X[:, (k + 1) % X.shape[1]] * wx + S[:, k] * wRec
    return S
