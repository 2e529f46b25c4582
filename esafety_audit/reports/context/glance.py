"""The first screen: the cover, the at-a-glance verdicts and charts, safeguarding
(online), and what an unfinished review is missing."""

from __future__ import annotations

from datetime import datetime

from ...models import (
    AreaResult,
    Framework,
    Result,
    SafeguardingFix,
    judgement_rank,
    level_label,
)
from ..palette import JUDGEMENT_TONES, SAFEGUARDING_TONES, TONE_ICONS, anchor, status_words
from ..text import join_words, long_date, percent, rich, sentence_case
from .lookup import Lookup, key_stage_name, rating_badge
from .views import (
    Bar,
    Chart,
    Cover,
    FixView,
    FrameworkRef,
    FrameworkScore,
    Glance,
    Incomplete,
    SafeguardingView,
    Tick,
    UnansweredQuestion,
)

# How many unanswered questions the first screen names before "and N more".
FIRST_QUESTIONS = 8

# --------------------------------------------------------------------------- 1. cover

_PHASES = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all-through": "All-through",
    "middle": "Middle",
    "special": "Special",
}


def build_cover(result: Result, look: Lookup, generated_at: datetime | None) -> Cover:
    school = result.school
    stages = [key_stage_name(ks) for ks in school.key_stages]
    return Cover(
        school=school.name,
        urn=school.urn or "Not given",
        phase=_PHASES[school.phase],
        key_stages=join_words(stages) or "None given",
        review_date=long_date(school.review_date),
        review_iso=school.review_date.isoformat(),
        review_year=school.review_date.year,
        completed_by=school.completed_by or "Not given",
        frameworks=[
            FrameworkRef(f.title, f.version, long_date(f.published)) for f in look.frameworks
        ],
        question_bank=f"{look.rubric.bank.title}, version {result.question_bank.version}",
        generated=None if generated_at is None else generated_at.isoformat(timespec="minutes"),
    )


# --------------------------------------------------------------------------- 2. at a glance

BAR_WIDTH = 360
ROW_HEIGHT = 44
CHART_TOP = 18


def build_glance(result: Result, look: Lookup) -> Glance:
    tone = JUDGEMENT_TONES[result.judgement] if result.judgement else "neutral"
    return Glance(
        judgement=result.judgement_label or "No overall judgement",
        tone=tone,
        icon=TONE_ICONS[tone],
        reason=result.judgement_reason
        or "None of the frameworks used in this review gives an overall judgement.",
        relation=_relation(result, look),
        score=percent(result.score),
        coverage=percent(result.coverage),
        gap_count=len(result.gaps),
        limiting_count=len(result.limiting),
        not_checked_count=len(result.not_checked),
        self_reported_count=len(result.self_reported),
        unanswered_count=len(result.unanswered),
        incomplete=_incomplete(result, look),
        frameworks=[
            FrameworkScore(
                title=f.title,
                version=f.version,
                score=percent(f.score),
                coverage=percent(f.coverage),
                judgement=f.judgement_label or "No judgement",
                reason=f.judgement_reason or "This framework gives no overall judgement.",
            )
            for f in result.frameworks
        ],
        charts=[_chart(look, f) for f in look.frameworks],
        safeguarding=_safeguarding(result, look),
    )


def _relation(result: Result, look: Lookup) -> str | None:
    """A sentence relating the judgement to safeguarding (online) when it is not met, so
    that no headline stands above a "not met" unexplained."""
    found, rules = result.safeguarding, look.rubric.safeguarding
    if found is None or rules is None or found.status != "not_met" or result.judgement_capped:
        return None  # a capped judgement's own sentence already says it
    cap = rules.caps_judgement_at
    if result.judgement is None or cap is None:
        return None
    if judgement_rank(result.judgement) <= judgement_rank(cap):
        return None  # already no better than the cap: nothing to relate
    label = level_label(look.frameworks, cap)
    if label is None:
        return None
    return " ".join(rules.wording.not_met_beside.format(label=label).split())


