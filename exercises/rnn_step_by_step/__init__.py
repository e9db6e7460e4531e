"""Building a recurrent neural network step by step: RNN and LSTM cells, forward and backward
through time, and the Adam optimizer (column-major batches, parameters in a dict)."""

TITLE = "Building a recurrent neural network, step by step"
REFERENCE = "reference.rnn_step_by_step"
HELPERS = "helpers"
VERSION = "1"
EXERCISES = (
    "rnn_cell_forward",
    "rnn_forward",
    "lstm_cell_forward",
    "lstm_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "lstm_cell_backward",
    "lstm_backward",
    "initialize_adam",
    "update_parameters_with_adam",
)
