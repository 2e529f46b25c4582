"""The rule language: conditions over answers, and the registry of operators.

A condition is a small tree: ``{all: [...]}``, ``{any: [...]}``, ``{not: ...}``
or a test ``{question: ID, OPERATOR: OPERAND}``. Operators live in one explicit
dictionary, :data:`OPERATORS`; an unknown name is rejected when the rubric
loads, with the list of known ones. Nothing is ever ``eval``-ed.

Evaluation is three-valued: a test on an unanswered question is *unknown*
(``None``), so a criterion can be told apart as unanswered rather than failed.
An answer that says a thing is absent ("never", "no record", "not known": an
:class:`Absent`) is an answer, not silence: every test reads it as the worst
value the question can have, so it counts as the absence it describes.
Every result carries the reasons that decided it, in words a governor reads,
and each reason says which bar it was held to (``lead``: "Met needs", ...).

This module is pure: it imports no YAML, template or CLI code.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

Truth = bool | None


class QuestionInfo(Protocol):
    """What the rules need to know of a question (``models.Question`` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def better(self) -> str: ...
    def choice_ids(self) -> list[str]: ...
    def choice_label(self, value: str) -> str: ...


# The answers that say a thing is absent, and how a governor reads them.
ABSENT_LABELS: dict[str, str] = {
    "never": "Never",
    "no_record": "No record kept",
    "unknown": "Not known",
}


def absent_words(kinds: Sequence[str]) -> list[str]:
    """Absence answers as written in a file, with their meaning where the word alone
    does not say it: ``never``, ``no_record (no record kept)``."""
    return [
        kind if kind == ABSENT_LABELS[kind].lower() else f"{kind} ({ABSENT_LABELS[kind].lower()})"
        for kind in kinds
    ]


@dataclass(frozen=True)
class Absent:
    """An answer that says the thing asked about is absent: never done, no record of
    it, or not known. It is an answer (the question is not unanswered), and every test
    reads it as the worst value the question can have."""

    kind: str  # a key of ABSENT_LABELS

    @property
    def label(self) -> str:
        return ABSENT_LABELS[self.kind]


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against: typed answers and the review date."""

    answers: Mapping[str, Any]
    questions: Mapping[str, QuestionInfo]
    review_date: date


@dataclass(frozen=True)
class Outcome:
    value: Truth
    reasons: tuple[str, ...]


# Each truth value without reasons, shared: what an evaluation with ``lead=None`` gives.
_BARE: dict[Truth, Outcome] = {v: Outcome(v, ()) for v in (True, False, None)}


# --------------------------------------------------------------------------- operators


@dataclass(frozen=True)
class Operator:
    """One leaf test: which question types it reads, and how it checks and explains."""

    types: frozenset[str]
    check: Callable[[QuestionInfo, Any], str | None]  # operand problem, or None when fine
    test: Callable[[QuestionInfo, Any, Any, date], bool]  # (question, answer, operand, review)
    describe: Callable[[QuestionInfo, Any], str]
    about_choices: bool = False  # its reasons name only the choices in its operand
    # What the test gives for an Absent answer (never / no record / not known): the
    # absence is the worst value, so a test of "at least" fails and "more than N days
    # ago" holds. None for operators of types that take no such answers.
    on_absent: Callable[[QuestionInfo], bool] | None = None


def _as_list(operand: Any) -> list[Any]:
    return list(operand) if isinstance(operand, list | tuple) else [operand]


def _check_choices(question: QuestionInfo, operand: Any) -> str | None:
    values = _as_list(operand)
    allowed = question.choice_ids()
    if not values:
        return "give at least one choice"
    bad = [v for v in values if not isinstance(v, str) or v not in allowed]
    if bad:
        return (
            f"{bad[0]!r} is not a choice of question '{question.id}'; choices: {', '.join(allowed)}"
        )
    return None


def _check_one_choice(question: QuestionInfo, operand: Any) -> str | None:
    if isinstance(operand, list):
        return "give one choice, not a list"
    return _check_choices(question, operand)


def _check_number(question: QuestionInfo, operand: Any) -> str | None:
    if isinstance(operand, bool) or not isinstance(operand, int | float):
        return f"needs a number, not {operand!r}"
    if question.type == "percentage" and not 0 <= operand <= 100:
        return "a percentage is from 0 to 100"
    return None


def _check_days(question: QuestionInfo, operand: Any) -> str | None:
    if isinstance(operand, bool) or not isinstance(operand, int) or operand <= 0:
        return f"needs a whole number of days above 0, not {operand!r}"
    return None


def _check_count(question: QuestionInfo, operand: Any) -> str | None:
    if isinstance(operand, bool) or not isinstance(operand, int) or operand < 0:
        return f"needs a whole number of 0 or more, not {operand!r}"
    if operand > len(question.choice_ids()):
        return f"question '{question.id}' has only {len(question.choice_ids())} choices"
    return None


def _check_true(question: QuestionInfo, operand: Any) -> str | None:
    return None if operand is True else "write 'answered: true'"


def _labels(question: QuestionInfo, operand: Any) -> str:
    return " or ".join(f"'{question.choice_label(v)}'" for v in _as_list(operand))


def _all_labels(question: QuestionInfo, operand: Any) -> str:
    return ", ".join(f"'{question.choice_label(v)}'" for v in _as_list(operand))


_CHOICE_TYPES = frozenset({"yes_partly_no", "yes_no", "single_choice"})
_NUMBER_TYPES = frozenset({"number", "percentage"})
_ALL_TYPES = frozenset({*_CHOICE_TYPES, *_NUMBER_TYPES, "multiple_choice", "date", "text"})


def _days_before(value: date, review: date) -> int:
    return (review - value).days


OPERATORS: dict[str, Operator] = {
    "is": Operator(
        _CHOICE_TYPES,
        _check_choices,
        lambda q, value, operand, _: value in _as_list(operand),
        lambda q, operand: f"is {_labels(q, operand)}",
    ),
    "at_least": Operator(
        _CHOICE_TYPES,
        _check_one_choice,
        lambda q, value, operand, _: q.choice_ids().index(value) >= q.choice_ids().index(operand),
        lambda q, operand: f"is at least '{q.choice_label(operand)}'",
    ),
    "at_most": Operator(
        _CHOICE_TYPES,
        _check_one_choice,
        lambda q, value, operand, _: q.choice_ids().index(value) <= q.choice_ids().index(operand),
        lambda q, operand: f"is at most '{q.choice_label(operand)}'",
    ),
    "gte": Operator(
        _NUMBER_TYPES,
        _check_number,
        lambda q, value, operand, _: value >= operand,
        lambda q, operand: f"is {operand:g}{'%' if q.type == 'percentage' else ''} or more",
        on_absent=lambda q: q.better == "lower",
    ),
    "lte": Operator(
        _NUMBER_TYPES,
        _check_number,
        lambda q, value, operand, _: value <= operand,
        lambda q, operand: f"is {operand:g}{'%' if q.type == 'percentage' else ''} or less",
        on_absent=lambda q: q.better != "lower",
    ),
    "lt": Operator(
        _NUMBER_TYPES,
        _check_number,
        lambda q, value, operand, _: value < operand,
        lambda q, operand: f"is below {operand:g}{'%' if q.type == 'percentage' else ''}",
        on_absent=lambda q: q.better != "lower",
    ),
    "within_days": Operator(
        frozenset({"date"}),
        _check_days,
        lambda q, value, operand, review: _days_before(value, review) <= operand,
        lambda q, operand: f"is within {operand} days before the review date",
        on_absent=lambda q: False,
    ),
    "older_than_days": Operator(
        frozenset({"date"}),
        _check_days,
        lambda q, value, operand, review: _days_before(value, review) > operand,
        lambda q, operand: f"is more than {operand} days before the review date",
        on_absent=lambda q: True,
    ),
    "includes": Operator(
        frozenset({"multiple_choice"}),
        _check_choices,
        lambda q, value, operand, _: set(_as_list(operand)) <= set(value),
        lambda q, operand: f"includes {_all_labels(q, operand)}",
        about_choices=True,
    ),
    "includes_any": Operator(
        frozenset({"multiple_choice"}),
        _check_choices,
        lambda q, value, operand, _: bool(set(_as_list(operand)) & set(value)),
        lambda q, operand: f"includes any of {_all_labels(q, operand)}",
        about_choices=True,
    ),
    "count_at_least": Operator(
        frozenset({"multiple_choice"}),
        _check_count,
        lambda q, value, operand, _: len(value) >= operand,
        lambda q, operand: f"has at least {operand} of the {len(q.choice_ids())} ticked",
    ),
    "count_at_most": Operator(
        frozenset({"multiple_choice"}),
        _check_count,
        lambda q, value, operand, _: len(value) <= operand,
        lambda q, operand: f"has at most {operand} of the {len(q.choice_ids())} ticked",
    ),
    "answered": Operator(
        _ALL_TYPES,
        _check_true,
        lambda q, value, operand, _: True,
        lambda q, operand: "is answered",
        on_absent=lambda q: True,
    ),
}


# --------------------------------------------------------------------------- conditions


# The bar a reason is held to, when the caller names none.
DEFAULT_LEAD = "It needs"


class Condition(ABC):
    """A node of a rule. Subclasses are immutable and evaluate without side effects."""

    @abstractmethod
    def evaluate(self, ctx: Context, lead: str | None = DEFAULT_LEAD) -> Outcome:
        """True, false or unknown (None), with the reasons that decided it. ``lead``
        names the bar in each reason ("Met needs", "Partly met needs", ...); with
        ``lead=None`` the same evaluation gives the value alone, and no reasons (the
        roll-up's path: one code decides the value either way)."""

    @abstractmethod
    def questions(self) -> list[str]:
        """The ids of the questions this condition reads, in order."""

    @abstractmethod
    def to_data(self) -> Any:
        """The condition as rubric data, as it would be written in YAML."""


@dataclass(frozen=True)
class Test(Condition):
    question: QuestionInfo
    op: str
    operand: Any

    def evaluate(self, ctx: Context, lead: str | None = DEFAULT_LEAD) -> Outcome:
        return self.outcome(ctx, lead, negated=False)

    def outcome(self, ctx: Context, lead: str | None, negated: bool) -> Outcome:
        """The test's outcome; ``negated`` when a ``not`` stands above it, so that the
        reason states the bar the answer is really held to."""
        q = self.question
        operator = OPERATORS[self.op]
        value = ctx.answers.get(q.id)
        if value is None:
            held: Truth = None
        elif isinstance(value, Absent):
            assert operator.on_absent is not None  # loading allows absences only where it is set
            held = operator.on_absent(q)
        else:
            held = operator.test(q, value, self.operand, ctx.review_date)
        if lead is None:
            return _BARE[held]
        wanted = operator.describe(q, self.operand)
        bar = f"an answer that does not match this: it {wanted}" if negated else wanted
        if value is None:
            return Outcome(None, (f"{q.label}: not answered. {lead} an answer that {bar}.",))
        focus = _as_list(self.operand) if operator.about_choices else None
        shown = show_answer(q, value, ctx.review_date, focus)
        verdict = "yes" if held != negated else "no"
        return Outcome(held, (f"{q.label}: {shown}. {lead} an answer that {bar}: {verdict}.",))

    def questions(self) -> list[str]:
        return [self.question.id]

    def to_data(self) -> Any:
        return {"question": self.question.id, self.op: self.operand}


@dataclass(frozen=True)
class AllOf(Condition):
    items: tuple[Condition, ...]

    def evaluate(self, ctx: Context, lead: str | None = DEFAULT_LEAD) -> Outcome:
        outcomes = [item.evaluate(ctx, lead) for item in self.items]
        for wanted in (False, None):
            picked = [o for o in outcomes if o.value is wanted]
            if picked:
                return _decided(wanted, picked, lead)
        return _decided(True, outcomes, lead)

    def questions(self) -> list[str]:
        return [q for item in self.items for q in item.questions()]

    def to_data(self) -> Any:
        return {"all": [item.to_data() for item in self.items]}


@dataclass(frozen=True)
class AnyOf(Condition):
    items: tuple[Condition, ...]

    def evaluate(self, ctx: Context, lead: str | None = DEFAULT_LEAD) -> Outcome:
        outcomes = [item.evaluate(ctx, lead) for item in self.items]
        for wanted in (True, None):
            picked = [o for o in outcomes if o.value is wanted]
            if picked:
                return _decided(wanted, picked, lead)
        return _decided(False, outcomes, lead)

    def questions(self) -> list[str]:
        return [q for item in self.items for q in item.questions()]

    def to_data(self) -> Any:
        return {"any": [item.to_data() for item in self.items]}


@dataclass(frozen=True)
class Not(Condition):
    item: Condition

    def evaluate(self, ctx: Context, lead: str | None = DEFAULT_LEAD) -> Outcome:
        if isinstance(self.item, Test):  # say the bar the right way round
            inner = self.item.outcome(ctx, lead, negated=True)
        else:
            inner = self.item.evaluate(
                ctx, None if lead is None else f"{lead} the opposite of this:"
            )
        return Outcome(None if inner.value is None else not inner.value, inner.reasons)

    def questions(self) -> list[str]:
        return self.item.questions()

    def to_data(self) -> Any:
        return {"not": self.item.to_data()}


def _decided(value: Truth, deciding: Sequence[Outcome], lead: str | None) -> Outcome:
    """The value, with the reasons of the outcomes that decided it (none when no
    ``lead`` asks for reasons)."""
    return _BARE[value] if lead is None else Outcome(value, _join(deciding))


def _join(outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    return tuple(reason for o in outcomes for reason in o.reasons)


def show_answer(
    question: QuestionInfo, value: Any, review_date: date, focus: list[Any] | None = None
) -> str:
    """An answer as a governor would read it; ``focus`` limits a multiple choice to
    the choices a test is about, so a reason names only what matters to it."""
    if isinstance(value, Absent):
        return f"'{value.label}'"
    if question.type == "date":
        days = (review_date - value).days
        when = (
            "on the review date"
            if days == 0
            else (
                f"{days} days before the review" if days > 0 else f"{-days} days after the review"
            )
        )
        return f"{value.isoformat()} ({when})"
    if question.type == "percentage":
        return f"{value:g}%"
    if question.type == "number":
        return f"{value:g}"
    if question.type == "multiple_choice" and focus is not None:
        return "; ".join(
            f"'{question.choice_label(c)}' {'ticked' if c in value else 'not ticked'}"
            for c in focus
        )
    if question.type == "multiple_choice":
        ticked = ", ".join(question.choice_label(v) for v in value) or "none"
        return f"{len(value)} of {len(question.choice_ids())} ticked ({ticked})"
    if question.type in ("yes_partly_no", "yes_no", "single_choice"):
        return f"'{question.choice_label(value)}'"
    return "answered"


# --------------------------------------------------------------------------- parsing

RuleProblem = tuple[tuple[str | int, ...], str]
_SHAPE = "a condition is {all: [...]}, {any: [...]}, {not: ...} or {question: ID, OPERATOR: VALUE}"


def parse_condition(
    data: Any,
    path: tuple[str | int, ...],
    questions: Mapping[str, QuestionInfo],
    problems: list[RuleProblem],
) -> Condition | None:
    """Build a condition from rubric data; append ``(path, message)`` for each problem."""
    if not isinstance(data, dict) or not data:
        problems.append((path, _SHAPE))
        return None
    if len(data) == 1 and next(iter(data)) in ("all", "any"):
        ((key, items),) = data.items()
        if not isinstance(items, list) or not items:
            problems.append(((*path, key), f"'{key}' needs a list of one or more conditions"))
            return None
        parsed = [
            parse_condition(c, (*path, key, i), questions, problems) for i, c in enumerate(items)
        ]
        if any(p is None for p in parsed):
            return None
        kind = AllOf if key == "all" else AnyOf
        return kind(tuple(p for p in parsed if p is not None))
    if len(data) == 1 and "not" in data:
        inner = parse_condition(data["not"], (*path, "not"), questions, problems)
        return None if inner is None else Not(inner)
    return _parse_test(data, path, questions, problems)


def _parse_test(
    data: dict[str, Any],
    path: tuple[str | int, ...],
    questions: Mapping[str, QuestionInfo],
    problems: list[RuleProblem],
) -> Condition | None:
    if "question" not in data:
        problems.append((path, _SHAPE))
        return None
    ops = [k for k in data if k != "question"]
    if len(ops) != 1:
        problems.append((path, f"a test names one operator; found {len(ops)}. {_SHAPE}"))
        return None
    op = ops[0]
    qid = data["question"]
    if op not in OPERATORS:
        problems.append(
            (
                (*path, op),
                f"unknown operator '{op}'; known operators: {', '.join(sorted(OPERATORS))}",
            )
        )
        return None
    if not isinstance(qid, str) or qid not in questions:
        hint = suggest(str(qid), questions)
        problems.append(((*path, "question"), f"unknown question '{qid}'{hint}"))
        return None
    question = questions[qid]
    operator = OPERATORS[op]
    if question.type not in operator.types:
        problems.append(
            (
                (*path, op),
                f"'{op}' cannot test question '{qid}' of type {question.type}; "
                f"it works on {', '.join(sorted(operator.types))}",
            )
        )
        return None
    trouble = operator.check(question, data[op])
    if trouble:
        problems.append(((*path, op), f"'{op}' {trouble}"))
        return None
    return Test(question, op, data[op])


def suggest(name: str, known: Mapping[str, Any] | Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the nearest known name, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
