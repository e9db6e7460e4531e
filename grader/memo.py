"""Remembering results by their arguments, in the grading process.

:func:`memo_key` digests a call (the checks' own values, never a student's). :class:`RememberedModule`
is the reference module as the checks see it: each of its functions computes a result once per distinct
arguments for the whole grading process, so a check's expected values are not recomputed for every
submission. The reference functions are pure; a remembered result is shared by its callers, read-only.
:func:`remember` does the same for the builders of the checks' inputs. :func:`call_key` keys a call by
names for what these handed out, computed once, instead of walking the arrays again.
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
    lstm_parameters(case)``): it runs once per arguments, and what it returned is kept read-only.

    Each call gets dicts, lists and tuples of its own, which a check may change freely (add, replace or
    remove an item); the arrays in them are the kept ones, shared by every call and read-only: writing
    into one raises ``ValueError: assignment destination is read-only`` (copy it first:
    ``x = x.copy()``). So no array is copied, and a call given what a builder handed out (an array, or a
    dict, list or tuple not changed since) is keyed by a digest computed once, not by walking its
    values. A result holding other objects is copied whole for each call instead."""
    results: dict[Any, tuple[Any, _Plan | None]] = {}

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        try:
            result, plan = results[key]
        except KeyError:
            result = function(*args, **kwargs)
            plan = _Plan.make(result) if _freeze(result, set()) >= 0 else None
            results[key] = (result, plan)
        return plan.hand_out(result) if plan is not None else _copy(result, {})

    return remembered  # type: ignore[return-value]


def _digest_name(value: Any) -> str | None:
    try:
        data = _codec.encode_exact(value)
    except (_codec.CodecError, RecursionError):
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest() if data is not None else None


# What builders handed out, by id: the kept arrays (they live as long as the builders' results), and the
# dicts, lists and tuples made for each call, with what they held then (the last ``LIMIT`` of them)
_ARRAYS: dict[int, tuple[np.ndarray, str]] = {}
_Checks = tuple[tuple[Any, tuple[Any, ...], tuple[int, ...]], ...]
_HANDED: dict[int, tuple[Any, str, _Checks]] = {}


class _Plan:
    """How to hand out a kept result: the digest name of each of its dicts, lists and tuples."""

    __slots__ = ("names",)

    def __init__(self, names: dict[int, str | None]) -> None:
        self.names = names

    @classmethod
    def make(cls, result: Any) -> _Plan:
        names: dict[int, str | None] = {}
        pending = [result]
        while pending:
            value = pending.pop()
            kind = type(value)
            if id(value) in names:
                continue
            if kind is np.ndarray:
                name = names[id(value)] = _digest_name(value)
                if name is not None:
                    _ARRAYS[id(value)] = (value, name)
            elif kind is dict or kind is list or kind is tuple:
                names[id(value)] = _digest_name(value)
                pending.extend(value.values() if kind is dict else value)
        return cls(names)

    def hand_out(self, result: Any) -> Any:
        if len(_HANDED) >= LIMIT:
            _HANDED.clear()
        return self._rebuild(result, {})[0]

    def _rebuild(self, value: Any, made: dict[int, tuple[Any, _Checks]]) -> tuple[Any, _Checks]:
        """``value`` with containers of its own, and (container, keys, ids) of each dict and list in it."""
        kind = type(value)
        if kind is not dict and kind is not list and kind is not tuple:
            return value, ()
        done = made.get(id(value))
        if done is not None:  # shared in the kept result: shared in the copy too
            return done
        state: list[Any] = []
        if kind is dict:
            new: Any = {}
            for k, v in value.items():
                new[k], inner = self._rebuild(v, made)
                state.extend(inner)
            state.append((new, tuple(new), tuple(map(id, new.values()))))
        else:
            items = []
            for v in value:
                item, inner = self._rebuild(v, made)
                items.append(item)
                state.extend(inner)
            new = items if kind is list else tuple(items)
            if kind is list:
                state.append((new, (), tuple(map(id, new))))
        checks = tuple(state)
        made[id(value)] = (new, checks)
        name = self.names.get(id(value))
        if name is not None:
            _HANDED[id(new)] = (new, name, checks)
        return new, checks


def _input_name(value: Any) -> str | None:
    """The digest name of what a builder handed out, when ``value`` is that and holds the same still."""
    kind = type(value)
    if kind is np.ndarray:
        found = _ARRAYS.get(id(value))
        return found[1] if found is not None and found[0] is value else None
    if kind is not dict and kind is not list and kind is not tuple:
        return None
    handed = _HANDED.get(id(value))
    if handed is None or handed[0] is not value:
        return None
    for container, keys, ids in handed[2]:
        if type(container) is dict:
            if tuple(container) != keys or tuple(map(id, container.values())) != ids:
                return None
        elif tuple(map(id, container)) != ids:
            return None
    return handed[1]


_PLAIN = (str, int, float, bool, type(None))


def _call_key(call: list[Any], parts: dict[int, tuple[Any, str]]) -> bytes:
    """:func:`memo_key` of ``[name, args, kwargs, *rest]``, with each argument that has a name (a part of
    a shared result in ``parts``, or what a builder handed out) named instead of walked. When every
    argument is named or a plain number or string, the key is made from the names alone, quicker than
    the codec (a named argument is ``(name,)``: a plain argument is never a tuple, so none is taken for
    another); its digest is personalised, so it never equals a key :func:`memo_key` makes."""
    values = (*call[1], *call[2].values())
    names = [_name_of(value, parts) for value in values]
    rest = call[3:]
    if all(n is not None or type(v) in _PLAIN for n, v in zip(names, values, strict=True)) and all(
        type(v) is str for part in rest for v in (part if type(part) is list else [part])
    ):
        marks = [v if n is None else (n,) for n, v in zip(names, values, strict=True)]
        text = repr((call[0], len(call[1]), tuple(call[2]), marks, rest))
        return hashlib.blake2b(text.encode(), digest_size=16, person=b"named").digest()
    marked = [v if n is None else ("\0named", n) for n, v in zip(names, values, strict=True)]
    count = len(call[1])
    return memo_key([call[0], marked[:count], dict(zip(call[2], marked[count:], strict=True)), *rest])


def _name_of(value: Any, parts: dict[int, tuple[Any, str]]) -> str | None:
    found = parts.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    return _input_name(value)


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

    def _key(self, call: list[Any]) -> bytes:
        return _call_key(call, self._parts)

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
    """A key of ``[name, args, kwargs, ...]`` (:func:`_call_key`): an argument that is one of the shared
    results of a :class:`RememberedModule` (or an item of one), or what a ``@remember`` builder handed
    out and that holds the same still, is named instead of walked."""
    return reference._key(call) if isinstance(reference, RememberedModule) else _call_key(call, {})


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
