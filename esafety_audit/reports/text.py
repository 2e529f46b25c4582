"""Text for reports: rubric Markdown made safe, a school's free text kept as text.

Two kinds of text reach a report and they are never mixed up:

- **Rubric text** (actions, resource descriptions, guidance notes) is Markdown
  written by rubric maintainers. It is rendered with the ``markdown`` library and
  then sanitised with ``nh3`` down to a handful of tags, with links to http(s)
  and mailto addresses only.
- **The school's free text** (notes, evidence, owner names) is never Markdown.
  Templates autoescape it in HTML; :func:`md_escape` keeps it literal in Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "a", "em", "strong", "ul", "ol", "li", "code"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class RichText:
    """Rubric Markdown: its source (for the Markdown report) and safe HTML (for the page)."""

    source: str
    html: Markup

    @property
    def line(self) -> str:
        """The Markdown source on one line, for a table cell."""
        return " ".join(self.source.split()).replace("|", "\\|")


def sanitise(html: str) -> str:
    """Keep only the allowed tags, ``href`` on links, and http(s)/mailto addresses."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def rich(text: str, *, inline: bool = False) -> RichText:
    """Rubric Markdown as sanitised HTML; ``inline`` drops a lone wrapping paragraph."""
    source = text.strip()
    html = sanitise(markdown_lib.markdown(source, output_format="html"))
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return RichText(source=source, html=Markup(html))


# Characters that would make Markdown read a school's text as markup: raw HTML,
# links, emphasis, code, table cells, strike-through, and backslash escapes.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md_escape(value: object) -> str:
    """A school's free text for the Markdown report: literal, on one line."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    if text[:1] in ("#", "+", "-", "=") or re.match(r"\d+[.)]\s", text):
        text = "\\" + text
    return text


def long_date(day: date) -> str:
    """``20 November 2026``, the same on every machine (no locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def percent(value: float | None) -> str:
    return "not scored" if value is None else f"{value:g}%"


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_words(items: list[str], conjunction: str = "and") -> str:
    """``a, b and c`` (or ``a, b or c``)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
