"""The report context: everything the HTML, Markdown and CSV reports show, built once.

:func:`build_context` is the one place that turns a :class:`Result` and its
:class:`Rubric` into typed, ready-to-print values. Templates only lay these out:
they never score, count, compare dates or look anything up. Scores, statuses and
gaps come from the result; titles, actions, resources, sources, challenge
questions and thresholds come from the rubric.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..models import (
    AnswerNote,
    AreaResult,
    Criterion,
    CriterionResult,
    Framework,
    Gap,
    LimitingIndicator,
    Result,
    Rubric,
    Status,
)

if TYPE_CHECKING:
    from .comparison import ComparisonView

from .text import RichText, join_words, long_date, percent, rich, sentence_case

TOP_PRIORITIES = 5
_OTHER_ORDER = ["met", "not found", "not answered", "not applicable"]

# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Badge:
    """A status or rating in words, with a tone the stylesheet colours (never colour alone)."""

    word: str
    tone: str  # good | partial | bad | neutral | unknown
    icon: str


@dataclass(frozen=True)
class FrameworkRef:
    title: str
    version: str
    published: str


@dataclass(frozen=True)
class Cover:
    school: str
    urn: str
    phase: str
    key_stages: str
    review_date: str
    review_year: int
    completed_by: str
    frameworks: list[FrameworkRef]
    question_bank: str
    generated: str | None


@dataclass(frozen=True)
class Bar:
    label: str
    score: str
    rating: str
    tone: str
    width: float  # in chart units, 0 to BAR_WIDTH
    y: int  # top of the row, in chart units
    blocks: str  # the bar in text, for the Markdown report


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    anchor: str
    framework: str
    bars: list[Bar]
    ticks: list[Tick]  # the rating thresholds, from the rubric
    height: int
    description: str


@dataclass(frozen=True)
class FrameworkScore:
    title: str
    version: str
    score: str
    coverage: str
    judgement: str
    reason: str


@dataclass(frozen=True)
class SafeguardingView:
    title: str
    word: str
    tone: str
    icon: str
    reasons: list[str]
    summary: str
    source: str


@dataclass(frozen=True)
class Glance:
    judgement: str
    tone: str
    icon: str
    reason: str
    score: str
    coverage: str
    gap_count: int
    limiting_count: int
    unanswered_count: int
    frameworks: list[FrameworkScore]
    charts: list[Chart]
    safeguarding: SafeguardingView | None


@dataclass(frozen=True)
class AnswerView:
    question: str
    label: str
    answer: str
    evidence: str | None
    notes: str | None


@dataclass(frozen=True)
class LimitingView:
    title: str
    framework: str
    statement: str
    reasons: list[str]
    answers: list[AnswerView]


@dataclass(frozen=True)
class ResourceView:
    title: str
    url: str | None
    description: RichText | None
    currency: RichText | None


@dataclass(frozen=True)
class RelatedView:
    """A criterion of another framework that the same evidence serves."""

    title: str
    framework: str
    status: str  # in this review, or "not part of this review"
    anchor: str | None  # set when the report shows it


@dataclass(frozen=True)
class CriterionView:
    id: str
    anchor: str
    title: str
    kind: str
    badge: Badge
    score: str
    statement: str
    reasons: list[str]
    said: list[AnswerView]  # the answers the school gave evidence or notes for
    needs_action: bool
    action: RichText | None
    resources: list[ResourceView]
    source: str
    currency: RichText | None
    related: list[RelatedView]


@dataclass(frozen=True)
class AreaView:
    anchor: str
    title: str
    score: str
    badge: Badge
    coverage: str
    tally: str
    summary: RichText | None
    criteria: list[CriterionView]

    @property
    def gaps(self) -> list[CriterionView]:
        """Criteria not met or partly met, and indicators found: each has an action."""
        return [c for c in self.criteria if c.needs_action]

    @property
    def others(self) -> list[CriterionView]:
        """Criteria met, not answered or not applicable, and indicators not found."""
        return [c for c in self.criteria if not c.needs_action]

    @property
    def others_said(self) -> bool:
        """Whether the school gave evidence or notes for any of the other criteria."""
        return any(c.said for c in self.others)

    @property
    def others_caption(self) -> str:
        words = sorted({c.badge.word.lower() for c in self.others}, key=_OTHER_ORDER.index)
        count = len(self.others)
        kind = "criterion" if count == 1 else "criteria"
        lead = "the other " if self.gaps else ""
        return f"{lead}{count} {kind}: {join_words(words, 'or')}"


@dataclass(frozen=True)
class FrameworkSection:
    anchor: str
    title: str
    version: str
    summary: RichText | None
    areas: list[AreaView]


@dataclass(frozen=True)
class ActionRow:
    rank: int
    priority: str
    priority_tone: str
    area: str
    criterion: str
    criterion_anchor: str
    gap: str
    status: str
    action: RichText
    owner: str | None
    due: str | None
    due_text: str
    overdue: bool


@dataclass(frozen=True)
class CurriculumRow:
    component: str
    statement: str
    badge: Badge
    anchor: str


@dataclass(frozen=True)
class CurriculumStage:
    key_stage: str
    rows: list[CurriculumRow]


@dataclass(frozen=True)
class Curriculum:
    stages: list[CurriculumStage]
    without: str  # the school's key stages the rubric sets no components for, in words


@dataclass(frozen=True)
class ChallengeArea:
    title: str
    framework: str
    badge: Badge
    anchor: str
    questions: list[str]


@dataclass(frozen=True)
class SourceView:
    title: str
    publisher: str
    published: str
    url: str | None
    note: RichText | None


@dataclass(frozen=True)
class CurrencyNote:
    subject: str
    note: RichText


@dataclass(frozen=True)
class MethodFramework:
    title: str
    version: str
    partly_credit: str
    judgement_levels: list[str]
    judgement_note: str
    ratings: list[str]
    priorities: list[str]
    sources: list[SourceView]


@dataclass(frozen=True)
class UnansweredQuestion:
    id: str
    label: str


@dataclass(frozen=True)
class RevisitView:
    sentence: str
    added: list[UnansweredQuestion]
    changed: list[UnansweredQuestion]
    removed: list[str]


@dataclass(frozen=True)
class Method:
    frameworks: list[MethodFramework]
    currency: list[CurrencyNote]
    unanswered: list[UnansweredQuestion]
    personal_data: list[str]
    revisit: RevisitView | None


@dataclass(frozen=True)
class ReportContext:
    title: str
    cover: Cover
    glance: Glance
    limiting: list[LimitingView]
    priorities: list[ActionRow]
    frameworks: list[FrameworkSection]
    curriculum: Curriculum
    actions: list[ActionRow]
    challenge: list[ChallengeArea]
    method: Method
    since: ComparisonView | None = None  # set by assess --previous


# --------------------------------------------------------------------------- the one builder


def build_context(
    result: Result, rubric: Rubric, generated_at: datetime | None = None
) -> ReportContext:
    """Everything every report shows, from the result and the rubric it was scored on."""
    look = _Lookup(result, rubric)
    actions = [_action_row(look, i, gap) for i, gap in enumerate(result.gaps, 1)]
    return ReportContext(
        title=f"Online-safety self-review: {result.school.name}, "
        f"{long_date(result.school.review_date)}",
        cover=_cover(result, look, generated_at),
        glance=_glance(result, look),
        limiting=[_limiting(look, item) for item in result.limiting_detail],
        priorities=actions[:TOP_PRIORITIES],
        frameworks=[_framework_section(look, f) for f in look.frameworks],
        curriculum=_curriculum(result, look),
        actions=actions,
        challenge=_challenge(look),
        method=_method(result, look),
    )


class _Lookup:
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


def anchor(*parts: str) -> str:
    """A stable HTML id from ids (which are already lower-case words)."""
    return "-".join(p.replace(".", "-").replace("_", "-") for p in parts)


# --------------------------------------------------------------------------- 1. cover

_PHASES = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all-through": "All-through",
    "middle": "Middle",
    "special": "Special",
}


def key_stage_name(stage: str) -> str:
    return stage.upper()


def _cover(result: Result, look: _Lookup, generated_at: datetime | None) -> Cover:
    school = result.school
    stages = [key_stage_name(ks) for ks in school.key_stages]
    return Cover(
        school=school.name,
        urn=school.urn or "Not given",
        phase=_PHASES[school.phase],
        key_stages=join_words(stages) or "None given",
        review_date=long_date(school.review_date),
        review_year=school.review_date.year,
        completed_by=school.completed_by or "Not given",
        frameworks=[
            FrameworkRef(f.title, f.version, long_date(f.published)) for f in look.frameworks
        ],
        question_bank=f"{look.rubric.bank.title}, version {result.question_bank.version}",
        generated=None if generated_at is None else generated_at.isoformat(timespec="minutes"),
    )


# --------------------------------------------------------------------------- 2. at a glance

_JUDGEMENT_TONES = {
    "outstanding": "good",
    "good": "good",
    "requires_improvement": "partial",
    "inadequate": "bad",
}
_RATING_TONES = {"green": "good", "amber": "partial", "red": "bad"}
_TONE_ICONS = {"good": "✓", "partial": "◐", "bad": "✗", "neutral": "\u2013", "unknown": "?"}

BAR_WIDTH = 360
ROW_HEIGHT = 44
CHART_TOP = 18


def _glance(result: Result, look: _Lookup) -> Glance:
    tone = _JUDGEMENT_TONES[result.judgement] if result.judgement else "neutral"
    return Glance(
        judgement=result.judgement_label or "No overall judgement",
        tone=tone,
        icon=_TONE_ICONS[tone],
        reason=result.judgement_reason
        or "None of the frameworks used in this review gives an overall judgement.",
        score=percent(result.score),
        coverage=percent(result.coverage),
        gap_count=len(result.gaps),
        limiting_count=len(result.limiting),
        unanswered_count=len(result.unanswered),
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


_SAFEGUARDING_TONES = {"met": "good", "not_met": "bad", "not_assessed": "neutral"}


def _safeguarding(result: Result, look: _Lookup) -> SafeguardingView | None:
    found, rules = result.safeguarding, look.rubric.safeguarding
    if found is None or rules is None:
        return None
    tone = _SAFEGUARDING_TONES[found.status]
    return SafeguardingView(
        title=rules.title,
        word=found.label,
        tone=tone,
        icon=_TONE_ICONS[tone],
        reasons=found.reasons,
        summary=" ".join(rules.summary.split()),
        source=" ".join(rules.source.split()),
    )


def rating_badge(area: AreaResult) -> Badge:
    if area.rating is None:
        return Badge("Not scored", "neutral", _TONE_ICONS["neutral"])
    tone = _RATING_TONES[area.rating]
    return Badge(area.rating_label or area.rating.title(), tone, _TONE_ICONS[tone])


def _blocks(area: AreaResult) -> str:
    filled = 0 if area.score is None else round(area.score / 5)
    return "█" * filled + "░" * (20 - filled)


def _chart(look: _Lookup, framework: Framework) -> Chart:
    areas = [look.areas[(framework.id, a.id)] for a in framework.areas]
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


# --------------------------------------------------------------------------- 3. limiting


def _answer_view(note: AnswerNote) -> AnswerView:
    return AnswerView(
        question=note.question,
        label=note.label,
        answer=note.answer if note.answer is not None else "Not answered",
        evidence=note.evidence,
        notes=note.notes,
    )


def _limiting(look: _Lookup, item: LimitingIndicator) -> LimitingView:
    scored = look.results[item.id]
    return LimitingView(
        title=sentence_case(item.title),
        framework=look.framework_title(item.framework),
        statement=item.statement,
        reasons=item.reasons,
        answers=[_answer_view(a) for a in scored.answers if a.answer is not None]
        or [_answer_view(a) for a in scored.answers],
    )


# --------------------------------------------------------------------------- 4 and 7. actions

_PRIORITY_TONES = ("bad", "bad", "partial", "neutral")


def status_words(status: Status, kind: str) -> Badge:
    """A criterion's status in words; an indicator of inadequate practice reads the other way."""
    if kind == "inadequate_indicator":
        words = {
            "met": ("Not found", "good"),
            "not_met": ("Found", "bad"),
        }
        if status in words:
            word, tone = words[status]
            return Badge(word, tone, _TONE_ICONS[tone])
    word, tone = {
        "met": ("Met", "good"),
        "partly_met": ("Partly met", "partial"),
        "not_met": ("Not met", "bad"),
        "not_applicable": ("Not applicable", "neutral"),
        "unanswered": ("Not answered", "unknown"),
    }[status]
    return Badge(word, tone, _TONE_ICONS[tone])


