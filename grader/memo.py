"""Remembering results by their arguments, in the grading process.

:func:`memo_key` digests a call (the checks' own values, never a student's). :class:`RememberedModule`
is the reference module as the checks see it: each of its functions computes a result once per distinct
arguments for the whole grading process, so a check's expected values are not recomputed for every
submission. The reference functions are pure; a remembered result is shared by its callers, read-only.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import threading
import types
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

from . import _codec

LIMIT = 4096  # results kept per module; the memo starts afresh when it is full
LIMIT_BYTES = 256 * 2**20  # ... or when their arrays would take more than this


def memo_key(call: list[Any]) -> bytes:
    """A digest of a call's name and arguments; empty (never remembered) when the codec cannot say
    all of them exactly.

    The digest is of the codec's message: an exact byte image of arrays, containers, numbers and
    strings, several times quicker to make than pickle's. Values equal but built differently (shared
    parts, dict order) may get different keys: that only costs a call. Arguments the message would
    carry as less than they are (a lambda, an ndarray subclass, a numpy scalar) get no key: one call's
    result could otherwise be taken for another's."""
    try:
        data = _codec.encode_exact(call)
    except (_codec.CodecError, RecursionError):
        return b""
    return hashlib.blake2b(data, digest_size=16).digest() if data is not None else b""


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    """A deep copy of what reference functions and input builders return (arrays, and dicts, lists and
    tuples of them), keeping shared parts shared; anything else is left to ``copy.deepcopy``. Several
    times faster than ``deepcopy`` for these, which is what the checks' inputs are made of."""
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
            if type(v) is np.ndarray and id(v) not in memo:  # the usual item, copied here: quicker
                memo[id(v)] = result[k] = v.copy()
            else:
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
_T = TypeVar("_T")


class TextMemo(Generic[_T]):
    """A pure function of one text, remembered by the text (the ``maxsize`` most recent) when it is at
    most ``max_chars`` long: what a class's notebooks share is short, and what is made from a long text
    is large, so a long one is worked on every time and memory stays bounded."""

    def __init__(self, function: Callable[[str], _T], *, max_chars: int, maxsize: int) -> None:
        functools.update_wrapper(self, function)
        self._function = function
        self._remembered = functools.lru_cache(maxsize=maxsize)(function)
        self._max_chars = max_chars

    def __call__(self, text: str) -> _T:
        return self._remembered(text) if len(text) <= self._max_chars else self._function(text)

    def cache_info(self) -> Any:
        return self._remembered.cache_info()


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
    """``module`` with its plain functions remembered (classes and other attributes are its own).

    A result is computed once per distinct arguments, on a copy of them (a caller that changes its
    arguments afterwards cannot change it), and then frozen: its arrays are made read-only, and every
    caller gets that same result, with no copy to pay for. A check must not change the lists and dicts
    in it either: :meth:`audit` finds a result that changed since it was computed, and forgets it. A
    result holding anything but arrays, containers and plain values is copied for each caller instead.
    """

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__wrapped__ = module
        # key -> (result, whether it is frozen (shared) or copied for each caller, its name, its digest)
        self._results: dict[bytes, tuple[Any, bool, str, bytes]] = {}
        self._given: set[bytes] = set()  # keys of the shared results handed out since the last audit
        # id of a shared result or of an item of one -> (it, a name for it made of its digest)
        self._parts: dict[int, tuple[Any, str]] = {}
        self._functions: dict[str, Callable[..., Any]] = {}
        self._bytes = 0  # what the arrays of the kept results take
        self._lock = threading.Lock()

    # Its own methods start with "_": every other name is the module's (a reference function may be
    # called ``audit`` or ``key``); :func:`audit` and :func:`call_key` are their public face.
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._function(name)

    def _function(self, name: str) -> Any:
        """``module.name``, remembered when it is a plain function."""
        found = self._functions.get(name)
        if found is not None:
            return found
        value = getattr(self.__wrapped__, name)
        if not isinstance(value, types.FunctionType):
            return value

        @functools.wraps(value)
        def remembered(*args: Any, **kwargs: Any) -> Any:
            key = self._key([name, list(args), kwargs])
            if not key:  # arguments that cannot be digested: computed every time
                return value(*args, **kwargs)
            entry = self._results.get(key)
            if entry is None:
                # an exception is raised, never remembered
                result = value(*_copy(list(args), {}), **_copy(kwargs, {}))
                size = _freeze(result, set())
                if size > LIMIT_BYTES // 64:  # a huge result (from huge arguments) is not kept
                    return result
                shared = size >= 0
                entry = (result, shared, name, memo_key([result]) if shared else b"")
                with self._lock:
                    if len(self._results) >= LIMIT or self._bytes + size > LIMIT_BYTES:
                        self._results.clear()
                        self._given.clear()
                        self._parts.clear()
                        self._bytes = 0
                    self._results[key] = entry
                    self._bytes += max(size, 0)
                    if shared and entry[3]:
                        self._name_parts(result, entry[3])
            if not entry[1]:
                return _copy(entry[0], {})
            self._given.add(key)
            return entry[0]

        self._functions[name] = remembered
        return remembered

    def _name_parts(self, result: Any, digest: bytes) -> None:
        """Name a shared result and its items (a cache in a tuple of results, an array in a dict), so
        that a caller passing one on as an argument does not pay for walking it again."""
        self._parts[id(result)] = (result, digest.hex())
        items = result.values() if type(result) is dict else result if type(result) in (list, tuple) else ()
        for item in items:
            if type(item) in (dict, list, tuple, np.ndarray) and id(item) not in self._parts:
                data = _codec.encode_exact(item)
                if data is not None:
                    self._parts[id(item)] = (item, hashlib.blake2b(data, digest_size=16).hexdigest())

    def _named(self, value: Any) -> Any:
        found = self._parts.get(id(value))
        return value if found is None or found[0] is not value else ("\0a shared result", found[1])

    def _key(self, call: list[Any]) -> bytes:
        if self._parts:
            args = [self._named(a) for a in call[1]]
            kwargs = {k: self._named(v) for k, v in call[2].items()}
            call = [call[0], args, kwargs, *call[3:]]
        return memo_key(call)

    def _audit(self) -> list[str]:
        with self._lock:
            given, self._given = self._given, set()
            changed = []
            for key in given:
                entry = self._results.get(key)
                if entry is not None and memo_key([entry[0]]) != entry[3]:
                    del self._results[key]
                    changed.append(entry[2])
            if changed:  # the names of its parts no longer say what they hold
                self._parts.clear()
        return sorted(set(changed))


