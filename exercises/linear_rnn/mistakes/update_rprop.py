"""Mistakes in update_rprop(X, t, W, W_prev_sign, W_delta, eta_p, eta_n) -> (W_delta, W_sign); the
reference forward_states, output_gradient and backward_gradient stand in for the student's."""

from grader import mistake
from reference.linear_rnn import backward_gradient, forward_states, np, output_gradient

EXERCISE = "update_rprop"


@mistake(EXERCISE, "I grew the step with eta_n and shrank it with eta_p (the two factors swapped)")
def swapped_factors(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[1])
    W_sign = np.sign(np.asarray(grads, dtype=float))
    W_delta = np.where(W_sign == np.asarray(W_prev_sign), W_delta * eta_n, W_delta * eta_p)
    return W_delta, W_sign


@mistake(EXERCISE, "I returned the gradients themselves instead of their signs")
def gradients_not_signs(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[1])
    grads = np.asarray(grads, dtype=float)
    W_delta = np.where(np.sign(grads) == np.asarray(W_prev_sign), W_delta * eta_p, W_delta * eta_n)
    return W_delta, grads


@mistake(EXERCISE, "I passed W[0] as wRec to backward_gradient instead of W[1]")
def wrong_w_rec(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[0])
    W_sign = np.sign(np.asarray(grads, dtype=float))
    W_delta = np.where(W_sign == np.asarray(W_prev_sign), W_delta * eta_p, W_delta * eta_n)
    return W_delta, W_sign


@mistake(EXERCISE, "I added eta_p and eta_n to the step sizes instead of multiplying")
def adds_factors(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[1])
    W_sign = np.sign(np.asarray(grads, dtype=float))
    W_delta = np.where(W_sign == np.asarray(W_prev_sign), W_delta + eta_p, W_delta + eta_n)
    return W_delta, W_sign


@mistake(EXERCISE, "I returned the previous signs instead of the new ones")
def previous_signs(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[1])
    W_sign = np.sign(np.asarray(grads, dtype=float))
    W_delta = np.where(W_sign == np.asarray(W_prev_sign), W_delta * eta_p, W_delta * eta_n)
    return W_delta, np.asarray(W_prev_sign, dtype=float)


@mistake(EXERCISE, "I used the same factor for both weights: both grow when the first sign is unchanged")
def first_sign_decides(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grads, _ = backward_gradient(X, S, output_gradient(S[:, -1], t), W[1])
    W_sign = np.sign(np.asarray(grads, dtype=float))
    factor = eta_p if W_sign[0] == W_prev_sign[0] else eta_n
    return np.asarray(W_delta, dtype=float) * factor, W_sign
