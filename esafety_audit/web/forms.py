"""Questions as form controls, and submitted forms read back as changes.

Each question's fields are named ``<part>:<question id>``: ``v`` the value (radios,
checkboxes or one input), ``x`` the "never / no record / unknown" choice, ``e`` the
evidence, ``n`` the notes, ``o`` the action's owner and ``d`` its due date. A form only
changes the questions it carries (``q:<id>`` marks each one), so that saving one
question from the page's script and saving a whole part without script read the same.
What is typed is read as ``fill`` reads it (``interpret``), then checked as
``validate`` checks a file (see :mod:`.workspace`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ..fill.answer import Unclear, as_typed, interpret
from ..models import Answer, Question, Rubric
from ..rules import ABSENT_LABELS, Absent
from .workspace import SCHOOL, Change

NONE = "__none__"  # the "none of these" box of a multiple-choice question
KINDS = {
    "yes_no": "radios",
    "yes_partly_no": "radios",
    "single_choice": "radios",
    "multiple_choice": "checkboxes",
    "date": "date",
    "number": "number",
    "percentage": "percent",
    "text": "text",
}
DETAIL_FIELDS = {"e": "evidence", "n": "notes", "o": "owner", "d": "due"}
SCHOOL_FIELDS = ("name", "urn", "review_date", "completed_by")


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...

    def __contains__(self, key: object) -> bool: ...


@dataclass
class Option:
    value: str
    label: str
    checked: bool


@dataclass
class Control:
    """One question as the page shows it, with the values its fields hold."""

    question: Question
    number: int
    kind: str
    options: list[Option]
    text: str  # the value of a single input
    none_checked: bool  # multiple choice: "none of these"
    absent: list[Option]  # "the answer above" first, then never / no record / unknown
    evidence: str
    notes: str
    owner: str
    due: str
    expected: list[str]
    errors: dict[str, str] = field(default_factory=dict)  # by field letter
    theirs: str | None = None  # after a conflict: the file's answer, in words
    answered: bool = False

    @property
    def qid(self) -> str:
        return self.question.id

    def has_none_box(self) -> bool:
        return self.kind == "checkboxes" and "none" not in self.question.choice_ids()


def shown_from_answer(question: Question, answer: Answer | None) -> dict[str, Any]:
    """The field values a saved answer fills the form with."""
    value = answer.value if answer else None
    shown: dict[str, Any] = {"v": [] if question.type == "multiple_choice" else "", "x": ""}
    if isinstance(value, Absent):
        shown["x"] = value.kind
    elif value is not None:
        if question.type == "multiple_choice":
            shown["v"] = list(value) or [NONE]
        elif question.type in ("number", "percentage"):
            shown["v"] = as_typed(question, value).removesuffix("%")
        elif isinstance(value, date):
            shown["v"] = value.isoformat()
        else:
            shown["v"] = str(value)
    action = answer.action if answer else None
    shown["e"] = (answer.evidence if answer else None) or ""
    shown["n"] = (answer.notes if answer else None) or ""
    shown["o"] = (action.owner if action else None) or ""
    shown["d"] = action.due.isoformat() if action and action.due else ""
    return shown


def shown_from_form(question: Question, form: FormData) -> dict[str, Any]:
    """The field values as the user submitted them (kept after a refusal or a conflict)."""
    qid = question.id
    shown: dict[str, Any] = {
        "v": (
            [str(v) for v in form.getlist(f"v:{qid}")]
            if question.type == "multiple_choice"
            else str(form.get(f"v:{qid}", ""))
        ),
        "x": str(form.get(f"x:{qid}", "")),
    }
    for letter in DETAIL_FIELDS:
        shown[letter] = str(form.get(f"{letter}:{qid}", ""))
    return shown


def control(
    rubric: Rubric, question: Question, number: int, shown: Mapping[str, Any], answered: bool
) -> Control:
    kind = KINDS[question.type]
    chosen = shown["v"] if isinstance(shown["v"], list) else [shown["v"]]
    options = []
    if kind in ("radios", "checkboxes"):
        choices = question.answer_choices() or []
        plain = question.type in ("yes_no", "yes_partly_no")
        options = [
            Option(c, c.capitalize() if plain else question.choice_label(c), c in chosen)
            for c in choices
        ]
    absent = []
    if question.absent:
        absent = [Option("", _given_label(kind), not shown["x"])] + [
            Option(kind_, ABSENT_LABELS[kind_], shown["x"] == kind_) for kind_ in question.absent
        ]
    return Control(
        question=question,
        number=number,
        kind=kind,
        options=options,
        text="" if isinstance(shown["v"], list) else shown["v"],
        none_checked=NONE in chosen,
        absent=absent,
        evidence=shown["e"],
        notes=shown["n"],
        owner=shown["o"],
        due=shown["d"],
        expected=rubric.evidence_for(question.id),
        answered=answered,
    )


def _given_label(kind: str) -> str:
    return {"date": "The date above", "text": "The answer above"}.get(kind, "The figure above")


def changes_from_form(
    questions: Sequence[Question], form: FormData
) -> tuple[list[Change], dict[tuple[str, str], str]]:
    """The changes a form asks for, for the questions it carries, and the fields that
    cannot be read at all (by ``(question id, field)``, with what to do)."""
    changes: list[Change] = []
    unreadable: dict[tuple[str, str], str] = {}
    for q in questions:
        if f"q:{q.id}" not in form:
            continue
        try:
            changes.append(Change(q.id, "value", _value(q, form)))
        except Unclear as exc:
            unreadable[(q.id, "value")] = str(exc)
        for letter, name in DETAIL_FIELDS.items():
            key = f"{letter}:{q.id}"
            if key in form:
                text = str(form.get(key, "")).strip()
                changes.append(Change(q.id, name, text or None))
    return changes, unreadable


def _value(q: Question, form: FormData) -> Any:
    absent = str(form.get(f"x:{q.id}", "")).strip()
    if absent:
        if absent not in q.absent:
            raise Unclear(f"'{absent}' is not an answer this question takes")
        return absent
    if q.type == "multiple_choice":
        picked = [str(v) for v in form.getlist(f"v:{q.id}")]
        if NONE in picked:
            if len(picked) > 1:
                raise Unclear("'None of these' cannot be ticked with other answers")
            return []
        return picked or None
    typed = str(form.get(f"v:{q.id}", "")).strip()
    if not typed:
        return None
    if q.type in ("number", "percentage"):
        return interpret(q, typed)
    return typed


def school_changes(form: FormData) -> list[Change]:
    """The school's details as the details form gives them."""
    found = []
    for name in SCHOOL_FIELDS:
        key = f"school:{name}"
        if key in form:
            text = str(form.get(key, "")).strip()
            found.append(Change(name, SCHOOL, text or None))
    return found
