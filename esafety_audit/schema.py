"""The JSON Schema of an answers file, built from pydantic models of the question bank.

Editors that understand JSON Schema (VS Code with the YAML extension, for
example) use it to check and complete an answers file as it is typed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, create_model

from .models import ActionPlan, Question, Rubric, School

_PERCENT_TEXT = Annotated[str, StringConstraints(pattern=r"^\s*\d+(\.\d+)?\s*%\s*$")]


def _value_type(question: Question) -> Any:
    """What an answer may be: the same forms the loader accepts (loading.check_value)."""
    value = _typed_value(question)
    if question.absent:
        value = value | Literal[tuple(question.absent)]  # never, no_record, unknown
    return value


def _typed_value(question: Question) -> Any:
    kind = question.type
    ids = tuple(question.answer_choices() or ())
    if kind in ("yes_partly_no", "yes_no"):
        return Literal[ids] | bool  # true / false read as yes / no
    ids += tuple(question.retired_choices)  # read as blank, as the loader does, not refused
    if kind == "single_choice":
        return Literal[ids]
    if kind == "multiple_choice":
        one: Any = Literal[ids]  # built at run time from the question bank
        return list[one] | one  # a single choice may stand alone
    return {
        "number": Annotated[float, Field(ge=0, allow_inf_nan=False)],
        "percentage": Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | _PERCENT_TEXT,
        "date": date,
        "text": str,  # a number must be quoted to be text (loading._text says so)
    }[kind]


def _describe(question: Question) -> str:
    return f"{question.prompt}\n\n{question.help}".strip()


def _answer_model(question: Question) -> Any:
    value = _value_type(question)
    long_form = create_model(
        f"Answer_{question.id}",
        __config__=ConfigDict(extra="forbid"),
        value=(value | None, None),
        evidence=(str | None, Field(None, description="Where the evidence is kept")),
        notes=(str | None, Field(None, description="Anything governors should know")),
        action=(ActionPlan | None, Field(None, description="Who will close this gap, and by when")),
    )
    return value | long_form | None


def answers_schema(rubric: Rubric) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an answers file for this question bank."""
    fields: dict[str, Any] = {
        q.id: (_answer_model(q), Field(None, title=q.label, description=_describe(q)))
        for q in rubric.bank.questions().values()
    }
    answers = create_model("AnswersToQuestions", __config__=ConfigDict(extra="forbid"), **fields)
    framework_ids = tuple(f.id for f in rubric.frameworks)
    answers_file = create_model(
        "AnswersFile",
        __config__=ConfigDict(extra="forbid", title="esafety-audit answers file"),
        __doc__="An esafety-audit answers file: one school's annual online-safety self-review.",
        school=(School, ...),
        question_bank_version=(str | None, None),
        frameworks=(list[Literal[framework_ids]] | None, None),  # type: ignore[valid-type,arg-type]
        answers=(answers | None, None),
    )
    schema = answers_file.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
