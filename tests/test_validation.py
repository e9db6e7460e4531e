"""grader validate (grader/validation.py): the reference scores full marks, every catalogued mistake loses
points in its own exercise only and gets its own hint; a mutant that does not is reported."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

from grader import assignments
from grader.cli import main
from grader.diagnosis import Mistake, load_catalog
from grader.validation import Validation, check_mutant, judge, mutant_source, order_problems
from reference.rnn_step_by_step import softmax

RNN = assignments.load("rnn_step_by_step")


CATALOG = load_catalog("rnn_step_by_step")
MUTANTS = [m for exercise in RNN.exercises for m in CATALOG[exercise]]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.exercise}.{m.name}" for m in MUTANTS])
def test_every_catalogued_mistake_loses_points_and_gets_its_own_hint(mutant: Mistake) -> None:
    # Its own exercise only, to keep the suite quick: CI runs the whole `grader validate`, which also
    # checks that no other exercise loses points.
    verdict = judge(RNN, mutant, own_exercise_only=True)
    assert verdict.problem is None
    assert verdict.lost > 0, "the suite does not catch it"
    assert verdict.hinted, "no failed check carries its description"


def test_validate_grades_every_exercise_of_a_mutant() -> None:
    verdict = judge(RNN, CATALOG["rnn_cell_forward"][0])
    assert verdict.ok and verdict.collateral == () and verdict.lost > 0


def test_the_table() -> None:
    verdicts = tuple(judge(RNN, m, own_exercise_only=True) for m in CATALOG["initialize_adam"][:2])
    table = Validation("rnn_step_by_step", validate_reference(), verdicts, (), 1.0).table()
    assert re.search(r"\ninitialize_adam +2 +2 +2 +100%\n", table), table
    assert table.rstrip().endswith("OK in 1.0 s")


def same_as_reference(xt: Any, a_prev: Any, parameters: Any) -> Any:
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
    return a_next, softmax(parameters["Wya"] @ a_next + parameters["by"]), (a_next, a_prev, xt, parameters)


SCALE = 2.0


def uses_a_name_of_its_own(xt: Any, a_prev: Any, parameters: Any) -> Any:
    return same_as_reference(xt, a_prev, parameters)[0] * SCALE


def test_a_mutant_the_suite_cannot_catch_is_reported() -> None:
    equivalent = Mistake("rnn_cell_forward", "I wrote it right", same_as_reference)
    verdict = judge(RNN, equivalent)
    assert verdict.problem is None and verdict.lost == 0 and not verdict.ok
    report = Validation("rnn_step_by_step", validate_reference(), (verdict,), (), 0.1).table()
    assert "loses no points: the suite does not catch it" in report and "FAILED" in report


def validate_reference() -> Any:
    from grader.grading import grade_source
    from grader.notebook import extract
    from grader.validation import submission

    return grade_source(extract(submission(RNN)), RNN, "reference.ipynb", only=("rnn_cell_forward",))


def test_a_mutant_must_be_gradable_as_written() -> None:
    own_name = Mistake("rnn_cell_forward", "I scaled a_next", uses_a_name_of_its_own)
    assert "`same_as_reference`" in str(check_mutant(RNN, own_name))
    wrong_signature = Mistake("rnn_cell_forward", "x", lambda xt, a_prev: None)
    assert "parameters" in str(check_mutant(RNN, wrong_signature))
    unknown = Mistake("no_such_exercise", "x", same_as_reference)
    assert "not an exercise" in str(check_mutant(RNN, unknown))
    assert check_mutant(RNN, Mistake("rnn_cell_forward", "fine", same_as_reference)) is None


def test_the_mutant_is_written_as_the_student_function() -> None:
    text = mutant_source(Mistake("rnn_cell_forward", "x", same_as_reference))
    assert text.startswith("def rnn_cell_forward(xt: Any, a_prev: Any, parameters: Any)")


def test_cli_validate_unknown_assignment_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no_such_assignment"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_no_mutation_score_is_claimed_where_the_reference_itself_fails() -> None:
    import dataclasses

    verdicts = tuple(judge(RNN, m, own_exercise_only=True) for m in CATALOG["initialize_adam"][:2])
    reference = validate_reference()
    broken = dataclasses.replace(
        reference,
        exercises=tuple(
            dataclasses.replace(e, name="initialize_adam", score=0.0, max_score=4.0)
            for e in reference.exercises
        ),
    )
    table = Validation("rnn_step_by_step", broken, verdicts, ("the reference loses points",), 1.0).table()
    assert re.search(r"\ninitialize_adam +2 +2 +2 +n/a: reference\n", table), table
    assert "100%" not in table and "FAILED" in table


def test_an_exercise_graded_before_one_that_stands_in_for_it_is_a_problem() -> None:
    assert order_problems(RNN) == []  # the shipped order: each exercise after those it uses
    swapped = dataclasses.replace(RNN, exercises=("rnn_forward", "rnn_cell_forward", *RNN.exercises[2:]))
    problems = order_problems(swapped)
    assert len(problems) == 1 and problems[0].startswith("rnn_forward is graded before rnn_cell_forward")
