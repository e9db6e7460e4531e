"""Tests of the safe codec (grader/_codec.py): round trips, identity, limits and hostile bytes."""

from __future__ import annotations

import collections
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


def frame(tree: object, tail: bytes = b"") -> bytes:
    """A message written by hand: the JSON node ``tree`` then raw buffer bytes."""
    return raw(json.dumps(tree).encode(), tail)


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


def test_non_contiguous_long_double_and_annotated_arrays() -> None:
    base = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(trip(base.T[::2]), base.T[::2])
    back = trip(np.ones(3, dtype=np.longdouble))
    assert back.dtype == np.float64
    back = trip(np.ones(2, dtype=np.dtype(np.int16, metadata={"unit": "m"})))
    assert back.dtype == np.int16 and back.dtype.metadata is None
    np.testing.assert_array_equal(back, [1, 1])


def test_identity_of_repeated_arrays_and_containers_is_kept() -> None:
    arr, inner, tup = np.zeros(2), {"x": 1}, (1, 2)
    back = trip({"a": arr, "b": arr, "c": inner, "d": inner, "e": [tup, tup], "f": np.zeros(2)})
    assert back["a"] is back["b"] and back["c"] is back["d"] and back["e"][0] is back["e"][1]
    assert back["a"] is not back["f"]


def test_identity_of_arrays_off_the_fast_path_is_kept() -> None:
    strided, sub, shared = np.arange(6.0)[::2], np.arange(2.0).view(MyArray), [1]
    back = trip([strided, sub, strided, sub, shared, shared])
    assert back[0] is back[2] and back[1] is back[3] and back[0] is not back[1]
    assert back[4] is back[5] == [1]  # references after them still line up


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


LOOKALIKES = [["a", "<f8", 3], ["r", 0], ("l",), {"d": ["d", 1, 2]}, {"$a": 0}, ["f", "nan"], ("o", "x"), []]


@pytest.mark.parametrize("value", LOOKALIKES, ids=repr)
def test_plain_values_shaped_like_tags_round_trip(value: object) -> None:
    back = trip(value)
    assert back == value and type(back) is type(value)


def test_non_finite_floats_in_every_container() -> None:
    back = trip([math.nan, (math.inf, -math.inf), {"x": math.nan, 1: -math.inf}, np.float64("nan")])
    assert math.isnan(back[0]) and back[1] == (math.inf, -math.inf)
    assert math.isnan(back[2]["x"]) and back[2][1] == -math.inf and math.isnan(back[3])


class Text(str):
    pass


class Number(int):
    pass


class Real(float):
    pass


class Items(list):  # type: ignore[type-arg]
    pass


Pair = collections.namedtuple("Pair", "a b")


