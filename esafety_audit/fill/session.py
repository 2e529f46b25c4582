"""The questionnaire in the terminal: one question at a time, saved after each answer.

A session reads the answers file once (stopping with the usual problems if it is
invalid), walks the questions that apply to the school in the question bank's
order, and after every answer writes the file again, atomically, changing only that
answer's value. Each edit is loaded back with the loader before it is written, so the
file on disk always loads and holds exactly what was typed. Whatever stops the session
(``q``, Ctrl-D, Ctrl-C, a closed terminal) loses nothing already answered.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import stat
import sys
import textwrap
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Protocol

from ..blank import placeholders
from ..engine import school_key_stages
from ..errors import EsafetyError, InputError, UsageError
from ..io import atomic_write
from ..loading import answers_from_document, load_answers
from ..models import Answers, Question, Rubric
from ..rules import suggest
from ..yamlfile import parse_yaml
from .answer import Unclear, as_typed, as_words, interpret, what_to_type
from .change import AnswersText

_BOM = b"\xef\xbb\xbf"


class Terminal(Protocol):
    """Where the questionnaire talks: a real terminal, or a script in the tests."""

    width: int

    def ask(self, prompt: str) -> str:
        """One line typed by the user; raises EOFError or KeyboardInterrupt to stop."""
        ...

    def say(self, text: str = "") -> None: ...


class Console:
    """The real terminal: ``input()`` (with line editing where available) and ``print()``."""

    def __init__(self) -> None:
        self.width = max(40, min(shutil.get_terminal_size().columns, 88))
        if sys.stdin.isatty():
            with contextlib.suppress(ImportError):  # absent on Windows: plain input then
                import readline  # noqa: F401  (arrow keys and editing at the prompt)

    def ask(self, prompt: str) -> str:
        try:
            return input(prompt)
        except OSError:  # the terminal went away
            raise EOFError from None

    def say(self, text: str = "") -> None:
        print(text, flush=True)


class Outcome(StrEnum):
    finished = "finished"  # the last question was reached
    stopped = "stopped"  # q at a prompt
    closed = "closed"  # the input ended (Ctrl-D, a closed terminal, the end of a pipe)
    interrupted = "interrupted"  # Ctrl-C


@dataclass(frozen=True)
class Summary:
    outcome: Outcome
    given: int  # answers saved in this session
    answered: int  # questions that apply to the school and have an answer, as saved
    total: int  # questions that apply to the school


def _check_writable(path: Path, name: str) -> None:
    """Refuse, before asking anything, a file that its permissions say not to change."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:  # pragma: no cover - it was just read
        raise UsageError(f"cannot use {name}: {exc.strerror}") from None
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(
            f"{name} is read-only, so fill will not change it; make it writable first "
            f"(chmod u+w {shlex.quote(name)}, or on Windows untick Read-only in its "
            "Properties), or copy it and fill in the copy"
        )
    if not os.access(path.parent, os.W_OK):
        raise UsageError(
            f"the folder of {name} cannot be written to, so fill could not save the answers; "
            "copy the file to a folder of your own and fill in the copy"
        )


class FileChangedError(EsafetyError):
    """Another program wrote the answers file while the questionnaire had it open."""


SCHOOL_DETAILS = "School details"
SCHOOL_FIELDS = (
    Question(
        id="name",
        label="School name",
        prompt="What is the school's name, as it should appear on the governors' report?",
        type="text",
    ),
    Question(
        id="urn",
        label="URN",
        prompt="What is the school's unique reference number (URN)?",
        help="6 or 7 digits, as shown on Get Information about Schools. "
        "Press Enter to leave it out.",
        type="text",
    ),
    Question(
        id="review_date",
        label="Review date",
        prompt="On what date is this review made?",
        help="Answers such as 'when was the policy last reviewed' are judged against it.",
        type="date",
        future_dates=True,
    ),
    Question(
        id="completed_by",
        label="Completed by",
        prompt="Who is completing this review?",
        help="A name and role, for example: Jo Smith, DSL.",
        type="text",
    ),
)


