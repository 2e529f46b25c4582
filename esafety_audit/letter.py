"""A letter inviting a parent or carer to meet about offensive comments posted online.

NAHT's advice is that an adult who posts offensive comments about a school or its
staff is invited to meet a senior leader, shown the proper way to raise concerns and
asked to remove the comments; its Appendix 3 is a model letter for that invitation.
This module fills in our own wording of that letter (``templates/letter.yaml``) and
lays it out as Markdown and as a self-contained, printable HTML page.

Everything a school types is untrusted text: it is escaped for HTML by the template
engine and for Markdown by :func:`~esafety_audit.reports.text.md_escape`, before it
reaches a sentence of the letter.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import InputError, UsageError
from .io import write_all
from .loading import load_answers, pydantic_problems
from .models import Resource, Rubric
from .reports.render import environment
from .reports.text import long_date, md_escape
from .rules import suggest
from .yamlfile import control_character, read_yaml

WORDING_FILE = Path(__file__).parent / "templates" / "letter.yaml"
MAX_LENGTH = 200  # characters in one field: a name, a role, a school or a platform
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --------------------------------------------------------------------------- wording


class PlatformList(BaseModel):
    """Which rubric's resources list the platforms, and how the letter names them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: str
    resource_prefix: str
    names: dict[str, str] = {}


class Wording(BaseModel):
    """The sentences of the letter, each a jinja2 template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    marking: str
    greeting: str
    subject: str
    paragraphs: list[str]
    closing: str
    platforms: PlatformList


@cache
def wording(path: Path = WORDING_FILE) -> Wording:
    """The letter's wording, checked once."""
    doc = read_yaml(path)
    try:
        return Wording.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(doc, exc, Wording)) from None


# --------------------------------------------------------------------------- platforms


@dataclass(frozen=True)
class Platform:
    """Where the comments were posted: a platform the rubric knows, or the school's words."""

    name: str
    id: str | None = None
    resource: Resource | None = None


def known_platforms(rubric: Rubric) -> dict[str, Platform]:
    """The platforms whose reporting routes the NAHT rubric lists, by id."""
    listing = wording().platforms
    try:
        framework = rubric.framework(listing.framework)
    except KeyError:
        return {}
    found = {}
    for rid, resource in framework.resources.items():
        if rid.startswith(listing.resource_prefix):
            pid = rid.removeprefix(listing.resource_prefix)
            found[pid] = Platform(name=listing.names.get(pid, pid), id=pid, resource=resource)
    return found


def find_platform(
    rubric: Callable[[], Rubric], platform_id: str | None, platform_name: str | None
) -> Platform:
    """The platform from ``--platform`` (an id) or ``--platform-name`` (free text)."""
    if (platform_id is None) == (platform_name is None):
        raise UsageError(
            "say where the comments were posted: --platform with a platform id (such as "
            "facebook), or --platform-name with the site or app in your own words"
        )
    if platform_id is None:
        return Platform(name=checked_text("--platform-name", platform_name or ""))
    listing = wording().platforms
    known = known_platforms(rubric())
    wanted = platform_id.strip().lower().removeprefix(listing.resource_prefix)
    if wanted in known:
        return known[wanted]
    if not known:
        raise UsageError(
            f"no platforms are known: the rubric '{listing.framework}' is not loaded; "
            "name the site or app with --platform-name instead"
        )
    raise UsageError(
        f"unknown platform '{platform_id}'{suggest(wanted, sorted(known))}; known: "
        f"{', '.join(known)}; for any other site or app use --platform-name"
    )


# --------------------------------------------------------------------------- the details


@dataclass(frozen=True)
class LetterDetails:
    """What a school fills in: all of it untrusted text."""

    school: str
    parent: str
    platform: Platform
    colleague: str
    colleague_role: str
    sender: str
    sender_role: str
    date: dt.date
    meeting_date: dt.date | None = None
    meeting_time: dt.time | None = None

    def fields(self) -> dict[str, str]:
        """The names every sentence of the wording may use, as plain text."""
        return {
            "school": self.school,
            "parent": self.parent,
            "platform": self.platform.name,
            "colleague": self.colleague,
            "colleague_role": self.colleague_role,
            "sender": self.sender,
            "sender_role": self.sender_role,
            "date": long_date(self.date),
            "meeting": meeting_text(self.meeting_date, self.meeting_time),
        }


def checked_text(option: str, value: str) -> str:
    """A field as the letter shows it: trimmed, not blank, not too long for a letter."""
    text = " ".join(value.split())
    bad = control_character(text)
    if bad is not None:
        raise UsageError(f"{option} holds a control character ({bad}); type it without it")
    if not text:
        raise UsageError(f"{option} is blank; give the text the letter should show")
    if len(text) > MAX_LENGTH:
        raise UsageError(
            f"{option} is {len(text)} characters long; a letter needs it under {MAX_LENGTH}"
        )
    return text


