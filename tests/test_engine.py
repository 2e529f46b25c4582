"""The scoring semantics of DESIGN.md, on a small fixed rubric (tests/fixtures/mini)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_answers, mini_rubric, rubric_with_evidence

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_rubric
from esafety_audit.models import Result

GOOD = {
    "policy": "yes",
    "reviewed": "2026-09-01",
    "trained_pct": 95,
    "shared_logins": 0,
    "filtering": "managed",
    "lead_name": "A. Lead, DSL",
}


def _run(answers: dict[str, object], **school: object) -> Result:
    rubric = mini_rubric()
    return evaluate(rubric, make_answers(rubric, answers, **school))


def _status(result: Result, criterion: str) -> str:
    return next(c.status for c in result.criteria if c.id == criterion)


def test_all_good_is_outstanding_with_full_coverage() -> None:
    result = _run(GOOD)
    assert result.judgement == "outstanding"
    assert result.score == 100
    assert result.coverage == 100
    assert result.limiting == []
    assert result.gaps == []


def test_a_limiting_indicator_caps_the_judgement_whatever_the_score() -> None:
    result = _run({**GOOD, "shared_logins": 2})
    assert result.limiting == ["mini.inadequate.shared_logins"]
    assert result.judgement == "inadequate"
    assert result.judgement_reason == (
        "Inadequate, because an indicator of inadequate practice is found: staff share logins."
    )
    assert result.score == 100  # indicators are gates: the score alone would be outstanding
    assert result.limiting_detail[0].reasons == [
        "Staff sharing a login: 2. The indicator is found with an answer that is 1 or more: yes."
    ]
    assert result.gaps[0].priority == "urgent"
    assert result.gaps[0].moves == ["judgement"]  # a gate moves no score


def test_two_indicators_are_both_listed() -> None:
    result = _run({**GOOD, "shared_logins": 1, "filtering": "none"})
    assert set(result.limiting) == {"mini.inadequate.shared_logins", "mini.inadequate.no_filtering"}
    assert "and 1 more indicator of inadequate practice" in (result.judgement_reason or "")


def test_not_applicable_leaves_the_denominator() -> None:
    primary = _run(GOOD, phase="primary")
    assert _status(primary, "mini.safety.ks4_privacy") == "not_applicable"
    assert primary.score == 100
    reasons = next(c.reasons for c in primary.criteria if c.id == "mini.safety.ks4_privacy")
    assert reasons == ["Not applicable: this applies to KS4; the school teaches KS1, KS2."]


def test_key_stages_can_be_overridden_by_the_school() -> None:
    result = _run(GOOD, phase="special", key_stages=["ks1", "ks2"])
    assert _status(result, "mini.safety.ks4_privacy") == "not_applicable"
    result = _run(GOOD, phase="primary", key_stages=["ks4"])
    assert _status(result, "mini.safety.ks4_privacy") == "unanswered"


def test_unanswered_stays_in_the_denominator_and_lowers_coverage() -> None:
    result = _run({k: v for k, v in GOOD.items() if k != "trained_pct"})
    assert _status(result, "mini.safety.trained") == "unanswered"
    # 7 applicable criteria (not the KS4 one), 6 answered; the scored weights are 2+1+3+2+1
    # (the two indicators are gates, not scored), and the unanswered 3 earns nothing
    assert result.coverage == round(100 * 6 / 7, 1)
    assert result.score == round(100 * (9 - 3) / 9, 1)
    assert "trained_pct" in result.unanswered
    assert result.judgement == "requires_improvement"
    # the blank is a gap to close: answer it, at the priority its weight gives
    gap = next(g for g in result.gaps if g.criterion == "mini.safety.trained")
    assert (gap.status, gap.priority, gap.questions) == ("unanswered", "high", ["trained_pct"])
    assert gap.action == "Answer first: Staff trained."


def test_partly_met_earns_the_rubric_partly_credit() -> None:
    result = _run({**GOOD, "policy": "partly"})
    criterion = next(c for c in result.criteria if c.id == "mini.policy.in_place")
    assert criterion.status == "partly_met"
    assert criterion.score == 50
    area = next(a for a in result.areas if a.id == "policy")
    assert area.score == round(100 * (2 * 0.5 + 1) / 3, 1)


@pytest.mark.parametrize(
    ("reviewed", "status"),
    [("2025-11-21", "met"), ("2025-11-20", "met"), ("2025-11-19", "not_met")],
)
def test_dates_are_judged_against_the_review_date(reviewed: str, status: str) -> None:
    # review date 2026-11-20: 364, 365 and 366 days before
    assert _status(_run({**GOOD, "reviewed": reviewed}), "mini.policy.reviewed") == status


def test_the_same_answers_go_stale_with_a_later_review_date() -> None:
    assert _status(_run(GOOD, review_date="2027-11-20"), "mini.policy.reviewed") == "not_met"


# Scored weights 2 (policy) + 1 (reviewed) + 3 (trained) + 2 (filtering) + 1 (lead) = 9.
@pytest.mark.parametrize(
    ("changes", "score", "judgement", "cause"),
    [
        ({}, 100, "outstanding", ""),
        ({"filtering": "basic"}, 88.9, "good", "the score is below the 90% it needs"),
        ({"trained_pct": 60}, 83.3, "good", "the score is below the 90% it needs"),
        ({"trained_pct": 60, "policy": "no"}, 61.1, "requires_improvement", "below the 70%"),
        (
            {"trained_pct": 10, "policy": "partly", "reviewed": "2020-01-01"},
            44.4,
            "requires_improvement",
            "the score is below the 70% it needs",
        ),
        (
            {"trained_pct": 10, "policy": "no", "reviewed": "2020-01-01"},
            33.3,
            "inadequate",
            "; not Requires improvement, because the score is below the 40% it needs",
        ),
    ],
)
def test_judgement_thresholds_come_from_the_rubric_and_the_sentence_names_the_cause(
    changes: dict[str, object], score: float, judgement: str, cause: str
) -> None:
    result = _run({**GOOD, **changes})
    assert (result.score, result.judgement) == (score, judgement)
    assert cause in (result.judgement_reason or "")
    assert result.judgement_reason.startswith(
        f"{result.judgement_label}: a weighted score of {score:g}%"
    )


def test_a_red_area_is_named_as_what_holds_the_judgement_back() -> None:
    rubric = mini_rubric()
    framework = rubric.frameworks[0]
    levels = framework.scoring.judgement or []
    lenient = [
        levels[0].model_copy(update={"min_score": 60}),
        levels[1].model_copy(update={"min_score": 50}),
        *levels[2:],
    ]
    scoring = framework.scoring.model_copy(update={"judgement": lenient})
    rubric = rubric.model_copy(
        update={"frameworks": [framework.model_copy(update={"scoring": scoring})]}
    )
    answers = make_answers(rubric, {**GOOD, "policy": "no", "reviewed": "2020-01-01"})
    result = evaluate(rubric, answers)
    assert (result.score, result.judgement) == (66.7, "good")  # 6 of 9, but policy is red
    assert result.judgement_reason == (
        "Good: a weighted score of 66.7% with 100% of criteria answered; not Outstanding, because "
        "some areas are rated red (Policy)."
    )


def test_a_red_area_keeps_a_school_from_outstanding() -> None:
    result = _run({**GOOD, "policy": "no", "reviewed": "2020-01-01"})
    policy = next(a for a in result.areas if a.id == "policy")
    assert policy.rating == "red"
    assert result.judgement != "outstanding"


def test_gaps_carry_the_schools_owner_and_due_date_and_are_ordered() -> None:
    result = _run(
        {
            **GOOD,
            "policy": {"value": "no", "action": {"owner": "Head", "due": "2027-01-31"}},
            "trained_pct": 10,
        }
    )
    assert [g.criterion for g in result.gaps] == ["mini.safety.trained", "mini.policy.in_place"]
    policy_gap = result.gaps[1]
    assert (policy_gap.owner, policy_gap.due.isoformat() if policy_gap.due else None) == (
        "Head",
        "2027-01-31",
    )
    assert result.gaps[0].owner is None
    assert result.gaps[0].priority == "high"


def test_every_status_has_reasons_naming_the_answer() -> None:
    result = _run({**GOOD, "filtering": "basic"})
    filtering = next(c for c in result.criteria if c.id == "mini.safety.filtering")
    assert filtering.status == "partly_met"
    assert any("'Basic filtering'" in r for r in filtering.reasons)
    assert all(c.reasons for c in result.criteria)


def test_evaluate_is_deterministic() -> None:
    assert _run(GOOD).model_dump_json() == _run(GOOD).model_dump_json()


def test_the_engine_imports_no_yaml_templates_or_cli() -> None:
    code = (
        "import sys, esafety_audit.engine, esafety_audit.rules, esafety_audit.models;"
        "bad = [m for m in ('yaml', 'jinja2', 'typer', 'click', 'markdown') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_too_few_answers_are_not_judged_unless_an_indicator_is_found() -> None:
    rubric = mini_rubric()
    framework = rubric.frameworks[0]
    strict = framework.model_copy(
        update={"scoring": framework.scoring.model_copy(update={"min_coverage_to_judge": 50})}
    )
    rubric = rubric.model_copy(update={"frameworks": [strict]})
    sparse = evaluate(rubric, make_answers(rubric, {"shared_logins": 0, "filtering": "managed"}))
    assert sparse.coverage == round(100 * 3 / 7, 1)
    assert sparse.judgement is None
    assert sparse.judgement_reason == (
        f"Not judged: only {sparse.coverage:g}% of criteria are answered, and a judgement needs "
        "at least 50%. Answer the remaining questions, then assess again."
    )
    found = evaluate(rubric, make_answers(rubric, {"policy": "yes", "shared_logins": 4}))
    assert found.judgement == "inadequate"


def test_a_framework_where_nothing_applies_is_not_judged() -> None:
    rubric = mini_rubric()
    only_ks4 = rubric.frameworks[0].model_copy(
        update={"criteria": [c for c in rubric.criteria() if c.id == "mini.safety.ks4_privacy"]}
    )
    rubric = rubric.model_copy(update={"frameworks": [only_ks4]})
    result = evaluate(rubric, make_answers(rubric, GOOD, phase="primary"))
    assert result.score is None
    assert result.judgement is None
    assert result.judgement_reason == (
        "Not judged, because none of these criteria applies to this school."
    )


def test_results_do_not_depend_on_hash_seeds() -> None:
    code = (
        "from helpers import make_answers, mini_rubric;"
        "from esafety_audit.engine import evaluate;"
        "r = mini_rubric();"
        "print(evaluate(r, make_answers(r, {'ks4_topics': ['reporting', 'privacy'],"
        " 'policy': 'partly', 'shared_logins': 2})).to_json())"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).parent,
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


# --------------------------------------------------------------------------- silence


def test_an_indicator_left_blank_is_not_checked_and_blocks_the_judgement() -> None:
    """A blank can never hide an indicator: the school that shares logins cannot become
    outstanding by leaving the question out."""
    honest = _run({**GOOD, "shared_logins": 3})
    blank = _run({k: v for k, v in GOOD.items() if k != "shared_logins"})
    assert honest.judgement == "inadequate"
    assert blank.judgement is None
    assert blank.not_checked == ["mini.inadequate.shared_logins"]
    assert blank.limiting == []
    assert blank.judgement_reason == (
        "Not judged, because an indicator of inadequate practice is not checked "
        "(staff share logins). Answer first: Staff sharing a login."
    )
    detail = blank.not_checked_detail[0]
    assert detail.questions == ["shared_logins"]
    first = blank.gaps[0]
    assert (first.criterion, first.indicator, first.priority) == (
        "mini.inadequate.shared_logins",
        "not_checked",
        "urgent",
    )
    indicator = next(c for c in blank.criteria if c.id == "mini.inadequate.shared_logins")
    assert (indicator.status, indicator.indicator, indicator.score) == (
        "unanswered",
        "not_checked",
        None,
    )


def test_a_partly_answered_indicator_is_not_checked_until_all_of_it_is_answered() -> None:
    rubric = load_rubric()
    answers = make_answers(rubric, {"pupil_logins": "individual"}, phase="secondary")
    result = evaluate(rubric, answers, ["ofsted-esafety-2014"])
    assert "ofsted.inadequate.weak_passwords" in result.not_checked


def test_an_indicator_area_is_a_gate_with_no_score_or_rating() -> None:
    rubric = load_rubric()
    result = evaluate(rubric, make_answers(rubric, {"staff_shared_accounts": 2}))
    gate = next(a for a in result.areas if a.id == "inadequate_practice")
    assert gate.gate
    assert (gate.score, gate.rating) == (None, None)
    assert gate.counts["not_met"] == 1


@pytest.mark.parametrize(
    ("answer", "status"),
    [("never", "not_met"), ("no_record", "not_met"), ("2026-09-01", "met"), (None, "unanswered")],
)
def test_never_and_no_record_are_answers_that_count_as_the_absence(
    answer: str | None, status: str
) -> None:
    result = _run({**GOOD, "reviewed": answer})
    criterion = next(c for c in result.criteria if c.id == "mini.policy.reviewed")
    assert criterion.status == status
    if answer == "never":
        assert criterion.reasons == [
            "Policy reviewed: 'Never'. Met needs an answer that is within 365 days "
            "before the review date: no."
        ]
        assert "reviewed" not in result.unanswered  # an answer, not a blank


def test_an_absent_percentage_is_below_any_bar() -> None:
    result = _run({**GOOD, "trained_pct": "no_record"})
    assert _status(result, "mini.safety.trained") == "not_met"
    assert result.coverage == 100


def test_an_absence_is_refused_where_the_question_does_not_offer_it() -> None:
    from esafety_audit.errors import InputError

    rubric = mini_rubric()
    with pytest.raises(InputError) as caught:
        make_answers(rubric, {**GOOD, "shared_logins": "unknown"})
    assert "'unknown' is not a number (0 or more)" in caught.value.problems[0].message


# --------------------------------------------------------------------------- words


def test_reasons_say_what_met_and_partly_met_each_need() -> None:
    result = _run({**GOOD, "trained_pct": 74})
    trained = next(c for c in result.criteria if c.id == "mini.safety.trained")
    assert trained.reasons == [
        "Staff trained: 74%. Met needs an answer that is 80% or more: no.",
        "Staff trained: 74%. Partly met needs an answer that is 50% or more: yes.",
    ]


# --------------------------------------------------------------------------- importance


def test_each_gap_says_which_verdicts_closing_it_would_move() -> None:
    # 83.3% is good; training met would make it 100%: outstanding
    result = _run({**GOOD, "trained_pct": 60})
    gap = next(g for g in result.gaps if g.criterion == "mini.safety.trained")
    assert gap.moves == ["judgement", "score"]
    # 77.8%: closing either gap alone gives 88.9%, still good
    weaker = _run({**GOOD, "policy": "partly", "filtering": "basic"})
    assert weaker.judgement == "good"
    assert [g.moves for g in weaker.gaps] == [["score"], ["score"]]


def test_gaps_follow_the_one_priority_scale_whatever_the_framework() -> None:
    rubric = load_rubric()
    answers = make_answers(rubric, {"filtering_provision": "none"}, phase="special")
    result = evaluate(rubric, answers)
    assert result.gaps[0].criterion == "ofsted.inadequate.no_filtering_or_monitoring"
    assert result.gaps[0].indicator == "found"
    # One scale whatever the framework: a framework without an "urgent" level of its own
    # (DfE filtering and monitoring) still ranks below every indicator, and its gaps that
    # hold safeguarding back rank above every other framework's merely essential gaps.
    levels = {g.criterion: g.priority for g in result.gaps}
    fm = [g for g in result.gaps if g.framework == "dfe-filtering-monitoring"]
    assert fm and all(levels[g.criterion] != "urgent" for g in fm)
    first_high = next(n for n, g in enumerate(result.gaps) if g.priority == "high")
    holding = [n for n, g in enumerate(result.gaps) if "safeguarding" in g.moves]
    assert holding and max(n for n in holding if result.gaps[n].priority != "urgent") < first_high


# --------------------------------------------------------------------------- evidence


def test_an_essential_claim_without_its_evidence_is_self_reported_and_partly_met(
    tmp_path: Path,
) -> None:
    rubric = rubric_with_evidence(tmp_path)
    claimed = evaluate(rubric, make_answers(rubric, GOOD))
    trained = next(c for c in claimed.criteria if c.id == "mini.safety.trained")
    assert (trained.status, trained.self_reported) == ("partly_met", True)
    assert trained.evidence_expected == "the signed training register"
    assert trained.reasons[-1] == (
        "Self-reported: no evidence recorded (expected: the signed training register)."
    )
    assert claimed.self_reported == ["mini.safety.trained"]
    assert claimed.judgement == "good"  # 7.5 of 9: the claim alone cannot make it outstanding
    shown = {**GOOD, "trained_pct": {"value": 95, "evidence": "Register, signed 2026-09-03"}}
    evidenced = evaluate(rubric, make_answers(rubric, shown))
    trained = next(c for c in evidenced.criteria if c.id == "mini.safety.trained")
    assert (trained.status, trained.self_reported) == ("met", False)
    assert evidenced.judgement == "outstanding"


def test_blank_evidence_is_no_evidence(tmp_path: Path) -> None:
    rubric = rubric_with_evidence(tmp_path)
    blank = {**GOOD, "trained_pct": {"value": 95, "evidence": "   "}}
    result = evaluate(rubric, make_answers(rubric, blank))
    assert result.self_reported == ["mini.safety.trained"]


def test_assess_as_json_imports_no_renderer() -> None:
    """jinja2, markdown and nh3 are imported only when a report is rendered (the
    roll-up always writes its page, so it imports them)."""
    code = (
        "import sys, esafety_audit.cli;"
        "bad = [m for m in ('jinja2', 'markdown', 'nh3') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_more_indicators_are_counted_after_a_space() -> None:
    result = _run({**GOOD, "shared_logins": 1, "filtering": "none"})
    assert result.judgement_reason == (
        "Inadequate, because an indicator of inadequate practice is found: there is no "
        "internet filtering (and 1 more indicator of inadequate practice)."
    )
