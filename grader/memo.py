"""Remembering results by their arguments, in the grading process.

:func:`memo_key` digests a call (the checks' own values, never a student's). :class:`RememberedModule`
is the reference module as the checks see it: each of its functions computes a result once per distinct
arguments for the whole grading process, so a check's expected values are not recomputed for every
submission. The reference functions are pure; each caller gets its own copy of a remembered result, so a
check that changes what it got cannot change what the next one gets.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import pickle
import threading
import types
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

LIMIT = 4096  # results kept per module; the memo starts afresh when it is full


def memo_key(call: list[Any]) -> bytes:
    """A digest of a call's name and arguments; empty (never remembered) when they cannot be pickled.

    pickle only serializes here, it never loads; it is an exact, fast byte image of arrays and
    containers. Values equal but built differently may get different keys: that only costs a call.
    Arguments pickle cannot take (a lambda, say) get no key: any other image would tell two such
    objects apart only by their type, and one call's result would be taken for another's."""
    try:
        data = pickle.dumps(call, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return b""
    return hashlib.blake2b(data, digest_size=16).digest()


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    """A deep copy of what reference functions return (arrays, and dicts, lists and tuples of them),
    keeping shared parts shared; anything else is left to ``copy.deepcopy``. Several times faster
    than ``deepcopy`` for these, which is what the checks' expected values are made of."""
    cls = type(value)
    if cls is float or cls is int or cls is str or cls is bool or value is None:
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if cls is np.ndarray:
        memo[key] = result = value.copy()
    elif cls is dict:
        memo[key] = result = {}
        for k, v in value.items():
            result[k] = _copy(v, memo)
    elif cls is list:
        memo[key] = result = []
        result.extend(_copy(v, memo) for v in value)
    elif cls is tuple:
        result = tuple(_copy(v, memo) for v in value)
        memo[key] = result
    else:
        memo[key] = result = copy.deepcopy(value)
    return result


_F = TypeVar("_F", bound=Callable[..., Any])


def remember(function: _F) -> _F:
    """Decorate a function of hashable arguments that builds a check's inputs (``@remember def
    lstm_parameters(case)``): it runs once per arguments, and each call gets its own copy of what it
    returned, so a check may change its inputs freely."""
    results: dict[Any, Any] = {}

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        try:
            result = results[key]
        except KeyError:
            result = results[key] = function(*args, **kwargs)
        return _copy(result, {})

    return remembered  # type: ignore[return-value]


class RememberedModule(types.ModuleType):
    """``module`` with its plain functions remembered (classes and other attributes are its own)."""

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__wrapped__ = module
        self._results: dict[bytes, Any] = {}
        self._functions: dict[tuple[str, bool], Callable[..., Any]] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.function(name)

    def function(self, name: str, *, copies: bool = True) -> Any:
        """``module.name``, remembered when it is a plain function. ``copies=False`` hands out the
        remembered result itself, for a caller that only reads it (and encodes it, say)."""
        found = self._functions.get((name, copies))
        if found is not None:
            return found
        value = getattr(self.__wrapped__, name)
        if not isinstance(value, types.FunctionType):
            return value

        @functools.wraps(value)
        def remembered(*args: Any, **kwargs: Any) -> Any:
            key = memo_key([name, list(args), kwargs])
            if not key:  # arguments that cannot be digested: computed every time
                return value(*args, **kwargs)
            try:
                result = self._results[key]
            except KeyError:
                result = value(*args, **kwargs)  # an exception is raised, never remembered
                with self._lock:
                    if len(self._results) >= LIMIT:
                        self._results.clear()
                    self._results[key] = result
            return _copy(result, {}) if copies else result

        self._functions[(name, copies)] = remembered
        return remembered
