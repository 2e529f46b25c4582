"""The current-Ofsted lens: the open gaps grouped under the Ofsted evaluation areas
they inform, as an inspector would meet them. A grouping, never a grade."""

from __future__ import annotations

from ...models import Result
from ..palette import anchor
from ..text import sentence_case
from .lookup import Lookup
from .views import InspectionGap, InspectionLens, InspectionRow

# The most pressing gaps named per evaluation area; the rest are counted.
GAPS_PER_AREA = 3


def build_inspection(result: Result, look: Lookup) -> InspectionLens:
    lens = look.rubric.common.inspection
    levels = look.rubric.common.priorities
    rows = []
    for area in lens.areas:
        gaps = [g for g in result.gaps if area.id in g.inspection_areas]
        informed = any(area.id in c.inspection_areas for c in result.criteria)
        if not gaps and not informed:
            continue  # no criterion of this review informs it: nothing to say
        counts = [
            f"{n} {level.label.lower()}"
            for level in levels
            if (n := sum(g.priority == level.priority for g in gaps))
        ]
        rows.append(
            InspectionRow(
                title=area.title,
                count=len(gaps),
                counts=", ".join(counts),
                top=[
                    InspectionGap(
                        priority=g.priority_label,
                        priority_tone=levels[g.priority_rank - 1].tone,
                        gap=sentence_case(g.title),
                        anchor=anchor("criterion", g.criterion),
                    )
                    for g in gaps[:GAPS_PER_AREA]
                ],
                more=max(0, len(gaps) - GAPS_PER_AREA),
            )
        )
    return InspectionLens(title=lens.title, rows=rows, note=" ".join(lens.currency.split()))
