"""Criterion by criterion: each framework's areas and criteria, the curriculum by key
stage, and what the school recorded (its own words, clipped to a length a report holds)."""

from __future__ import annotations

from ...models import AnswerNote, AreaResult, Criterion, CriterionResult, Framework, Result, Status
from ..palette import anchor, status_words
from ..text import join_words, percent, rich, sentence_case
from .lookup import Lookup, key_stage_name, optional_rich, rating_badge
from .views import (
    AreaView,
    Clipped,
    CriterionView,
    Curriculum,
    CurriculumRow,
    CurriculumStage,
    FrameworkSection,
    QuestionLink,
    RecordedView,
    RelatedView,
    ResourceView,
)

# A school's evidence or note longer than this is shown in part, with where the rest is.
FREE_TEXT_SHOWN = 600

# --------------------------------------------------------------------------- 5. area by area

_KIND_WORDS = {
    "feature": "Good practice",
    "inadequate_indicator": "Indicator of inadequate practice",
    "curriculum": "Curriculum",
    "guidance": "Guidance",
    "standard": "Standard",
    "statutory": "Statutory guidance",
}
# The statuses that make a gap (as in Result.gaps): these get a recommended action.
_NEEDS_ACTION: frozenset[Status] = frozenset({"not_met", "partly_met", "unanswered"})


def _resource(framework: Framework, resource_id: str) -> ResourceView:
    res = framework.resources[resource_id]
    return ResourceView(
        title=res.title,
        url=res.url,
        description=optional_rich(res.description, inline=True),
        currency=optional_rich(res.currency, inline=True),
    )


def _source(framework: Framework, criterion: Criterion) -> str:
    doc = next(s for s in framework.sources if s.id == criterion.source.document)
    where = criterion.source.section
    if criterion.source.paragraph:
        where = f"{where}, {criterion.source.paragraph}"
    return f"{doc.title} ({doc.publisher}, {doc.published}): {where}"


def _related(look: Lookup, c: Criterion) -> list[RelatedView]:
    found = []
    for rid in c.related:
        other = look.all_criteria.get(rid)
        if other is None:  # pragma: no cover - loading checks every related id
            continue
        scored = look.results.get(rid)
        found.append(
            RelatedView(
                title=sentence_case(other.title),
                framework=look.rubric.framework(other.framework).title,
                status="not part of this review"
                if scored is None
                else status_words(scored.status, other.kind, scored.self_reported).word.lower(),
                anchor=None if scored is None else anchor("criterion", rid),
            )
        )
    return found


def _criterion_view(
    look: Lookup, framework: Framework, scored: CriterionResult, c: Criterion
) -> CriterionView:
    needs_action = scored.status in _NEEDS_ACTION
    return CriterionView(
        id=c.id,
        anchor=anchor("criterion", c.id),
        title=sentence_case(c.title),
        kind=_KIND_WORDS[c.kind],
        badge=status_words(scored.status, c.kind, scored.self_reported),
        score=percent(scored.score),
        statement=c.statement,
        reasons=scored.reasons,
        said=[
            QuestionLink(a.label, anchor("recorded", a.question))
            for a in scored.answers
            if a.evidence or a.notes
        ],
        needs_action=needs_action,
        action=rich(c.action) if needs_action else None,
        resources=[_resource(framework, r) for r in c.resources] if needs_action else [],
        source=_source(framework, c),
        currency=optional_rich(c.currency),
        related=_related(look, c),
    )


_TALLY_WORDS: dict[Status, str] = {
    "met": "met",
    "partly_met": "partly met",
    "not_met": "not met",
    "unanswered": "not answered",
    "not_applicable": "not applicable",
}


_GATE_WORDS: dict[Status, str] = {
    "not_met": "found",
    "unanswered": "not checked",
    "met": "not found",
    "not_applicable": "not applicable",
}


def _tally(area: AreaResult) -> str:
    words = _GATE_WORDS if area.gate else _TALLY_WORDS
    counts = [(area.counts.get(s, 0), word) for s, word in words.items()]
    return ", ".join(f"{n} {word}" for n, word in counts if n) or "no criteria"


def build_framework_section(look: Lookup, framework: Framework) -> FrameworkSection:
    areas = []
    for area in framework.areas:
        scored = look.areas[(framework.id, area.id)]
        criteria = [
            _criterion_view(look, framework, look.results[c.id], c)
            for c in framework.criteria
            if c.area == area.id
        ]
        areas.append(
            AreaView(
                anchor=anchor("area", framework.id, area.id),
                title=area.title,
                score="" if scored.gate else percent(scored.score),
                badge=rating_badge(scored),
                coverage=percent(scored.coverage),
                tally=_tally(scored),
                summary=optional_rich(area.summary),
                criteria=criteria,
                gate=scored.gate,
            )
        )
    return FrameworkSection(
        anchor=anchor("framework", framework.id),
        title=framework.title,
        version=framework.version,
        summary=optional_rich(framework.summary),
        areas=areas,
    )


# --------------------------------------------------------------------------- the school's words


def clip(text: str, limit: int = FREE_TEXT_SHOWN) -> Clipped:
    """The start of a long text, cut at a word where one is near, and how much is left."""
    if len(text) <= limit:
        return Clipped(text, 0)
    cut = text.rfind(" ", limit - 80, limit)
    shown = text[: cut if cut > 0 else limit].rstrip()
    return Clipped(shown, len(text) - len(shown))


def build_recorded(result: Result, look: Lookup) -> list[RecordedView]:
    """Every answer that carries evidence or notes, once, in question-bank order."""
    notes = {a.question: a for c in result.criteria for a in c.answers if a.evidence or a.notes}
    questions = look.rubric.bank.questions()
    return [
        _recorded_view(notes[qid], many=q.type == "multiple_choice")
        for qid, q in questions.items()
        if qid in notes
    ]


def _recorded_view(note: AnswerNote, *, many: bool) -> RecordedView:
    answer = note.answer if note.answer is not None else "Not answered"
    if many:
        # "3 of 7 ticked (a, b, c)": the count is enough beside the school's own words;
        # the criteria that read the answer name what was ticked.
        answer = answer.split(" (", 1)[0]
    return RecordedView(
        question=note.question,
        anchor=anchor("recorded", note.question),
        label=note.label,
        answer=answer,
        evidence=clip(note.evidence) if note.evidence else None,
        notes=clip(note.notes) if note.notes else None,
    )


# --------------------------------------------------------------------------- 6. curriculum


def build_curriculum(result: Result, look: Lookup) -> Curriculum:
    components = [c for c in look.criteria.values() if c.kind == "curriculum"]
    stages, without = [], []
    for stage in result.school.key_stages:
        rows = [
            CurriculumRow(
                component=sentence_case(c.title.removeprefix(f"{key_stage_name(stage)}: ")),
                statement=c.statement,
                badge=status_words(
                    look.results[c.id].status, c.kind, look.results[c.id].self_reported
                ),
                anchor=anchor("criterion", c.id),
            )
            for c in components
            if not c.applies_to.key_stages or stage in c.applies_to.key_stages
        ]
        if rows:
            stages.append(CurriculumStage(key_stage_name(stage), rows))
        else:
            without.append(key_stage_name(stage))
    return Curriculum(stages=stages, without=join_words(without))
