"""# A SimpleRNN layer from scratch

Write a recurrent layer as a Python class, the way deep-learning libraries do: `SimpleRNN` keeps its
weights as attributes, `forward(X)` runs it over a batch of sequences, and `backward(dh)` propagates a
gradient back through time.

Inputs are **batch-major**: `X` has shape `(batch, n_sequences, n_features)`. The weights are `W_x`
`(n_features, n_units)`, `W_h` `(n_units, n_units)` and the bias `B` `(n_units,)`; the activation is
`tanh`. Only numpy is needed. Backward is checked against finite differences of your forward."""

TITLE = "A SimpleRNN layer from scratch"
REFERENCE = "reference.scratch_rnn"
VERSION = "1"
EXERCISES = ("SimpleRNN",)
