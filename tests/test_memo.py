"""grader/memo.py: the reference as the checks see it computes each result once per arguments, shares it
read-only (or copies what cannot be frozen), finds a result a caller changed, and leaves classes and
failures alone."""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest

from grader import memo
from grader.memo import RememberedModule, ReplyMemo, TextMemo, audit, call_key, memo_key, remember


def module_counting() -> tuple[types.ModuleType, list[str]]:
    calls: list[str] = []
    module = types.ModuleType("reference_under_test")

    def forward(x: np.ndarray, scale: float = 1.0) -> dict[str, np.ndarray]:
        calls.append("forward")
        return {"y": x * scale}

    def broken(x: np.ndarray) -> None:
        calls.append("broken")
        raise ValueError("no")

    class Model:
        pass

    module.forward, module.broken, module.Model = forward, broken, Model  # type: ignore[attr-defined]
    return module, calls


def test_a_result_is_computed_once_per_distinct_arguments() -> None:
    module, calls = module_counting()
    remembered = RememberedModule(module)
    x = np.arange(6.0).reshape(2, 3)
    first = remembered.forward(x)
    again = remembered.forward(x.copy())  # equal arguments, another array
    other = remembered.forward(x, scale=2.0)
    assert calls == ["forward", "forward"]
    np.testing.assert_array_equal(again["y"], first["y"])
    np.testing.assert_array_equal(other["y"], 2 * x)


def test_a_result_is_shared_read_only_and_computed_on_a_copy_of_the_arguments() -> None:
    module, _ = module_counting()
    remembered = RememberedModule(module)
    x = np.ones((2, 2))
    mine = remembered.forward(x)
    assert remembered.forward(x.copy()) is mine
    with pytest.raises(ValueError, match="read-only"):
        mine["y"][:] = 99.0  # a check that edits an expected array in place is stopped at once
    module.keep = lambda v: {"kept": v}  # type: ignore[attr-defined]  # a result that holds its argument
    kept = remembered.keep(x)
    x[:] = 5.0  # the caller's own arguments stay its own, writable
    np.testing.assert_array_equal(kept["kept"], np.ones((2, 2)))


def test_an_audit_finds_and_forgets_a_result_whose_dict_a_caller_changed() -> None:
    module, calls = module_counting()
    remembered = RememberedModule(module)
    x = np.ones(3)
    assert audit(remembered) == []
    remembered.forward(x)["y"] = np.zeros(3)  # replacing a value is not stopped by read-only arrays
    assert audit(remembered) == ["forward"]
    np.testing.assert_array_equal(remembered.forward(x)["y"], np.ones(3))  # computed afresh
    assert calls == ["forward", "forward"]
    assert audit(remembered) == []


def test_a_result_holding_other_objects_is_copied_for_each_caller() -> None:
    module = types.ModuleType("reference_objects")

    class Box:
        def __init__(self) -> None:
            self.items: list[int] = []

    def boxed(x: np.ndarray) -> tuple[np.ndarray, Box]:
        return x * 2, Box()

    module.boxed = boxed  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    first = remembered.boxed(np.ones(2))
    first[1].items.append(1)
    first[0][0] = 7.0  # its own copy: writable
    second = remembered.boxed(np.ones(2))
    assert second[1].items == [] and second[0][0] == 2.0
    assert audit(remembered) == []


def test_failures_are_raised_every_time_and_classes_are_the_modules_own() -> None:
    module, calls = module_counting()
    remembered = RememberedModule(module)
    for _ in range(2):
        with pytest.raises(ValueError, match="no"):
            remembered.broken(np.zeros(1))
    assert calls == ["broken", "broken"]
    assert remembered.Model is module.Model  # type: ignore[attr-defined]
    assert remembered.__name__ == "reference_under_test"
    with pytest.raises(AttributeError):
        remembered.missing  # noqa: B018


