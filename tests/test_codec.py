"""Tests of the safe codec (grader/_codec.py): round trips, identity, limits and hostile bytes."""

from __future__ import annotations

import json
import math
import random
import struct
from typing import Any

import numpy as np
import pytest

from grader._codec import CodecError, Opaque, decode, encode


def trip(value: object) -> Any:
    return decode(encode(value))


def raw(header: bytes, tail: bytes = b"") -> bytes:
    return struct.pack(">Q", len(header)) + header + tail


def frame(v: object, b: Any, tail: bytes = b"") -> bytes:
    """A message written by hand: header {"v": v, "b": b} then raw buffer bytes."""
    return raw(json.dumps({"v": v, "b": b}).encode(), tail)


SCALARS = [None, True, False, 0, -7, 2**70, 1.5, -0.0, 1e-300, "", "héllo\n\x00", 3 + 4j, -1j, math.inf]
NESTED = [[], (), {}, [1, [2, (3, {"k": [4.5, None]})]], (1,), {1: "a", "b": (2, 3)}, {(1, "t"): 0, None: 1}]


@pytest.mark.parametrize("value", SCALARS + NESTED, ids=repr)
def test_round_trip_of_plain_values(value: object) -> None:
    back = trip(value)
    assert back == value
    assert type(back) is type(value)


def test_nan_and_nested_types_survive() -> None:
    back = trip({"n": math.nan, "m": -math.inf, "c": complex(math.nan, math.inf), "t": ([1], (2,))})
    assert math.isnan(back["n"]) and back["m"] == -math.inf
    assert math.isnan(back["c"].real) and back["c"].imag == math.inf
    assert type(back["t"]) is tuple and type(back["t"][0]) is list and type(back["t"][1]) is tuple


def test_numpy_scalars_become_python_numbers() -> None:
    back = trip([np.float32(0.5), np.int8(-3), np.bool_(True), np.complex64(1j)])
    assert back == [0.5, -3, True, 1j]
    assert [type(x) for x in back] == [float, int, bool, complex]


DTYPES = ["float64", "float32", "float16", "int8", "int64", "uint16", "bool", "complex128", "complex64"]


@pytest.mark.parametrize("dtype", [*DTYPES, ">f8", "<i4"])
@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (5,), (2, 3), (2, 1, 4)])
def test_array_round_trip(dtype: str, shape: tuple[int, ...]) -> None:
    arr = (np.arange(math.prod(shape)) % 3 + 0.5).reshape(shape).astype(dtype)
    back = trip(arr)
    assert type(back) is np.ndarray
    assert back.dtype == arr.dtype and back.shape == shape
    np.testing.assert_array_equal(back, arr)
    assert back.flags.writeable


def test_non_contiguous_and_long_double_arrays() -> None:
    base = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(trip(base.T[::2]), base.T[::2])
    back = trip(np.ones(3, dtype=np.longdouble))
    assert back.dtype == np.float64


def test_identity_of_repeated_arrays_and_containers_is_kept() -> None:
    arr, inner, tup = np.zeros(2), {"x": 1}, (1, 2)
    back = trip({"a": arr, "b": arr, "c": inner, "d": inner, "e": [tup, tup], "f": np.zeros(2)})
    assert back["a"] is back["b"] and back["c"] is back["d"] and back["e"][0] is back["e"][1]
    assert back["a"] is not back["f"]


@pytest.mark.parametrize("kind", ["list", "dict", "deep"])
def test_cycles_are_rejected(kind: str) -> None:
    value: Any
    if kind == "list":
        value = [1]
        value.append(value)
    elif kind == "dict":
        value = {}
        value["me"] = value
    else:
        inner: list[Any] = []
        value = (inner,)
        inner.append({"back": value})
    with pytest.raises(CodecError, match="contains itself"):
        encode(value)


class MyArray(np.ndarray):
    pass


@pytest.mark.parametrize("subclass", [np.matrix, MyArray])
def test_ndarray_subclasses_come_back_plain(subclass: type) -> None:
    data = np.arange(6.0).reshape(2, 3)
    value = data.view(subclass)
    assert type(value) is subclass
    back = trip(value)
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, data)


class Thing:
    pass


def test_objects_and_object_arrays_come_back_opaque() -> None:
    objs = np.array([Thing(), 1], dtype=object)
    shared = [1]
    back = trip([Thing(), objs, objs, np.array(["a"]), shared, shared, print, {1, 2}])
    assert back[0] == Opaque(f"{__name__}.Thing") and repr(back[0]) == f"<object of type {__name__}.Thing>"
    assert back[1] == back[2] == Opaque("numpy array of dtype object")
    assert back[3].type_name.startswith("numpy array of dtype <U")
    assert back[4] == [1] and back[4] is back[5]  # references after an object array still line up
    assert back[6] == Opaque("builtin_function_or_method") and back[7] == Opaque("set")


@pytest.mark.parametrize(
    "value, fits",
    [(np.zeros(100), 800), ("x" * 500, 500), ([np.zeros(50), np.zeros(50)], 800)],
)
def test_max_bytes_is_enforced(value: object, fits: int) -> None:
    assert encode(value, max_bytes=fits)
    with pytest.raises(CodecError, match="larger than"):
        encode(value, max_bytes=fits - 1)


