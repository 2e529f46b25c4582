"""What changed since the last review, ready to print.

One view serves both the stand-alone comparison (``esafety-audit compare``) and the
"Since the last review" section of the governors' report (``assess --previous``).
Like :mod:`.context`, it only presents a :class:`~esafety_audit.compare.Comparison`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..compare import ActionOutcome, Change, Comparison, CriterionChange
from .palette import Badge, anchor, badge, status_words
from .text import RichText, long_date, percent, rich, sentence_case

_CHANGE_WORDS: dict[Change, tuple[str, str]] = {
    "improved": ("Improved", "good"),
    "regressed": ("Worse", "bad"),
    "unchanged": ("No change", "neutral"),
    "new": ("New", "neutral"),
    "removed": ("No longer assessed", "neutral"),
}


def change_badge(change: Change) -> Badge:
    return badge(*_CHANGE_WORDS[change])


@dataclass(frozen=True)
class HeadlineRow:
    measure: str
    before: str
    after: str
    badge: Badge


@dataclass(frozen=True)
class AreaRow:
    framework: str
    area: str
    before: str
    after: str
    difference: str
    badge: Badge


@dataclass(frozen=True)
class MovedRow:
    title: str
    framework: str
    before: str
    after: str
    anchor: str


@dataclass(frozen=True)
class OutcomeRow:
    title: str
    action: RichText
    owner: str
    due: str
    now: str


@dataclass(frozen=True)
class RubricNote:
    sentence: str
    frameworks: list[str]
    only_before: list[str]
    only_after: list[str]


@dataclass(frozen=True)
class ComparisonView:
    title: str
    school: str
    before_date: str
    after_date: str
    summary: str
    headline: list[HeadlineRow]
    areas: list[AreaRow]
    improved: list[MovedRow]
    regressed: list[MovedRow]
    closed: list[OutcomeRow]
    overdue: list[OutcomeRow]
    still_open: list[OutcomeRow]
    rubric: RubricNote | None


def comparison_view(comparison: Comparison, framework_titles: dict[str, str]) -> ComparisonView:
    """The comparison in words; ``framework_titles`` names frameworks by id."""
    c = comparison
    before, after = c.before, c.after
    titles = framework_titles

    def title_of(fid: str) -> str:
        return titles.get(fid, fid)

    kinds: dict[str, str] = {m.id: m.kind for m in c.criteria}
    counts = c.counts
    actions = len(c.closed) + len(c.overdue) + len(c.still_open)
    summary = (
        f"Since the review of {long_date(before.review_date)}, "
        f"{_count(counts['improved'], 'criterion', 'criteria')} improved, "
        f"{counts['regressed']} got worse and {counts['unchanged']} did not change. "
        f"Of the last review's {_count(actions, 'action', 'actions')}, {len(c.closed)} "
        f"{_be(len(c.closed))} closed (now met), {len(c.overdue)} {_be(len(c.overdue))} "
        f"overdue and {len(c.still_open)} {_be(len(c.still_open))} still open."
    )
    like = c.rubric is None  # the same frameworks and rubric versions: scores compare
    not_alike = badge("Not like for like", "neutral")
    in_both = counts["improved"] + counts["regressed"] + counts["unchanged"]
    headline = [
        HeadlineRow(
            "Overall judgement",
            before.judgement_label or "Not judged",
            after.judgement_label or "Not judged",
            change_badge(c.judgement_change),
        ),
        HeadlineRow(
            f"Criteria in both reviews ({in_both})",
            "",
            f"{counts['improved']} better, {counts['regressed']} worse, "
            f"{counts['unchanged']} the same",
            change_badge(_number_change(float(counts["regressed"]), float(counts["improved"]))),
        ),
        HeadlineRow(
            "Weighted score" + ("" if like else " (different frameworks)"),
            percent(before.score),
            percent(after.score),
            change_badge(_number_change(before.score, after.score)) if like else not_alike,
        ),
        HeadlineRow(
            "Criteria answered",
            percent(before.coverage),
            percent(after.coverage),
            change_badge(_number_change(before.coverage, after.coverage)),
        ),
        HeadlineRow(
            "Gaps (not met, partly met or not answered)"
            + ("" if like else " (different frameworks)"),
            str(before.gaps),
            str(after.gaps),
            change_badge(_number_change(float(after.gaps), float(before.gaps)))
            if like
            else not_alike,
        ),
        HeadlineRow(
            "Indicators found or not checked",
            str(len(before.limiting) + len(before.not_checked)),
            str(len(after.limiting) + len(after.not_checked)),
            change_badge(
                _number_change(
                    float(len(after.limiting) + len(after.not_checked)),
                    float(len(before.limiting) + len(before.not_checked)),
                )
            ),
        ),
        HeadlineRow(
            "Claims without evidence",
            str(before.self_reported),
            str(after.self_reported),
            change_badge(_number_change(float(after.self_reported), float(before.self_reported))),
        ),
    ]
    if before.safeguarding or after.safeguarding:  # only where the rubric decides it
        headline.insert(
            1,
            HeadlineRow(
                "Safeguarding (online)",
                before.safeguarding_label or "Not decided",
                after.safeguarding_label or "Not decided",
                change_badge(_safeguarding_change(before.safeguarding, after.safeguarding)),
            ),
        )
    areas = [
        AreaRow(
            framework=title_of(a.framework),
            area=a.title,
            before=_score_and_rating(a.score_before, a.rating_before),
            after=_score_and_rating(a.score_after, a.rating_after),
            difference="" if a.difference is None else f"{a.difference:+g} points",
            badge=change_badge(a.change),
        )
        for a in c.areas
    ]
    return ComparisonView(
        title=f"Since the last review: {c.school}",
        school=c.school,
        before_date=long_date(before.review_date),
        after_date=long_date(after.review_date),
        summary=summary,
        headline=headline,
        areas=areas,
        improved=[_moved(m, title_of) for m in c.changed("improved")],
        regressed=[_moved(m, title_of) for m in c.changed("regressed")],
        closed=[_outcome(o, kinds) for o in c.closed],
        overdue=[_outcome(o, kinds) for o in c.overdue],
        still_open=[_outcome(o, kinds) for o in c.still_open],
        rubric=_rubric_note(c, framework_titles),
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _number_change(before: float | None, after: float | None) -> Change:
    if before is None or after is None:
        return "unchanged" if before == after else ("new" if before is None else "removed")
    if after > before:
        return "improved"
    return "regressed" if after < before else "unchanged"


def _safeguarding_change(before: str | None, after: str | None) -> Change:
    rank = {"not_met": 0.0, "met": 1.0}
    return _number_change(rank.get(before or ""), rank.get(after or ""))


def _score_and_rating(score: float | None, rating: str | None) -> str:
    if score is None:
        return "Not scored"
    return f"{percent(score)} ({rating})" if rating else percent(score)


def _status(status: str | None, kind: str, self_reported: bool = False) -> str:
    if status is None:
        return "Not assessed"
    return status_words(status, kind, self_reported).word  # type: ignore[arg-type]


def _moved(m: CriterionChange, title_of: Callable[[str], str]) -> MovedRow:
    return MovedRow(
        title=sentence_case(m.title),
        framework=title_of(m.framework),
        before=_status(m.before, m.kind, m.self_reported_before),
        after=_status(m.after, m.kind, m.self_reported_after),
        anchor=anchor("criterion", m.id),
    )


def _outcome(o: ActionOutcome, kinds: dict[str, str]) -> OutcomeRow:
    return OutcomeRow(
        title=sentence_case(o.title),
        action=rich(o.action, inline=True),
        owner=o.owner or "No owner named",
        due="No date set" if o.due is None else long_date(o.due),
        now=_status(o.status_now, kinds.get(o.criterion, "feature")),
    )


def _framework_named(line: str, framework_titles: dict[str, str]) -> str:
    """'naht-guidance: not in the last review' with the framework's title for its id."""
    fid, _, rest = line.partition(": ")
    return f"{framework_titles.get(fid, fid)}: {rest}"


def _rubric_note(c: Comparison, framework_titles: dict[str, str]) -> RubricNote | None:
    r = c.rubric
    if r is None:
        return None
    sentence = (
        "The two reviews were scored against different frameworks or rubric versions: "
        f"{percent(r.common_share)} of their criteria are in both, so only those are "
        "compared like for like."
    )
    titles = {m.id: sentence_case(m.title) for m in c.criteria}
    return RubricNote(
        sentence,
        [_framework_named(line, framework_titles) for line in r.frameworks_changed],
        _titles(r.only_before, titles),
        _titles(r.only_after, titles),
    )


# How many criteria a "only in one review" list names before "and N more".
NAMED = 12


def _titles(ids: list[str], titles: dict[str, str]) -> list[str]:
    named = [titles.get(cid, cid) for cid in ids[:NAMED]]
    if len(ids) > NAMED:
        named.append(f"and {len(ids) - NAMED} more")
    return named
