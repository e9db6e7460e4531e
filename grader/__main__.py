"""``python -m grader`` and the ``grader`` command (:func:`grader.cli.command`)."""

import gc

# The imports below make tens of thousands of objects that all live as long as the command: collecting
# garbage among them only costs time. command() freezes them and turns the collector on again.
gc.disable()

from .cli import command  # noqa: E402

if __name__ == "__main__":
    command()
