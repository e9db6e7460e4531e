"""Mistakes in backward_gradient(X, S, grad_out, wRec) -> ((wx_grad, wRec_grad), grad_over_time)."""

from grader import mistake
from reference.linear_rnn import np

EXERCISE = "backward_gradient"


@mistake(
    EXERCISE, "I did not multiply by wRec when going back a step, so the gradient is the same at every state"
)
def no_recursion(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k]
    return (wx_grad, wRec_grad), grad_over_time


@mistake(EXERCISE, "I multiplied the gradient by the state S[:, k] instead of the previous state S[:, k - 1]")
def current_state(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * S[:, k])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake(EXERCISE, "I assigned wx_grad and wRec_grad at each step instead of adding them up")
def assigns(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad = np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad = np.sum(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake(EXERCISE, "I averaged over the samples (np.mean) instead of summing")
def mean_over_samples(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake(EXERCISE, "I returned the two gradients in the wrong order, (wRec_grad, wx_grad)")
def swapped(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wRec_grad, wx_grad), grad_over_time


@mistake(EXERCISE, "I stopped one step early and left out the first time step")
def skips_first_step(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 1, -1):
        wx_grad += np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time
