"""The safe codec: the only way values cross between the grading process and a worker.

No pickle. A message is a JSON document plus raw array buffers::

    frame   = len(header) as 8-byte big-endian | header (UTF-8 JSON) | buffer 0 | buffer 1 | ...
    header  = {"v": node, "b": [[dtype, shape, nbytes], ...]}

A node is JSON for None, bool, int, str and finite floats, or a one-key object:
``{"$f": "nan"|"inf"|"-inf"}`` non-finite float, ``{"$c": [re, im]}`` complex, ``{"$a": i}`` array
(buffer i), ``{"$t": [...]}`` tuple, ``{"$l": [...]}`` list, ``{"$d": [[key, value], ...]}`` dict,
``{"$r": k}`` the k-th array or container seen before (identity is kept, so ``v is s`` survives the
trip), and ``{"$o": "typename"}`` for any other object, which is never reconstructed.

Arrays keep only numeric data (bool, int, uint, float, complex). ndarray subclasses travel as plain
arrays of their data. Sizes, depth and node counts are bounded on both sides.

This module is imported by the worker as a top-level module, so it uses nothing but numpy and the
standard library.
"""

from __future__ import annotations

import json
import math
import re
import struct
from typing import Any

import numpy as np

MAX_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000
_DTYPE = re.compile(r"^[<>|=][biufc][0-9]{1,2}$")
_HEADER = struct.Struct(">Q")
_MAX_NDIM = 64  # numpy's own limit


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


