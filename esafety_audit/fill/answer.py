"""What a person types at the prompt, read as an answer; and answers shown as words.

:func:`interpret` turns typed text into the value an answers file would hold
(a choice's number into its id, ``1, 3`` into a list, ``58%`` into 58). It does not
judge the value: the loader's own checks do that (see ``session.py``), so the
questionnaire and ``validate`` accept exactly the same answers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..models import Question
from ..rules import Absent, absent_words
from ..yamlfile import control_character

YES_NO = ("yes_no", "yes_partly_no")
ONE_CHOICE = (*YES_NO, "single_choice")


class Unclear(Exception):
    """What was typed cannot be read as an answer; the message says what to type."""


def interpret(question: Question, typed: str) -> Any:
    """The answer ``typed`` stands for, as an answers file would hold it."""
    text = typed.strip()
    bad = control_character(text)
    if bad is not None:
        raise Unclear(f"the answer holds a control character ({bad}); type it again without it")
    if text.lower().replace(" ", "_") in question.absent:  # never, no record, unknown
        return text.lower().replace(" ", "_")
    if question.type in ONE_CHOICE:
        return _one_choice(question, text)
    if question.type == "multiple_choice":
        return _many_choices(question, text)
    if question.type in ("number", "percentage"):
        return _number(question, text)
    return text


def _one_choice(question: Question, text: str) -> str:
    choices = question.answer_choices() or []
    if text.isdigit():
        return _numbered(choices, text)
    word = text.lower()
    if question.type in YES_NO and word not in choices:
        starting = [c for c in choices if c.startswith(word)]
        if len(starting) == 1:  # y, p, n
            return starting[0]
    if word not in choices:
        raise Unclear(f"'{text}' is not one of the answers; {what_to_type(question)}")
    return word


def _numbered(choices: list[str], text: str) -> str:
    number = int(text)
    if not 1 <= number <= len(choices):
        raise Unclear(f"there is no choice {number}; type a number from 1 to {len(choices)}")
    return choices[number - 1]


def _many_choices(question: Question, text: str) -> list[str]:
    choices = question.answer_choices() or []
    parts = [p for p in re.split(r"[,;\s]+", text.lower()) if p]
    if parts in (["0"], ["none"]) and "none" not in choices:
        return []
    if "0" in parts:
        raise Unclear("0 means none of these, so give it on its own")
    return [_numbered(choices, p) if p.isdigit() else p for p in parts]


def _number(question: Question, text: str) -> Any:
    bare = text[:-1].strip() if question.type == "percentage" and text.endswith("%") else text
    for convert in (int, float):
        try:
            return convert(bare)
        except ValueError:
            continue
    return text  # the loader's check says what is wrong with it


def what_to_type(question: Question) -> str:
    """How to answer this kind of question, in a few words."""
    choices = question.answer_choices() or []
    if question.type in YES_NO:
        return f"type {_or_list(choices)} (or 1 to {len(choices)})"
    if question.type == "single_choice":
        return f"type the number of one choice, 1 to {len(choices)}"
    if question.type == "multiple_choice":
        return "type the numbers of all that apply, e.g. 1, 3 (or 0 if none apply)"
    how = {
        "number": "type a number",
        "percentage": "type a percentage from 0 to 100",
        "date": "type a date as YYYY-MM-DD, e.g. 2026-09-01",
        "text": "type the answer",
    }[question.type]
    if question.absent:
        how += f", or {_or_list(absent_words(question.absent))}"
    return how


def _or_list(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def as_typed(question: Question, value: Any) -> str:
    """A saved answer as someone would type it at the prompt."""
    if isinstance(value, Absent):
        return value.kind
    choices = question.answer_choices() or []
    if question.type == "single_choice":
        return str(choices.index(value) + 1)
    if question.type == "multiple_choice":
        return ", ".join(str(choices.index(v) + 1) for v in value) or "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if question.type == "percentage":
        return f"{value}%"
    return str(value)


def as_words(question: Question, value: Any) -> str:
    """A saved answer as a headteacher reads it: choice labels, not ids."""
    if isinstance(value, Absent):
        return value.label
    if question.type == "single_choice":
        return question.choice_label(value)
    if question.type == "multiple_choice":
        return "; ".join(question.choice_label(v) for v in value) or "none of these"
    return as_typed(question, value)