def meeting_text(day: dt.date | None, at: dt.time | None) -> str:
    """``Thursday 26 November 2026 at 3.30pm``, or an empty string with no date."""
    if day is None:
        return ""
    text = f"{_DAYS[day.weekday()]} {long_date(day)}"
    if at is None:
        return text
    hour = at.hour % 12 or 12
    minutes = f".{at.minute:02d}" if at.minute else ""
    return f"{text} at {hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


def make_letter(
    *,
    rubric: Callable[[], Rubric],
    parent: str,
    colleague: str,
    colleague_role: str,
    sender: str,
    sender_role: str,
    letter_date: dt.date,
    platform: str | None = None,
    platform_name: str | None = None,
    school: str | None = None,
    answers: Path | None = None,
    meeting_date: dt.date | None = None,
    meeting_time: dt.time | None = None,
) -> LetterDetails:
    """The letter's details from the command's options, every one checked.

    The school's name is ``school`` if given, else the ``school.name`` of the answers
    file. ``rubric`` is called only when a platform id or an answers file needs it.
    """
    if meeting_time is not None and meeting_date is None:
        raise UsageError("--meeting-time needs --meeting-date as well")
    if meeting_date is not None and meeting_date < letter_date:
        raise UsageError(
            f"the meeting date ({meeting_date.isoformat()}) is before the letter's date "
            f"({letter_date.isoformat()}); check --meeting-date and --date"
        )
    return LetterDetails(
        school=checked_text("--school", _school_name(rubric, school, answers)),
        parent=checked_text("--parent", parent),
        platform=find_platform(rubric, platform, platform_name),
        colleague=checked_text("--colleague", colleague),
        colleague_role=checked_text("--colleague-role", colleague_role),
        sender=checked_text("--sender", sender),
        sender_role=checked_text("--sender-role", sender_role),
        date=letter_date,
        meeting_date=meeting_date,
        meeting_time=meeting_time,
    )


def _school_name(rubric: Callable[[], Rubric], school: str | None, answers: Path | None) -> str:
    if school is not None:
        return school
    if answers is not None:
        return load_answers(answers, rubric()).school.name
    raise UsageError("give the school's name with --school, or an answers file with --answers")


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class LetterText:
    """The letter's sentences, filled in and escaped for one output format."""

    title: str
    marking: str
    greeting: str
    subject: str
    paragraphs: list[str]
    closing: str


def letter_text(details: LetterDetails, *, html: bool) -> LetterText:
    """Every sentence filled in: HTML-escaped (as Markup) or Markdown-escaped."""
    env = environment(html)
    fields: Mapping[str, str] = details.fields()
    if not html:
        fields = {name: md_escape(value) for name, value in fields.items()}

    def fill(sentence: str) -> str:
        text = " ".join(env.from_string(sentence).render(fields).split())
        return Markup(text) if html else text

    words = wording()
    return LetterText(
        title=fill(words.title),
        marking=fill(words.marking),
        greeting=fill(words.greeting),
        subject=fill(words.subject),
        paragraphs=[p for p in (fill(s) for s in words.paragraphs) if p],
        closing=fill(words.closing),
    )


def render_letter(details: LetterDetails) -> dict[str, str]:
    """The letter as Markdown (``.md``) and as a printable HTML page (``.html``)."""
    return {ending: _render(details, html=ending == ".html") for ending in (".md", ".html")}


def _render(details: LetterDetails, *, html: bool) -> str:
    template = environment(html).get_template("letter.html.j2" if html else "letter.md.j2")
    text = letter_text(details, html=html)
    return template.render(d=details, text=text, date=long_date(details.date))


def letter_stem(details: LetterDetails) -> str:
    """``letter-<parent>-<date>``: the shared name of the letter's two files.

    The parent's name keeps its letters in any script (王先生, محمد علي), so that two
    parents' letters never share a name because neither is in the Latin alphabet.
    """
    return f"letter-{name_slug(details.parent)}-{details.date.isoformat()}"


def name_slug(text: str) -> str:
    """A file-name-safe form of a name that keeps letters of every script."""
    plain = unicodedata.normalize("NFKC", text).casefold()
    plain = re.sub(r"['\u2019]", "", plain)
    # Letters and digits of any script stay; every other run of characters is one dash.
    return re.sub(r"[\W_]+", "-", plain).strip("-")[:80].strip("-") or "parent"


def write_letter(details: LetterDetails, folder: Path, *, force: bool = False) -> list[Path]:
    """Render the letter, then write both files atomically into ``folder``.

    A letter already there is never replaced unless ``force`` is given: it may be
    another parent's (:class:`~esafety_audit.errors.UsageError`).
    """
    stem = letter_stem(details)
    files = {folder / f"{stem}{ending}": text for ending, text in render_letter(details).items()}
    there = [path for path in files if os.path.lexists(path)]
    if there and not force:
        raise UsageError(
            f"{there[0]} already exists (a letter to {details.parent} dated "
            f"{details.date.isoformat()}); add --force to replace it, or give another "
            "folder with -o"
        )
    write_all(dict(files))
    return list(files)
