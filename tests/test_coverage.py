"""Other review tools schools use (criteria/external/): their items, the criteria that
serve each, the checks loading makes, ``criteria --maps-to`` and docs/coverage.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import copy_rubric

from esafety_audit.cli import run
from esafety_audit.coverage import coverage_markdown
from esafety_audit.engine import evaluate
from esafety_audit.errors import InputError
from esafety_audit.loading import load_answers, load_rubric
from esafety_audit.models import Rubric
from esafety_audit.reports import build_context
from esafety_audit.reports.context import ReportContext

ROOT = Path(__file__).parent.parent
COVERAGE = ROOT / "docs" / "coverage.md"
SHIPPED = ("360-degree-safe", "lgfl-audit", "ukcis-governors")


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric()


def test_the_shipped_tools_are_loaded_with_their_item_counts(rubric: Rubric) -> None:
    counts = {f.id: len(f.items) for f in rubric.external}
    assert counts == {"360-degree-safe": 21, "lgfl-audit": 33, "ukcis-governors": 27}


def test_docs_coverage_is_up_to_date(rubric: Rubric) -> None:
    assert COVERAGE.read_text(encoding="utf-8") == coverage_markdown(rubric), (
        "docs/coverage.md is out of date: run "
        "`esafety-audit coverage -o docs/coverage.md` and commit it"
    )


@pytest.mark.parametrize("external_id", SHIPPED)
def test_no_item_is_left_not_covered(rubric: Rubric, external_id: str) -> None:
    external = rubric.external_framework(external_id)
    missing = [i.id for i in external.items if external.verdict(i) == "not_covered"]
    assert not missing, f"{external_id}: items no criterion serves: {missing}"


@pytest.mark.parametrize("external_id", SHIPPED)
def test_every_partly_covered_item_is_argued(rubric: Rubric, external_id: str) -> None:
    external = rubric.external_framework(external_id)
    for item in external.items:
        if external.verdict(item) == "partly":
            assert all((s.argument or "").strip() for s in item.served_by), item.id


def test_verdicts_follow_the_criteria_counted(rubric: Rubric) -> None:
    external = rubric.external_framework("360-degree-safe")
    item = next(i for i in external.items if i.id == "reporting-and-responding")
    assert external.verdict(item) == "covered"
    # Without the responding criteria, only the partly covering one is left.
    assert external.verdict(item, {"ofsted.reporting.routes_understood"}) == "partly"
    assert external.verdict(item, set()) == "not_covered"
    assert sum(external.counts(set()).values()) == 21
    assert external.counts(set())["not_covered"] == 21


def test_a_criterion_shows_what_it_serves(rubric: Rubric) -> None:
    served = {(f.id, i.id, c) for f, i, c in rubric.serves("ofsted.policies.aup_understood")}
    assert ("ukcis-governors", "policies-understood", "partly") in served
    assert ("360-degree-safe", "acceptable-use", "full") in served


# --------------------------------------------------------------------------- loading checks

_GOOD = """id: other-tool
title: Another review tool
publisher: Someone
edition: "2026"
cite_as: Another tool
verified: Nothing could be checked.
groups:
  - {id: part-one, title: Part one}
items:
  - id: first
    group: part-one
    title: The first item
    served_by:
      - {criterion: mini.policy.reviewed}
