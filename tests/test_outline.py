"""The roll-up's fast path gives what the full result gives.

``engine.outline`` works out what a roll-up keeps of a school (verdicts, scores,
coverage, each framework's and area's, the indicators found with their reasons, and
every gap's criterion, status and priority rank, in order) without building the full
result. It shares the judging code with ``engine.evaluate``; these tests hold the two
equal: on any valid answers, any selection of frameworks, on the shipped and the mini
rubrics, and on the example schools.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import RUBRICS, SLOW, frameworks, reviews

from esafety_audit.engine import evaluate, outline, outline_of
from esafety_audit.loading import load_answers, load_rubric
from esafety_audit.models import Answers

EXAMPLES = sorted((Path(__file__).parent.parent / "questionnaires" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(RUBRICS))
@settings(max_examples=150, **SLOW)
@given(data=st.data())
def test_outline_is_the_projection_of_the_full_result(name: str, data: st.DataObject) -> None:
    rubric = RUBRICS[name]
    answers: Answers = data.draw(reviews(rubric))
    if data.draw(st.booleans()):  # the file names its own frameworks
        answers = answers.model_copy(update={"frameworks": data.draw(frameworks(rubric))})
    chosen = data.draw(st.one_of(st.none(), frameworks(rubric)))
    assert outline(rubric, answers, chosen) == outline_of(evaluate(rubric, answers, chosen))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_outline_of_each_example(path: Path) -> None:
    rubric = load_rubric()
    answers = load_answers(path, rubric)
    full = evaluate(rubric, answers)
    fast = outline(rubric, answers)
    assert fast == outline_of(full)
    # Not an empty agreement: the examples have gaps, areas and verdicts to agree on.
    assert fast.gaps and fast.areas and fast.frameworks


def test_outline_keeps_the_reasons_of_the_indicators_found() -> None:
    """The indicators found keep their reasons (the roll-up shows them), and they are the
    full result's words."""
    rubric = load_rubric()
    compared = 0
    for path in EXAMPLES:
        answers = load_answers(path, rubric)
        full = evaluate(rubric, answers)
        found = outline(rubric, answers).limiting
        for (cid, _, _, reasons), detail in zip(found, full.limiting_detail, strict=True):
            assert cid == detail.id
            assert reasons and list(reasons) == detail.reasons
            compared += 1
    assert compared  # an example school has an indicator found