@pytest.mark.parametrize(
    "value, message", [(10**5000, "digits"), ([[[0]]], "levels deep")], ids=["huge int", "deep"]
)
def test_values_that_cannot_be_encoded(value: object, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader._codec.MAX_DEPTH", 2)
    with pytest.raises(CodecError, match=message):
        encode(value)


def test_decoder_limits_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode([[[0]]])
    monkeypatch.setattr("grader._codec.MAX_DEPTH", 2)
    with pytest.raises(CodecError, match="too deep"):
        decode(data)


VALID = encode({"w": np.arange(6.0).reshape(2, 3), "l": [1, (2.5, "s")], "i": np.array([1, 2], np.int8)})


MALFORMED = {
    "empty": (b"", "truncated"),
    "short length": (b"\x00\x00\x00", "truncated"),
    "length past end": (raw(b"{}")[:8] + b"{", "truncated"),
    "header not JSON": (raw(b"not j"), "header"),
    "header not UTF-8": (raw(b"\xff\xfe"), "header"),
    "cut header": (frame(1, [])[:-1], "truncated"),
    "object dtype": (frame({"$a": 0}, [["|O8", [1], 8]], bytes(8)), "unsupported array type"),
    "no such dtype": (frame({"$a": 0}, [["<f3", [1], 3]], bytes(3)), "unsupported array type"),
    "dtype with newline": (frame({"$a": 0}, [["<f8\n", [1], 8]], bytes(8)), "unsupported array type"),
    "shape vs nbytes": (frame({"$a": 0}, [["<f8", [3], 16]], bytes(16)), "does not match"),
    "negative shape": (frame({"$a": 0}, [["<f8", [-1, -2], 16]], bytes(16)), "shape"),
    "empty but huge shape": (frame({"$a": 0}, [["<f8", [0, 2**63], 0]]), "shape"),
    "too many dims": (frame({"$a": 0}, [["<f8", [1] * 70, 8]], bytes(8)), "shape"),
    "buffer cut short": (frame({"$a": 0}, [["<f8", [2], 16]], bytes(8)), "truncated array"),
    "meta too short": (frame({"$a": 0}, [["<f8", [1]]], bytes(8)), "malformed"),
    "array index out of range": (frame({"$a": 1}, [["<f8", [1], 8]], bytes(8)), "array reference"),
    "ref before any": (frame({"$r": 0}, []), "reference"),
    "ref out of range": (frame({"$l": [{"$r": 5}]}, []), "reference"),
    "unknown tag": (frame({"$x": 1}, []), "unknown tag"),
    "bad special float": (frame({"$f": "nope"}, []), "malformed"),
    "complex of one part": (frame({"$c": [1]}, []), "complex"),
    "dict pair of three": (frame({"$d": [[1, 2, 3]]}, []), "malformed"),
    "list as key": (frame({"$d": [[{"$l": []}, 1]]}, []), "unhashable"),
    "tuple of list as key": (frame({"$d": [[{"$t": [{"$l": []}]}, 1]]}, []), "unhashable"),
    "list body not list": (frame({"$l": 5}, []), "malformed"),
    "two-key node": (frame({"a": 1, "b": 2}, []), "malformed"),
    "bare JSON list node": (frame([1, 2], []), "malformed"),
    "buffers not a list": (frame(1, {}), "malformed"),
    "header not a dict": (raw(b"[]"), "header"),
    "JSON nested too deep": (raw(b"[" * 100_000 + b"]" * 100_000), "header"),
}


@pytest.mark.parametrize("data, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bytes_raise_codec_error(data: bytes, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(data)


def outcome(data: bytes) -> str:
    """'ok' or 'rejected'; anything but CodecError propagates and fails the test."""
    try:
        decode(data)
    except CodecError:
        return "rejected"
    return "ok"


def test_fuzz_flipped_bytes_only_ever_raise_codec_error() -> None:
    rng = random.Random(1234)
    seen = set()
    for _ in range(4000):
        data = bytearray(VALID)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        seen.add(outcome(bytes(data)))
    assert seen == {"ok", "rejected"}  # the fuzz reached both outcomes


def test_fuzz_every_truncation_is_rejected() -> None:
    assert {outcome(VALID[:n]) for n in range(len(VALID))} == {"rejected"}


JUNK_NODES = [{"$r": 0}, {"$a": 0}, {"$l": []}, {"$t": [{"$l": []}]}, {"$o": 1}, {"$c": ["a", 1]}]
JUNK = [None, True, -1, 0, 1, 2, 10**30, 1.5, "x", "<f8", "nan", [], [0], [1, 2, 3], {}, *JUNK_NODES]


def mutate(node: Any, rng: random.Random) -> Any:
    """Replace one random sub-node of a JSON tree with junk."""
    if isinstance(node, (list, dict)) and node and rng.random() < 0.8:
        if isinstance(node, list):
            i = rng.randrange(len(node))
            return [*node[:i], mutate(node[i], rng), *node[i + 1 :]]
        key = rng.choice(list(node))
        return {**node, key: mutate(node[key], rng)}
    return rng.choice(JUNK)


def test_fuzz_tampered_headers_only_ever_raise_codec_error() -> None:
    (hlen,) = struct.unpack_from(">Q", VALID)
    header, tail = json.loads(VALID[8 : 8 + hlen]), VALID[8 + hlen :]
    rng = random.Random(99)
    seen = set()
    for _ in range(3000):
        seen.add(outcome(raw(json.dumps(mutate(header, rng)).encode(), tail)))
    assert seen == {"ok", "rejected"}