@dataclass(frozen=True)
class _Item:
    """One thing to ask: a question of the bank, or a detail of the school (its
    question's id is then the key under ``school:``)."""

    question: Question
    section: str
    number: int  # its place among the questions that apply (or the school details)
    of: int
    school: bool = False


class _Move(Enum):
    NEXT = "next"
    BACK = "back"
    QUIT = "quit"


_REQUIRED = ("name", "review_date")
_KEEP, _SKIP, _BACK, _QUIT, _HELP, _CLEAR = "", "s", "b", "q", "?", "-"


def questions_for(rubric: Rubric, answers: Answers) -> list[tuple[str, list[Question]]]:
    """The parts of the questionnaire, by title, each with the questions that apply to
    the school (its phase and key stages), in the question bank's order; a part with
    none is left out."""
    school = answers.school
    stages = frozenset(school_key_stages(rubric, answers))
    parts = [
        (
            section.title,
            [q for q in section.questions if q.applies_to.matches(school.phase, stages)],
        )
        for section in rubric.bank.sections
    ]
    return [(title, questions) for title, questions in parts if questions]


def fill_answers(
    path: Path,
    rubric: Rubric,
    terminal: Terminal | None = None,
    *,
    only_unanswered: bool = False,
    start: str | None = None,
    school_details: bool = False,
    phase: str | None = None,
) -> Summary:
    """Ask the questions for the school in ``path`` and save each answer as it is given.

    ``start`` is a question's number or id (default: the first unanswered question);
    ``school_details`` asks the school's name, URN and who completes the review first;
    ``phase``, when given, must be the file's phase. Raises :class:`InputError` if the
    file has problems, before anything is asked.
    """
    session = _Session(path, rubric, terminal or Console())
    if phase is not None and phase != session.answers.school.phase:
        raise UsageError(
            f"{session.name} is for a {session.answers.school.phase} school, not {phase}; "
            "leave out --phase to carry on with it"
        )
    # A file straight from init still has the placeholder name: ask the school's details
    # first, so that the reports are not named after "Your school name".
    school_details = school_details or bool(placeholders(session.answers))
    items = session.plan(only_unanswered=only_unanswered, start=start, school=school_details)
    try:
        outcome = session.walk(items)
    except EOFError:
        session.t.say()
        outcome = Outcome.closed
    except KeyboardInterrupt:
        session.t.say()
        outcome = Outcome.interrupted
    return session.finish(outcome)


