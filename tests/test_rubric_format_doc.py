"""docs/rubric-format.md describes everything a rubric maintainer can write.

Every field of the models a rubric, the question bank, ``common.yaml`` or
``safeguarding.yaml`` is read into, every criterion kind, question type, rule operator
and questionnaire section must be named in the page (in backticks), so that a new field
or kind cannot ship undocumented.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from esafety_audit import models
from esafety_audit.loading import load_rubric
from esafety_audit.rules import OPERATORS

DOC = Path(__file__).resolve().parent.parent / "docs" / "rubric-format.md"

# The models whose fields a maintainer writes in YAML.
WRITTEN = [
    models.Choice,
    models.AppliesTo,
    models.Question,
    models.BankVersion,
    models.QuestionBank,
    models.SourceDocument,
    models.Citation,
    models.Resource,
    models.Area,
    models.Rule,
    models.Criterion,
    models.JudgementLevel,
    models.RatingBand,
    models.Wording,
    models.SelfReported,
    models.Scoring,
    models.Framework,
    models.CriterionSelector,
    models.SafeguardingRule,
    models.SafeguardingLabels,
    models.SafeguardingWording,
    models.Safeguarding,
    models.GapSelector,
    models.PriorityLevel,
    models.CommonWording,
    models.InspectionArea,
    models.Inspection,
    models.Common,
]


@pytest.fixture(scope="module")
def named() -> set[str]:
    """Every identifier the page writes as code: in its YAML examples or in backticks."""
    text = DOC.read_text(encoding="utf-8")
    fenced = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", text, flags=re.M | re.S)
    inline = re.findall(r"`([^`]+)`", prose)
    return {word for chunk in [*fenced, *inline] for word in re.findall(r"[a-z][a-z0-9_-]*", chunk)}


def _fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


@pytest.mark.parametrize("model", WRITTEN, ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel], named: set[str]) -> None:
    missing = [f for f in _fields(model) if f not in named]
    assert not missing, f"{model.__name__} fields missing from {DOC.name}: {missing}"


@pytest.mark.parametrize(
    ("what", "values"),
    [
        ("criterion kinds", get_args(models.Kind)),
        ("question types", get_args(models.QuestionType)),
        ("absent answers", get_args(models.AbsentKind)),
        ("judgement levels", get_args(models.Judgement)),
        ("rule operators", tuple(OPERATORS)),
    ],
)
def test_every_value_is_documented(what: str, values: tuple[str, ...], named: set[str]) -> None:
    missing = [v for v in values if v not in named]
    assert not missing, f"{what} missing from {DOC.name}: {missing}"


def test_every_section_of_the_bank_is_listed() -> None:
    text = DOC.read_text(encoding="utf-8")
    bank = load_rubric().bank
    table = text.split("The sections, in order", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|$", table, re.M)
    assert rows == [(s.id, s.title) for s in bank.sections], (
        f"the section table in {DOC.name} should list bank.yaml's sections, in order"
    )
