"""# A character-level RNN

A recurrent network that reads a text one character at a time and, after each character, gives the
probability of every character that may come next. Characters are indices into a vocabulary of `n_v`
characters: character `i` is the one-hot column vector with a 1 in row `i`.

The parameters are a dict: `U` `(n_h, n_v)` takes the input to the hidden state, `W` `(n_h, n_h)` the
previous hidden state to the new one, `V` `(n_v, n_h)` the hidden state to the output scores, and
`bh` `(n_h, 1)`, `by` `(n_v, 1)` are the biases. You write the forward pass over a sequence, its
cross-entropy loss, the gradients of every parameter by backpropagation through time, and a clipped
gradient-descent step: together they train the network on a text.
"""

TITLE = "A character-level RNN: forward, loss, backpropagation through time, clipped SGD"
REFERENCE = "reference.char_rnn"
VERSION = "1"
EXERCISES = (
    "char_rnn_forward",
    "char_rnn_loss",
    "char_rnn_backward",
    "clipped_sgd_step",
)
