"""Safeguarding (online) met or not met, decided by rules in the rubric folder's YAML.

The rules live in ``criteria/safeguarding.yaml``; changing what makes safeguarding
not met is a data change. These tests use a copy of the mini rubric with its own
rules, then check the shipped rules and examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_rubric, make_answers

from esafety_audit.engine import evaluate
from esafety_audit.errors import InputError
from esafety_audit.loading import load_rubric
from esafety_audit.models import Rubric

RULES = """\
title: Safeguarding (online)
summary: A test of the rules.
source: Test source.
needs_frameworks: [mini]
caps_judgement_at: requires_improvement
labels:
  met: Met
  met_with: "Met, with {count} {improvements}"
  not_met: Not met
  not_assessed: Not assessed
wording:
  met: Nothing found.
  met_with: "{count} lesser {improvements}."
  not_assessed: "Needs: {missing}."
  capped: "{label}, capped; the scores alone would give {uncapped}."
  not_met_beside: "Not met, so {label} at best."
not_met_when:
  - id: limiting
    select: {kinds: [inadequate_indicator], statuses: [not_met]}
    reason: "Indicator found: {title}."
  - id: unchecked
    select: {kinds: [inadequate_indicator], statuses: [unanswered]}
    reason: "Indicator not checked: {title}."
  - id: essential
    select:
      frameworks: [mini]
      statuses: [not_met, partly_met, unanswered]
      min_weight: 3
      kinds: [feature]
    reason: "Essential not shown: {title}."
improve_when:
  - id: lesser
    select: {frameworks: [mini], statuses: [not_met, partly_met, unanswered], kinds: [feature]}
    reason: "To improve: {title}."
