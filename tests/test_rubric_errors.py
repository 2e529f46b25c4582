"""A broken rubric or question bank is reported with places, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_rubric

from esafety_audit.errors import InputError
from esafety_audit.loading import load_rubric

# Every case runs on the fast YAML path and on the careful one alone (conftest.py).
pytestmark = pytest.mark.usefixtures("both_yaml_paths")


def _break(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    criteria, questions = copy_rubric(tmp_path)
    path = tmp_path / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    return [str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems]


def test_an_unknown_operator_lists_the_known_ones(tmp_path: Path) -> None:
    found = _break(tmp_path, "criteria/mini.yaml", "within_days: 365", "within_day: 365")
    assert found == [
        "criteria/mini.yaml:69:33: unknown operator 'within_day'; known operators: answered, "
        "at_least, at_most, count_at_least, count_at_most, gte, includes, includes_any, is, lt, "
        "lte, older_than_days, within_days [criteria[1].rule.met.within_day]"
    ]


def test_an_unknown_question_in_a_rule_suggests_one(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "question: trained_pct, gte: 80",
        "question: trained_pc, gte: 80",
    )
    assert found == [
        "criteria/mini.yaml:80:23: unknown question 'trained_pc'; did you mean 'trained_pct'? "
        "[criteria[2].rule.met.question]"
    ]


def test_an_operator_that_cannot_read_the_question_type(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "{question: trained_pct, gte: 80}",
        "{question: trained_pct, within_days: 80}",
    )
    assert found == [
        "criteria/mini.yaml:80:36: 'within_days' cannot test question 'trained_pct' of type "
        "percentage; it works on date [criteria[2].rule.met.within_days]"
    ]


def test_a_choice_the_question_does_not_have(tmp_path: Path) -> None:
    found = _break(tmp_path, "criteria/mini.yaml", "at_least: managed", "at_least: mannaged")
    assert found == [
        "criteria/mini.yaml:92:34: 'at_least' 'mannaged' is not a choice of question 'filtering'; "
        "choices: none, basic, managed [criteria[3].rule.met.at_least]"
    ]


def test_a_criterion_missing_its_action(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "    action: Review it.\n    resources: [help]",
        "    resources: [help]",
    )
    assert found == [
        "criteria/mini.yaml:61:5: 'action' is missing; add it [criteria[1]]",
    ]


def test_an_unknown_resource_and_area(tmp_path: Path) -> None:
    found = _break(
        tmp_path / "x",
        "criteria/mini.yaml",
        "    area: policy\n    kind: feature\n    title: Policy reviewed",
        "    area: polcy\n    kind: feature\n    title: Policy reviewed",
    )
    found += _break(
        tmp_path / "y",
        "criteria/mini.yaml",
        "Review it.\n    resources: [help]",
        "Review it.\n    resources: [hlep]",
    )
    assert found == [
        "criteria/mini.yaml:62:11: unknown area 'polcy'; did you mean 'policy'?; areas: policy, "
        "safety [criteria[1].area]",
        "criteria/mini.yaml:71:17: unknown resource 'hlep'; did you mean 'help'? "
        "[criteria[1].resources[0]]",
    ]


def test_an_indicator_must_give_triggered(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "triggered: {question: filtering",
        "met: {question: filtering",
    )
    assert found == [
        "criteria/mini.yaml:127:7: an inadequate indicator's rule gives 'triggered' (and no "
        "'met' or 'partly') [criteria[6].rule]"
    ]


def test_a_question_no_criterion_reads(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "questionnaires/questions/q.yaml",
        "      - {id: lead_name,",
        "      - {id: spare, label: Spare, prompt: Unused?, type: yes_no}\n      - {id: lead_name,",
    )
    assert found == [
        "questionnaires/questions/q.yaml:28:14: question 'spare' is not read by any criterion; "
        "use it in a rule or remove it [sections[0].questions[6].id]"
    ]


def test_a_choice_question_without_choices(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "questionnaires/questions/q.yaml",
        "choices:\n          - {id: privacy, label: Privacy}\n"
        "          - {id: reporting, label: Reporting}",
        "choices: []",
    )
    assert found == [
        "questionnaires/questions/q.yaml:23:15: a multiple_choice question needs 'choices' "
        "[sections[0].questions[5].type]"
    ]


def test_judgement_levels_out_of_order(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "min_score: 70, min_coverage: 75",
        "min_score: 95, min_coverage: 75",
    )
    assert found == [
        "criteria/mini.yaml:21:5: minimum scores must fall from the first entry to the last, and "
        "the last must be 0 [scoring.judgement]"
    ]


def test_questions_filed_under_an_unknown_section(tmp_path: Path) -> None:
    found = _break(tmp_path, "questionnaires/questions/q.yaml", "  - id: main", "  - id: mian")
    assert found == [
        "questionnaires/questions/q.yaml:2:9: unknown section 'mian'; did you mean 'main'?; the "
        "sections are listed in questionnaires/bank.yaml: main [sections[0].id]"
    ]


def test_a_question_id_defined_twice(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "questionnaires/questions/q.yaml",
        "      - {id: lead_name,",
        "      - {id: policy, label: Again, prompt: Again?, type: yes_no}\n      - {id: lead_name,",
    )
    assert found == [
        "questionnaires/questions/q.yaml:28:14: question id 'policy' is defined twice (first at "
        "questionnaires/questions/q.yaml:4); ids must be unique [sections[0].questions[6].id]"
    ]


def test_an_unknown_placeholder_in_the_wording(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "a weighted score of {score}%",
        "a weighted score of {scor}%",
    )
    assert found == [
        "criteria/mini.yaml:36:12: unknown placeholder {scor}; this sentence can use {coverage}, "
        "{held_back}, {label}, {red_areas}, {score} [scoring.wording.level]"
    ]


def test_a_resource_link_must_be_a_web_or_mail_address(tmp_path: Path) -> None:
    found = _break(
        tmp_path, "criteria/mini.yaml", 'url: "https://example.org/"', 'url: "javascript:alert(1)"'
    )
    assert found == [
        "criteria/mini.yaml:47:28: 'javascript:alert(1)' is not a web address; give one starting "
        "with https:// (or mailto:) [resources.help.url]"
    ]


# --------------------------------------------------------------------------- the Ofsted lens


def test_an_unknown_ofsted_evaluation_area_suggests_one(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "inspection_areas: [personal_development]",
        "inspection_areas: [personal_developmnt]",
    )
    assert len(found) == 1
    assert found[0].startswith(
        "criteria/mini.yaml:9:52: unknown Ofsted evaluation area 'personal_developmnt'; "
        "did you mean 'personal_development'?; declared in common.yaml: leadership_governance, "
    )
    assert found[0].endswith("[areas[1].inspection_areas[0]]")


def test_a_criterion_that_informs_no_ofsted_evaluation_area_is_named(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "{id: policy, title: Policy, inspection_areas: [leadership_governance]}",
        "{id: policy, title: Policy}",
    )
    assert [f.split(": criterion")[0] for f in found] == [
        "criteria/mini.yaml:50:11",
        "criteria/mini.yaml:62:11",
    ]
    assert (
        "criterion 'mini.policy.in_place' informs no Ofsted evaluation area: give its "
        in (found[0])
    )
    assert found[0].endswith("[criteria[0].area]")


def test_a_criterion_may_name_its_own_ofsted_evaluation_areas(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    path = criteria / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "{id: policy, title: Policy, inspection_areas: [leadership_governance]}",
        "{id: policy, title: Policy}",
    )
    text = text.replace(
        "    action: Write a policy.\n",
        "    action: Write a policy.\n    inspection_areas: [attendance_behaviour, inclusion]\n",
    )
    text = text.replace(
        "    action: Review it.\n", "    action: Review it.\n    inspection_areas: [inclusion]\n"
    )
    path.write_text(text, encoding="utf-8")
    rubric = load_rubric(criteria, questions)
    tags = {c.id: c.inspection_areas for c in rubric.criteria()}
    assert tags["mini.policy.in_place"] == ["attendance_behaviour", "inclusion"]
    assert tags["mini.policy.reviewed"] == ["inclusion"]
    assert tags["mini.safety.trained"] == ["personal_development"]  # its area's


def test_an_ofsted_evaluation_area_declared_twice(tmp_path: Path) -> None:
    criteria, questions = copy_rubric(tmp_path)
    shipped = Path(__file__).parent.parent / "criteria" / "common.yaml"
    text = shipped.read_text(encoding="utf-8")
    old = "    - id: inclusion\n      title: Inclusion\n"
    assert old in text
    text = text.replace(old, old.replace("inclusion\n", "achievement\n", 1), 1)
    (criteria / "common.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    found = [str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems]
    assert len(found) == 1
    assert found[0].startswith("criteria/common.yaml:")
    assert found[0].endswith("'achievement' is used twice [inspection.areas[5].id]")


def test_a_criterions_own_ofsted_evaluation_area_is_checked_too(tmp_path: Path) -> None:
    found = _break(
        tmp_path,
        "criteria/mini.yaml",
        "    action: Review it.\n",
        "    action: Review it.\n    inspection_areas: [behaviour]\n",
    )
    assert len(found) == 1
    assert found[0].startswith(
        "criteria/mini.yaml:71:24: unknown Ofsted evaluation area 'behaviour'; "
    )
    assert found[0].endswith("[criteria[1].inspection_areas[0]]")
