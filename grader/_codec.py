"""The safe codec: the only way values cross between the grading process and a worker.

No pickle. A message is a JSON document plus raw array buffers::

    frame = len(header) as 8-byte big-endian | header (UTF-8 JSON node) | buffer | buffer | ...

A node is JSON null, true, false, an integer, a string or a finite number for itself; a JSON object
for a dict whose keys are all strings (its values are nodes); or a JSON array whose first element is
a tag::

    ["a", dtype, d0, d1, ...]   array of that dtype string and shape: the next buffer
    ["l", n0, n1, ...]          list              ["t", n0, n1, ...]       tuple
    ["d", k0, v0, k1, v1, ...]  dict with other keys (keys are nodes too)
    ["r", k]                    the k-th array or container seen before (identity is kept, so
                                ``v is s`` survives the trip; numbered in the order they start)
    ["f", "nan"|"inf"|"-inf"]   non-finite float  ["c", re, im]            complex
    ["o", "typename"]           any other object, which is never reconstructed

Buffers follow the header in the order their ``"a"`` nodes appear, each padded with zeros to a
multiple of 8 bytes so that arrays decoded in place are aligned; the frame ends with the last one.
Arrays keep only numeric data (bool, int, uint, float, complex). ndarray subclasses travel as plain
arrays of their data. Sizes (array bytes and characters of text), depth and node counts (the value,
each item of a list or tuple, each key and value of a dict) are bounded on both sides, the same way.

Decoding validates everything and builds only plain values. Decoded arrays are writable and own
their memory, except that the arrays of a message whose buffers total at most ``SHARED_BLOCK``
bytes are views into one private copy of those buffers (one copy instead of one per array; a
retained array then keeps at most that much alive, never the message).

This module is imported by the worker as a top-level module, so it uses nothing but numpy and the
standard library.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, NoReturn

import numpy as np

MAX_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000
SHARED_BLOCK = 1 << 20
_HEADER = struct.Struct(">Q")
_MAX_NDIM = 64  # numpy's own limit
_ALIGN = 8  # the largest alignment of a dtype that travels
_PAD = [b"\0" * n for n in range(_ALIGN)]


def _dtypes() -> dict[np.dtype[Any], str]:
    """Every numeric dtype that travels as it is, with its wire name (numpy's ``dtype.str``)."""
    found: dict[np.dtype[Any], str] = {}
    for char in "?bhilqpBHILQPefdFD":  # not long double: it travels as float64 / complex128
        for dtype in (np.dtype(char).newbyteorder("<"), np.dtype(char).newbyteorder(">")):
            found[dtype] = dtype.str
    return found


_ENCODABLE = _dtypes()
_DECODABLE = {name: dtype for dtype, name in _ENCODABLE.items()}


class CodecError(ValueError):
    """A value cannot be encoded, or bytes are not a valid message."""


class Opaque:
    """Stands for an object that was not brought back; only its type name is known."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<object of type {self.type_name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.type_name == self.type_name

    def __hash__(self) -> int:
        return hash(self.type_name)


def _type_name(obj: object) -> str:
    cls = type(obj)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "object")
    return f"{module}.{name}" if module not in ("builtins", "__main__", "") else str(name)


def _special(value: float) -> list[str]:
    return ["f", "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")]


_JSON_OUT = json.JSONEncoder(separators=(",", ":"), allow_nan=False, check_circular=False)


class _Encoder:
    """One encoding: walks the value once, building the JSON tree and the list of frame pieces."""

    __slots__ = ("active", "inexact", "keep", "max_bytes", "nodes", "pieces", "seen", "size")

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.inexact = False  # something was sent as less than it is (a subclass, a type name, ...)
        self.size = 0  # array bytes and characters of text so far
        self.nodes = 1
        self.pieces: list[Any] = []  # buffers (contiguous arrays or bytes) and their padding
        self.seen: dict[int, int] = {}  # id -> number of the array or container
        self.keep: list[object] = []  # the numbered objects, in order; keeps their ids stable
        self.active: set[int] = set()  # containers being encoded (one seen again is a cycle)

    def value(self, obj: Any, depth: int) -> Any:
        """The node of ``obj``, whose container is at ``depth``."""
        cls = type(obj)
        if cls is np.ndarray:
            code = _ENCODABLE.get(obj.dtype)
            if code is not None and obj.flags.c_contiguous:
                key = id(obj)
                slot = self.seen.get(key)
                if slot is not None:
                    return ["r", slot]
                self.seen[key] = len(self.keep)
                self.keep.append(obj)
                return self._buffer(obj, code)
            return self._array(obj)
        if cls is dict or cls is list or cls is tuple:
            return self._container(obj, cls, depth)
        if cls is float:
            return obj if obj - obj == 0.0 else _special(obj)
        if cls is str:
            self.size += len(obj)
            return obj
        if cls is int or cls is bool or obj is None:
            return obj
        return self._other(obj, depth)

    def _container(
        self, obj: Any, cls: type[dict[Any, Any] | list[Any] | tuple[Any, ...]], depth: int
    ) -> Any:
        key = id(obj)
        slot = self.seen.get(key)
        if slot is not None:
            if key in self.active:
                raise CodecError("the value contains itself")
            return ["r", slot]
        self.seen[key] = len(self.keep)
        self.keep.append(obj)
        count = cls.__len__(obj)  # a subclass's own __len__ could understate it
        if count:
            if depth >= MAX_DEPTH:
                raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
            self.nodes += 2 * count if cls is dict else count
            if self.nodes > MAX_NODES:
                raise CodecError(f"the value has more than {MAX_NODES} parts")
        self.active.add(key)
        depth += 1
        value = self.value
        node: Any
        if cls is dict:
            node = {}
            items = iter(dict.items(obj))
            for k, v in items:
                if type(k) is not str:
                    node = self._pairs(node, k, v, items, depth)
                    break
                self.size += len(k)
                node[k] = value(v, depth)
        elif cls is list:
            node = ["l"]
            node += [value(x, depth) for x in list.__iter__(obj)]
        else:
            node = ["t"]
            node += [value(x, depth) for x in tuple.__iter__(obj)]
        self.active.discard(key)
        return node

    def _pairs(self, done: dict[str, Any], key: Any, item: Any, rest: Any, depth: int) -> list[Any]:
        """A dict with a key that is not a string, as ``["d", k0, v0, ...]``; ``done`` is its start."""
        node: list[Any] = ["d"]
        for k, v in done.items():
            node += (k, v)
        node += (self.value(key, depth), self.value(item, depth))
        for k, v in rest:
            node += (self.value(k, depth), self.value(v, depth))
        return node

    def _buffer(self, data: np.ndarray, code: str) -> list[Any]:
        nbytes = data.nbytes
        self.size += nbytes
        if self.size > self.max_bytes:
            raise CodecError(f"the value is larger than {self.max_bytes // (1024 * 1024)} MB")
        self.pieces.append(data)
        if nbytes % _ALIGN:
            self.pieces.append(_PAD[-nbytes % _ALIGN])
        return ["a", code, *data.shape]

    def _array(self, arr: np.ndarray) -> Any:
        """Arrays off the fast path: subclasses, non-contiguous, long double, not numeric."""
        if type(arr) is not np.ndarray or arr.dtype not in _ENCODABLE:
            self.inexact = True
        if arr.dtype.kind not in "biufc":
            # not numbered: the decoder gives "o" nodes no number either
            return ["o", f"numpy array of dtype {arr.dtype}"]
        key = id(arr)
        slot = self.seen.get(key)
        if slot is not None:
            return ["r", slot]
        self.seen[key] = len(self.keep)
        self.keep.append(arr)
        data = np.asarray(arr.view(np.ndarray), order="C")  # not ascontiguousarray: it makes 0-d 1-d
        if data.dtype.kind == "f" and data.dtype.itemsize > 8:
            data = data.astype(np.float64)
        if data.dtype.kind == "c" and data.dtype.itemsize > 16:
            data = data.astype(np.complex128)
        return self._buffer(data, _ENCODABLE[data.dtype])  # every numeric dtype is there by now

    def _other(self, obj: Any, depth: int) -> Any:
        """Subclasses of the plain types, numpy scalars, complex numbers, and everything else."""
        if type(obj) is not complex:
            self.inexact = True
        if isinstance(obj, (bool, np.bool_)):
            return bool(obj)
        if isinstance(obj, str):
            self.size += len(obj)
            return obj  # JSON writes a str subclass as its plain text
        if isinstance(obj, (int, np.integer)):
            return int(obj)
        if isinstance(obj, (float, np.floating)):
            value = float(obj)
            return value if math.isfinite(value) else _special(value)
        if isinstance(obj, (complex, np.complexfloating)):
            value_c = complex(obj)
            parts = [p if math.isfinite(p) else _special(p) for p in (value_c.real, value_c.imag)]
            return ["c", *parts]
        if isinstance(obj, np.ndarray):
            return self._array(obj)
        for cls in (dict, list, tuple):
            if isinstance(obj, cls):
                return self._container(obj, cls, depth)
        return ["o", _type_name(obj)]


def encode(obj: object, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Encode ``obj`` as one message. Raises CodecError when it is too large, too deep or cyclic."""
    return _encode(obj, max_bytes, False) or b""


def encode_exact(obj: object, *, max_bytes: int = MAX_BYTES) -> bytes | None:
    """``obj``'s message when it says all of ``obj`` (decoding it gives an equal value of the same types:
    plain containers, numbers, strings, ndarrays of numeric dtypes), else None. Two such values have the
    same message only when they are equal (built alike: what is shared must be shared in both)."""
    return _encode(obj, max_bytes, True)


def _encode(obj: object, max_bytes: int, exact: bool) -> bytes | None:
    enc = _Encoder(max_bytes)
    tree = enc.value(obj, 0)
    if exact and enc.inexact:
        return None
    if enc.size > max_bytes:  # text is counted as it goes and checked here, before it is copied
        raise CodecError(f"the value is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        header = _JSON_OUT.encode(tree).encode()
    except ValueError as exc:  # e.g. an int with more digits than int-to-str conversion allows
        raise CodecError(f"the value cannot be encoded: {exc}") from exc
    return b"".join([_HEADER.pack(len(header)), header, *enc.pieces])


def header_starts(data: bytes, prefix: bytes) -> bool:
    """Whether the JSON header of the message ``data`` starts with ``prefix`` (a quick look, no decoding)."""
    return data[_HEADER.size : _HEADER.size + len(prefix)] == prefix


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


_JSON_IN = json.JSONDecoder(parse_constant=_no_constant)
_PENDING = object()  # the table's entry for a container still being decoded


class _Decoder:
    """One decoding: walks the JSON tree once, validating each node and building its value."""

    __slots__ = ("block", "data", "end", "nodes", "offset", "start", "table")

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.start = start  # where the buffers begin
        self.end = len(data) - start  # buffer offsets are counted from ``start``
        self.offset = 0
        self.block: np.ndarray | None = None
        self.table: list[Any] = []
        self.nodes = 1

    def node(self, node: Any, depth: int) -> Any:
        """The value of a JSON array or object ``node`` whose container is at ``depth``."""
        if type(node) is dict:
            return self._mapping(node, depth)
        if not node:
            raise CodecError("malformed message")
        tag = node[0]
        if tag == "a":
            return self._array(node)
        if tag == "r":
            if len(node) != 2:
                raise CodecError("malformed reference")
            index = node[1]
            if type(index) is not int or not 0 <= index < len(self.table):
                raise CodecError("malformed reference")
            found = self.table[index]
            if found is _PENDING:  # a container inside itself: the encoder never sends one
                raise CodecError("malformed reference")
            return found
        if tag == "l" or tag == "t":
            slot = len(self.table)
            self.table.append(_PENDING)
            del node[0]
            self._children(node, len(node), depth)
            for i, item in enumerate(node):
                if type(item) is list or type(item) is dict:
                    node[i] = self.node(item, depth + 1)
            value = node if tag == "l" else tuple(node)
            self.table[slot] = value
            return value
        if tag == "d":
            return self._pairs(node, depth)
        if tag == "f":
            special = _SPECIAL.get(node[1]) if len(node) == 2 and type(node[1]) is str else None
            if special is None:
                raise CodecError("malformed number")
            return special
        if tag == "c":
            if len(node) != 3:
                raise CodecError("malformed complex number")
            return complex(_real(node[1]), _real(node[2]))
        if tag == "o":
            if len(node) != 2 or type(node[1]) is not str:
                raise CodecError("malformed message")
            return Opaque(node[1])
        raise CodecError(f"unknown tag {repr(tag)[:40]}")

    def _children(self, node: Any, count: int, depth: int) -> None:
        if count:
            if depth >= MAX_DEPTH:
                raise CodecError("message too large or too deep")
            self.nodes += count
            if self.nodes > MAX_NODES:
                raise CodecError("message too large or too deep")

    def _mapping(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        slot = len(self.table)
        self.table.append(_PENDING)
        self._children(node, 2 * len(node), depth)
        for key, item in node.items():  # replacing values while iterating keeps the keys as they are
            if type(item) is list or type(item) is dict:
                node[key] = self.node(item, depth + 1)
        self.table[slot] = node
        return node

    def _pairs(self, node: list[Any], depth: int) -> dict[Any, Any]:
        if len(node) % 2 != 1:
            raise CodecError("malformed message")
        slot = len(self.table)
        self.table.append(_PENDING)
        self._children(node, len(node) - 1, depth)
        value: dict[Any, Any] = {}
        for i in range(1, len(node), 2):
            key, item = node[i], node[i + 1]
            if type(key) is list or type(key) is dict:
                key = self.node(key, depth + 1)
                try:
                    if type(key) not in _KEY_TYPES:
                        raise TypeError
                    hash(key)  # a tuple key may hold a list
                except TypeError:
                    raise CodecError("unhashable dictionary key") from None
            if type(item) is list or type(item) is dict:
                item = self.node(item, depth + 1)
            value[key] = item
        self.table[slot] = value
        return value

    def _array(self, node: list[Any]) -> np.ndarray:
        code = node[1] if len(node) > 1 else None
        dtype = _DECODABLE.get(code) if type(code) is str else None
        if dtype is None:
            raise CodecError("unsupported array type")
        shape = node[2:]
        if len(shape) > _MAX_NDIM:
            raise CodecError("malformed array shape")
        count = 1
        for dim in shape:
            if type(dim) is not int or dim < 0:
                raise CodecError("malformed array shape")
            count *= dim
        begin = self.offset
        end = begin + count * dtype.itemsize
        if end > self.end:
            raise CodecError("truncated array data")
        self.offset = end + (-end % _ALIGN)
        arr: np.ndarray
        try:
            if self.block is None and self.end <= SHARED_BLOCK:
                self.block = np.frombuffer(self.data, np.uint8, self.end, self.start).copy()
            if self.block is not None:
                arr = np.ndarray(shape, dtype, self.block, begin)
            else:
                arr = np.ndarray(shape, dtype, self.data, self.start + begin).copy()
        except ValueError:  # an empty array with a dimension numpy cannot hold
            raise CodecError("malformed array shape") from None
        self.table.append(arr)
        return arr


_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _real(part: Any) -> float:
    """A part of a complex number: a JSON number or a non-finite float's node."""
    if type(part) is list and len(part) == 2 and part[0] == "f" and type(part[1]) is str:
        part = _SPECIAL.get(part[1])
    if type(part) is not float and type(part) is not int:
        raise CodecError("malformed complex number")
    return float(part)


_KEY_TYPES = frozenset({str, int, float, bool, tuple, type(None), Opaque})


def decode(data: bytes) -> Any:
    """Decode one message made by :func:`encode`. Never runs code; raises CodecError on bad bytes."""
    if len(data) < _HEADER.size:
        raise CodecError("truncated message")
    (hlen,) = _HEADER.unpack_from(data)
    start = _HEADER.size + hlen
    if start > len(data):
        raise CodecError("truncated message")
    try:
        tree = _JSON_IN.decode(data[_HEADER.size : start].decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise CodecError("malformed message header") from exc
    dec = _Decoder(data, start)
    value = dec.node(tree, 0) if type(tree) is list or type(tree) is dict else tree
    if dec.offset != dec.end:
        raise CodecError("truncated array data" if dec.offset > dec.end else "bytes after the last array")
    return value
