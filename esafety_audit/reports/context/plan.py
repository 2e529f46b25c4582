"""The action plan: one row per gap, the top priorities, and last year's owners and
dates carried over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from ...models import Gap
from ..palette import anchor, status_words
from ..text import join_words, long_date, rich, sentence_case
from .lookup import Lookup
from .views import ActionRow, ReportContext

if TYPE_CHECKING:
    from ...compare import Comparison

TOP_PRIORITIES = 5

_MOVES_WORDS = {"safeguarding": "safeguarding (online)", "judgement": "the judgement"}


def _moves(gap: Gap) -> str:
    """The verdicts a gap holds back, in words; every scored gap holds back a score."""
    words = [_MOVES_WORDS[m] for m in gap.moves if m in _MOVES_WORDS]
    return join_words(words)


def build_action_row(look: Lookup, rank: int, gap: Gap) -> ActionRow:
    criterion = look.criteria[gap.criterion]
    overdue = gap.due is not None and gap.due < look.review_date
    due_text = "No date set" if gap.due is None else long_date(gap.due)
    level = look.rubric.common.priorities[gap.priority_rank - 1]
    return ActionRow(
        rank=rank,
        priority=gap.priority_label,
        priority_tone=level.tone,
        area=look.area_title(gap.framework, gap.area),
        criterion=gap.criterion,
        criterion_anchor=anchor("criterion", gap.criterion),
        gap=sentence_case(gap.title),
        status=status_words(gap.status, criterion.kind, gap.self_reported).word,
        action=rich(gap.action, inline=True),
        owner=gap.owner,
        due=None if gap.due is None else gap.due.isoformat(),
        due_text=due_text,
        overdue=overdue,
        moves=_moves(gap),
        safeguarding="safeguarding" in gap.moves,
        framework=look.framework_title(gap.framework),
        self_reported=gap.self_reported,
        print_action=level.print_action,
    )


def with_last_years_plan(context: ReportContext, comparison: Comparison) -> ReportContext:
    """This year's plan, where a gap has no owner yet, takes the owner and date last
    year's plan gave the same gap (marked as carried over), so that nothing is dropped."""
    last = {o.criterion: o for o in [*comparison.overdue, *comparison.still_open]}
    review = date.fromisoformat(context.cover.review_iso)
    actions = []
    for row in context.actions:
        before = last.get(row.criterion)
        if row.owner is None and before is not None and (before.owner or before.due):
            due = before.due
            row = replace(
                row,
                owner=before.owner,
                due=None if due is None else due.isoformat(),
                due_text="No date set" if due is None else long_date(due),
                overdue=due is not None and due < review,
                carried=True,
            )
        actions.append(row)
    return replace(context, actions=actions, priorities=actions[:TOP_PRIORITIES])