def _action_row(look: _Lookup, rank: int, gap: Gap) -> ActionRow:
    criterion = look.criteria[gap.criterion]
    overdue = gap.due is not None and gap.due < look.review_date
    due_text = "No date set" if gap.due is None else long_date(gap.due)
    return ActionRow(
        rank=rank,
        priority=gap.priority_label,
        priority_tone=_PRIORITY_TONES[min(gap.priority_rank, len(_PRIORITY_TONES)) - 1],
        area=look.area_title(gap.framework, gap.area),
        criterion=gap.criterion,
        criterion_anchor=anchor("criterion", gap.criterion),
        gap=sentence_case(gap.title),
        status=status_words(gap.status, criterion.kind).word,
        action=rich(gap.action, inline=True),
        owner=gap.owner,
        due=None if gap.due is None else gap.due.isoformat(),
        due_text=due_text,
        overdue=overdue,
    )


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
_NEEDS_ACTION: frozenset[Status] = frozenset({"not_met", "partly_met"})


def _optional_rich(text: str | None, *, inline: bool = False) -> RichText | None:
    return rich(text, inline=inline) if text and text.strip() else None


def _resource(framework: Framework, resource_id: str) -> ResourceView:
    res = framework.resources[resource_id]
    return ResourceView(
        title=res.title,
        url=res.url,
        description=_optional_rich(res.description, inline=True),
        currency=_optional_rich(res.currency, inline=True),
    )


