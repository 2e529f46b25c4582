"""Properties of the engine on the shipped rubrics, with hypothesis.

* It never crashes on any valid answers, for any phase or key stages.
* Improving one answer never lowers a criterion's score, an area's score, a
  framework's score or the judgement, never adds a limiting indicator, and never
  turns safeguarding from met to not met.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpers import REVIEW_DATE, mini_rubric
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_rubric
from esafety_audit.models import JUDGEMENT_ORDER, Answer, Answers, Question, Result, Rubric, School

RUBRICS = {"shipped": load_rubric(), "mini": mini_rubric()}
OLDEST = REVIEW_DATE - timedelta(days=5 * 365)


def value_of(question: Question) -> st.SearchStrategy[Any]:
    kind = question.type
    ids = question.choice_ids()
    if kind in ("yes_partly_no", "yes_no", "single_choice"):
        return st.sampled_from(ids)
    if kind == "multiple_choice":
        return st.sets(st.sampled_from(ids)).map(lambda s: [c for c in ids if c in s])
    if kind == "number":
        return st.integers(0, 60)
    if kind == "percentage":
        return st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1))
    if kind == "date":
        return st.dates(OLDEST, REVIEW_DATE)
    return st.text(min_size=1, max_size=20).filter(str.strip)


def improved(question: Question, value: Any) -> st.SearchStrategy[Any]:
    """A strictly better answer to ``question`` than ``value``, where there is one."""
    kind = question.type
    ids = question.choice_ids()
    if kind in ("yes_partly_no", "yes_no", "single_choice"):
        return st.sampled_from(ids[ids.index(value) :])
    if kind == "multiple_choice":
        return st.sets(st.sampled_from(ids)).map(lambda s: [c for c in ids if c in s or c in value])
    if kind in ("number", "percentage"):
        top = 60 if kind == "number" else 100
        if question.better == "lower":
            return st.floats(0, value).map(lambda v: round(v, 1))
        return st.floats(value, max(value, top)).map(lambda v: round(v, 1))
    if kind == "date":
        return st.dates(value, REVIEW_DATE)
    return st.just(value)


@st.composite
def reviews(draw: st.DrawFn, rubric: Rubric) -> Answers:
    phase = draw(st.sampled_from(list(rubric.bank.phases)))
    own_stages = draw(
        st.one_of(st.none(), st.lists(st.sampled_from(["ks1", "ks2", "ks3", "ks4"]), unique=True))
    )
    answers = {}
    for question in rubric.bank.questions().values():
        if draw(st.booleans()) or draw(st.booleans()):  # three in four answered
            answers[question.id] = Answer(value=draw(value_of(question)))
    school = School(
        name="Property School",
        phase=phase,
        review_date=REVIEW_DATE,
        key_stages=own_stages or None,
    )
    return Answers(school=school, answers=answers)


def frameworks(rubric: Rubric) -> st.SearchStrategy[list[str]]:
    """Any selection of frameworks, in any order, repeats allowed (as --framework allows)."""
    return st.lists(st.sampled_from([f.id for f in rubric.frameworks]), min_size=1, max_size=3)


def _scores(result: Result) -> dict[str, float]:
    found = {f"criterion {c.id}": c.score for c in result.criteria}
    found.update({f"area {a.framework}/{a.id}": a.score for a in result.areas})
    found.update({f"framework {f.id}": f.score for f in result.frameworks})
    found["overall"] = result.score
    return {k: v for k, v in found.items() if v is not None}


def _judgement_rank(judgement: str | None) -> int:
    return -1 if judgement is None else JUDGEMENT_ORDER.index(judgement)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_any_valid_answers_evaluate(data: st.DataObject, which: str) -> None:
    rubric = RUBRICS[which]
    result = evaluate(rubric, data.draw(reviews(rubric)), data.draw(frameworks(rubric)))
    assert 0 <= result.coverage <= 100
    assert result.score is None or 0 <= result.score <= 100
    assert all(c.reasons for c in result.criteria)
    if result.limiting:
        assert result.judgement == "inadequate"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_improving_one_answer_never_lowers_anything(data: st.DataObject, which: str) -> None:
    rubric = RUBRICS[which]
    questions = rubric.bank.questions()
    before_answers = data.draw(reviews(rubric))
    answered = sorted(before_answers.answers)
    if not answered:
        return
    qid = data.draw(st.sampled_from(answered))
    old = before_answers.answers[qid].value
    new = data.draw(improved(questions[qid], old))
    after_answers = before_answers.model_copy(
        update={"answers": {**before_answers.answers, qid: Answer(value=new)}}
    )
    chosen = data.draw(frameworks(rubric))
    before = evaluate(rubric, before_answers, chosen)
    after = evaluate(rubric, after_answers, chosen)
    old_scores, new_scores = _scores(before), _scores(after)
    lowered = {
        k: (old_scores[k], new_scores.get(k))
        for k in old_scores
        if new_scores.get(k, 0) < old_scores[k]
    }
    assert not lowered, f"{qid}: {old!r} -> {new!r} lowered {lowered}"
    assert _judgement_rank(after.judgement) >= _judgement_rank(before.judgement)
    assert set(after.limiting) <= set(before.limiting), f"{qid}: {old!r} -> {new!r}"
    if before.safeguarding is not None and before.safeguarding.status == "met":
        assert after.safeguarding is not None
        assert after.safeguarding.status == "met", f"{qid}: {old!r} -> {new!r}"
