"""Mistakes in numerical_gradient(X, t, wx, wRec, eps) -> (grad_wx, grad_wRec); the reference
forward_states and cost stand in for the student's."""

from grader import mistake
from reference.linear_rnn import cost, forward_states

EXERCISE = "numerical_gradient"


@mistake(EXERCISE, "I used a forward difference (C(w + eps) - C(w)) / eps instead of a central one")
def forward_difference(X, t, wx, wRec, eps=1e-7):
    c = cost(forward_states(X, wx, wRec)[:, -1], t)
    grad_wx = (cost(forward_states(X, wx + eps, wRec)[:, -1], t) - c) / eps
    grad_wRec = (cost(forward_states(X, wx, wRec + eps)[:, -1], t) - c) / eps
    return grad_wx, grad_wRec


@mistake(EXERCISE, "I divided the central difference by eps instead of 2 eps")
def divides_by_eps(X, t, wx, wRec, eps=1e-7):
    plus = cost(forward_states(X, wx + eps, wRec)[:, -1], t)
    minus = cost(forward_states(X, wx - eps, wRec)[:, -1], t)
    grad_wx = (plus - minus) / eps
    plus = cost(forward_states(X, wx, wRec + eps)[:, -1], t)
    minus = cost(forward_states(X, wx, wRec - eps)[:, -1], t)
    return grad_wx, (plus - minus) / eps


@mistake(EXERCISE, "I did not put wx back after perturbing it, so wRec's difference is taken at wx - eps")
def no_reset(X, t, wx, wRec, eps=1e-7):
    params = [wx, wRec]
    grads = []
    for i in range(2):
        params[i] += eps
        plus = cost(forward_states(X, params[0], params[1])[:, -1], t)
        params[i] -= 2 * eps
        minus = cost(forward_states(X, params[0], params[1])[:, -1], t)
        grads.append((plus - minus) / (2 * eps))
    return grads[0], grads[1]


@mistake(EXERCISE, "I perturbed wx and wRec together instead of one at a time")
def both_at_once(X, t, wx, wRec, eps=1e-7):
    plus = cost(forward_states(X, wx + eps, wRec + eps)[:, -1], t)
    minus = cost(forward_states(X, wx - eps, wRec - eps)[:, -1], t)
    grad = (plus - minus) / (2 * eps)
    return grad, grad


@mistake(EXERCISE, "I ignored the eps argument and always used 1e-7")
def fixed_eps(X, t, wx, wRec, eps=1e-7):
    eps = 1e-7
    grads = []
    for dwx, dwr in ((eps, 0.0), (0.0, eps)):
        plus = cost(forward_states(X, wx + dwx, wRec + dwr)[:, -1], t)
        minus = cost(forward_states(X, wx - dwx, wRec - dwr)[:, -1], t)
        grads.append((plus - minus) / (2 * eps))
    return grads[0], grads[1]


@mistake(EXERCISE, "I took the differences of the sum of the outputs instead of the cost")
def of_outputs(X, t, wx, wRec, eps=1e-7):
    grads = []
    for dwx, dwr in ((eps, 0.0), (0.0, eps)):
        plus = forward_states(X, wx + dwx, wRec + dwr)[:, -1].sum()
        minus = forward_states(X, wx - dwx, wRec - dwr)[:, -1].sum()
        grads.append((plus - minus) / (2 * eps))
    return grads[0], grads[1]