def _source(framework: Framework, criterion: Criterion) -> str:
    doc = next(s for s in framework.sources if s.id == criterion.source.document)
    where = criterion.source.section
    if criterion.source.paragraph:
        where = f"{where}, {criterion.source.paragraph}"
    return f"{doc.title} ({doc.publisher}, {doc.published}): {where}"


def _related(look: _Lookup, c: Criterion) -> list[RelatedView]:
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
                else status_words(scored.status, other.kind).word.lower(),
                anchor=None if scored is None else anchor("criterion", rid),
            )
        )
    return found


def _criterion_view(
    look: _Lookup, framework: Framework, scored: CriterionResult, c: Criterion
) -> CriterionView:
    needs_action = scored.status in _NEEDS_ACTION
    return CriterionView(
        id=c.id,
        anchor=anchor("criterion", c.id),
        title=sentence_case(c.title),
        kind=_KIND_WORDS[c.kind],
        badge=status_words(scored.status, c.kind),
        score=percent(scored.score),
        statement=c.statement,
        reasons=scored.reasons,
        said=[_answer_view(a) for a in scored.answers if a.evidence or a.notes],
        needs_action=needs_action,
        action=rich(c.action) if needs_action else None,
        resources=[_resource(framework, r) for r in c.resources] if needs_action else [],
        source=_source(framework, c),
        currency=_optional_rich(c.currency),
        related=_related(look, c),
    )