class Shy(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        return 0


def test_limits_count_what_a_container_holds_not_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader._codec.MAX_NODES", 10)
    with pytest.raises(CodecError, match="more than 10 parts"):
        encode(Shy(range(20)))
    monkeypatch.setattr("grader._codec.MAX_DEPTH", 1)
    with pytest.raises(CodecError, match="levels deep"):
        encode([Shy([1])])


def test_subclasses_of_plain_types_come_back_plain() -> None:
    table = collections.OrderedDict([("b", 1), ("a", 2)])
    counts = collections.defaultdict(list, {3: [1]})
    value = [Text("t"), Number(5), Real(2.5), Real("inf"), Items([1, 2]), Pair(1, (2,)), table, counts]
    back = trip(value)
    assert back == ["t", 5, 2.5, math.inf, [1, 2], (1, (2,)), {"b": 1, "a": 2}, {3: [1]}]
    assert [type(x) for x in back] == [str, int, float, float, list, tuple, dict, dict]
    assert list(back[6]) == ["b", "a"]


def test_dict_with_keys_of_several_types_keeps_order_and_identity() -> None:
    shared = [1]
    value = {"a": shared, 1: shared, None: 2.5, (1, "x"): {"in": shared}, "z": (shared,)}
    back = trip(value)
    assert back == value and list(back) == list(value)
    assert back["a"] is back[1] is back[(1, "x")]["in"] is back["z"][0]


def test_arrays_after_odd_sized_ones_are_aligned_independent_and_writable() -> None:
    value = [np.ones(3, np.int8), np.arange(3.0), np.ones(5, np.bool_), np.arange(2, dtype=np.complex128)]
    back = trip(value)
    for got, sent in zip(back, value, strict=True):
        np.testing.assert_array_equal(got, sent)
        assert got.dtype == sent.dtype and got.flags.aligned and got.flags.writeable
    back[1][:] = -1
    np.testing.assert_array_equal(back[0], value[0])
    np.testing.assert_array_equal(back[3], value[3])


def test_decoded_arrays_hold_no_reference_to_the_message() -> None:
    data = bytearray(encode([np.arange(4.0), np.arange(3.0)]))
    back = decode(data)
    data[-32:] = bytes(32)  # the caller reuses its buffer
    np.testing.assert_array_equal(back[0], np.arange(4.0))
    np.testing.assert_array_equal(back[1], np.arange(3.0))
    block = back[0].base
    assert block is back[1].base and block.nbytes == 56 and block.base is None  # one private copy


def test_arrays_of_a_large_message_own_their_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader._codec.SHARED_BLOCK", 63)
    back = trip([np.arange(4.0), np.arange(4.0)])
    assert back[0].base is None and back[1].base is None
    assert back[0].flags.owndata and back[0].flags.writeable
    monkeypatch.setattr("grader._codec.SHARED_BLOCK", 64)
    back = trip([np.arange(4.0), np.arange(4.0)])
    assert back[0].base is back[1].base is not None


def fewest(limit: str, value: object, monkeypatch: pytest.MonkeyPatch) -> int:
    """The smallest value of the limit ``limit`` under which ``value`` can be encoded."""
    for n in range(100):
        monkeypatch.setattr(f"grader._codec.{limit}", n)
        try:
            encode(value)
        except CodecError:
            continue
        return n
    raise AssertionError("never encoded")


@pytest.mark.parametrize("limit", ["MAX_NODES", "MAX_DEPTH"])
def test_limits_are_the_same_on_both_sides(limit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"a": [1, (2, {3: np.zeros(2)})], "b": 1j, "c": {}, "d": [[]]}
    n = fewest(limit, value, monkeypatch)
    assert n > 1
    data = encode(value)
    assert decode(data)["b"] == 1j  # decoded under the limit it was encoded under
    monkeypatch.setattr(f"grader._codec.{limit}", n - 1)
    with pytest.raises(CodecError, match="too large or too deep"):
        decode(data)


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
    [
        (np.zeros(100), 800),
        ("x" * 500, 500),
        ([np.zeros(50), np.zeros(50)], 800),
        ({"k" * 500: None}, 500),
        ({1: "v" * 500}, 500),
        (np.zeros((20, 10)).T, 1600),
    ],
    ids=["array", "text", "two arrays", "key", "value of a pairs dict", "non-contiguous array"],
)
def test_max_bytes_is_enforced(value: object, fits: int) -> None:
    assert encode(value, max_bytes=fits)
    with pytest.raises(CodecError, match="larger than"):
        encode(value, max_bytes=fits - 1)


def test_encoding_stops_at_the_first_array_past_max_bytes() -> None:
    later: list[Any] = []
    later.append(later)  # would be refused as a cycle if the walk went on
    with pytest.raises(CodecError, match="larger than"):
        encode([np.zeros(10)[::2], later], max_bytes=39)


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


