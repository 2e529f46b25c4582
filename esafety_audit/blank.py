"""A blank answers file for a phase: every question that applies, with its prompt.

The file validates as it is (every answer empty), so a school can fill it in a
few answers at a time and run ``validate`` as it goes.
"""

from __future__ import annotations

import textwrap
from datetime import date

from .models import Answers, Phase, Question, Rubric
from .rules import absent_words

_WIDTH = 88

# What init writes where the school's own details go; fill asks for them, validate notes them.
PLACEHOLDER_NAME = "Your school name"


def _comment(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, _WIDTH - len(indent) - 2) or [""]
        lines.extend(f"{indent}# {line}".rstrip() for line in wrapped)
    return lines


def _allowed(question: Question) -> str:
    text = _kind(question)
    if question.absent:
        text += "; or, if there is none, " + " / ".join(absent_words(question.absent))
    return text


def _kind(question: Question) -> str:
    kind = question.type
    if kind in ("yes_partly_no", "yes_no"):
        return "Answer: " + " / ".join(question.answer_choices() or [])
    if kind == "single_choice":
        return "Answer one of: " + ", ".join(question.choice_ids())
    if kind == "multiple_choice":
        return "Answer a list of any of: " + ", ".join(question.choice_ids())
    return {
        "number": "Answer: a number",
        "percentage": "Answer: a percentage from 0 to 100",
        "date": "Answer: a date, YYYY-MM-DD",
        "text": "Answer: text",
    }[kind]


def _choice_lines(question: Question) -> list[str]:
    if question.type not in ("single_choice", "multiple_choice"):
        return []
    return _comment("\n".join(f"  {c.id}: {c.label}" for c in question.choices or []))


def blank_answers(rubric: Rubric, phase: Phase, review_date: date) -> str:
    """The text of a blank answers file for ``phase``."""
    key_stages = frozenset(rubric.bank.phases.get(phase, []))
    lines = [
        "# Online-safety self-review: answers file.",
        "# Fill in the school details and answer each question after its colon.",
        "# Short form:   question_id: yes",
        "# Long form:    question_id:",
        "#                 value: partly",
        "#                 evidence: Staff training log 2026, signed by the DSL",
        "#                 notes: New staff not yet trained",
        "#                 action: {owner: DSL, due: 2027-01-31}",
        "# Leave an answer empty only until you know: an empty answer is a gap to close,",
        "# never a pass. Where a question allows it, answer never, no_record or unknown.",
        "# Record evidence (what a governor could ask to see) in the long form: a claim",
        "# without the evidence its criterion names counts as self-reported.",
        "# Check the file at any time with:  esafety-audit validate THIS_FILE",
        "school:",
        f"  name: {PLACEHOLDER_NAME}",
        "  urn: null          # the 6 or 7 digit unique reference number",
        f"  phase: {phase}",
        f"  review_date: {review_date.isoformat()}",
        "  completed_by: null # name and role, e.g. Jo Smith, DSL",
        f'question_bank_version: "{rubric.bank.version}"',
        "answers:",
    ]
    for section in rubric.bank.sections:
        questions = [q for q in section.questions if q.applies_to.matches(phase, key_stages)]
        if not questions:
            continue
        lines += ["", f"  # ---- {section.title} " + "-" * max(4, 70 - len(section.title))]
        for q in questions:
            lines.append("")
            lines += _comment(q.prompt)
            if q.help:
                lines += _comment(q.help)
            lines += _comment(_allowed(q))
            lines += _choice_lines(q)
            expected = rubric.evidence_for(q.id)
            if expected:
                lines += _comment("Evidence to record: " + "; ".join(expected) + ".")
            lines.append(f"  {q.id}:")
    return "\n".join(lines) + "\n"


def placeholders(answers: Answers) -> list[tuple[str, str]]:
    """The school details still as init wrote them, as ``(field, value)`` pairs."""
    if answers.school.name == PLACEHOLDER_NAME:
        return [("name", PLACEHOLDER_NAME)]
    return []