class _Encoder:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.buffers: list[bytes] = []
        self.meta: list[list[Any]] = []
        self.total = 0
        self.nodes = 0
        self.seen: dict[int, int] = {}
        self.keep: list[object] = []  # keeps ids stable while encoding
        self.active: set[int] = set()

    def node(self, obj: object, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise CodecError(f"the value has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
        if obj is None or isinstance(obj, (bool, str)):
            if isinstance(obj, str):
                self._count(len(obj))
            return obj
        if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
            return int(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, (float, np.floating)):
            value = float(obj)
            if math.isfinite(value):
                return value
            return {"$f": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
        if isinstance(obj, (complex, np.complexfloating)):
            value_c = complex(obj)
            return {"$c": [self.node(value_c.real, depth + 1), self.node(value_c.imag, depth + 1)]}
        if isinstance(obj, np.ndarray) and obj.dtype.kind not in "biufc":
            # not registered for "$r": the decoder gives "$o" nodes no slot either
            return {"$o": f"numpy array of dtype {obj.dtype}"}
        if isinstance(obj, (np.ndarray, list, tuple, dict)):
            key = id(obj)
            if key in self.active:
                raise CodecError("the value contains itself")
            if key in self.seen:
                return {"$r": self.seen[key]}
            self.seen[key] = len(self.seen)
            self.keep.append(obj)
            self.active.add(key)
            try:
                return self._container(obj, depth)
            finally:
                self.active.discard(key)
        return {"$o": _type_name(obj)}

    def _container(self, obj: object, depth: int) -> Any:
        if isinstance(obj, np.ndarray):
            return self._array(obj)
        if isinstance(obj, dict):
            items = [[self.node(k, depth + 1), self.node(v, depth + 1)] for k, v in dict.items(obj)]
            return {"$d": items}
        if isinstance(obj, tuple):
            return {"$t": [self.node(x, depth + 1) for x in tuple.__iter__(obj)]}
        assert isinstance(obj, list)
        return {"$l": [self.node(x, depth + 1) for x in list.__iter__(obj)]}

    def _array(self, arr: np.ndarray) -> Any:
        plain = np.asarray(arr.view(np.ndarray))
        data = np.asarray(plain, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
        if data.dtype.kind == "f" and data.dtype.itemsize > 8:
            data = data.astype(np.float64)
        if data.dtype.kind == "c" and data.dtype.itemsize > 16:
            data = data.astype(np.complex128)
        self._count(data.nbytes)
        self.meta.append([data.dtype.str, list(data.shape), data.nbytes])
        self.buffers.append(data.tobytes())
        return {"$a": len(self.buffers) - 1}

    def _count(self, nbytes: int) -> None:
        self.total += nbytes
        if self.total > self.max_bytes:
            raise CodecError(f"the value is larger than {self.max_bytes // (1024 * 1024)} MB")


def encode(obj: object, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Encode ``obj`` as one message. Raises CodecError when it is too large, too deep or cyclic."""
    enc = _Encoder(max_bytes)
    tree = enc.node(obj, 0)
    try:
        header = json.dumps({"v": tree, "b": enc.meta}, separators=(",", ":"), allow_nan=False).encode()
    except ValueError as exc:  # e.g. an int with more digits than int-to-str conversion allows
        raise CodecError(f"the value cannot be encoded: {exc}") from exc
    return b"".join([_HEADER.pack(len(header)), header, *enc.buffers])


class _Decoder:
    def __init__(self, buffers: list[np.ndarray]) -> None:
        self.buffers = buffers
        self.table: list[Any] = []
        self.nodes = 0

    def node(self, node: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise CodecError("message too large or too deep")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or len(node) != 1:
            raise CodecError("malformed message")
        ((tag, body),) = node.items()
        if tag == "$f":
            special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(_check(body, str))
            if special is None:
                raise CodecError("malformed number")
            return special
        if tag == "$c":
            parts = [self.node(x, depth + 1) for x in _check(body, list)]
            if len(parts) != 2 or not all(isinstance(x, (int, float)) for x in parts):
                raise CodecError("malformed complex number")
            return complex(parts[0], parts[1])
        if tag == "$o":
            return Opaque(_check(body, str))
        if tag == "$r":
            index = _check(body, int)
            if not 0 <= index < len(self.table):
                raise CodecError("malformed reference")
            return self.table[index]
        slot = len(self.table)
        self.table.append(None)
        if tag == "$a":
            index = _check(body, int)
            if not 0 <= index < len(self.buffers):
                raise CodecError("malformed array reference")
            value: Any = self.buffers[index]
        elif tag == "$l":
            value = []
            self.table[slot] = value
            value.extend(self.node(x, depth + 1) for x in _check(body, list))
        elif tag == "$t":
            value = tuple(self.node(x, depth + 1) for x in _check(body, list))
        elif tag == "$d":
            value = {}
            self.table[slot] = value
            for pair in _check(body, list):
                k, v = _items(pair, 2)
                key = self.node(k, depth + 1)
                try:
                    if not isinstance(key, (str, int, float, bool, tuple, type(None), Opaque)):
                        raise TypeError
                    hash(key)  # a tuple key may hold a list
                except TypeError:
                    raise CodecError("unhashable dictionary key") from None
                value[key] = self.node(v, depth + 1)
        else:
            raise CodecError(f"unknown tag {tag!r}")
        self.table[slot] = value
        return value


def _check(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CodecError("malformed message")
    return value


def _items(value: Any, count: int) -> list[Any]:
    items: list[Any] = _check(value, list)
    if len(items) != count:
        raise CodecError("malformed message")
    return items


def decode(data: bytes) -> Any:
    """Decode one message made by :func:`encode`. Never runs code; raises CodecError on bad bytes."""
    if len(data) < _HEADER.size:
        raise CodecError("truncated message")
    (hlen,) = _HEADER.unpack_from(data)
    if hlen > len(data) - _HEADER.size:
        raise CodecError("truncated message")
    try:
        header = json.loads(data[_HEADER.size : _HEADER.size + hlen])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise CodecError("malformed message header") from exc
    if not isinstance(header, dict) or set(header) != {"v", "b"}:
        raise CodecError("malformed message header")
    offset = _HEADER.size + hlen
    buffers = []
    for meta in _check(header["b"], list):
        dtype_str, shape, nbytes = _items(meta, 3)
        if not isinstance(dtype_str, str) or not _DTYPE.fullmatch(dtype_str):
            raise CodecError("unsupported array type")
        try:
            dtype = np.dtype(dtype_str)  # '<f3' passes the pattern but is no numpy type
        except TypeError:
            raise CodecError("unsupported array type") from None
        shape_t = tuple(_check(n, int) for n in _check(shape, list))
        if len(shape_t) > _MAX_NDIM or any(n < 0 for n in shape_t):
            raise CodecError("malformed array shape")
        if math.prod(shape_t) * dtype.itemsize != _check(nbytes, int):
            raise CodecError("array size does not match its shape")
        if offset + nbytes > len(data):
            raise CodecError("truncated array data")
        try:
            arr = np.frombuffer(data, dtype=dtype, count=math.prod(shape_t), offset=offset).reshape(shape_t)
        except ValueError:  # an empty array with a dimension numpy cannot hold
            raise CodecError("malformed array shape") from None
        buffers.append(arr.copy())
        offset += nbytes
    return _Decoder(buffers).node(header["v"], 0)
