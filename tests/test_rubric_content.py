"""What the shipped rubric must say, beyond what loading checks.

* How do you know? Every essential criterion (weight 3 or more) that is not an
  indicator of inadequate practice names the evidence that shows it is met.
* Every threshold says where it comes from: a criterion whose rule holds an answer
  to a number, a share, a date window or a count of choices declares its ``basis``,
  and a threshold of the tool's own gives its rationale.
* Silence is never compliance: the dates of training, reviews and checks offer
  "never" / "no record" answers, read as the absence they describe, and an absence
  is never offered where a lower number is better.
* The example schools show evidence at work: Oakfield Primary backs every essential
  claim with evidence and is outstanding; without that evidence it is not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import make_answers

from esafety_audit.engine import evaluate
from esafety_audit.errors import InputError
from esafety_audit.loading import data_dir, load_answers, load_rubric
from esafety_audit.models import Answers, Criterion, Rubric
from esafety_audit.rules import AllOf, AnyOf, Condition, Not
from esafety_audit.rules import Test as RuleTest

# The operators whose operand is a number the rubric chose: a bar, a window, a count.
THRESHOLD_OPS = {
    "gte",
    "lte",
    "lt",
    "within_days",
    "older_than_days",
    "count_at_least",
    "count_at_most",
}
ESSENTIAL = 3
EXAMPLES = data_dir("questionnaires") / "examples"


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric()


def _tests(condition: Condition) -> Iterator[RuleTest]:
    if isinstance(condition, RuleTest):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from _tests(item)
    elif isinstance(condition, Not):
        yield from _tests(condition.item)


def _thresholds(criterion: Criterion) -> list[RuleTest]:
    return [
        test
        for condition in criterion.rule.conditions()
        for test in _tests(condition)
        if test.op in THRESHOLD_OPS
    ]


# --------------------------------------------------------------------------- evidence


def test_every_essential_criterion_names_its_evidence(rubric: Rubric) -> None:
    missing = [
        c.id
        for c in rubric.criteria()
        if c.kind != "inadequate_indicator" and c.weight >= ESSENTIAL and not c.evidence
    ]
    assert not missing, "essential criteria without 'evidence':\n" + "\n".join(missing)


def test_no_indicator_names_evidence(rubric: Rubric) -> None:
    named = [c.id for c in rubric.criteria() if c.kind == "inadequate_indicator" and c.evidence]
    assert not named, "an indicator is found or not; it expects no evidence: " + ", ".join(named)


def test_evidence_reads_inside_the_self_reported_reason(rubric: Rubric) -> None:
    """The text fills "(expected: {evidence})": a phrase, not a sentence or a stub."""
    odd = [
        f"{c.id}: {c.evidence!r}"
        for c in rubric.criteria()
        if c.evidence is not None
        and (
            len(c.evidence.split()) < 4 or c.evidence.rstrip().endswith(".") or "TODO" in c.evidence
        )
    ]
    assert not odd, "evidence texts that will not read well:\n" + "\n".join(odd)


# --------------------------------------------------------------------------- basis


def test_every_threshold_says_where_it_comes_from(rubric: Rubric) -> None:
    missing = [
        f"{c.id} ({', '.join(sorted({t.op for t in _thresholds(c)}))})"
        for c in rubric.criteria()
        if _thresholds(c) and c.basis is None
    ]
    assert not missing, "criteria with thresholds but no 'basis':\n" + "\n".join(missing)


def test_a_threshold_of_the_tools_own_gives_its_rationale(rubric: Rubric) -> None:
    bare = [
        c.id for c in rubric.criteria() if c.basis == "tool" and not (c.rationale or "").strip()
    ]
    assert not bare, "basis: tool without a rationale: " + ", ".join(bare)


def test_sources_that_give_no_numbers_are_mostly_the_tools_reading(rubric: Rubric) -> None:
    """Ofsted's 2014 briefing and NAHT's advice state almost no numbers: be honest."""
    for framework_id in ("ofsted-esafety-2014", "naht-guidance"):
        based = [c for c in rubric.framework(framework_id).criteria if c.basis]
        tool = [c for c in based if c.basis == "tool"]
        assert len(tool) > len(based) / 2, framework_id


# --------------------------------------------------------------------------- absences

DATES_THAT_CAN_BE_ABSENT = [
    "staff_training_last",
    "policy_last_reviewed",
    "fm_last_review",
    "filtering_check_last",
    "risk_assessment_last",
    "governor_training_last",
    "nudes_briefing_last",
    "cyber_risk_assessment_last",
    "backup_restore_test_last",
]


@pytest.mark.parametrize("qid", DATES_THAT_CAN_BE_ABSENT)
def test_training_review_and_check_dates_can_be_never(rubric: Rubric, qid: str) -> None:
    question = rubric.bank.questions()[qid]
    assert question.type == "date"
    assert {"never", "no_record"} & set(question.absent), f"{qid} offers {question.absent}"
    assert any(qid in c.rule.questions() for c in rubric.criteria()), f"no criterion reads {qid}"


def test_every_date_a_criterion_reads_offers_an_absence(rubric: Rubric) -> None:
    questions = rubric.bank.questions()
    read = {qid for c in rubric.criteria() for qid in c.rule.questions()}
    silent = sorted(
        qid for qid in read if questions[qid].type == "date" and not questions[qid].absent
    )
    assert not silent, "date questions with no never / no_record answer: " + ", ".join(silent)


def test_no_absence_where_a_lower_number_is_better(rubric: Rubric) -> None:
    """Incident and shared-account counts: "not known" there is not an absence."""
    wrong = [q.id for q in rubric.bank.questions().values() if q.better == "lower" and q.absent]
    assert not wrong, ", ".join(wrong)


def test_no_help_text_says_to_leave_a_question_blank(rubric: Rubric) -> None:
    words = ("leave this unanswered", "leave it blank", "leave blank", "leave this blank")
    told = [
        q.id
        for q in rubric.bank.questions().values()
        if any(w in f"{q.prompt} {q.help}".lower() for w in words)
    ]
    assert not told, "help that asks for a blank (a blank is a gap): " + ", ".join(told)


def test_an_absence_the_question_does_not_offer_is_refused(rubric: Rubric) -> None:
    with pytest.raises(InputError) as caught:
        make_answers(rubric, {"staff_training_last": "unknown"})
    assert "never" in str(caught.value.problems[0])


def test_never_trained_is_no_evidence_of_training(rubric: Rubric) -> None:
    result = evaluate(rubric, make_answers(rubric, {"staff_training_last": "never"}))
    assert "ofsted.inadequate.no_staff_training" in result.limiting
    assert result.judgement == "inadequate"


# --------------------------------------------------------------------------- examples


def _example(rubric: Rubric, name: str) -> Answers:
    return load_answers(EXAMPLES / name, rubric)


def _without_evidence(answers: Answers) -> Answers:
    bare = {qid: a.model_copy(update={"evidence": None}) for qid, a in answers.answers.items()}
    return answers.model_copy(update={"answers": bare})


def test_oakfield_backs_every_essential_claim_with_evidence(rubric: Rubric) -> None:
    result = evaluate(rubric, _example(rubric, "oakfield-primary.yaml"))
    essential = {c.id for c in rubric.criteria() if c.weight >= ESSENTIAL}
    assert not essential & set(result.self_reported), sorted(essential & set(result.self_reported))
    assert result.judgement == "outstanding", result.judgement_reason
    assert result.safeguarding is not None
    assert result.safeguarding.status == "met", result.safeguarding.reasons


def test_oakfield_without_its_evidence_is_not_outstanding(rubric: Rubric) -> None:
    answers = _without_evidence(_example(rubric, "oakfield-primary.yaml"))
    result = evaluate(rubric, answers)
    assert result.self_reported
    assert result.judgement != "outstanding", result.judgement_reason
    assert result.safeguarding is not None
    assert result.safeguarding.status == "not_met"


def test_riverside_rests_some_claims_on_no_evidence(rubric: Rubric) -> None:
    result = evaluate(rubric, _example(rubric, "riverside-academy.yaml"))
    claims = [c for c in result.criteria if c.status in ("met", "partly_met")]
    evidenced = [c for c in claims if any(a.evidence for a in c.answers)]
    assert result.self_reported
    assert 0.3 <= len(evidenced) / len(claims) <= 0.7, (len(evidenced), len(claims))
    assert result.judgement == "requires_improvement"


def test_st_aidans_shares_an_admin_login(rubric: Rubric) -> None:
    result = evaluate(rubric, _example(rubric, "st-aidans-all-through.yaml"))
    assert "ofsted.inadequate.weak_passwords" in result.limiting
    assert result.judgement == "inadequate"