def _incomplete(result: Result, look: Lookup) -> Incomplete | None:
    """What the first screen says of a review that is not finished: how much is missing
    and which questions to answer first (those behind the most important gaps)."""
    if not result.unanswered and not result.not_checked:
        return None
    questions = look.rubric.bank.questions()
    first: dict[str, None] = {}
    for gap in result.gaps:
        for qid in gap.questions:
            first[qid] = None
    for qid in result.unanswered:
        first[qid] = None
    ordered = list(first)
    checked = len(result.not_checked)
    kinds, verb = ("indicator", "is") if checked == 1 else ("indicators", "are")
    blank = len(result.unanswered)
    which = "question that applies is" if blank == 1 else "questions that apply are"
    part = f"{blank} of the {which} not answered"
    if result.coverage < 100:
        part += f", so {_share(100 - result.coverage)} of the criteria cannot be judged"
    parts = [part]
    if checked:
        parts.append(f"{checked} {kinds} of inadequate practice {verb} not checked")
    sentence = (
        "This review is incomplete: "
        + join_words(parts)
        + ". Its verdicts are not final until these are answered; answer these first:"
    )
    headline = (
        f"Incomplete review: {blank} {'question' if blank == 1 else 'questions'} not answered"
    )
    if checked:
        headline += f", {checked} {kinds} of inadequate practice not checked"
    return Incomplete(
        headline=headline + ".",
        sentence=sentence,
        questions=[UnansweredQuestion(q, questions[q].label) for q in ordered[:FIRST_QUESTIONS]],
        more=max(0, len(ordered) - FIRST_QUESTIONS),
    )


def _share(value: float) -> str:
    return f"{round(value, 1):g}%"


def _fix_view(look: Lookup, fix: SafeguardingFix) -> FixView:
    scored = look.results[fix.criterion]
    return FixView(
        title=sentence_case(fix.title),
        framework=look.framework_title(fix.framework),
        status=status_words(scored.status, scored.kind, scored.self_reported).word.lower(),
        reason=fix.reason,
        action=rich(fix.action, inline=True),
        anchor=anchor("criterion", fix.criterion),
    )


def _safeguarding(result: Result, look: Lookup) -> SafeguardingView | None:
    found, rules = result.safeguarding, look.rubric.safeguarding
    if found is None or rules is None:
        return None
    tone = SAFEGUARDING_TONES[found.status]
    return SafeguardingView(
        title=rules.title,
        word=found.label,
        tone=tone,
        icon=TONE_ICONS[tone],
        reasons=[" ".join(r.split()) for r in found.reasons if not found.fixes],
        fixes=[_fix_view(look, f) for f in found.fixes],
        improvements=[_fix_view(look, f) for f in found.improvements],
        summary=" ".join(rules.summary.split()),
        source=" ".join(rules.source.split()),
    )


def _blocks(area: AreaResult) -> str:
    filled = 0 if area.score is None else round(area.score / 5)
    return "█" * filled + "░" * (20 - filled)


def _chart(look: Lookup, framework: Framework) -> Chart:
    areas = [look.areas[(framework.id, a.id)] for a in framework.areas]
    areas = [a for a in areas if not a.gate]  # indicators are gates, never a bar
    bars = []
    for i, area in enumerate(areas):
        badge = rating_badge(area)
        width = 0.0 if area.score is None else round(BAR_WIDTH * area.score / 100, 1)
        y = CHART_TOP + i * ROW_HEIGHT
        bars.append(
            Bar(area.title, percent(area.score), badge.word, badge.tone, width, y, _blocks(area))
        )
    words = "; ".join(f"{b.label}: {b.score}, {b.rating}" for b in bars)
    ticks = [
        Tick(round(BAR_WIDTH * band.min_score / 100, 1), f"{band.min_score:g}%")
        for band in framework.scoring.ratings
        if 0 < band.min_score < 100
    ]
    return Chart(
        anchor=anchor("chart", framework.id),
        framework=framework.title,
        bars=bars,
        ticks=ticks,
        height=CHART_TOP + len(bars) * ROW_HEIGHT + 4,
        description=f"Area scores out of 100. {words}.",
    )
