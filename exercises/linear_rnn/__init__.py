"""# A linear recurrent network that counts

Build, from scratch, the smallest recurrent network there is: it reads a sequence of 0s and 1s and
outputs how many 1s it saw. Its state is `s_k = x_k * wx + s_(k-1) * wRec` from `s_0 = 0`, with two
scalar weights, and its output is the last state. You write the forward pass through time, the mean
squared error and its gradient, backpropagation through time, a numerical gradient to check it, and
one step of Rprop. Trained with your functions, the network finds `wx = wRec = 1`: it counts exactly.

A batch of `m` sequences of length `T` is an array `X` of shape `(m, T)`; the targets `t` (shape `(m,)`)
are the row sums `X.sum(axis=1)`. Only numpy is needed."""

TITLE = "A linear recurrent network that counts"
REFERENCE = "reference.linear_rnn"
VERSION = "1"
EXERCISES = (
    "forward_states",
    "cost",
    "output_gradient",
    "backward_gradient",
    "numerical_gradient",
    "update_rprop",
)