F8 = bytes(8)
MALFORMED = {
    "empty": (b"", "truncated"),
    "short length": (b"\x00\x00\x00", "truncated"),
    "length past end": (raw(b"{}")[:8] + b"{", "truncated"),
    "header not JSON": (raw(b"not j"), "header"),
    "header not UTF-8": (raw(b"\xff\xfe"), "header"),
    "header in UTF-16": (raw('"x"'.encode("utf-16")), "header"),
    "two JSON documents": (raw(b"1 2"), "header"),
    "NaN constant": (raw(b'["l", NaN]'), "header"),
    "Infinity constant": (raw(b'{"x": -Infinity}'), "header"),
    "cut header": (frame(1)[:-1], "truncated"),
    "object dtype": (frame(["a", "|O8", 1], F8), "unsupported array type"),
    "string dtype": (frame(["a", "<U1", 1], bytes(4)), "unsupported array type"),
    "long double dtype": (frame(["a", "<f16", 1], bytes(16)), "unsupported array type"),
    "no such dtype": (frame(["a", "<f3", 1], bytes(3)), "unsupported array type"),
    "dtype not as numpy writes it": (frame(["a", "=f8", 1], F8), "unsupported array type"),
    "dtype with newline": (frame(["a", "<f8\n", 1], F8), "unsupported array type"),
    "dtype not a string": (frame(["a", 8, 1], F8), "unsupported array type"),
    "dtype a list": (frame(["a", ["<f8"], 1], F8), "unsupported array type"),
    "array without dtype": (frame(["a"]), "unsupported array type"),
    "negative shape": (frame(["a", "<f8", -1, -2], F8), "shape"),  # refused before its size is checked
    "bool in shape": (frame(["a", "<f8", True], F8), "shape"),
    "float in shape": (frame(["a", "<f8", 1.0], F8), "shape"),
    "list in shape": (frame(["a", "<f8", [1]], F8), "shape"),
    "empty but huge shape": (frame(["a", "<f8", 0, 2**63]), "shape"),
    "too many dims": (frame(["a", "<f8", *[1] * 64, 2], F8), "shape"),
    "buffer cut short": (frame(["a", "<f8", 2], F8), "truncated array"),
    "padding missing": (frame(["a", "|u1", 3], bytes(3)), "truncated array"),
    "more arrays than buffers": (frame(["l", ["a", "<f8", 1], ["a", "<f8", 1]], F8), "truncated array"),
    "bytes after the last array": (frame(["a", "<f8", 1], bytes(16)), "after the last array"),
    "bytes but no array": (frame({"x": 1}, F8), "after the last array"),
    "ref before any": (frame(["r", 0]), "reference"),
    "ref out of range": (frame(["l", ["r", 5]]), "reference"),
    "ref negative": (frame(["l", ["t"], ["r", -1]]), "reference"),
    "ref as bool": (frame(["l", ["t"], ["r", True]]), "reference"),
    "ref as string": (frame(["l", ["t"], ["r", "1"]]), "reference"),
    "ref of two parts": (frame(["l", ["t"], ["r", 1, 1]]), "reference"),
    "list inside itself": (frame(["l", ["r", 0]]), "reference"),
    "dict inside itself": (frame({"me": ["r", 0]}), "reference"),
    "pairs dict inside itself": (frame(["d", 1, ["r", 0]]), "reference"),
    "tuple inside itself": (frame(["t", ["l", ["r", 0]]]), "reference"),
    "unknown tag": (frame(["x", 1]), "unknown tag"),
    "tag not a string": (frame([1, 2]), "unknown tag"),
    "tag a list": (frame([["l"], 2]), "unknown tag"),
    "empty node": (frame([]), "malformed"),
    "empty node in dict": (frame({"x": []}), "malformed"),
    "empty node in list": (frame(["l", 1, []]), "malformed"),
    "bad node in tuple": (frame(["t", ["f", "x"]]), "malformed number"),
    "bad node as pairs value": (frame(["d", 1, ["o"]]), "malformed"),
    "bad special float": (frame(["f", "nope"]), "malformed number"),
    "special float without value": (frame(["f"]), "malformed number"),
    "special float not a string": (frame(["f", 1.0]), "malformed number"),
    "special float a list": (frame(["f", ["nan"]]), "malformed number"),
    "complex of one part": (frame(["c", 1]), "complex"),
    "complex of three parts": (frame(["c", 1, 2, 3]), "complex"),
    "complex of a string": (frame(["c", "a", 1]), "complex"),
    "complex of a bool": (frame(["c", True, 1]), "complex"),
    "complex of a list": (frame(["c", ["l"], 1]), "complex"),
    "complex of a bad special": (frame(["c", ["f", "x"], 1]), "complex"),
    "opaque without name": (frame(["o", 1]), "malformed"),
    "opaque of two names": (frame(["o", "a", "b"]), "malformed"),
    "pairs dict with a key alone": (frame(["d", 1, 2, 3]), "malformed"),
    "list as key": (frame(["d", ["l"], 1]), "unhashable"),
    "dict as key": (frame(["d", {}, 1]), "unhashable"),
    "array as key": (frame(["d", ["a", "<f8", 1], 1], F8), "unhashable"),
    "tuple of list as key": (frame(["d", ["t", ["l"]], 1]), "unhashable"),
    "complex as key": (frame(["d", ["c", 1, 2], 1]), "unhashable"),  # refused as it always was
    "JSON nested too deep": (raw(b"[" * 100_000 + b"]" * 100_000), "header"),
}


@pytest.mark.parametrize("data, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bytes_raise_codec_error(data: bytes, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(data)


def assert_plain(value: object, depth: int = 0) -> None:
    """``value`` is made only of what decode may build: plain values, numeric writable arrays, Opaque."""
    assert depth <= 64  # and so it holds no cycle
    if type(value) in (list, tuple):
        for item in value:  # type: ignore[attr-defined]
            assert_plain(item, depth + 1)
    elif type(value) is dict:
        for key, item in value.items():
            assert type(key) in (str, int, float, bool, tuple, type(None), Opaque)
            assert_plain(key, depth + 1)
            assert_plain(item, depth + 1)
    elif type(value) is np.ndarray:
        assert value.dtype.kind in "biufc" and value.flags.writeable and value.flags.aligned
    else:
        assert value is None or type(value) in (bool, int, float, complex, str, Opaque)


def outcome(data: bytes) -> str:
    """'ok' or 'rejected'; anything but CodecError propagates and fails the test."""
    try:
        value = decode(data)
    except CodecError:
        return "rejected"
    assert_plain(value)
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


JUNK_NODES = [["r", 0], ["r", 9], ["a", "<f8", 1], ["a", "<f8", 3], ["l"], ["t", ["l"]], ["o", 1]]
JUNK_NODES += [["c", "a", 1], ["d", 1], ["d", ["l"], 1], ["f", "x"], ["f", "nan"], ["x"], {"a": ["r", 0]}]
JUNK = [None, True, -1, 0, 1, 2, 10**30, 1.5, "x", "<f8", "a", "nan", [], [0], [1, 2, 3], {}, *JUNK_NODES]


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
