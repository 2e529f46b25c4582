"""Frameworks are data: selection, the crosswalk between them, and adding one.

* Framework selection, data-driven from tests/cases_frameworks/selection.yaml.
* The crosswalk, data-driven from tests/cases_frameworks/crosswalk.yaml: each pair of
  related criteria is linked both ways, in the rubric, in ``criteria --format json``
  and in the governors' report.
* A new framework YAML dropped into a copy of the rubric folder is assessed with no
  change to the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import copy_rubric, make_answers

from esafety_audit.cli import run
from esafety_audit.engine import evaluate
from esafety_audit.errors import InputError
from esafety_audit.loading import data_dir, load_answers, load_rubric
from esafety_audit.models import Rubric
from esafety_audit.reports import render_reports
from esafety_audit.yamlfile import read_yaml

CASES = Path(__file__).parent / "cases_frameworks"
SELECTION: list[dict[str, Any]] = read_yaml(CASES / "selection.yaml").data
CROSSWALK: list[list[str]] = read_yaml(CASES / "crosswalk.yaml").data


@pytest.mark.parametrize("case", SELECTION, ids=[c["name"] for c in SELECTION])
def test_framework_selection(rubric: Rubric, case: dict[str, Any]) -> None:
    answers = make_answers(rubric, {"policy_last_reviewed": "2026-09-01"})
    answers = answers.model_copy(update={"frameworks": case["frameworks_in_file"]})
    result = evaluate(rubric, answers, case["option"] or None)
    assert [f.id for f in result.frameworks] == case["expect"]
    assert {c.framework for c in result.criteria} == set(case["expect"])
    assert {a.framework for a in result.areas} == set(case["expect"])
    assert result.safeguarding is not None
    if case["safeguarding"] == "decided":
        assert result.safeguarding.status in ("met", "not_met")
    else:
        assert result.safeguarding.status == "not_assessed"
    report = render_reports(result, rubric)[".md"]
    assert isinstance(report, str)
    for framework in rubric.frameworks:
        heading = f"### {framework.title}"
        assert (heading in report) == (framework.id in case["expect"]), heading


@pytest.mark.parametrize("pair", CROSSWALK, ids=["<->".join(p) for p in CROSSWALK])
def test_the_crosswalk_links_both_ways(rubric: Rubric, pair: list[str]) -> None:
    one, other = pair
    criteria = {c.id: c for c in rubric.criteria()}
    assert other in criteria[one].related
    assert one in criteria[other].related
    assert criteria[one].framework != criteria[other].framework


def test_criteria_json_lists_related(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["criteria", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    for one, other in CROSSWALK:
        assert other in rows[one]["related"]
        assert one in rows[other]["related"]


def test_the_report_shows_what_else_the_evidence_serves(rubric: Rubric) -> None:
    example = data_dir("questionnaires") / "examples" / "riverside-academy.yaml"
    result = evaluate(rubric, load_answers(example, rubric))
    criteria = {c.id: c for c in rubric.criteria()}
    gap = next(g for g in result.gaps if criteria[g.criterion].related)
    html = render_reports(result, rubric)[".html"]
    md = render_reports(result, rubric)[".md"]
    assert isinstance(html, str) and isinstance(md, str)
    assert "The same evidence also serves" in html and "The same evidence also serves" in md
    for rid in criteria[gap.criterion].related:
        assert f'href="#criterion-{rid.replace(".", "-").replace("_", "-")}"' in html
        assert criteria[rid].title[1:] in html


def test_an_unknown_related_criterion_is_located(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    path = criteria / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    resources: [help]\n",
            "    resources: [help]\n    related: [mini.policy.reviewd]\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 1
    assert "mini.yaml:49:15: related criterion 'mini.policy.reviewd'" not in shown[0]
    assert ":61:15: unknown related criterion 'mini.policy.reviewd'" in shown[0]
    assert "did you mean 'mini.policy.reviewed'?" in shown[0]


def test_a_related_criterion_in_the_same_framework_is_refused(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    path = criteria / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    resources: [help]\n",
            "    resources: [help]\n    related: [mini.policy.reviewed]\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    assert "link only criteria of other frameworks" in str(caught.value.problems[0])


# --------------------------------------------------------------------------- a new framework

NEW_QUESTIONS = """\
# A trust's own addition to the question bank.
sections:
  - id: leadership_policy
    questions:
      - id: trust_audit_last
        label: Last trust online-safety audit
        prompt: On what date did the trust last audit the school's online safety?
        type: date
