"""Diagnosis (grader/diagnosis.py, grader/_clues.py): each diagnosis fires on a mistake, never on right code.

The held-out notebooks in tests/files/heldout hold mistakes that are not in the catalog; at least three
quarters of the exercises that lose points there must carry a hint naming the mistake or where it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exercises.rnn_step_by_step._inputs import CELL_CASES, SEQ_CASES, cell_inputs, rnn_parameters, seq_inputs
from grader import Mistake, assignments, mistake
from grader._clues import locate, return_names
from grader.diagnosis import Call, Diagnoser, explains, globals_read, load_catalog
from grader.grading import grade_notebook, grade_source
from grader.notebook import extract, read_notebook
from grader.result import SubmissionResult
from reference import rnn_step_by_step as ref

RNN = assignments.load("rnn_step_by_step")
CATALOG = load_catalog("rnn_step_by_step")
HELDOUT = Path(__file__).parent / "files" / "heldout"


def by_name(exercise: str, name: str) -> Mistake:
    return next(m for m in CATALOG[exercise] if m.name == name)


def cell_call(function: Any = ref.rnn_cell_forward) -> Call:
    i = cell_inputs(CELL_CASES[0])
    args = (i["xt"], i["a_prev"], rnn_parameters(CELL_CASES[0]))
    return Call("rnn_cell_forward", args, {}, value=function(*args), key=b"cell")


# -- the catalog ------------------------------------------------------------------------------------------


def test_every_exercise_has_at_least_eight_distinct_mistakes() -> None:
    assert set(CATALOG) == set(RNN.exercises)
    for exercise, mutants in CATALOG.items():
        assert len(mutants) >= 8, exercise
        assert len({m.description for m in mutants}) == len(mutants), exercise


def test_the_decorator_keeps_the_function_and_a_one_line_description() -> None:
    @mistake("rnn_cell_forward", "I left  the bias\n out")
    def no_bias(xt: Any, a_prev: Any, parameters: Any) -> int:
        return 1

    assert isinstance(no_bias, Mistake)
    assert no_bias.description == "I left the bias out"
    assert no_bias(0, 0, {}) == 1 and no_bias.name == "no_bias"


# -- matching a mutant ------------------------------------------------------------------------------------


def test_a_mutant_explains_its_own_result_and_not_the_reference() -> None:
    call = cell_call()
    want = call.value
    no_ba = by_name("rnn_cell_forward", "no_ba")
    got = no_ba(*call.args)
    assert explains(got, got, want) is True
    assert explains(want, got, want) is False  # right code is not taken for the mistake
    assert explains(want, want, want) is None  # a mutant equal to the reference tells nothing


def test_a_mutant_does_not_explain_a_different_mistake() -> None:
    call = cell_call()
    no_ba, no_by = by_name("rnn_cell_forward", "no_ba"), by_name("rnn_cell_forward", "no_by")
    assert explains(no_by(*call.args), no_ba(*call.args), call.value) is False


def test_sharing_is_judged_only_for_a_mutant_about_sharing() -> None:
    params = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1))}
    s_is_v = by_name("initialize_adam", "s_is_v")
    right = ref.initialize_adam(params)
    assert explains(s_is_v(params), s_is_v(params), right) is True
    assert explains(right, s_is_v(params), right) is False


def test_the_diagnoser_names_the_matching_mistake_only() -> None:
    diagnoser = Diagnoser(ref, CATALOG)
    no_ba = by_name("rnn_cell_forward", "no_ba")
    assert no_ba.description in (diagnoser.hint("rnn_cell_forward", [cell_call(no_ba)], None) or "")
    assert diagnoser.match("rnn_cell_forward", [cell_call()]) is None


# -- where a result goes wrong ----------------------------------------------------------------------------


def seq_call(function: Any) -> tuple[Any, Any]:
    i = seq_inputs(SEQ_CASES[0])
    args = (i["x"], i["a0"], rnn_parameters(SEQ_CASES[0]))
    return function(*args), ref.rnn_forward(*args)


@pytest.mark.parametrize(
    ("mutant", "clue"),
    [
        ("stops_early", "zero at the last time step"),
        ("starts_late", "zero at the first time step"),
        ("a0_every_step", "right at the first time step and wrong from t = 1"),
        ("saved_before_update", "holds the value of step t - 1"),
    ],
)
def test_time_steps_are_located(mutant: str, clue: str) -> None:
    got, want = seq_call(by_name("rnn_forward", mutant))
    assert clue in (locate(got, want, return_names(ref.rnn_forward)) or "")
    assert locate(want, want, return_names(ref.rnn_forward)) is None


def test_values_in_the_wrong_place_factors_transposes_and_ranges() -> None:
    names = return_names(ref.rnn_cell_forward)
    call = cell_call()
    a_next, yt_pred, cache = call.value
    swapped = (a_next, yt_pred, (cache[1], cache[0], *cache[2:]))
    assert "holds the values that belong in `cache[1] (a_prev)`" in str(locate(swapped, call.value, names))
    assert "range" not in str(locate(call.value, call.value, names))
    relu = (np.maximum(0, np.arctanh(a_next)), yt_pred, cache)
    assert "check the activation function" in str(locate(relu, call.value, names))
    grads = {"dW": np.arange(1.0, 5.0).reshape(2, 2), "db": np.ones((2, 1))}
    mean = {"dW": grads["dW"], "db": grads["db"] / 10}
    assert "1/10 of the right value" in str(locate(mean, grads, return_names(ref.rnn_cell_backward)))
    transposed = {"dW": grads["dW"].T, "db": grads["db"]}
    assert "transpose" in str(locate(transposed, grads, return_names(ref.rnn_cell_backward)))


def test_return_names_come_from_the_return_statement() -> None:
    names = return_names(ref.rnn_cell_forward)
    assert names.label((0,)) == "a_next"
    assert names.label((2, 1)) == "cache[1] (a_prev)"
    assert return_names(ref.rnn_forward).label((2, 0, 3)) == "caches[3]"


def test_globals_read_by_a_function() -> None:
    code = "def f(x, p):\n    W = p['W']\n    import math\n    return W @ x + b + math.pi + len(x)"
    assert globals_read(code) == ["b"]


# -- what real notebooks get wrong -------------------------------------------------------------------------

IMPORTS = "import numpy as np\nfrom rnn_utils import softmax, sigmoid"
RIGHT = """def rnn_cell_forward(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)"""


def grade_cells(*cells: str, exercise: str = "rnn_cell_forward") -> SubmissionResult:
    notebook = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": c} for c in cells]}
    return grade_source(extract(notebook), RNN, "cells.ipynb", only=(exercise,))


def hints(result: SubmissionResult) -> list[str]:
    return [c.hint for e in result.exercises for c in e.checks if not c.passed and c.hint]


def test_right_code_gets_no_hint_at_all() -> None:
    result = grade_cells(IMPORTS, RIGHT)
    assert result.score == result.max_score == 10 and hints(result) == []


@pytest.mark.parametrize(
    ("cells", "hint"),
    [
        (
            ["n_a = 5\nba = np.ones((5, 1))", RIGHT.replace('parameters["ba"]', "ba")],
            "rnn_cell_forward reads `ba`, which is set in cell 2, not from `parameters`",
        ),
        (
            ['Wax = parameters_demo["Wax"]', RIGHT.replace('parameters["Wax"]', "Wax")],
            "reads `Wax`, which is set in cell 2, not from `parameters`",
        ),
        (
            [
                "def rnn_cell_forward(xt, a_prev, parameters):\n    a_next = None\n    yt_pred = None\n"
                "    cache = (a_next, a_prev, xt, parameters)\n    return a_next, yt_pred, cache"
            ],
            "a_next, yt_pred are still None, as in the template",
        ),
        (
            ["def rnn_cell_forward(xt, a_prev, parameters):\n    ### START CODE HERE ###\n    pass"],
            "has no `return` with a value",
        ),
        (
            [RIGHT.replace("return a_next, yt_pred, (", "return a_next, (")],
            "it returns 2 values; the exercise asks for 3: a_next, yt_pred, cache (yours are a_next, cache; "
            "yt_pred missing)",
        ),
        (
            [RIGHT.replace("def rnn_cell_forward(", "def rnn_cell_foward(")],
            "did you mean `rnn_cell_forward`?",
        ),
    ],
    ids=["kept-constant", "skipped-variable", "template", "no-return", "count", "misspelled-name"],
)
def test_notebook_mistakes_are_named(cells: list[str], hint: str) -> None:
    result = grade_cells(IMPORTS, *cells)
    assert result.score < result.max_score
    assert any(hint in h for h in hints(result)), hints(result)


def test_misspelled_gradient_key() -> None:
    code = ref_source("rnn_cell_backward").replace('"dWaa":', '"dWa":')
    result = grade_cells(IMPORTS, code, exercise="rnn_cell_backward")
    assert "`dWa`: did you mean `dWaa`?" in hints(result)
    right = grade_cells(IMPORTS, ref_source("rnn_cell_backward"), exercise="rnn_cell_backward")
    assert right.score == right.max_score and hints(right) == []


def ref_source(name: str) -> str:
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(getattr(ref, name))).replace("-> dict[str, Array]", "")


def test_a_hint_is_never_given_for_a_hidden_check_text_in_the_terminal() -> None:
    from grader.reports import render_table
    from grader.result import CheckResult, ExerciseResult

    secret = CheckResult("values", 0.0, 1.0, False, "expected 0.123", hint="h", visibility="hidden")
    result = SubmissionResult(
        "a", "s.ipynb", 0.0, 1.0, None, "0", 0.1, (ExerciseResult("f", 0.0, 1.0, "failed", (secret,)),)
    )
    text = render_table([result])
    assert "0.123" not in text and "hidden check" in text


# -- held-out mistakes -------------------------------------------------------------------------------------

HELD = json.loads((HELDOUT / "expected.json").read_text())


def names_the_mistake(hint: str, entry: dict[str, Any]) -> bool:
    """The hint names the real mistake, or (when it claims no catalogued mistake) where it is."""
    low = hint.lower()
    if any(word.lower() in low for word in entry["mistake"]):
        return True
    return "exactly what" not in low and any(word.lower() in low for word in entry["where"])


@pytest.fixture(scope="module")
def heldout_results() -> list[tuple[dict[str, Any], SubmissionResult]]:
    """Each held-out notebook graded on the exercise with the mistake (the build checks the others)."""
    results = []
    for entry in HELD:
        source = read_notebook(HELDOUT / entry["notebook"])
        results.append((entry, grade_source(source, RNN, entry["notebook"], only=entry["loses"])))
    return results


def test_heldout_mistakes_lose_points(heldout_results: list[tuple[dict[str, Any], SubmissionResult]]) -> None:
    for entry, result in heldout_results:
        assert [e.name for e in result.exercises if e.score < e.max_score] == entry["loses"], entry[
            "notebook"
        ]


def test_a_whole_heldout_notebook_loses_points_in_one_exercise_only() -> None:
    entry = HELD[0]
    result = grade_notebook(HELDOUT / entry["notebook"], RNN)
    assert [e.name for e in result.exercises if e.score < e.max_score] == entry["loses"]


def test_three_quarters_of_heldout_mistakes_get_a_hint_that_names_them(
    heldout_results: list[tuple[dict[str, Any], SubmissionResult]],
) -> None:
    named, losing = 0, 0
    for entry, result in heldout_results:
        for exercise in result.exercises:
            if exercise.score < exercise.max_score:
                losing += 1
                found = [c.hint for c in exercise.checks if not c.passed and c.hint]
                named += any(names_the_mistake(h, entry) for h in found)
    print(f"held-out: {named} of {losing} losing exercises carry a hint naming the mistake or where it is")
    assert losing == len(HELD)
    assert named / losing >= 0.75


@pytest.mark.parametrize("constant", ["SCALE = 1.0", "scale = 1.0"])
def test_a_literal_constant_read_by_the_function_is_not_blamed(constant: str) -> None:
    name = constant.split()[0]
    wrong = RIGHT.replace(' + parameters["ba"])', f") * {name}")  # the bias left out, the constant harmless
    result = grade_cells(IMPORTS, constant, wrong)
    assert result.score < result.max_score
    assert hints(result) and all("reads `" not in h for h in hints(result))
    assert any("I left the bias ba out of a_next" in h for h in hints(result))


def test_a_definition_that_failed_to_load_is_named_as_such_not_as_a_misspelling() -> None:
    failing = RIGHT.replace(
        "def rnn_cell_forward(xt, a_prev, parameters):",
        "def rnn_cell_forward(xt, a_prev, parameters, n=N_UNSET):",
    )
    result = grade_cells(IMPORTS, failing)
    assert result.score == 0
    assert any("failed when the notebook was loaded" in h for h in hints(result))
    assert not any("did you mean" in h for h in hints(result))


def test_a_diagnosis_that_breaks_costs_the_hint_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.diagnosis import Diagnoser

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("catalog cannot read this result")

    monkeypatch.setattr(Diagnoser, "hint", broken)
    result = grade_cells(IMPORTS, RIGHT.replace(' + parameters["ba"])', ")"))
    assert result.score < result.max_score and hints(result) == []  # graded as usual, without hints
    [notice] = [n.message for n in result.notices if "could not be worked out" in n.message]
    assert "RuntimeError: catalog cannot read this result" in notice


def test_a_remembered_match_is_only_for_the_same_catalog() -> None:
    no_ba = by_name("rnn_cell_forward", "no_ba")
    call = cell_call(no_ba)
    assert Diagnoser(ref, CATALOG).match("rnn_cell_forward", [call])
    others = {"rnn_cell_forward": tuple(m for m in CATALOG["rnn_cell_forward"] if m is not no_ba)}
    assert Diagnoser(ref, others).match("rnn_cell_forward", [call]) is None