"""
GOOD = {
    "policy": "yes",
    "reviewed": "2026-09-01",
    "trained_pct": 95,
    "shared_logins": 0,
    "filtering": "managed",
    "lead_name": "J. Smith",
}


def _rubric(tmp_path: Path, rules: str = RULES, extra_framework: bool = False) -> Rubric:
    criteria, questions = copy_rubric(tmp_path)
    (criteria / "safeguarding.yaml").write_text(rules, encoding="utf-8")
    if extra_framework:  # a second framework, so that mini can be left out of a review
        text = (criteria / "mini.yaml").read_text(encoding="utf-8")
        text = text.replace("id: mini\n", "id: extra\n", 1).replace("mini.", "extra.")
        (criteria / "extra.yaml").write_text(text, encoding="utf-8")
    return load_rubric(criteria, questions)


def test_met_when_no_rule_finds_anything(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path)
    result = evaluate(rubric, make_answers(rubric, GOOD))
    assert result.safeguarding is not None
    assert result.safeguarding.status == "met"
    assert result.safeguarding.label == "Met"
    assert result.safeguarding.reasons == ["Nothing found."]


def test_a_limiting_indicator_means_not_met(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path)
    result = evaluate(rubric, make_answers(rubric, {**GOOD, "shared_logins": 3}))
    assert result.safeguarding is not None
    assert result.safeguarding.status == "not_met"
    assert result.safeguarding.reasons == ["Indicator found: staff share logins."]


def test_an_essential_criterion_not_met_or_unanswered_means_not_met(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path)
    low = evaluate(rubric, make_answers(rubric, {**GOOD, "trained_pct": 10}))
    missing = {k: v for k, v in GOOD.items() if k != "trained_pct"}
    unanswered = evaluate(rubric, make_answers(rubric, missing))
    for result in (low, unanswered):
        assert result.safeguarding is not None
        assert result.safeguarding.status == "not_met"
        assert result.safeguarding.reasons == ["Essential not shown: Staff trained."]


def test_an_essential_criterion_partly_met_means_not_met_and_caps_the_judgement(
    tmp_path: Path,
) -> None:
    rubric = _rubric(tmp_path)
    result = evaluate(rubric, make_answers(rubric, {**GOOD, "trained_pct": 60}))
    assert result.safeguarding is not None
    assert result.safeguarding.status == "not_met"
    fix = result.safeguarding.fixes[0]
    assert (fix.criterion, fix.status, fix.action) == (
        "mini.safety.trained",
        "partly_met",
        "Train staff.",
    )
    # 83.3% would be good; safeguarding not met holds it at requires improvement
    assert result.frameworks[0].judgement == "good"
    assert result.judgement == "requires_improvement"
    assert result.judgement_capped
    assert result.judgement_reason == (
        "Requires improvement, capped; the scores alone would give Good."
    )
    gap = next(g for g in result.gaps if g.criterion == "mini.safety.trained")
    assert (gap.priority, gap.moves[0]) == ("safeguarding", "safeguarding")


def test_lesser_gaps_leave_it_met_with_improvements(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path)
    result = evaluate(rubric, make_answers(rubric, {**GOOD, "filtering": "basic"}))
    assert result.safeguarding is not None
    assert result.safeguarding.status == "met"
    assert result.safeguarding.label == "Met, with 1 improvement"
    assert result.safeguarding.reasons == ["1 lesser improvement."]
    assert [i.criterion for i in result.safeguarding.improvements] == ["mini.safety.filtering"]
    assert not result.judgement_capped


def test_an_indicator_not_checked_means_not_met(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path)
    blank = {k: v for k, v in GOOD.items() if k != "shared_logins"}
    result = evaluate(rubric, make_answers(rubric, blank))
    assert result.safeguarding is not None
    assert result.safeguarding.status == "not_met"
    assert result.safeguarding.reasons == ["Indicator not checked: staff share logins."]
    assert result.safeguarding.fixes[0].action == "Answer first: Staff sharing a login."


def test_not_assessed_when_a_needed_framework_is_left_out(tmp_path: Path) -> None:
    rubric = _rubric(tmp_path, extra_framework=True)
    result = evaluate(rubric, make_answers(rubric, GOOD), ["extra"])
    assert result.safeguarding is not None
    assert result.safeguarding.status == "not_assessed"
    assert result.safeguarding.reasons == ["Needs: mini."]


def test_no_rules_file_means_no_safeguarding_key(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    rubric = load_rubric(criteria, questions)
    assert evaluate(rubric, make_answers(rubric, GOOD)).safeguarding is None


def test_the_result_json_carries_it(tmp_path: Path) -> None:
    import json

    rubric = _rubric(tmp_path)
    result = evaluate(rubric, make_answers(rubric, {**GOOD, "shared_logins": 3}))
    data = json.loads(result.to_json())
    assert data["safeguarding"]["status"] == "not_met"
    assert data["safeguarding"]["reasons"] == ["Indicator found: staff share logins."]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "needs_frameworks: [mini]",
            "needs_frameworks: [mnii]",
            "safeguarding.yaml:4:20: unknown framework 'mnii'; did you mean 'mini'?",
        ),
        (
            '"Indicator found: {title}."',
            '"Indicator found: {name}."',
            "safeguarding.yaml:20:13: unknown placeholder {name}; this sentence can use {title}",
        ),
        (
            "statuses: [not_met]}",
            "statuses: [broken]}",
            "safeguarding.yaml:19:56: 'broken' is not allowed for 'statuses'; use one of",
        ),
    ],
)
def test_broken_rules_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        _rubric(tmp_path, RULES.replace(old, new, 1))
    shown = [str(p).replace(str(tmp_path) + "/criteria/", "") for p in caught.value.problems]
    assert any(s.startswith(message) for s in shown), shown


def test_the_shipped_rules_name_shipped_frameworks(rubric: Rubric) -> None:
    assert rubric.safeguarding is not None
    ids = {f.id for f in rubric.frameworks}
    assert set(rubric.safeguarding.needs_frameworks) <= ids
    for rule in rubric.safeguarding.not_met_when:
        assert set(rule.select.frameworks) <= ids


def test_the_shipped_rules_need_kcsie_and_treat_partly_met_alike(rubric: Rubric) -> None:
    rules = rubric.safeguarding
    assert rules is not None
    assert "kcsie-online-safety" in rules.needs_frameworks
    assert rules.caps_judgement_at == "requires_improvement"
    essential = [r for r in rules.not_met_when if r.select.min_weight >= 3]
    for framework in ("dfe-filtering-monitoring", "kcsie-online-safety"):
        statuses = {
            s for r in essential if framework in r.select.frameworks for s in r.select.statuses
        }
        assert statuses == {"not_met", "partly_met", "unanswered"}, framework
