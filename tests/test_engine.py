"""The scoring semantics of DESIGN.md, on a small fixed rubric (tests/fixtures/mini)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_answers, mini_rubric

from esafety_audit.engine import evaluate
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
    assert result.judgement_reason == "Inadequate, because staff share logins."
    assert result.score == 80  # the averages alone would make it good
    assert result.limiting_detail[0].reasons == [
        "Staff sharing a login: 2; meets the test that it is 1 or more"
    ]
    assert result.gaps[0].priority == "urgent"


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
    # 7 applicable criteria (not the KS4 one), 6 answered; weights 2+1+3+2+1+3+3, 3 unanswered
    assert result.coverage == round(100 * 6 / 7, 1)
    assert result.score == round(100 * (15 - 3) / 15, 1)
    assert "trained_pct" in result.unanswered
    # coverage below the outstanding threshold (90) but the score too: good at best
    assert result.judgement == "good"


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


@pytest.mark.parametrize(
    ("changes", "score", "judgement"),
    [
        ({"trained_pct": 60}, 90, "outstanding"),  # 13.5 of 15: exactly the threshold
        ({"trained_pct": 60, "policy": "partly"}, 83.3, "good"),
        ({"trained_pct": 10, "policy": "no", "reviewed": "2020-01-01"}, 60, "requires_improvement"),
        (
            {"trained_pct": 10, "policy": "no", "reviewed": "2020-01-01", "lead_name": None},
            53.3,
            "requires_improvement",
        ),
        (
            {"trained_pct": 10, "policy": "no", "reviewed": "2020-01-01", "filtering": "basic"},
            53.3,
            "requires_improvement",
        ),
        (
            {
                "trained_pct": 10,
                "policy": "no",
                "reviewed": "2020-01-01",
                "filtering": "basic",
                "lead_name": None,
            },
            46.7,
            "requires_improvement",
        ),
    ],
)
def test_judgement_thresholds_come_from_the_rubric(
    changes: dict[str, object], score: float, judgement: str
) -> None:
    result = _run({**GOOD, **changes})
    assert (result.score, result.judgement) == (score, judgement)


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
    sparse = evaluate(rubric, make_answers(rubric, {"policy": "yes", "trained_pct": 90}))
    assert sparse.coverage == round(100 * 2 / 7, 1)
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