def test_memo_key_tells_arguments_apart() -> None:
    x = np.arange(4.0)
    assert memo_key(["f", [x]]) == memo_key(["f", [x.copy()]])
    assert memo_key(["f", [x]]) != memo_key(["f", [x + 1]])
    assert memo_key(["f", [x]]) != memo_key(["g", [x]])
    assert memo_key(["f", [x.reshape(2, 2)]]) != memo_key(["f", [x]])


def test_a_frozen_result_keeps_what_was_shared_shared() -> None:
    module = types.ModuleType("reference_shared")
    weights = {"W": np.ones((2, 2))}

    def step(x: np.ndarray) -> tuple[Any, ...]:
        y = x * 2
        return y, (y, weights), [weights, 3, "s", None]

    module.step = step  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    first = remembered.step(np.ones(2))
    assert first[0] is first[1][0] and first[1][1] is first[2][0]  # shared as in the original
    assert not first[1][1]["W"].flags.writeable
    assert first[2][1:] == [3, "s", None]


def test_remember_builds_inputs_once_per_arguments_and_hands_out_read_only_arrays() -> None:
    built: list[tuple[int, int]] = []

    @remember
    def inputs(seed: int, size: int = 2) -> dict[str, np.ndarray]:
        built.append((seed, size))
        return {"x": np.random.default_rng(seed).standard_normal(size)}

    first = inputs(1)
    with pytest.raises(ValueError, match="read-only"):
        first["x"][:] = 0.0  # a check that would change its inputs in place is stopped at once
    first["x"] = np.zeros(2)  # its dict is its own: replacing an item changes no other call's
    again = inputs(1)
    assert not np.all(again["x"] == 0.0) and again is not first
    inputs(1, size=3)
    inputs(2)
    inputs(1, size=3)
    assert built == [(1, 2), (1, 3), (2, 2)]
    assert inputs.__name__ == "inputs"


def test_remembered_inputs_holding_other_objects_are_copied_whole_for_each_call() -> None:
    class Box:
        def __init__(self) -> None:
            self.items: list[int] = []

    @remember
    def boxed() -> tuple[np.ndarray, Box]:
        return np.ones(2), Box()

    first = boxed()
    first[0][0] = 7.0  # a copy of its own: writable
    first[1].items.append(1)
    second = boxed()
    assert second[0][0] == 1.0 and second[1].items == []
    assert call_key(types.ModuleType("plain"), ["f", [second[0]], {}]) == memo_key(["f", [second[0]], {}])


def test_arguments_the_codec_carries_as_less_than_they_are_get_no_key() -> None:
    class Tagged(np.ndarray):
        pass

    class Name(str):
        pass

    x = np.arange(3.0)
    inexact = [np.float32(1.5), x.view(Tagged), x.astype(np.longdouble), Name("a"), object(), {1: print}]
    assert [memo_key(["f", [value]]) for value in inexact] == [b""] * len(inexact)
    exact = [1.5, x, x[::2], "a", {1: None}, (1, [2]), 1 + 2j, float("nan"), True]
    assert all(memo_key(["f", [value]]) for value in exact)
    assert len({memo_key(["f", [value]]) for value in [1, 1.0, True, "1", [1], (1,)]}) == 6


def test_arguments_without_a_key_are_computed_each_time() -> None:
    assert memo_key(["f", [lambda v: v]]) == b""
    calls: list[int] = []
    module = types.ModuleType("reference_applies")

    def apply(function: Any) -> int:
        calls.append(1)
        return int(function())

    module.apply = apply  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    assert (remembered.apply(lambda: 1), remembered.apply(lambda: 2)) == (1, 2)
    assert len(calls) == 2


