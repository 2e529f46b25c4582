"""Properties of the engine on the shipped rubrics, with hypothesis.

The four principles of DESIGN.md's "Scoring semantics", as properties over any valid
answers file, any phase and key stages, and any selection of frameworks:

* It never crashes, and every status carries its reasons.
* Improving one answer never lowers a score or the judgement, never adds an indicator
  found, and never turns safeguarding from met to not met.
* Silence is never compliance: removing one answer never raises a framework's score,
  never improves a judgement, never turns safeguarding from not met to met, and never
  takes an indicator off the found-or-not-checked list.
* How do you know? Adding evidence to an answer never lowers anything.

"Not judged" ranks with inadequate: neither is a clean verdict, so moving between
them is neither better nor worse.
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
from esafety_audit.rules import Absent

RUBRICS = {"shipped": load_rubric(), "mini": mini_rubric()}
OLDEST = REVIEW_DATE - timedelta(days=5 * 365)
SLOW = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def typed_value(question: Question) -> st.SearchStrategy[Any]:
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


def value_of(question: Question) -> st.SearchStrategy[Any]:
    """Any valid answer, absences ("never", "no record", "not known") included."""
    if not question.absent:
        return typed_value(question)
    return st.one_of(typed_value(question), st.sampled_from(question.absent).map(Absent))


def improved(question: Question, value: Any) -> st.SearchStrategy[Any]:
    """A strictly better answer to ``question`` than ``value``, where there is one."""
    kind = question.type
    ids = question.choice_ids()
    if isinstance(value, Absent):  # an absence is the worst answer: any value improves it
        return typed_value(question)
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
            evidence = draw(st.sampled_from([None, "", "Signed register, 2026"]))
            answers[question.id] = Answer(value=draw(value_of(question)), evidence=evidence)
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


def _rank(judgement: str | None) -> int:
    """Worst first; not judged ranks with inadequate (neither is a clean verdict)."""
    return 0 if judgement is None else JUDGEMENT_ORDER.index(judgement)  # type: ignore[arg-type]


def _flagged(result: Result) -> set[str]:
    """Indicators of inadequate practice found or not checked."""
    return set(result.limiting) | set(result.not_checked)


def _lowered(before: Result, after: Result) -> dict[str, tuple[float, float | None]]:
    old, new = _scores(before), _scores(after)
    return {k: (old[k], new.get(k)) for k in old if new.get(k, 0) < old[k]}


def _safeguarding(result: Result) -> str | None:
    return result.safeguarding.status if result.safeguarding else None


def _no_worse(before: Result, after: Result, what: str, found: bool = True) -> None:
    """``after`` is nowhere worse than ``before``: no score lower, no judgement lower, no
    indicator newly found or not checked, safeguarding not lost. ``found``: also no
    indicator newly *found* (a blank turns found into not checked, which is no better)."""
    assert not _lowered(before, after), f"{what} lowered {_lowered(before, after)}"
    assert _rank(after.judgement) >= _rank(before.judgement), what
    assert _flagged(after) <= _flagged(before), what
    if found:
        assert set(after.limiting) <= set(before.limiting), what
    if _safeguarding(before) == "met":
        assert _safeguarding(after) == "met", what


@settings(max_examples=150, **SLOW)
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_any_valid_answers_evaluate(data: st.DataObject, which: str) -> None:
    rubric = RUBRICS[which]
    result = evaluate(rubric, data.draw(reviews(rubric)), data.draw(frameworks(rubric)))
    assert 0 <= result.coverage <= 100
    assert result.score is None or 0 <= result.score <= 100
    assert all(c.reasons for c in result.criteria)
    if result.limiting:
        assert result.judgement == "inadequate"
    if result.not_checked:
        assert result.judgement in (None, "inadequate")  # no clean verdict
    if result.limiting or result.not_checked:
        assert result.safeguarding is None or result.safeguarding.status != "met"
    assert all(c.score is None for c in result.criteria if c.kind == "inadequate_indicator")


@settings(max_examples=300, **SLOW)
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_improving_one_answer_never_lowers_anything(data: st.DataObject, which: str) -> None:
    rubric = RUBRICS[which]
    questions = rubric.bank.questions()
    before_answers = data.draw(reviews(rubric))
    answered = sorted(before_answers.answers)
    if not answered:
        return
    qid = data.draw(st.sampled_from(answered))
    old = before_answers.answers[qid]
    new = data.draw(improved(questions[qid], old.value))
    after_answers = before_answers.model_copy(
        update={"answers": {**before_answers.answers, qid: old.model_copy(update={"value": new})}}
    )
    chosen = data.draw(frameworks(rubric))
    before = evaluate(rubric, before_answers, chosen)
    after = evaluate(rubric, after_answers, chosen)
    _no_worse(before, after, f"{qid}: {old.value!r} -> {new!r}")


@settings(max_examples=300, **SLOW)
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_removing_one_answer_never_makes_anything_look_better(
    data: st.DataObject, which: str
) -> None:
    """Silence is never compliance: a blank never beats the honest answer it replaces."""
    rubric = RUBRICS[which]
    honest = data.draw(reviews(rubric))
    answered = sorted(honest.answers)
    if not answered:
        return
    qid = data.draw(st.sampled_from(answered))
    blank = honest.model_copy(
        update={"answers": {k: v for k, v in honest.answers.items() if k != qid}}
    )
    chosen = data.draw(frameworks(rubric))
    answered_result, blank_result = (
        evaluate(rubric, honest, chosen),
        evaluate(rubric, blank, chosen),
    )
    # The honest answer is nowhere worse than the blank: the blank gains nothing.
    _no_worse(blank_result, answered_result, f"blank {qid}", found=False)
    for f_honest, f_blank in zip(answered_result.frameworks, blank_result.frameworks, strict=True):
        assert (f_blank.score or 0) <= (f_honest.score or 0), f"blank {qid}: {f_honest.id}"


@settings(max_examples=200, **SLOW)
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_adding_evidence_never_lowers_anything(data: st.DataObject, which: str) -> None:
    """How do you know? Evidence can only help."""
    rubric = RUBRICS[which]
    before_answers = data.draw(reviews(rubric))
    answered = sorted(before_answers.answers)
    if not answered:
        return
    qid = data.draw(st.sampled_from(answered))
    given_answer = before_answers.answers[qid]
    with_evidence = given_answer.model_copy(update={"evidence": "Governors' minutes, 2026"})
    after_answers = before_answers.model_copy(
        update={"answers": {**before_answers.answers, qid: with_evidence}}
    )
    chosen = data.draw(frameworks(rubric))
    before = evaluate(rubric, before_answers, chosen)
    after = evaluate(rubric, after_answers, chosen)
    _no_worse(before, after, f"evidence on {qid}")
    assert len(after.self_reported) <= len(before.self_reported)


@settings(max_examples=100, **SLOW)
@given(data=st.data(), which=st.sampled_from(sorted(RUBRICS)))
def test_a_gap_moves_the_judgement_exactly_when_meeting_it_would(
    data: st.DataObject, which: str
) -> None:
    """The running sums behind a gap's "moves" agree with scoring the framework again
    with that one criterion met."""
    from dataclasses import replace

    from esafety_audit import engine

    rubric = RUBRICS[which]
    answers = data.draw(reviews(rubric))
    scope = engine._Scope(
        answers,
        frozenset(engine.school_key_stages(rubric, answers)),
        engine.Context(
            {q: a.value for q, a in answers.answers.items() if a.value is not None},
            rubric.bank.questions(),
            answers.school.review_date,
        ),
        rubric.common,
        frozenset(q for q, a in answers.answers.items() if a.evidence and a.evidence.strip()),
    )
    for framework in rubric.frameworks:
        if not framework.scoring.judgement:
            continue
        judged = engine._Judged.of(framework, scope)
        for s in judged.scored:
            if not s.is_gap or s.credit is None:
                continue
            met = replace(s, status="met", credit=1.0)
            scored = [met if other is s else other for other in judged.scored]
            areas = [
                engine._area(
                    framework, a.id, a.title, [x for x in scored if x.criterion.area == a.id]
                )
                for a in framework.areas
            ]
            score = engine._credit_score(scored)
            coverage = engine._coverage([x.status for x in scored])
            again = engine._judge(framework, scored, score, coverage, areas, scope)[0]
            assert judged._judgement_if_met(s) == again, s.criterion.id
