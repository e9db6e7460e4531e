"""The grader's cache on disk: what is the same on every run of one version of an assignment (the
reference gradients, by finite differences) and of the grader (its compiled report templates).

It lives in ``$GRADER_CACHE_DIR``, else in the user's cache folder (``~/.cache/rnn-grader`` on Linux,
found by platformdirs); ``GRADER_CACHE_DIR=`` (empty) turns it off. A folder the user does not own, or
that others may write to, is not used. A cache that cannot be read or written costs only time: the value
is computed as if there were none. Nothing in it is trusted blindly: gradients are filed under a digest
of everything they are computed from, and checked again when read (:func:`grader.numerical_gradients`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ENVIRONMENT = "GRADER_CACHE_DIR"


def folder(kind: str) -> Path | None:
    """The cache folder for ``kind`` (created, private to the user), or None when there is none to use."""
    root = os.environ.get(ENVIRONMENT)
    if root == "":
        return None
    if root is None:
        import platformdirs  # only when the cache is used

        root = platformdirs.user_cache_dir("rnn-grader", appauthor=False)
    path = Path(root) / kind
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None  # someone else could have put what it holds there
    return path


@functools.cache
def file_digest(path: str) -> bytes:
    """The sha256 of a file's bytes (a source the cached values are computed from), read once."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def load_arrays(path: Path, count: int) -> list[np.ndarray] | None:
    """The ``count`` arrays stored by :func:`save_arrays`, or None when they cannot be read as such."""
    try:
        with open(path, "rb") as file:  # closed here whatever np.load makes of its bytes
            stored = np.load(file, allow_pickle=False)
            if not isinstance(stored, np.lib.npyio.NpzFile) or len(stored.files) != count:
                return None
            return [stored[f"arr_{i}"] for i in range(count)]
    except Exception:  # missing, truncated, damaged: computed again
        return None


def save_arrays(path: Path, arrays: Sequence[np.ndarray]) -> None:
    """Store ``arrays`` at ``path`` (whole or not at all); a failure is silent."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            np.savez(out, *arrays)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
