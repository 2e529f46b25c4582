"""What every section builder shares: one index over the result and the rubric, and
the small helpers more than one section uses."""

from __future__ import annotations

from datetime import date

from ...models import AreaResult, Criterion, CriterionResult, Framework, Result, Rubric
from ..palette import RATING_TONES, Badge, badge
from ..text import RichText, rich


class Lookup:
    """Indexes over the result and the rubric, so the builders stay short."""

    def __init__(self, result: Result, rubric: Rubric) -> None:
        self.result = result
        self.rubric = rubric
        self.frameworks: list[Framework] = [rubric.framework(f.id) for f in result.frameworks]
        self.criteria: dict[str, Criterion] = {c.id: c for f in self.frameworks for c in f.criteria}
        self.results: dict[str, CriterionResult] = {c.id: c for c in result.criteria}
        self.all_criteria: dict[str, Criterion] = {c.id: c for c in rubric.criteria()}
        self.areas: dict[tuple[str, str], AreaResult] = {
            (a.framework, a.id): a for a in result.areas
        }
        self.review_date: date = result.school.review_date

    def framework_title(self, framework_id: str) -> str:
        return next(f.title for f in self.frameworks if f.id == framework_id)

    def area_title(self, framework_id: str, area_id: str) -> str:
        return self.areas[(framework_id, area_id)].title


def optional_rich(text: str | None, *, inline: bool = False) -> RichText | None:
    return rich(text, inline=inline) if text and text.strip() else None


def key_stage_name(stage: str) -> str:
    return stage.upper()


def rating_badge(area: AreaResult) -> Badge:
    if area.gate:
        return _gate_badge(area)
    if area.rating is None:
        return badge("Not scored", "neutral")
    return badge(area.rating_label or area.rating.title(), RATING_TONES[area.rating])


def _gate_badge(area: AreaResult) -> Badge:
    """A gate's state: any found, any not checked, or all clear."""
    if area.counts.get("not_met"):
        return badge(f"{area.counts['not_met']} found", "bad")
    if area.counts.get("unanswered"):
        return badge(f"{area.counts['unanswered']} not checked", "bad")
    if area.counts.get("met"):
        return badge("None found", "good")
    return badge("Not applicable", "neutral")
