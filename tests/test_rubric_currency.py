"""The KCSIE and DfE rubrics say only what the fact sheet could confirm.

``../shared/sources/current-guidance.md`` ("Verified 2026-11-30") marks what could and
could not be checked: KCSIE 2026's final text and paragraph numbers, the cyber security
standards' titles beyond the first three, and the filtering and monitoring standards'
official headings. These tests hold the shipped rubrics to that.
"""

from __future__ import annotations

import pytest
from helpers import make_answers

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_rubric
from esafety_audit.models import Framework, Rubric

FM_HEADINGS = {
    "Identify and assign roles and responsibilities to manage your filtering and "
    "monitoring systems",
    "Review your filtering and monitoring provision at least annually",
    "Filtering systems should block harmful and inappropriate content, without unreasonably "
    "impacting teaching and learning",
    "Have effective monitoring strategies that meet the safeguarding needs of your school or "
    "college",
}
CYBER_CONFIRMED = {
    "Conduct a cyber risk assessment annually and review every term",
    "Create and implement a cyber awareness plan for students and staff",
    "Secure digital technology and data with anti-malware and a firewall",
}


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric()


def _framework(rubric: Rubric, framework_id: str) -> Framework:
    return rubric.framework(framework_id)


def test_filtering_and_monitoring_cite_the_four_official_headings(rubric: Rubric) -> None:
    cited = {c.source.section for c in _framework(rubric, "dfe-filtering-monitoring").criteria}
    assert cited == FM_HEADINGS


def test_cyber_titles_are_the_confirmed_three_or_say_they_are_unconfirmed(rubric: Rubric) -> None:
    for c in _framework(rubric, "dfe-cyber-security").criteria:
        if c.source.section in CYBER_CONFIRMED:
            continue
        assert "official title unconfirmed" in c.source.section, c.id
        assert c.currency and "title" in c.currency and "unconfirmed" in c.currency, c.id


def test_no_kcsie_2026_paragraph_is_cited_as_fact(rubric: Rubric) -> None:
    cited = [
        c.id
        for c in _framework(rubric, "kcsie-online-safety").criteria
        if c.source.document == "kcsie_2026" and c.source.paragraph
    ]
    assert not cited, f"KCSIE 2026 paragraph numbers are unconfirmed: {cited}"


def test_a_paragraph_number_named_is_called_unconfirmed(rubric: Rubric) -> None:
    for c in _framework(rubric, "kcsie-online-safety").criteria:
        if c.currency and "paragraph" in c.currency:
            assert "unconfirmed" in c.currency, c.id


def test_what_kcsie_asks_schools_only_to_consider_is_not_statutory(rubric: Rubric) -> None:
    kcsie = {c.id: c for c in _framework(rubric, "kcsie-online-safety").criteria}
    for cid in ("kcsie.review.annual_review", "kcsie.review.review_tool"):
        assert kcsie[cid].kind == "guidance", cid
        assert kcsie[cid].weight < 2, cid


def test_this_review_counts_as_a_structured_review(rubric: Rubric) -> None:
    """Issue 15: a school reviewing with this tool can meet the review-tool criterion."""
    question = rubric.bank.questions()["online_safety_review_method"]
    assert "This self-review counts" in question.help


def test_cyber_reporting_names_report_fraud_and_the_ncsc(rubric: Rubric) -> None:
    question = rubric.bank.questions()["cyber_incident_reporting"]
    labels = {choice.id: choice.label for choice in question.choices or []}
    assert "reportfraud.police.uk" in labels["report_fraud"]
    assert "4 December 2025" in labels["report_fraud"]
    assert "National Cyber Security Centre" in labels["ncsc"]
    rule = {c.id: c for c in rubric.criteria()}["dfe_cyber.reporting.attacks_reported"].rule
    assert "cyber_incident_reporting" in rule.questions()


def test_a_count_of_none_alone_never_meets_a_cyber_criterion(rubric: Rubric) -> None:
    """Where fewer is better, "none" is met only beside the record that makes it credible
    (the register, the account review): a school that never looks cannot score best."""
    questions = rubric.bank.questions()
    checked = 0
    for c in _framework(rubric, "dfe-cyber-security").criteria:
        for qid in c.rule.questions():
            if questions[qid].better != "lower":
                continue
            result = evaluate(rubric, make_answers(rubric, {qid: 0}))
            status = next(r.status for r in result.criteria if r.id == c.id)
            assert status not in ("met", "partly_met"), f"{c.id}: {qid} = 0 alone is {status}"
            checked += 1
    assert checked >= 2
