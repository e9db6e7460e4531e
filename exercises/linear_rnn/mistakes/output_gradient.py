"""Mistakes in output_gradient(y, t) -> dcost/dy (m,)."""

from grader import mistake
from reference.linear_rnn import np

EXERCISE = "output_gradient"


@mistake(EXERCISE, "I wrote t - y instead of y - t, so the gradient has the wrong sign")
def wrong_sign(y, t):
    return 2.0 * (t - y) / y.shape[0]


@mistake(EXERCISE, "I forgot the factor 2 from the square")
def no_two(y, t):
    return (y - t) / y.shape[0]


@mistake(EXERCISE, "I forgot to divide by m")
def no_mean(y, t):
    return 2.0 * (y - t)


@mistake(EXERCISE, "I summed the gradient over the samples into one number")
def summed(y, t):
    return float(np.sum(2.0 * (y - t) / y.shape[0]))


@mistake(EXERCISE, "I returned the squared errors (the cost per sample), not their derivative")
def the_cost(y, t):
    return (y - t) ** 2 / y.shape[0]
