"""Small builders shared by the tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from esafety_audit.loading import answers_from_document
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
