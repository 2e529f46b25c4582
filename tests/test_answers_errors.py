"""Bad answers files: every problem in the file, each with its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import mini_rubric

from esafety_audit.errors import InputError
from esafety_audit.loading import load_answers

# Every case runs on the fast YAML path and on the careful one alone (conftest.py).
pytestmark = pytest.mark.usefixtures("both_yaml_paths")

HEADER = "school:\n  name: Oak Primary\n  phase: primary\n  review_date: 2026-11-20\n"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_answers(path, mini_rubric())
    return [str(p).replace(str(path), "answers.yaml") for p in caught.value.problems]


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return load_answers(path, mini_rubric())


def test_short_and_long_forms_load_typed(tmp_path: Path) -> None:
    answers = _load(
        tmp_path,
        HEADER + "answers:\n  policy: yes\n  trained_pct: '85%'\n  reviewed:\n"
        "    value: 2026-09-01\n    evidence: Minutes, 1 Sept\n"
        "    action: {owner: DSL, due: 2027-01-31}\n  lead_name:\n",
    )
    assert answers.answers["policy"].value == "yes"
    assert answers.answers["trained_pct"].value == 85
    assert answers.answers["reviewed"].evidence == "Minutes, 1 Sept"
    assert answers.answers["reviewed"].action is not None
    assert answers.answers["lead_name"].value is None  # an empty answer is unanswered


def test_unknown_question_suggests_the_nearest_id(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  polcy: yes\n") == [
        "answers.yaml:6:3: unknown question id 'polcy'; did you mean 'policy'? [answers.polcy]"
    ]


def test_a_wrong_choice_lists_the_valid_ones(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  policy: maybe\n") == [
        "answers.yaml:6:11: policy: 'maybe' is not an allowed answer; use one of: yes, partly, no "
        "[answers.policy]"
    ]


def test_wrong_type_in_the_long_form_points_at_the_value(tmp_path: Path) -> None:
    text = HEADER + "answers:\n  filtering:\n    value: [basic]\n    notes: x\n"
    assert _problems(tmp_path, text) == [
        "answers.yaml:7:12: filtering: [basic] is not an allowed answer; use one of: none, "
        "basic, managed [answers.filtering.value]"
    ]


def test_a_percentage_out_of_range(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  trained_pct: 120\n") == [
        "answers.yaml:6:16: trained_pct: 120 is out of range; use 0 to 100 [answers.trained_pct]"
    ]


def test_a_number_that_is_text(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  shared_logins: several\n") == [
        "answers.yaml:6:18: shared_logins: 'several' is not a number (0 or more) "
        "[answers.shared_logins]"
    ]


def test_an_impossible_date(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  reviewed: 2026-02-30\n") == [
        "answers.yaml:6:13: '2026-02-30' is not a real date (day is out of range for month); "
        "use YYYY-MM-DD [answers.reviewed]"
    ]


def test_a_date_after_the_review(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  reviewed: 2027-01-05\n") == [
        "answers.yaml:6:13: reviewed: 2027-01-05 is after the review date (2026-11-20); give the "
        "date it last happened [answers.reviewed]"
    ]


def test_an_unknown_phase(tmp_path: Path) -> None:
    text = HEADER.replace("phase: primary", "phase: junior") + "answers: {}\n"
    assert _problems(tmp_path, text) == [
        "answers.yaml:3:10: 'junior' is not allowed for 'phase'; use one of: 'primary', "
        "'secondary', 'all-through', 'middle' or 'special' [school.phase]"
    ]


def test_a_missing_school_name_and_a_bad_urn(tmp_path: Path) -> None:
    text = "school:\n  urn: 12ab\n  phase: primary\n  review_date: 2026-11-20\nanswers: {}\n"
    assert _problems(tmp_path, text) == [
        "answers.yaml:1:1: 'name' is missing; add it [school]",
        "answers.yaml:2:8: '12ab' is not a URN; use the school's 6 or 7 digit unique reference "
        "number [school.urn]",
    ]


def test_an_unknown_key_in_the_long_form(tmp_path: Path) -> None:
    text = HEADER + "answers:\n  policy:\n    value: yes\n    evidnce: minutes\n"
    assert _problems(tmp_path, text) == [
        "answers.yaml:8:5: unknown key 'evidnce'; did you mean 'evidence'?; allowed keys: value, "
        "evidence, notes, action [answers.policy.evidnce]"
    ]


def test_a_list_instead_of_a_mapping(tmp_path: Path) -> None:
    assert _problems(tmp_path, "- school\n- answers\n") == [
        "answers.yaml:1:1: expected a mapping with the keys 'school' and 'answers', found a list"
    ]


def test_every_problem_in_a_file_is_reported_together(tmp_path: Path) -> None:
    text = (
        HEADER.replace("primary", "nursery")
        + "answers:\n  policy: perhaps\n  trained_pct: -5\n  nonsense: 1\n"
    )
    found = _problems(tmp_path, text)
    assert [p.split(": ")[0] for p in found] == [
        "answers.yaml:3:10",
        "answers.yaml:6:11",
        "answers.yaml:7:16",
        "answers.yaml:8:3",
    ]


def test_an_unknown_framework_is_named(tmp_path: Path) -> None:
    text = HEADER + "frameworks: [mni]\nanswers: {}\n"
    assert _problems(tmp_path, text) == [
        "answers.yaml:5:14: unknown framework 'mni'; did you mean 'mini'?; known: mini "
        "[frameworks[0]]"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".nan", "shared_logins: .nan is not a number (0 or more); give an ordinary number"),
        (".inf", "shared_logins: .inf is not a number (0 or more); give an ordinary number"),
        ("1e400", "shared_logins: .inf is not a number (0 or more); give an ordinary number"),
        ("9" * 400, "a number with 400 digits is far too large to be an answer"),
    ],
)
def test_numbers_that_are_not_ordinary_numbers(tmp_path: Path, value: str, message: str) -> None:
    assert _problems(tmp_path, HEADER + f"answers:\n  shared_logins: {value}\n") == [
        f"answers.yaml:6:18: {message} [answers.shared_logins]"
    ]


def test_a_word_where_a_date_is_asked_names_the_absences_it_takes(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEADER + "answers:\n  reviewed: not yet\n") == [
        "answers.yaml:6:13: reviewed: 'not yet' is not a date; write it as YYYY-MM-DD, e.g. "
        "2026-09-01; or, if there is none, one of: never, no_record [answers.reviewed]"
    ]


def test_never_and_no_record_are_accepted_where_the_question_offers_them(tmp_path: Path) -> None:
    from esafety_audit.rules import Absent

    path = tmp_path / "answers.yaml"
    path.write_text(
        HEADER + "answers:\n  reviewed: never\n  trained_pct: {value: No_Record}\n",
        encoding="utf-8",
    )
    answers = load_answers(path, mini_rubric())
    assert answers.answers["reviewed"].value == Absent("never")
    assert answers.answers["trained_pct"].value == Absent("no_record")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100.0001", "trained_pct: 100.0001 is out of range; use 0 to 100"),
        ("1" + "0" * 40, "trained_pct: a number with 41 digits is out of range; use 0 to 100"),
        (
            "12:30",
            "trained_pct: '12:30' is not a percentage from 0 to 100; or, if there is none, "
            "one of: no_record, unknown",
        ),
        (
            "0x1F",
            "trained_pct: '0x1F' is not a percentage from 0 to 100; or, if there is none, "
            "one of: no_record, unknown",
        ),
        ("010", None),  # YAML 1.2: ten, not eight
    ],
)
def test_numbers_are_shown_as_written_and_read_as_yaml_1_2(
    tmp_path: Path, value: str, message: str | None
) -> None:
    text = HEADER + f"answers:\n  trained_pct: {value}\n"
    if message is None:
        path = tmp_path / "answers.yaml"
        path.write_text(text, encoding="utf-8")
        assert load_answers(path, mini_rubric()).answers["trained_pct"].value == 10
        return
    assert _problems(tmp_path, text) == [f"answers.yaml:6:16: {message} [answers.trained_pct]"]


@pytest.mark.parametrize("value", ["010", "42", "1.5"])
def test_a_number_for_a_text_question_is_refused_with_a_hint_to_quote_it(
    tmp_path: Path, value: str
) -> None:
    (problem,) = _problems(tmp_path, HEADER + f"answers:\n  lead_name: {value}\n")
    assert "was read as a number; to give it as text, put it in quotes" in problem


@pytest.mark.parametrize("value", ["12:30", "0x1F"])
def test_sexagesimal_and_hex_stay_text(tmp_path: Path, value: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(HEADER + f"answers:\n  lead_name: {value}\n", encoding="utf-8")
    assert load_answers(path, mini_rubric()).answers["lead_name"].value == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"Oak\\x00"', "control character (U+0000)"),
        ('"Oak \\e[31mRed"', "control character (U+001B)"),
        ("!!binary aGVsbG8=", "the tag tag:yaml.org,2002:binary is not allowed"),
    ],
)
def test_control_characters_and_binary_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (problem,) = _problems(tmp_path, HEADER + f"answers:\n  lead_name: {text}\n")
    assert message in problem and "b'" not in problem


def test_no_python_or_pydantic_wording(tmp_path: Path) -> None:
    text = (
        "school:\n  name: Oak Primary\n  phase: primary\n  review_date: 2026-11-20 10:30:00\n"
        "  completed_by: [a, b]\n  trust: 12\nanswers:\n"
        "  filtering: 2026-01-01 09:00:00\n"
    )
    found = "\n".join(_problems(tmp_path, text))
    assert "'2026-11-20 10:30:00' is not a date for 'review_date'" in found
    assert "'completed_by' should be text, not a list" in found
    for python in ("datetime.", "Input should", "Value error", "b'"):
        assert python not in found, found