"""
NEW_FRAMEWORK = """\
id: trust-checklist
title: Meridian Vale Learning Trust online-safety checklist
version: "2027.1"
published: 2027-01-10
order: 60
summary: The trust's own yearly checks, on top of the national frameworks.
sources:
  - id: trust_policy
    title: Trust safeguarding policy
    publisher: Meridian Vale Learning Trust
    published: "2026"
areas:
  - {id: oversight, title: Trust oversight, inspection_areas: [leadership_governance]}
scoring:
  partly_credit: 0.5
  ratings:
    - {rating: green, label: Green, min_score: 75}
    - {rating: amber, label: Amber, min_score: 50}
    - {rating: red, label: Red, min_score: 0}
  basis: tool
  rationale: The trust's own bands, the same as the national frameworks'.
  wording:
    limiting: "{label}, because {indicator}{others}."
    one_more: " (and 1 more)"
    more: " (and {more} more)"
    not_checked: "Not judged: {indicators} not checked; answer {questions}."
    level: "{label}: {score}% with {coverage}% answered{held_back}."
    held_back: "; not {next}, because {causes}"
    cause_score: "the score is below {min_score}%"
    cause_coverage: "only {coverage}% is answered"
    cause_red: "{count} areas are red ({areas})"
    not_judged: "Not judged: {coverage}% answered of {needed}% needed."
    nothing_applies: Not judged, because nothing applies.
criteria:
  - id: trust.oversight.audited
    area: oversight
    kind: guidance
    title: Audited by the trust this year
    statement: The trust has audited the school's online safety in the last twelve months.
    source: {document: trust_policy, section: Annual audit}
    weight: 3
    rule:
      met: {question: trust_audit_last, within_days: 365}
    action: Book the trust's online-safety audit for this term.
  - id: trust.oversight.policy_current
    area: oversight
    kind: guidance
    title: Policy reviewed this year
    statement: The online-safety policy was reviewed in the last twelve months.
    source: {document: trust_policy, section: Policies}
    weight: 2
    rule:
      met: {question: policy_last_reviewed, within_days: 365}
    action: Review the policy.
    related: [ofsted.policies.updated_regularly]
"""


def test_a_new_framework_needs_no_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    criteria, questions = tmp_path / "criteria", tmp_path / "questionnaires"
    shutil.copytree(data_dir("criteria"), criteria)
    shutil.copytree(data_dir("questionnaires"), questions)
    (criteria / "trust-checklist.yaml").write_text(NEW_FRAMEWORK, encoding="utf-8")
    (questions / "questions" / "90-trust.yaml").write_text(NEW_QUESTIONS, encoding="utf-8")
    school = tmp_path / "school.yaml"
    school.write_text(
        "school: {name: Oak Primary, phase: primary, review_date: 2027-03-01}\n"
        "frameworks: [trust-checklist]\n"
        "answers:\n  trust_audit_last: 2026-06-15\n  policy_last_reviewed: 2025-01-10\n",
        encoding="utf-8",
    )
    base = ["--criteria", str(criteria), "--questions", str(questions)]

    assert run([*base, "assess", str(school), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in result["frameworks"]] == ["trust-checklist"]
    statuses = {c["id"]: c["status"] for c in result["criteria"]}
    assert statuses == {
        "trust.oversight.audited": "met",
        "trust.oversight.policy_current": "not_met",
    }
    assert result["frameworks"][0]["score"] == 60.0  # weights 3 and 2: 3 / 5

    out = tmp_path / "reports"
    assert run([*base, "assess", str(school), "-o", str(out)]) == 0
    capsys.readouterr()
    md = (out / "oak-primary-2027-03-01.md").read_text(encoding="utf-8")
    assert "Meridian Vale Learning Trust online-safety checklist" in md
    assert "Book the trust's online-safety audit" not in md  # met: no action
    assert "Review the policy." in md
    assert "Ofsted e-safety criteria (2014 briefing)" in md  # the related criterion's framework

    assert run([*base, "criteria", "--framework", "trust-checklist", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["trust.oversight.audited", "trust.oversight.policy_current"]
    assert rows[1]["related"] == ["ofsted.policies.updated_regularly"]
