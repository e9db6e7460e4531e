"""Exceptions of the grader.

Two families, kept apart on purpose::

    GraderError                 the grader cannot do what was asked (the CLI prints it and exits)
    ├── UsageError              wrong command line: no such path, unknown assignment (exit 2)
    ├── NotebookError           a submission cannot be read as a notebook (that submission scores 0)
    └── WorkerError             the worker process could not be started at all

    StudentFailure              student code failed while a check ran (that check fails, grading goes on)
    ├── StudentRaised           the student's function raised an exception
    ├── StudentTimeout          a call ran past its time limit; the worker was killed
    ├── StudentCrashed          the worker died (segfault, os._exit, memory limit)
    ├── MissingFunction         the notebook defines no function of that name
    └── BadReturn               the returned value cannot be brought back safely (size, type, cycle)

Every exception carries a message written for its reader, and an optional ``hint`` saying what to try.
"""

from __future__ import annotations


class GraderError(Exception):
    """Root of the errors that stop the grader from doing what was asked."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(GraderError):
    """The command line asks for something that does not exist."""

    exit_code = 2


class NotebookError(GraderError):
    """A submission is not a readable Jupyter notebook."""


class WorkerError(GraderError):
    """The isolated worker process could not be started."""


class StudentFailure(Exception):
    """Student code failed while a check was running; the check fails with ``message``."""

    status = "error"

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.message} ({self.location})" if self.location else self.message


class StudentRaised(StudentFailure):
    """The student's function raised an exception."""

    def __init__(
        self,
        exc_type: str,
        exc_message: str,
        *,
        frames: list[tuple[str, int, str]] | None = None,
        location: str | None = None,
    ) -> None:
        text = f"{exc_type}: {exc_message}" if exc_message else exc_type
        super().__init__(text, location=location)
        self.exc_type = exc_type
        self.exc_message = exc_message
        self.frames = frames or []


class StudentTimeout(StudentFailure):
    """A call into student code ran past its time limit."""

    status = "timeout"


class StudentCrashed(StudentFailure):
    """The worker process died while running student code."""


class MissingFunction(StudentFailure):
    """The notebook does not define the function a check needs."""

    status = "missing"


class BadReturn(StudentFailure):
    """The value returned by student code cannot be brought back safely."""