def test_a_kept_reply_is_found_only_for_the_same_function_and_within_its_size() -> None:
    replies = ReplyMemo(limit_bytes=64 * 100)
    key = ReplyMemo.key(b"request")
    first, second = (lambda: 1), (lambda: 2)
    assert replies.find(key, lambda name: first) is None
    replies.keep(key, "f", first, b"reply")
    assert replies.find(key, lambda name: first) == b"reply"
    assert replies.find(key, lambda name: second) is None  # another reference (another stream)
    assert replies.find(key, None) is None

    def refuses(name: str) -> Any:
        raise NameError(f"{name} is not available during this call")

    assert replies.find(key, refuses) is None
    replies.keep(key, "f", second, b"reply 2")  # kept again for the function now in use
    assert replies.find(key, lambda name: second) == b"reply 2"
    replies.keep(ReplyMemo.key(b"big"), "f", first, b"x" * 101)  # over a 64th of the limit: not kept
    assert replies.find(ReplyMemo.key(b"big"), lambda name: first) is None
    for index in range(70):  # past the limit, the memo starts afresh
        replies.keep(ReplyMemo.key(b"%d" % index), "f", first, b"y" * 100)
    assert replies.find(key, lambda name: second) is None
    assert replies.find(ReplyMemo.key(b"69"), lambda name: first) == b"y" * 100