"""


def _broken(tmp_path: Path, text: str) -> list[str]:
    criteria, questions = copy_rubric(tmp_path)
    (criteria / "external").mkdir()
    (criteria / "external" / "other.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    return [str(p) for p in caught.value.problems]


def test_a_good_external_file_loads_on_the_mini_rubric(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    (criteria / "external").mkdir()
    (criteria / "external" / "other.yaml").write_text(_GOOD, encoding="utf-8")
    rubric = load_rubric(criteria, questions)
    assert [f.id for f in rubric.external] == ["other-tool"]
    assert [(f.id, i.id, c) for f, i, c in rubric.serves("mini.policy.reviewed")] == [
        ("other-tool", "first", "full")
    ]


def test_an_unknown_criterion_is_located(tmp_path: Path) -> None:
    shown = _broken(tmp_path, _GOOD.replace("mini.policy.reviewed", "mini.policy.reviewd"))
    assert len(shown) == 1
    assert "other.yaml:14:21: unknown criterion 'mini.policy.reviewd'" in shown[0]
    assert "did you mean 'mini.policy.reviewed'?" in shown[0]


def test_partly_without_an_argument_is_refused(tmp_path: Path) -> None:
    shown = _broken(
        tmp_path,
        _GOOD.replace(
            "{criterion: mini.policy.reviewed}", "{criterion: mini.policy.reviewed, covers: partly}"
        ),
    )
    assert len(shown) == 1
    assert "other.yaml:14:51:" in shown[0]
    assert "needs an 'argument'" in shown[0]


def test_an_unknown_group_and_a_repeated_item_are_located(tmp_path: Path) -> None:
    text = _GOOD.replace("group: part-one", "group: part-two") + (
        "  - id: first\n    group: part-one\n    title: Again\n"
    )
    shown = _broken(tmp_path, text)
    assert any("other.yaml:11:12: unknown group 'part-two'" in s for s in shown)
    assert any("other.yaml:15:9: item id 'first' is used twice" in s for s in shown)


def test_an_unknown_key_is_located(tmp_path: Path) -> None:
    shown = _broken(
        tmp_path,
        _GOOD.replace("    title: The first item\n", "    titel: x\n    title: The first item\n"),
    )
    assert any("other.yaml:12:5: unknown key 'titel'" in s for s in shown)


# --------------------------------------------------------------------------- the command line


def test_criteria_maps_to_lists_items_with_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["criteria", "--maps-to", "lgfl-audit"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("LGfL Online Safety Audit (lgfl-audit, February 2025): 33 items, ")
    assert "0 not covered" in out.splitlines()[0]
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("generative-ai-teaching"))
    assert " partly " in line
    assert "      dfe26.ai.use_policy (partly)" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("vulnerable-pupils"))
    assert " covered " in line  # one full criterion covers it, beside a partly one
    assert "      ofsted.education.flexible_relevant_engaging (partly)" in out
    assert "      kcsie.responding.challenges_hoaxes" in out


def test_criteria_maps_to_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["criteria", "--maps-to", "ukcis-governors", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["not_covered"] == 0
    assert sum(data["counts"].values()) == len(data["items"]) == 27
    item = next(i for i in data["items"] if i["id"] == "vulnerable-children")
    assert item["verdict"] == "covered"
    assert [s["covers"] for s in item["served_by"]] == ["full", "partly"]
    assert item["served_by"][1]["argument"]


def test_criteria_maps_to_an_unknown_tool_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["criteria", "--maps-to", "lgfl-audt"]) == 2
    err = capsys.readouterr().err
    assert "unknown review tool 'lgfl-audt'" in err
    assert "did you mean 'lgfl-audit'?" in err


def test_the_criteria_list_shows_what_each_criterion_serves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["criteria", "--framework", "kcsie-online-safety"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines) if "kcsie.oversight.dsl_training " in ln)
    assert "serves:" in lines[at + 1]
    assert "lgfl-audit:dsl-training" in lines[at + 1]
    assert run(["criteria", "--framework", "kcsie-online-safety", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"framework": "ukcis-governors", "item": "dsl-training", "covers": "full"} in rows[
        "kcsie.oversight.dsl_training"
    ]["serves"]


def test_coverage_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "coverage.md"
    assert run(["coverage", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == COVERAGE.read_text(encoding="utf-8")
    assert run(["coverage"]) == 0
    assert capsys.readouterr().out.endswith(COVERAGE.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- in the report

EXAMPLES = ROOT / "questionnaires" / "examples"


def _context(rubric: Rubric, name: str) -> ReportContext:
    answers = load_answers(EXAMPLES / name, rubric)
    return build_context(evaluate(rubric, answers), rubric)


def test_the_method_table_counts_each_tool_over_the_frameworks_used(rubric: Rubric) -> None:
    ctx = _context(rubric, "riverside-academy.yaml")
    rows = {x.title: x for x in ctx.method.external}
    ukcis = rows["UKCIS, Questions from the Governing Board (September 2022)"]
    assert (ukcis.items, ukcis.covered, ukcis.partly, ukcis.not_covered) == (27, 27, 0, 0)
    # A review that leaves KCSIE out covers less of each tool, and says so.
    answers = load_answers(EXAMPLES / "riverside-academy.yaml", rubric)
    result = evaluate(rubric, answers, ["ofsted-esafety-2014", "naht-guidance"])
    fewer = build_context(result, rubric)
    row = next(x for x in fewer.method.external if x.title.startswith("UKCIS"))
    assert row.not_covered > 0
    assert row.covered + row.partly + row.not_covered == 27


def test_governor_questions_come_from_the_ukcis_parts_amber_and_red_areas_serve(
    rubric: Rubric,
) -> None:
    ctx = _context(rubric, "riverside-academy.yaml")
    parts = {g.title: g for g in ctx.governor_questions}
    challenged = {a.title for a in ctx.challenge}
    assert parts, "Riverside has amber and red areas, so UKCIS questions are offered"
    for g in parts.values():
        assert g.source == "UKCIS, Questions from the Governing Board (September 2022)"
        assert g.questions
        assert set(g.areas) <= challenged
    policies = parts["Part One: Policies"]
    assert not policies.reconstructed
    reporting = parts["Reporting concerns and responding to them"]
    assert "Nude and semi-nude images" in reporting.areas
    # Riverside's responding area is green, so it raises no questions of its own.
    assert "Responding to incidents" not in reporting.areas
    assert "Responding to incidents" not in challenged
    assert parts["Reporting concerns and responding to them"].reconstructed


def test_no_governor_questions_without_amber_or_red_areas(rubric: Rubric) -> None:
    ctx = _context(rubric, "riverside-academy.yaml")
    assert ctx.challenge
    green = _context(rubric, "oakfield-primary.yaml")
    if not green.challenge:
        assert green.governor_questions == []
    else:  # every part offered names an area that is challenged
        titles = {a.title for a in green.challenge}
        assert all(set(g.areas) <= titles for g in green.governor_questions)
