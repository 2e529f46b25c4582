"""The one-page summary's own values: the school's strengths and what the board is asked."""

from __future__ import annotations

from ...models import Result
from ..palette import anchor
from ..text import percent, sentence_case
from .lookup import Lookup
from .plan import TOP_PRIORITIES
from .views import ActionRow, Board, Strength

STRENGTHS = 3


def build_strengths(look: Lookup) -> list[Strength]:
    """The school's strongest areas: rated green, highest score first."""
    order = {(a.framework, a.id): n for n, a in enumerate(look.result.areas)}
    green = [a for a in look.result.areas if a.rating == "green" and a.score is not None]
    green.sort(key=lambda a: (-(a.score or 0), order[(a.framework, a.id)]))
    return [
        Strength(
            a.title,
            look.framework_title(a.framework),
            percent(a.score),
            anchor("area", a.framework, a.id),
        )
        for a in green[:STRENGTHS]
    ]


def build_board(result: Result, actions: list[ActionRow]) -> Board:
    found = result.safeguarding
    return Board(
        safeguarding_fixes=len(found.fixes) if found else 0,
        indicators_found=[sentence_case(d.title) for d in result.limiting_detail],
        not_checked=len(result.not_checked),
        unanswered=len(result.unanswered),
        no_owner=sum(a.owner is None for a in actions[:TOP_PRIORITIES]),
        overdue=sum(a.overdue for a in actions),
        self_reported=len(result.self_reported),
        gaps=len(actions),
    )
