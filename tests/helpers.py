"""Small builders shared by the tests."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from esafety_audit.loading import answers_from_document, load_rubric
from esafety_audit.models import Answers, Rubric
from esafety_audit.yamlfile import YamlDocument

REVIEW_DATE = date(2026, 11, 20)


def make_answers(rubric: Rubric, answers: dict[str, Any], **school: Any) -> Answers:
    """Answers checked exactly as a file's would be, from plain data."""
    data = {
        "school": {"name": "Test School", "phase": "primary", "review_date": REVIEW_DATE, **school},
        "answers": answers,
    }
    return answers_from_document(YamlDocument("<test>", data), data, rubric)


FIXTURES = Path(__file__).parent / "fixtures"
MINI_CRITERIA = FIXTURES / "mini" / "criteria"
MINI_QUESTIONS = FIXTURES / "mini" / "questionnaires"


def mini_rubric() -> Rubric:
    """A small, stable rubric for testing the engine's semantics."""
    return load_rubric(MINI_CRITERIA, MINI_QUESTIONS)


def copy_rubric(
    destination: Path, criteria: Path = MINI_CRITERIA, questions: Path = MINI_QUESTIONS
) -> tuple[Path, Path]:
    """A copy of a rubric in ``destination`` that a test may break."""
    crit = destination / "criteria"
    ques = destination / "questionnaires"
    shutil.copytree(criteria, crit)
    shutil.copytree(questions, ques)
    return crit, ques


def rubric_with_evidence(destination: Path) -> Rubric:
    """The mini rubric with its one essential criterion naming the evidence that shows it."""
    criteria, questions = copy_rubric(destination)
    framework = criteria / "mini.yaml"
    text = framework.read_text(encoding="utf-8")
    text = text.replace(
        "    action: Train staff.\n",
        "    action: Train staff.\n    evidence: the signed training register\n",
    )
    framework.write_text(text, encoding="utf-8")
    return load_rubric(criteria, questions)
