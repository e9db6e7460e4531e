"""Mistakes in char_rnn_loss(p, targets) -> float."""

from grader import mistake
from reference.char_rnn import np

EXERCISE = "char_rnn_loss"


@mistake(EXERCISE, "I took the mean over the time steps instead of the sum")
def mean_over_time(p, targets):
    return float(-np.mean(np.log(p[list(targets), np.arange(len(targets))])))


@mistake(EXERCISE, "I took the log of every probability, not only the target's")
def every_probability(p, targets):
    return float(-np.sum(np.log(p)))


@mistake(EXERCISE, "I forgot the minus sign in front of the log")
def no_minus(p, targets):
    return float(np.sum(np.log(p[list(targets), np.arange(len(targets))])))


@mistake(EXERCISE, "I wrote loss = instead of loss += in my loop, so only the last step counts")
def last_step_only(p, targets):
    for t in range(len(targets)):
        loss = -np.log(p[targets[t], t])
    return float(loss)


@mistake(EXERCISE, "I returned the loss of every time step instead of their sum")
def per_step(p, targets):
    return -np.log(p[list(targets), np.arange(len(targets))])


@mistake(EXERCISE, "I used np.log10 instead of the natural log")
def uses_log10(p, targets):
    return float(-np.sum(np.log10(p[list(targets), np.arange(len(targets))])))


@mistake(EXERCISE, "I used the highest probability of each step instead of the target's")
def argmax_instead_of_target(p, targets):
    return float(-np.sum(np.log(np.max(p, axis=0))))