def audit(module: RememberedModule) -> list[str]:
    """The functions whose results, handed out since the last audit, were changed by a caller (a list
    or dict in them edited); those results are forgotten, so later callers get them afresh."""
    return module._audit()


def call_key(reference: types.ModuleType, call: list[Any]) -> bytes:
    """:func:`memo_key` of ``[name, args, kwargs, ...]``; with a :class:`RememberedModule`, an argument
    that is one of its shared results (or an item of one) is named instead of walked."""
    return reference._key(call) if isinstance(reference, RememberedModule) else memo_key(call)


def _freeze(value: Any, seen: set[int]) -> int:
    """Make every array in ``value`` read-only; return the bytes they hold, or -1 when ``value`` holds
    anything but arrays, dicts, lists, tuples and plain values (a caller could change such an object:
    it gets a copy of its own)."""
    cls = type(value)
    if cls is float or cls is int or cls is str or cls is bool or value is None:
        return 0
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if cls is np.ndarray:
        value.flags.writeable = False
        return int(value.nbytes)
    if cls is dict:
        parts = [_freeze(part, seen) for pair in value.items() for part in pair]
    elif cls is list or cls is tuple:
        parts = [_freeze(item, seen) for item in value]
    else:
        return -1
    return -1 if -1 in parts else sum(parts)


class ReplyMemo:
    """The grading process's replies to stand-in requests, remembered by the request's own bytes.

    When a student's function calls a stand-in (the reference ``rnn_cell_forward`` inside their
    ``rnn_forward``), the worker sends the call's name and arguments as a message. Submissions that
    compute the same arguments send the same bytes, and the reference is pure, so the reply to those
    bytes is always the same: it is kept, and sent again without decoding the request, calling the
    reference or encoding the reply. A kept reply is only sent for the same name when the call being
    served resolves it to the very same function (the stand-ins it allows, the same reference)."""

    def __init__(self, limit_bytes: int = 64 * 2**20) -> None:
        self._replies: dict[bytes, tuple[str, Callable[..., Any], bytes]] = {}
        self._size = 0
        self._limit = limit_bytes
        self._lock = threading.Lock()

    @staticmethod
    def key(request: bytes) -> bytes:
        return hashlib.blake2b(request, digest_size=16).digest()

    def find(self, key: bytes, resolve: Callable[[str], Callable[..., Any]] | None) -> bytes | None:
        """The reply kept for the request ``key``, when ``resolve`` gives its name the same function."""
        found = self._replies.get(key)
        if found is None or resolve is None:
            return None
        name, function, reply = found
        try:
            same = resolve(name) is function
        except Exception:  # a stand-in this call does not allow: answered the long way, with its error
            return None
        return reply if same else None

    def keep(self, key: bytes, name: str, function: Callable[..., Any], reply: bytes) -> None:
        with self._lock:
            if len(reply) > self._limit // 64:
                return
            if self._size + len(reply) > self._limit:
                self._replies.clear()
                self._size = 0
            old = self._replies.get(key)  # kept for another function (an earlier stream's reference)
            self._size += len(reply) - (len(old[2]) if old else 0)
            self._replies[key] = (name, function, reply)
