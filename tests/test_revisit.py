"""Answers to revisit: the question bank changed since an answers file was written.

The bank's ``history`` says what each version added, changed and removed; a file
records the version it was written against. ``assess`` and ``validate`` list the new
questions that apply, the answered questions that changed, and answers to questions
no longer asked (kept, read by nothing, never an error).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_rubric, make_answers

from esafety_audit.cli import run
from esafety_audit.engine import answers_to_revisit, evaluate
from esafety_audit.errors import InputError
from esafety_audit.loading import load_answers, load_rubric
from esafety_audit.models import Rubric

HISTORY = """\
history:
  - {version: "0.1", published: 2026-01-01, note: First version., added: [], removed: []}
  - version: "0.2"
    published: 2026-06-01
    added: [lead_name, ks4_topics]
    changed: [filtering]
    removed: [old_question]
"""


def _bank(tmp_path: Path, history: str = HISTORY) -> tuple[Path, Path]:
    criteria, questions = copy_rubric(tmp_path)
    bank = questions / "bank.yaml"
    text = bank.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"', 1)
    text = text.replace("sections:", history + "sections:", 1)
    bank.write_text(text, encoding="utf-8")
    return criteria, questions


@pytest.fixture
def rubric(tmp_path: Path) -> Rubric:
    return load_rubric(*_bank(tmp_path))


def _answers(rubric: Rubric, version: str | None, **answers: object):  # type: ignore[no-untyped-def]
    made = make_answers(rubric, answers)
    return made.model_copy(update={"question_bank_version": version})


def test_new_changed_and_removed_are_listed(rubric: Rubric) -> None:
    answers = _answers(rubric, "0.1", policy="yes", filtering="managed", old_question="yes")
    found = answers_to_revisit(rubric, answers)
    assert found is not None
    assert found.written_against == "0.1"
    assert found.current == "0.2"
    assert found.known
    assert found.added == ["lead_name"]  # ks4_topics does not apply to a primary school
    assert found.changed == ["filtering"]
    assert found.removed == ["old_question"]


def test_a_new_question_already_answered_is_not_listed(rubric: Rubric) -> None:
    answers = _answers(rubric, "0.1", lead_name="J. Smith")
    found = answers_to_revisit(rubric, answers)
    assert found is not None
    assert found.added == []


def test_a_secondary_school_is_asked_its_key_stage_question(rubric: Rubric) -> None:
    answers = make_answers(rubric, {}, phase="secondary").model_copy(
        update={"question_bank_version": "0.1"}
    )
    found = answers_to_revisit(rubric, answers)
    assert found is not None
    assert found.added == ["lead_name", "ks4_topics"]


def test_nothing_to_revisit_at_the_current_version_or_with_no_version(rubric: Rubric) -> None:
    assert answers_to_revisit(rubric, _answers(rubric, "0.2")) is None
    assert answers_to_revisit(rubric, _answers(rubric, None)) is None


def test_an_unknown_version_says_so(rubric: Rubric) -> None:
    found = answers_to_revisit(rubric, _answers(rubric, "0.05"))
    assert found is not None
    assert not found.known


def test_the_result_json_carries_it(rubric: Rubric) -> None:
    result = evaluate(rubric, _answers(rubric, "0.1", filtering="managed"))
    assert result.revisit is not None
    assert result.revisit.changed == ["filtering"]


def test_an_answer_to_a_removed_question_loads_and_is_kept(tmp_path: Path) -> None:
    criteria, questions = _bank(tmp_path)
    rubric = load_rubric(criteria, questions)
    path = tmp_path / "school.yaml"
    text = (
        "school: {name: Oak, phase: primary, review_date: 2026-11-20}\n"
        'question_bank_version: "0.1"\n'
        "answers:\n  policy: yes\n  old_question:\n    value: yes\n    notes: Kept as written\n"
    )
    path.write_text(text, encoding="utf-8")
    answers = load_answers(path, rubric)
    assert answers.answers["old_question"].notes == "Kept as written"
    assert path.read_text(encoding="utf-8") == text


def test_an_unknown_question_is_still_an_error(tmp_path: Path) -> None:
    rubric = load_rubric(*_bank(tmp_path))
    with pytest.raises(InputError):
        make_answers(rubric, {"never_asked": "yes"})


def test_validate_lists_the_answers_to_revisit(tmp_path: Path, capsys) -> None:
    criteria, questions = _bank(tmp_path)
    path = tmp_path / "school.yaml"
    path.write_text(
        "school: {name: Oak, phase: primary, review_date: 2026-11-20}\n"
        'question_bank_version: "0.1"\n'
        "answers:\n  filtering: managed\n  old_question: yes\n",
        encoding="utf-8",
    )
    code = run(["--criteria", str(criteria), "--questions", str(questions), "validate", str(path)])
    _, err = capsys.readouterr()
    assert code == 0
    assert "written against question bank 0.1; this tool asks version 0.2" in err
    assert "Answers to revisit: 1 new question applies:" in err
    assert "lead_name: Online-safety lead" in err
    assert "Answers to revisit: 1 answered question has changed:" in err
    assert "old_question (ignored)" in err
    assert f"esafety-audit fill {path} --only-unanswered" in err


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            HISTORY.replace('version: "0.2"', 'version: "0.3"'),
            "the last version in the history is '0.3' but the bank is version '0.2'",
        ),
        (
            HISTORY.replace("added: [lead_name,", "added: [lead_nam,"),
            "question 'lead_nam' is not in the bank; did you mean 'lead_name'?",
        ),
        (
            HISTORY.replace("removed: [old_question]", "removed: [policy]"),
            "question 'policy' is listed as removed but is still asked",
        ),
    ],
)
def test_a_broken_history_is_located(tmp_path: Path, history: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_rubric(*_bank(tmp_path, history))
    shown = [str(p) for p in caught.value.problems]
    assert any("bank.yaml:" in s and message in s for s in shown), shown


def _retire(questions: Path, question: str, retired: str) -> None:
    """Give a question of the copied bank `retired_choices`, as a bank update would."""
    path = questions / "questions" / "q.yaml"
    text = path.read_text(encoding="utf-8")
    block, flow = f"      - id: {question}\n", f"      - {{id: {question}, "
    if block in text:
        text = text.replace(block, f"{block}        retired_choices: [{retired}]\n", 1)
    else:
        assert flow in text
        text = text.replace(flow, f"{flow}retired_choices: [{retired}], ", 1)
    path.write_text(text, encoding="utf-8")


def test_an_answer_naming_a_retired_choice_is_read_without_it_and_listed(
    tmp_path: Path, capsys
) -> None:
    criteria, questions = _bank(tmp_path, HISTORY.replace("[filtering]", "[filtering, ks4_topics]"))
    _retire(questions, "filtering", "isp_only")
    _retire(questions, "ks4_topics", "old_topic")
    rubric = load_rubric(criteria, questions)
    path = tmp_path / "school.yaml"
    text = (
        "school: {name: Oak, phase: secondary, review_date: 2026-11-20}\n"
        'question_bank_version: "0.1"\n'
        "answers:\n  filtering: isp_only\n  ks4_topics: [privacy, old_topic]\n"
    )
    path.write_text(text, encoding="utf-8")
    answers = load_answers(path, rubric)
    assert answers.answers["ks4_topics"].value == ["privacy"]  # read without the retired one
    assert answers.answers["filtering"].value is None  # nothing left to read: unanswered
    found = answers_to_revisit(rubric, answers)
    assert found is not None and found.changed == ["filtering", "ks4_topics"]
    code = run(["--criteria", str(criteria), "--questions", str(questions), "validate", str(path)])
    assert code == 0
    assert "Answers to revisit: 2 answered questions have changed:" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text  # validate only reads
    # A retired choice is not a choice a school may still pick in a current file.
    current = make_answers(rubric, {"ks4_topics": ["privacy", "old_topic"]})
    assert current.answers["ks4_topics"].value == ["privacy"]


@pytest.mark.parametrize(
    ("question", "retired", "history", "message"),
    [
        ("filtering", "basic", HISTORY, "'basic' is retired but is still one of the choices"),
        ("lead_name", "someone", HISTORY, "a text question has no choices to retire"),
        (
            "filtering",
            "isp_only",
            HISTORY.replace("changed: [filtering]", "changed: []"),
            "question 'filtering' has retired choices (isp_only) but no version lists it as "
            "changed",
        ),
    ],
)
def test_a_wrong_retired_choice_is_located(
    tmp_path: Path, question: str, retired: str, history: str, message: str
) -> None:
    criteria, questions = _bank(tmp_path, history)
    _retire(questions, question, retired)
    with pytest.raises(InputError) as caught:
        load_rubric(criteria, questions)
    shown = [str(p) for p in caught.value.problems]
    assert any(".yaml:" in s and message in s for s in shown), shown
