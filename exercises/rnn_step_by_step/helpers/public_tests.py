"""Stand-ins for the notebook's own test functions (``from public_tests import *``).

The grader does not run the notebook's test cells: it grades each function with its own suite. These
names exist so that the import works; calling one says where the real checks are.
"""

__all__ = ["lstm_cell_forward_test", "lstm_forward_test", "rnn_cell_forward_tests", "rnn_forward_test"]


def _not_here(target):
    print(
        f"{getattr(target, '__name__', target)} is checked by the grader: run `grader check` on the notebook"
    )


rnn_cell_forward_tests = rnn_forward_test = lstm_cell_forward_test = lstm_forward_test = _not_here