_TALLY_WORDS: dict[Status, str] = {
    "met": "met",
    "partly_met": "partly met",
    "not_met": "not met",
    "unanswered": "not answered",
    "not_applicable": "not applicable",
}


def _tally(area: AreaResult) -> str:
    counts = [(area.counts.get(s, 0), word) for s, word in _TALLY_WORDS.items()]
    return ", ".join(f"{n} {word}" for n, word in counts if n) or "no criteria"


def _framework_section(look: _Lookup, framework: Framework) -> FrameworkSection:
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
                score=percent(scored.score),
                badge=rating_badge(scored),
                coverage=percent(scored.coverage),
                tally=_tally(scored),
                summary=_optional_rich(area.summary),
                criteria=criteria,
            )
        )
    return FrameworkSection(
        anchor=anchor("framework", framework.id),
        title=framework.title,
        version=framework.version,
        summary=_optional_rich(framework.summary),
        areas=areas,
    )


# --------------------------------------------------------------------------- 6. curriculum


def _curriculum(result: Result, look: _Lookup) -> Curriculum:
    components = [c for c in look.criteria.values() if c.kind == "curriculum"]
    stages, without = [], []
    for stage in result.school.key_stages:
        rows = [
            CurriculumRow(
                component=sentence_case(c.title.removeprefix(f"{key_stage_name(stage)}: ")),
                statement=c.statement,
                badge=status_words(look.results[c.id].status, c.kind),
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


# --------------------------------------------------------------------------- 8. challenge


def _challenge(look: _Lookup) -> list[ChallengeArea]:
    found = []
    for framework in look.frameworks:
        for area in framework.areas:
            scored = look.areas[(framework.id, area.id)]
            if scored.rating in ("amber", "red"):
                found.append(
                    ChallengeArea(
                        title=area.title,
                        framework=framework.title,
                        badge=rating_badge(scored),
                        anchor=anchor("area", framework.id, area.id),
                        questions=list(area.challenge_questions),
                    )
                )
    return found


# --------------------------------------------------------------------------- 9. method


def _levels(framework: Framework) -> list[str]:
    lines = []
    for level in framework.scoring.judgement or []:
        tests = []
        if level.min_score:
            tests.append(f"a score of at least {level.min_score:g}%")
        if level.min_coverage:
            tests.append(f"at least {level.min_coverage:g}% of criteria answered")
        if level.max_red_areas == 0:
            tests.append("no area rated red")
        elif level.max_red_areas is not None:
            tests.append(f"no more than {level.max_red_areas} areas rated red")
        lines.append(f"{level.label}: {join_words(tests) or 'any score'}.")
    return lines


def _ratings(framework: Framework) -> list[str]:
    bands = framework.scoring.ratings
    lines = []
    for band, better in zip(bands, [None, *bands[:-1]], strict=True):
        if band.min_score > 0:
            lines.append(f"{band.label}: an area score of at least {band.min_score:g}%.")
        elif better is not None:
            lines.append(f"{band.label}: an area score below {better.min_score:g}%.")
        else:
            lines.append(f"{band.label}: any area score.")
    return lines


def _priorities(framework: Framework) -> list[str]:
    lines = []
    for rule in framework.scoring.priorities:
        kind = rule.kinds[0] if len(rule.kinds) == 1 else "feature"
        statuses = [status_words(s, kind).word.lower() for s in rule.statuses]
        subject = join_words([_KIND_WORDS[k].lower() for k in rule.kinds], "or")
        text = f"{rule.label}: {_with_article(subject) if subject else 'any criterion'}"
        text += f" that is {join_words(statuses, 'or')}"
        if rule.min_weight:
            text += f", with a weight of {rule.min_weight:g} or more"
        lines.append(text + ".")
    return lines


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _judgement_note(framework: Framework) -> str:
    if not framework.scoring.judgement:
        return "This framework gives no overall judgement."
    note = (
        "Levels are tried from the best down; the school gets the first whose every "
        "threshold it meets. If any indicator of inadequate practice is found, the "
        "judgement is inadequate whatever the score."
    )
    needed = framework.scoring.min_coverage_to_judge
    if needed:
        note += (
            f" Otherwise there is no judgement until at least {needed:g}% of criteria are answered."
        )
    return note


def _method_framework(framework: Framework) -> MethodFramework:
    return MethodFramework(
        title=framework.title,
        version=framework.version,
        partly_credit=f"{framework.scoring.partly_credit * 100:g}%",
        judgement_levels=_levels(framework),
        judgement_note=_judgement_note(framework),
        ratings=_ratings(framework),
        priorities=_priorities(framework),
        sources=[
            SourceView(
                s.title, s.publisher, s.published, s.url, _optional_rich(s.note, inline=True)
            )
            for s in framework.sources
        ],
    )


def _currency(look: _Lookup) -> list[CurrencyNote]:
    notes: dict[str, CurrencyNote] = {}
    for framework in look.frameworks:
        for c in framework.criteria:
            if c.currency and c.currency.strip():
                notes[c.id] = CurrencyNote(sentence_case(c.title), rich(c.currency, inline=True))
        for rid, res in framework.resources.items():
            if res.currency and res.currency.strip():
                notes[f"{framework.id}:{rid}"] = CurrencyNote(
                    res.title, rich(res.currency, inline=True)
                )
    return list(notes.values())


_PERSONAL_DATA = (
    "This report holds a little personal data: the name or role of the person who "
    "completed the review, the names or roles of the people who own actions, and "
    "whatever the school wrote in its notes and evidence.",
    "It holds no data about individual pupils; keep it that way when adding notes. "
    "Store and share it as you would other governing-board papers, and delete old "
    "copies in line with the school's retention schedule.",
    "The tool works on the school's own computer: nothing in this report was sent "
    "anywhere, and the page loads nothing from the internet.",
)


def _method(result: Result, look: _Lookup) -> Method:
    questions = look.rubric.bank.questions()
    return Method(
        frameworks=[_method_framework(f) for f in look.frameworks],
        currency=_currency(look),
        unanswered=[UnansweredQuestion(q, questions[q].label) for q in result.unanswered],
        personal_data=list(_PERSONAL_DATA),
        revisit=_revisit(result, look),
    )


def _revisit(result: Result, look: _Lookup) -> RevisitView | None:
    found = result.revisit
    if found is None:
        return None
    questions = look.rubric.bank.questions()
    sentence = (
        f"These answers were written against version {found.written_against} of the "
        f"question bank; this review used version {found.current}."
    )
    if not found.known:
        sentence += " That version is not in the bank's history, so every answer needs a check."
    return RevisitView(
        sentence=sentence,
        added=[UnansweredQuestion(q, questions[q].label) for q in found.added],
        changed=[UnansweredQuestion(q, questions[q].label) for q in found.changed],
        removed=found.removed,
    )