class _Session:
    def __init__(self, path: Path, rubric: Rubric, terminal: Terminal) -> None:
        self.rubric = rubric
        self.t = terminal
        self.name = str(path)
        self.given = 0  # answers saved
        self.asked = 0  # questions shown
        load_answers(path, rubric)  # every problem, as validate lists them, before asking
        # A symbolic link is written through, so that the file it points to is updated
        # (never replaced by a copy that leaves the real file as it was).
        self.path = Path(os.path.realpath(path))
        _check_writable(self.path, self.name)
        self.raw = path.read_bytes()
        self.bom = self.raw.startswith(_BOM)
        self.text = self.raw.removeprefix(_BOM).decode("utf-8")
        self.answers, self.data = self._load(self.text)
        self.questions = [
            (title, q)
            for title, questions in questions_for(rubric, self.answers)
            for q in questions
        ]

    # ------------------------------------------------------------------ reading

    def _load(self, text: str) -> tuple[Answers, dict[str, Any]]:
        doc = parse_yaml(text, self.name)
        if not isinstance(doc.data, dict):  # pragma: no cover - load_answers checked it
            raise ValueError("not a mapping")
        return answers_from_document(doc, doc.data, self.rubric), doc.data

    def current(self, item: _Item) -> Any:
        if item.school:
            return getattr(self.answers.school, item.question.id)
        answer = self.answers.answers.get(item.question.id)
        return answer.value if answer is not None else None

    def answered(self, answers: Answers) -> int:
        given = answers.answers
        return sum(1 for _, q in self.questions if q.id in given and given[q.id].value is not None)

    # ------------------------------------------------------------------ planning

    def plan(self, *, only_unanswered: bool, start: str | None, school: bool) -> list[_Item]:
        total = len(self.questions)
        items = [_Item(q, title, n, total) for n, (title, q) in enumerate(self.questions, start=1)]
        answered = self.answered(self.answers)
        school_items = [
            _Item(q, SCHOOL_DETAILS, n, len(SCHOOL_FIELDS), school=True)
            for n, q in enumerate(SCHOOL_FIELDS, start=1)
        ]
        s = self.answers.school
        self._say(f"Online-safety self-review: {s.name} ({s.phase}), review date {s.review_date}")
        self._say(f"Each answer is saved in {self.name} as soon as you give it.")
        if start is not None:
            first = self._start_index(items, start)
            note = f"Starting at question {first + 1}, as asked."
        else:
            first = next((i for i, it in enumerate(items) if self.current(it) is None), 0)
            if answered == total:
                note = "Every question has an answer: going through them from the start."
            elif first:
                note = f"Starting at question {first + 1}, the first without an answer."
            else:
                note = ""
        chosen = items[first:]
        if only_unanswered:
            chosen = [it for it in chosen if self.current(it) is None]
            count = f"{len(chosen)} question{'s' if len(chosen) != 1 else ''}"
            note = f"Asking the {count} without an answer." if chosen else ""
        self._say(f"{answered} of {total} questions are answered. {note}".rstrip())
        if not chosen and not school:
            self._say("Every question that applies to the school has an answer.")
        else:
            self._say("Type ? at any question for help.")
        return (school_items if school else []) + chosen

    def _start_index(self, items: list[_Item], start: str) -> int:
        if start.isdigit():
            if 1 <= int(start) <= len(items):
                return int(start) - 1
            raise UsageError(
                f"--start {start}: there are {len(items)} questions for this school; "
                f"give a number from 1 to {len(items)}"
            )
        for i, item in enumerate(items):
            if item.question.id == start:
                return i
        known = self.rubric.bank.questions()
        if start in known:
            raise UsageError(f"--start: question '{start}' does not apply to this school")
        raise UsageError(
            f"--start: unknown question '{start}'{suggest(start, known)}; "
            "esafety-audit questions lists them"
        )

    # ------------------------------------------------------------------ asking

    def walk(self, items: list[_Item]) -> Outcome:
        index, section = 0, ""
        while index < len(items):
            item = items[index]
            if item.section != section:
                section = item.section
                self._section_title(item)
            move = self._ask(item, can_go_back=index > 0)
            if move is _Move.QUIT:
                return Outcome.stopped
            index += -1 if move is _Move.BACK else 1
        return Outcome.finished

    def _section_title(self, item: _Item) -> None:
        self.t.say()
        if item.school:
            self._say(f"== {SCHOOL_DETAILS} ==")
            return
        titles = list(dict.fromkeys(title for title, _ in self.questions))
        number = titles.index(item.section) + 1
        self._say(f"== Part {number} of {len(titles)}: {item.section} ==")

    def _ask(self, item: _Item, *, can_go_back: bool) -> _Move:
        question = item.question
        self.asked += 1
        self._show(item, can_go_back)
        while True:
            typed = self.t.ask("Answer: ").strip()
            command = typed.lower()
            if command in (question.answer_choices() or []):  # a choice, not a command
                if self._answer(item, command):
                    return _Move.NEXT
            elif command in (_KEEP, _SKIP):
                kept = self.current(item) is not None
                self._say("  Kept as it was." if kept else "  Skipped: it stays unanswered.")
                return _Move.NEXT
            elif command == _QUIT:
                return _Move.QUIT
            elif command == _BACK:
                if can_go_back:
                    return _Move.BACK
                self._say("  This is the first question; there is nothing to go back to.")
            elif command == _HELP:
                self._help(item)
            elif command == _CLEAR:
                if self._clear(item):
                    return _Move.NEXT
            elif self._answer(item, typed):
                return _Move.NEXT

    def _answer(self, item: _Item, typed: str) -> bool:
        try:
            value = self._check(item, interpret(item.question, typed))
        except Unclear as exc:
            self._say_wrapped(f"Not saved: {exc}. Please try again.", "  ", "    ")
            return False
        self._save(item, value)
        self.given += 0 if item.school else 1
        self._say_wrapped(f"Saved: {as_words(item.question, value)}", "  ", "    ")
        return True

    def _clear(self, item: _Item) -> bool:
        if self.current(item) is None:
            self._say("  There is no answer to clear.")
            return False
        if item.school and item.question.id in _REQUIRED:
            self._say(f"  The {item.question.label.lower()} cannot be left empty.")
            return False
        self._save(item, None)
        self._say("  Cleared: the question is now unanswered.")
        return True

    # ------------------------------------------------------------------ showing

    def _say(self, text: str) -> None:
        """A line of text wrapped to the terminal; leading spaces indent every line."""
        indent = text[: len(text) - len(text.lstrip(" "))]
        self._say_wrapped(text.lstrip(" "), indent, indent + "  " if indent else "")

    def _say_wrapped(self, text: str, indent: str = "", hang: str = "") -> None:
        for paragraph in text.splitlines() or [""]:
            self.t.say(
                textwrap.fill(
                    paragraph,
                    self.t.width,
                    initial_indent=indent,
                    subsequent_indent=hang or indent,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )

    def _show(self, item: _Item, can_go_back: bool) -> None:
        q = item.question
        current = self.current(item)
        kind = SCHOOL_DETAILS if item.school else "Question"
        self.t.say()
        self._say(f"{kind} {item.number} of {item.of}: {q.label}")
        self._say_wrapped(q.prompt)
        if q.help:
            self._say_wrapped(q.help, "  ")
        self._show_choices(q, current)
        if current is not None and q.answer_choices() is None:
            self._say_wrapped(f"Current answer: {as_words(q, current)}")
        expected = [] if item.school else self.rubric.evidence_for(q.id)
        if expected:
            self._say_wrapped("Evidence to record: " + "; ".join(expected) + ".", "  ")
        answer = None if item.school else self.answers.answers.get(q.id)
        if answer is not None and (answer.evidence or answer.notes or answer.action):
            self._say("Your evidence, notes and action for it are kept as they are.")
        how = what_to_type(q)
        self._say_wrapped(f"{how[:1].upper()}{how[1:]}.")
        self._say_wrapped(self._keys(q, current, can_go_back))

    def _show_choices(self, q: Question, current: Any) -> None:
        choices = q.answer_choices()
        if choices is None:
            return
        chosen = current if isinstance(current, list) else [current]
        mark = "(chosen)" if q.type == "multiple_choice" else "(current answer)"
        for n, choice in enumerate(choices, start=1):
            label = choice if q.type in ("yes_no", "yes_partly_no") else q.choice_label(choice)
            after = f"  {mark}" if choice in chosen else ""
            lead = f"  {n}. "
            self._say_wrapped(f"{label}{after}", lead, " " * len(lead))

    def _keys(self, q: Question, current: Any, can_go_back: bool) -> str:
        keys = [f"Enter keeps '{as_typed(q, current)}'" if current is not None else "Enter skips"]
        if can_go_back:
            keys.append("b goes back")
        keys += ["q saves and stops", "? shows help"]
        return "; ".join(keys)

    def _help(self, item: _Item) -> None:
        q = item.question
        where = f"school: {q.id}" if item.school else q.id
        self.t.say()
        self._say_wrapped(f"{q.label} (in the answers file: {where})", "  ")
        if q.help:
            self._say_wrapped(q.help, "  ")
        if q.type == "date" and not item.school:
            self._say_wrapped(self._date_rule(q), "  ")
        lines = [
            f"To answer, {what_to_type(q)}, then press Enter.",
            "Enter on its own keeps the current answer, or leaves the question unanswered "
            "(s does the same).",
            "b goes back to the question before.",
            "- (a minus sign) clears the answer, so it counts as unanswered.",
            "q stops. Every answer is saved as soon as you give it, so nothing is lost; "
            "Ctrl-C or closing the window is safe too.",
            f"To change the school's name, URN or review date: {self._command('--school')}",
        ]
        for line in lines:
            self._say_wrapped(line, "  ", "    ")
        self.t.say()

    def _date_rule(self, q: Question) -> str:
        when = self.answers.school.review_date.isoformat()
        if q.future_dates:
            return f"A date after the review date ({when}) is allowed here."
        return f"The date cannot be after the review date ({when})."

    # ------------------------------------------------------------------ saving

    def _check(self, item: _Item, candidate: Any) -> Any:
        """The typed value, checked by the loader exactly as in a file; or Unclear."""
        return self._current_text().check(item.question.id, candidate, school=item.school)

    def _save(self, item: _Item, value: Any) -> None:
        changed = self._current_text().with_value(item.question.id, value, school=item.school)
        if changed.text != self.text:  # the same answer again: nothing to write
            self._write(changed.text)
        self.text, self.answers, self.data = changed.text, changed.answers, changed.data

    def _current_text(self) -> AnswersText:
        return AnswersText(self.name, self.rubric, self.text, self.answers, self.data)

    def _write(self, text: str) -> None:
        try:
            unchanged = self.path.read_bytes() == self.raw
        except OSError:
            unchanged = False
        if not unchanged:
            raise FileChangedError(
                f"{self.name} was changed by another program while the questionnaire was "
                f"open, so this answer was not saved{self._kept()}. To carry on with the "
                f"file as it is now, run: {self._command()}"
            )
        raw = (_BOM if self.bom else b"") + text.encode("utf-8")
        atomic_write(self.path, raw)
        self.raw = raw

    # ------------------------------------------------------------------ the end

    def _kept(self) -> str:
        if not self.given:
            return ""
        if self.given == 1:
            return "; the answer before it is kept"
        return f"; the {self.given} answers before it are kept"

    def _command(self, *options: str) -> str:
        return shlex.join(["esafety-audit", "fill", self.name, *options])

    def finish(self, outcome: Outcome) -> Summary:
        try:
            answers = load_answers(self.path, self.rubric)  # what is really on disk
        except InputError:  # pragma: no cover - every save was loaded back first
            answers = self.answers
        answered, total = self.answered(answers), len(self.questions)
        left = total - answered
        self.t.say()
        if outcome is Outcome.finished:
            if self.asked:
                self._say("That was the last question.")
        else:  # after Ctrl-C the command line says "Stopped." itself
            stopped = "" if outcome is Outcome.interrupted else "Stopped. "
            self._say(f"{stopped}Your answers are saved in {self.name}.")
        this_time = f" ({self.given} given this time)" if self.given else ""
        self._say(f"{answered} of {total} questions are answered{this_time}.")
        if outcome is not Outcome.finished and left:
            self._say("To carry on where you stopped, run:")
            self.t.say(f"  {self._command()}")
        elif left:
            self._say(f"To answer the {left} left, run:")
            self.t.say(f"  {self._command('--only-unanswered')}")
        if outcome is Outcome.finished or not left:
            self._say("To check the file, or write the governors' report:")
            self.t.say(f"  esafety-audit validate {shlex.quote(self.name)}")
            self.t.say(f"  esafety-audit assess {shlex.quote(self.name)} -o reports")
        return Summary(outcome, self.given, answered, total)
