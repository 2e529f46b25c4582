"""Two reviews of one school side by side: what changed since the last review.

:func:`compare` is pure, like the engine: two :class:`~esafety_audit.models.Result`
objects in, a :class:`Comparison` out. Each review is read as it was scored, so a
result JSON from last year keeps last year's rubric; when the two reviews used
different rubric versions, the comparison says which criteria are in only one of
them and what share they have in common.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from .models import (
    JUDGEMENT_ORDER,
    AreaResult,
    CriterionResult,
    Gap,
    Judgement,
    Kind,
    Result,
    ResultModel,
    SafeguardingStatus,
    Status,
)

COMPARISON_SCHEMA_VERSION = "2.0"

Change = Literal["improved", "regressed", "unchanged", "new", "removed"]
CHANGES: tuple[Change, ...] = ("improved", "regressed", "unchanged", "new", "removed")


class ReviewRef(ResultModel):
    """One of the two reviews: when it was, what it was scored against, what it found."""

    review_date: date
    question_bank_version: str
    frameworks: dict[str, str]  # framework id -> version
    judgement: Judgement | None
    judgement_label: str | None
    safeguarding: SafeguardingStatus | None
    safeguarding_label: str | None
    score: float | None
    coverage: float
    gaps: int
    limiting: list[str]
    not_checked: list[str]  # indicators of inadequate practice left unanswered
    self_reported: int  # claims without the evidence their criteria name


class CriterionChange(ResultModel):
    id: str
    framework: str
    area: str
    kind: Kind
    title: str
    change: Change
    before: Status | None
    after: Status | None
    score_before: float | None
    score_after: float | None
    self_reported_before: bool = False
    self_reported_after: bool = False


class AreaChange(ResultModel):
    framework: str
    id: str
    title: str
    change: Change
    score_before: float | None
    score_after: float | None
    rating_before: str | None
    rating_after: str | None
    difference: float | None


class ActionOutcome(ResultModel):
    """A gap from the last review, and what became of it."""

    criterion: str
    framework: str
    title: str
    action: str
    owner: str | None
    due: date | None
    status_now: Status | None
    outcome: Literal["closed", "overdue", "open"]


class RubricChange(ResultModel):
    """Set only when the two reviews were scored against different rubrics."""

    frameworks_changed: list[str]  # "id: old -> new" (or "added" / "left out")
    only_before: list[str]
    only_after: list[str]
    common_share: float  # % of all criteria of either review that both have


class Comparison(ResultModel):
    schema_version: str = COMPARISON_SCHEMA_VERSION
    school: str
    urn: str | None
    before: ReviewRef
    after: ReviewRef
    judgement_change: Change
    counts: dict[Change, int]
    areas: list[AreaChange]
    criteria: list[CriterionChange]
    closed: list[ActionOutcome]
    overdue: list[ActionOutcome]
    still_open: list[ActionOutcome]
    rubric: RubricChange | None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    def changed(self, change: Change) -> list[CriterionChange]:
        return [c for c in self.criteria if c.change == change]


def compare(before: Result, after: Result) -> Comparison:
    """What changed between two reviews of one school (``before`` is the older)."""
    old = {c.id: c for c in before.criteria}
    new = {c.id: c for c in after.criteria}
    order = list(new) + [cid for cid in old if cid not in new]
    criteria = [_criterion(old.get(cid), new.get(cid)) for cid in order]
    counts = {change: sum(c.change == change for c in criteria) for change in CHANGES}
    now = {g.criterion: n for n, g in enumerate(after.gaps)}  # this year's order of importance
    outcomes = sorted(
        (_outcome(gap, new.get(gap.criterion), after.school.review_date) for gap in before.gaps),
        key=lambda o: now.get(o.criterion, len(now)),
    )
    return Comparison(
        school=after.school.name,
        urn=after.school.urn,
        before=_ref(before),
        after=_ref(after),
        judgement_change=_judgement_change(before.judgement, after.judgement),
        counts=counts,
        areas=_areas(before.areas, after.areas),
        criteria=criteria,
        closed=[o for o in outcomes if o.outcome == "closed"],
        overdue=[o for o in outcomes if o.outcome == "overdue"],
        still_open=[o for o in outcomes if o.outcome == "open"],
        rubric=_rubric_change(before, after, old, new),
    )


def _ref(result: Result) -> ReviewRef:
    guard = result.safeguarding
    return ReviewRef(
        review_date=result.school.review_date,
        question_bank_version=result.question_bank.version,
        frameworks={f.id: f.version for f in result.frameworks},
        judgement=result.judgement,
        judgement_label=result.judgement_label,
        safeguarding=guard.status if guard else None,
        safeguarding_label=guard.label if guard else None,
        score=result.score,
        coverage=result.coverage,
        gaps=len(result.gaps),
        limiting=result.limiting,
        not_checked=result.not_checked,
        self_reported=len(result.self_reported),
    )


def _by_score(before: float | None, after: float | None) -> Change:
    if before is None and after is None:
        return "unchanged"
    if before is None:
        return "new"
    if after is None:
        return "removed"
    if after > before:
        return "improved"
    return "regressed" if after < before else "unchanged"


def _criterion(old: CriterionResult | None, new: CriterionResult | None) -> CriterionChange:
    """A criterion's change. Not applicable on one side only counts as new or removed:
    it has a score on one side alone (a school that changed phase, say)."""
    either = new or old
    assert either is not None
    if old is None:
        change: Change = "new"
    elif new is None:
        change = "removed"
    elif either.kind == "inadequate_indicator":  # a gate: no score, found or not
        change = _by_score(_GATE_RANK.get(old.status), _GATE_RANK.get(new.status))
    else:
        change = _by_score(old.score, new.score)
    return CriterionChange(
        id=either.id,
        framework=either.framework,
        area=either.area,
        kind=either.kind,
        title=either.title,
        change=change,
        before=old.status if old else None,
        after=new.status if new else None,
        score_before=old.score if old else None,
        score_after=new.score if new else None,
        self_reported_before=old.self_reported if old else False,
        self_reported_after=new.self_reported if new else False,
    )


# An indicator found, or not checked, is no better than the other; not found is better.
_GATE_RANK: dict[Status, float] = {"not_met": 0.0, "unanswered": 0.0, "met": 1.0}


def _areas(before: list[AreaResult], after: list[AreaResult]) -> list[AreaChange]:
    old = {(a.framework, a.id): a for a in before}
    new = {(a.framework, a.id): a for a in after}
    keys = list(new) + [k for k in old if k not in new]
    found = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        either = b or a
        assert either is not None
        before_score = a.score if a else None
        after_score = b.score if b else None
        if a is None or b is None:
            change: Change = "new" if a is None else "removed"
        else:
            change = _by_score(before_score, after_score)
        found.append(
            AreaChange(
                framework=either.framework,
                id=either.id,
                title=either.title,
                change=change,
                score_before=before_score,
                score_after=after_score,
                rating_before=a.rating_label if a else None,
                rating_after=b.rating_label if b else None,
                difference=(
                    round(after_score - before_score, 1)
                    if before_score is not None and after_score is not None
                    else None
                ),
            )
        )
    return found


def _outcome(gap: Gap, now: CriterionResult | None, today: date) -> ActionOutcome:
    """Closed when the criterion is now met; overdue when its date has passed and it is
    still not met; otherwise still open (not yet due, or no date was set)."""
    status = now.status if now else None
    outcome: Literal["closed", "overdue", "open"] = "open"
    if status == "met":
        outcome = "closed"
    elif status in ("not_met", "partly_met", "unanswered") and gap.due and gap.due < today:
        outcome = "overdue"
    return ActionOutcome(
        criterion=gap.criterion,
        framework=gap.framework,
        title=gap.title,
        action=gap.action,
        owner=gap.owner,
        due=gap.due,
        status_now=status,
        outcome=outcome,
    )


def _judgement_change(before: Judgement | None, after: Judgement | None) -> Change:
    rank = {j: i for i, j in enumerate(JUDGEMENT_ORDER)}  # worst first: higher is better
    return _by_score(
        None if before is None else float(rank[before]),
        None if after is None else float(rank[after]),
    )


def _rubric_change(
    before: Result,
    after: Result,
    old: dict[str, CriterionResult],
    new: dict[str, CriterionResult],
) -> RubricChange | None:
    old_versions = {f.id: f.version for f in before.frameworks}
    new_versions = {f.id: f.version for f in after.frameworks}
    if old_versions == new_versions and old.keys() == new.keys():
        return None
    changed = []
    for fid in list(new_versions) + [f for f in old_versions if f not in new_versions]:
        was, now = old_versions.get(fid), new_versions.get(fid)
        if was is None:
            changed.append(f"{fid}: not in the last review")
        elif now is None:
            changed.append(f"{fid}: not in this review")
        elif was != now:
            changed.append(f"{fid}: version {was} then, {now} now")
    union = old.keys() | new.keys()
    common = old.keys() & new.keys()
    return RubricChange(
        frameworks_changed=changed,
        only_before=[cid for cid in old if cid not in new],
        only_after=[cid for cid in new if cid not in old],
        common_share=round(100 * len(common) / len(union), 1) if union else 100.0,
    )
