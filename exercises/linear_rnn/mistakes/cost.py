"""Mistakes in cost(y, t) -> the mean squared error."""

from grader import mistake
from reference.linear_rnn import np

EXERCISE = "cost"


@mistake(EXERCISE, "I summed the squared errors without dividing by m")
def no_mean(y, t):
    return float(((t - y) ** 2).sum())


@mistake(EXERCISE, "I took the square root of the mean (the RMSE)")
def rmse(y, t):
    return float(np.sqrt(np.mean((t - y) ** 2)))


@mistake(EXERCISE, "I used the absolute differences instead of squaring them")
def absolute(y, t):
    return float(np.mean(np.abs(t - y)))


@mistake(EXERCISE, "I divided by 2m, as in the half mean squared error")
def half(y, t):
    return float(((t - y) ** 2).sum() / (2 * y.shape[0]))


@mistake(EXERCISE, "I squared the mean difference instead of taking the mean of the squares")
def square_of_mean(y, t):
    return float(np.mean(t - y) ** 2)


@mistake(EXERCISE, "I returned the squared error of each sample instead of their mean")
def per_sample(y, t):
    return (t - y) ** 2 / y.shape[0]