def test_a_shared_result_passed_on_is_named_not_walked_and_told_apart_by_content() -> None:
    module = types.ModuleType("reference_chain")
    calls: list[str] = []

    def forward(x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        calls.append("forward")
        return x * 2, {"x": x, "y": x * 2}

    def backward(cache: dict[str, np.ndarray]) -> np.ndarray:
        calls.append("backward")
        return cache["y"] - cache["x"]

    module.forward, module.backward = forward, backward  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    one, two = remembered.forward(np.ones(2)), remembered.forward(np.full(2, 3.0))
    assert call_key(remembered, ["backward", [one[1]], {}]) != memo_key(["backward", [one[1]], {}])
    np.testing.assert_array_equal(remembered.backward(one[1]), np.ones(2))
    np.testing.assert_array_equal(remembered.backward(two[1]), np.full(2, 3.0))  # its own content
    assert remembered.backward(one[1]) is remembered.backward(one[1])
    equal = {"x": np.ones(2), "y": np.full(2, 2.0)}  # the same content in another object: walked
    np.testing.assert_array_equal(remembered.backward(equal), np.ones(2))
    assert calls == ["forward", "forward", "backward", "backward", "backward"]
    plain = types.ModuleType("plain")
    assert call_key(plain, ["backward", [one[1]], {}]) == memo_key(["backward", [one[1]], {}])


def test_an_audit_that_finds_a_change_forgets_the_names_of_shared_parts() -> None:
    module = types.ModuleType("reference_named")
    module.forward = lambda x: ({"x": x},)  # type: ignore[attr-defined]
    module.read = lambda cache: float(cache["x"].sum())  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    cache = remembered.forward(np.ones(2))[0]
    assert remembered.read(cache) == 2.0
    cache["x"] = np.zeros(2)  # a check edits a shared dict: found at the audit, then walked again
    assert audit(remembered) == ["forward"]
    assert remembered.read(cache) == 0.0


def test_remembered_inputs_keep_what_was_shared_shared_in_each_call() -> None:
    @remember
    def tied(seed: int) -> dict[str, Any]:
        w = np.full(2, float(seed))
        pair = (w, 1)
        return {"w": w, "also_w": w, "pair": pair, "again": [pair]}

    mine, theirs = tied(1), tied(1)
    assert mine["w"] is mine["also_w"] is mine["pair"][0] is theirs["w"]  # the kept array, read-only
    assert not mine["w"].flags.writeable
    assert mine["pair"] is mine["again"][0] and mine["again"] is not theirs["again"]


def _remembered_inputs() -> Any:
    @remember
    def problem(seed: int) -> dict[str, Any]:
        r = np.random.default_rng(seed)
        params = {"W": r.standard_normal((2, 2)), "b": r.standard_normal(2)}
        return {"params": params, "x": [r.standard_normal(2)]}

    return problem


def test_what_a_builder_handed_out_is_named_in_a_key_not_walked() -> None:
    problem = _remembered_inputs()
    plain = types.ModuleType("plain")
    one, two = problem(1), problem(1)
    walked = memo_key(["f", [one["params"], one["x"][0]], {}])
    named = call_key(plain, ["f", [one["params"], one["x"][0]], {}])
    assert named and named != walked
    assert call_key(plain, ["f", [two["params"], two["x"][0]], {}]) == named  # another call, same inputs
    other = problem(2)
    assert call_key(plain, ["f", [other["params"], other["x"][0]], {}]) != named
    copied = {"W": one["params"]["W"].copy(), "b": one["params"]["b"].copy()}  # equal, not handed out
    assert call_key(plain, ["f", [copied], {}]) == memo_key(["f", [copied], {}])


@pytest.mark.parametrize("change", ["replace", "add", "remove", "nested", "list"])
def test_a_handed_out_container_changed_since_is_walked_again(change: str) -> None:
    problem = _remembered_inputs()
    mine = problem(1)
    before = call_key(types.ModuleType("plain"), ["f", [mine], {}])
    if change == "replace":
        mine["params"] = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    elif change == "add":
        mine["y"] = 1
    elif change == "remove":
        del mine["x"]
    elif change == "nested":
        mine["params"]["W"] = mine["params"]["W"] * 2
    else:
        mine["x"].append(np.ones(2))
    after = call_key(types.ModuleType("plain"), ["f", [mine], {}])
    assert after == memo_key(["f", [mine], {}]) != before


def test_a_reference_given_changed_inputs_computes_with_them() -> None:
    module = types.ModuleType("reference_sums")
    module.total = lambda params: float(params["W"].sum() + params["b"].sum())  # type: ignore[attr-defined]
    remembered = RememberedModule(module)
    problem = _remembered_inputs()
    params = problem(1)["params"]
    first = remembered.total(params)
    assert first == pytest.approx(float(params["W"].sum() + params["b"].sum()))
    params["b"] = params["b"] + 1.0
    assert remembered.total(params) == pytest.approx(first + 2.0)


def test_results_are_kept_within_a_budget_of_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader import memo

    monkeypatch.setattr(memo, "LIMIT_BYTES", 64 * 800)  # results of up to 800 bytes are kept
    module, calls = module_counting()
    remembered = RememberedModule(module)
    big = remembered.forward(np.ones(101))  # 808 bytes: computed every time, never kept
    assert not big["y"].flags.writeable and remembered.forward(np.ones(101)) is not big
    assert calls == ["forward", "forward"]
    kept = [remembered.forward(np.full(100, float(i))) for i in range(65)]  # 800 bytes each
    assert remembered.forward(np.full(100, 64.0)) is kept[64]
    assert remembered.forward(np.full(100, 0.0)) is not kept[0]  # the budget was reached: afresh


def test_a_text_memo_remembers_short_texts_only() -> None:
    seen: list[str] = []

    def length(text: str) -> int:
        """How long the text is."""
        seen.append(text)
        return len(text)

    memo = TextMemo(length, max_chars=3, maxsize=2)
    assert [memo("ab"), memo("ab"), memo("abcd"), memo("abcd")] == [2, 2, 4, 4]
    assert seen == ["ab", "abcd", "abcd"]  # the long text is worked on every time
    assert memo.__doc__ == "How long the text is." and memo.cache_info().currsize == 1


def test_keys_made_from_names_tell_every_argument_apart() -> None:
    problem = _remembered_inputs()
    plain = types.ModuleType("plain")
    params = problem(1)["params"]
    name = memo._input_name(params)
    assert name is not None
    keys = [
        call_key(plain, ["f", [params, value], {}]) for value in (1, 1.0, True, "1", None, name, -0.0, 0.0)
    ]
    keys += [
        call_key(plain, ["f", [name, 1], {}]),  # the name as a plain string is not the named argument
        call_key(plain, ["f", [(name,), 1], {}]),
        call_key(plain, ["f", [params], {"n": 1}]),  # by keyword, not by position
        call_key(plain, ["f", [params, 1], {}, ["g"]]),  # stand-ins allowed
        call_key(plain, ["g", [params, 1], {}]),
    ]
    assert len(set(keys)) == len(keys)
    assert call_key(plain, ["f", [params, 1], {}]) == call_key(plain, ["f", [problem(1)["params"], 1], {}])
