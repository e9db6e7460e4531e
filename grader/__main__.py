"""``python -m grader`` and the ``grader`` command (:func:`grader.cli.command`)."""

import gc
import os
import sys

# The grading process computes on small arrays only: a BLAS thread pool would not speed them up, and its
# threads would spin on the cores the workers need (numpy reads these when it is first imported).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# The imports below make tens of thousands of objects that all live as long as the command: collecting
# garbage among them only costs time. command() freezes them and turns the collector on again.
gc.disable()

# A command that grades starts its warm worker parent first: it loads numpy in its own process while this
# one imports the grader, pytest and nbformat (the parent asks for it again later: it is started once).
from ._forkserver import GRADING_COMMANDS, prestart  # noqa: E402  (the standard library only)

if len(sys.argv) > 1 and sys.argv[1] in GRADING_COMMANDS:
    prestart()

from .cli import command  # noqa: E402

if __name__ == "__main__":
    command()
