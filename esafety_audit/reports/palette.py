"""One palette for every page the tool writes: a status, rating or verdict in words,
with a tone the stylesheets colour and an icon, so that colour is never the only sign.

The report, the comparison and the roll-up all take their badges from here, so a
status reads the same (and is coloured the same) wherever it appears. Priority tones
are not here: they come from the one priority scale in the rubric (``common.yaml``).
The report and the comparison also take their anchors (the HTML ids they link by)
from here, so neither needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import IndicatorState, Status, indicator_state


@dataclass(frozen=True)
class Badge:
    """A status or rating in words, with a tone the stylesheet colours (never colour alone)."""

    word: str
    tone: str  # good | partial | bad | neutral | unknown
    icon: str


TONE_ICONS = {"good": "✓", "partial": "◐", "bad": "✗", "neutral": "\u2013", "unknown": "?"}
JUDGEMENT_TONES = {
    "outstanding": "good",
    "good": "good",
    "requires_improvement": "partial",
    "inadequate": "bad",
}
RATING_TONES = {"green": "good", "amber": "partial", "red": "bad"}
SAFEGUARDING_TONES = {"met": "good", "not_met": "bad", "not_assessed": "neutral"}


def badge(word: str, tone: str) -> Badge:
    return Badge(word, tone, TONE_ICONS[tone])


_INDICATOR_WORDS: dict[IndicatorState, tuple[str, str]] = {
    "found": ("Found", "bad"),
    "not_found": ("Not found", "good"),
    "not_checked": ("Not checked", "bad"),
}
_STATUS_WORDS: dict[Status, tuple[str, str]] = {
    "met": ("Met", "good"),
    "partly_met": ("Partly met", "partial"),
    "not_met": ("Not met", "bad"),
    "not_applicable": ("Not applicable", "neutral"),
    "unanswered": ("Not answered", "unknown"),
}


def status_words(status: Status, kind: str, self_reported: bool = False) -> Badge:
    """A criterion's status in words; an indicator is found, not found or not checked,
    and a claim without the evidence its criterion names says so."""
    state = indicator_state(kind, status)
    word, tone = _INDICATOR_WORDS[state] if state else _STATUS_WORDS[status]
    if self_reported and status in ("met", "partly_met"):
        word += " (self-reported)"
    return badge(word, tone)


def anchor(*parts: str) -> str:
    """A stable HTML id from ids (which are already lower-case words)."""
    return "-".join(p.replace(".", "-").replace("_", "-") for p in parts)
