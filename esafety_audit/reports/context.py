"""The report context: everything the HTML, Markdown and CSV reports show, built once.

:func:`build_context` is the one place that turns a :class:`Result` and its
:class:`Rubric` into typed, ready-to-print values. Templates only lay these out:
they never score, count, compare dates or look anything up. Scores, statuses and
gaps come from the result; titles, actions, resources, sources, challenge
questions and thresholds come from the rubric.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..models import (
    JUDGEMENT_ORDER,
    AnswerNote,
    AreaResult,
    Criterion,
    CriterionResult,
    Framework,
    Gap,
    Judgement,
    LimitingIndicator,
    Result,
    Rubric,
    SafeguardingFix,
    Status,
)

if TYPE_CHECKING:
    from ..compare import Comparison
    from .comparison import ComparisonView

from .palette import (
    JUDGEMENT_TONES,
    RATING_TONES,
    SAFEGUARDING_TONES,
    TONE_ICONS,
    Badge,
    anchor,
    badge,
    status_words,
)
from .text import RichText, join_words, long_date, percent, rich, sentence_case

TOP_PRIORITIES = 5
STRENGTHS = 3
# A school's evidence or note longer than this is shown in part, with where the rest is.
FREE_TEXT_SHOWN = 600
# How many unanswered questions the first screen names before "and N more".
FIRST_QUESTIONS = 8
_OTHER_ORDER = [
    "met",
    "met (self-reported)",
    "not found",
    "not checked",
    "not answered",
    "not applicable",
]

# --------------------------------------------------------------------------- values


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
    review_iso: str
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
class FixView:
    """One thing to change for safeguarding (online): what is wrong, and what to do."""

    title: str
    framework: str
    status: str  # in words: "not met", "not checked", "partly met (self-reported)"
    reason: str
    action: RichText
    anchor: str


@dataclass(frozen=True)
class SafeguardingView:
    title: str
    word: str
    tone: str
    icon: str
    reasons: list[str]
    fixes: list[FixView]  # what must change for it to be met
    improvements: list[FixView]  # lesser gaps, while it is met
    summary: str
    source: str


@dataclass(frozen=True)
class Incomplete:
    """Said on the first screen when the review is not finished: what is missing."""

    headline: str  # one line for the top of the cover
    sentence: str
    questions: list[UnansweredQuestion]  # the first to answer, most important first
    more: int  # how many more questions are unanswered


@dataclass(frozen=True)
class Glance:
    judgement: str
    tone: str
    icon: str
    reason: str
    relation: str | None  # relates the judgement to safeguarding when it is not met
    score: str
    coverage: str
    gap_count: int
    limiting_count: int
    not_checked_count: int
    self_reported_count: int
    unanswered_count: int
    incomplete: Incomplete | None
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
    """An indicator of inadequate practice: a gate, found, not found or not checked."""

    title: str
    framework: str
    badge: Badge
    statement: str
    reasons: list[str]
    answers: list[AnswerView]
    to_answer: list[UnansweredQuestion]  # for one not checked


@dataclass(frozen=True)
class Gates:
    """Every indicator of inadequate practice that applies, as found / not found / not
    checked; "none found" is said only when every one was checked."""

    found: list[LimitingView]
    not_checked: list[LimitingView]
    not_found: list[str]  # titles
    sentence: str


@dataclass(frozen=True)
class SelfReportedView:
    title: str
    framework: str
    expected: str
    anchor: str


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
class Clipped:
    """A school's free text, cut to a length a report can hold, with how much is left out."""

    text: str
    more: int  # characters left out (0: shown whole)


@dataclass(frozen=True)
class RecordedView:
    """What the school recorded for one question, shown once however many criteria read it."""

    question: str
    anchor: str
    label: str
    answer: str
    evidence: Clipped | None
    notes: Clipped | None


@dataclass(frozen=True)
class QuestionLink:
    label: str
    anchor: str


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
    said: list[QuestionLink]  # the answers it read that carry evidence or notes
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
    score: str  # "" for a gate (indicators of inadequate practice): never a percentage
    badge: Badge
    coverage: str
    tally: str
    summary: RichText | None
    criteria: list[CriterionView]
    gate: bool

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
    moves: str  # the verdicts it holds back, in words ("" if only the score)
    safeguarding: bool  # one of the things that make safeguarding (online) not met
    framework: str
    self_reported: bool
    print_action: bool  # whether the printed plan shows the action (lesser ones: title only)
    carried: bool = False  # owner and date carried over from last year's plan


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
    self_reported: str | None
    sources: list[SourceView]


@dataclass(frozen=True)
class ToolThreshold:
    """A threshold that is the tool's own reading, not the source's, and why."""

    subject: str
    framework: str
    rationale: str


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
    priorities: list[str]  # the one priority scale, in order
    tool_thresholds: list[ToolThreshold]
    safeguarding: list[str]  # how safeguarding (online) is decided, and what it caps
    currency: list[CurrencyNote]
    unanswered: list[UnansweredQuestion]
    personal_data: list[str]
    revisit: RevisitView | None


@dataclass(frozen=True)
class Strength:
    area: str
    framework: str
    score: str
    anchor: str


@dataclass(frozen=True)
class Board:
    """What the board is asked to decide or note: the numbers the sentences are made from."""

    safeguarding_fixes: int
    indicators_found: list[str]
    not_checked: int
    unanswered: int
    no_owner: int  # of the top priorities
    overdue: int
    self_reported: int
    gaps: int


@dataclass(frozen=True)
class ReportContext:
    title: str
    print_header: str  # on every printed page: the school and the review date
    cover: Cover
    glance: Glance
    gates: Gates
    priorities: list[ActionRow]
    self_reported: list[SelfReportedView]
    frameworks: list[FrameworkSection]
    curriculum: Curriculum
    actions: list[ActionRow]
    challenge: list[ChallengeArea]
    method: Method
    strengths: list[Strength]
    board: Board
    self_reported_note: str  # what a claim without evidence earns, as the rubric says
    recorded: list[RecordedView]
    since: ComparisonView | None = None  # set by assess --previous


# --------------------------------------------------------------------------- the one builder


def build_context(
    result: Result, rubric: Rubric, generated_at: datetime | None = None
) -> ReportContext:
    """Everything every report shows, from the result and the rubric it was scored on."""
    look = _Lookup(result, rubric)
    actions = [_action_row(look, i, gap) for i, gap in enumerate(result.gaps, 1)]
    when = long_date(result.school.review_date)
    return ReportContext(
        title=f"Online-safety self-review: {result.school.name}, {when}",
        print_header=f"{result.school.name} · online-safety self-review, {when}",
        cover=_cover(result, look, generated_at),
        glance=_glance(result, look),
        gates=_gates(result, look),
        priorities=actions[:TOP_PRIORITIES],
        self_reported=_self_reported(result, look),
        frameworks=[_framework_section(look, f) for f in look.frameworks],
        curriculum=_curriculum(result, look),
        actions=actions,
        challenge=_challenge(look),
        method=_method(result, look),
        strengths=_strengths(look),
        board=_board(result, actions),
        self_reported_note=_self_reported_note(look),
        recorded=_recorded(result, look),
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


def _glance(result: Result, look: _Lookup) -> Glance:
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


def _relation(result: Result, look: _Lookup) -> str | None:
    """A sentence relating the judgement to safeguarding (online) when it is not met, so
    that no headline stands above a "not met" unexplained."""
    found, rules = result.safeguarding, look.rubric.safeguarding
    if found is None or rules is None or found.status != "not_met" or result.judgement_capped:
        return None  # a capped judgement's own sentence already says it
    cap = rules.caps_judgement_at
    if result.judgement is None or cap is None or _rank(result.judgement) <= _rank(cap):
        return None  # already no better than the cap: nothing to relate
    levels = [lv for f in look.frameworks for lv in f.scoring.judgement or []]
    label = next((lv.label for lv in levels if lv.level == cap), None)
    if label is None:
        return None
    return " ".join(rules.wording.not_met_beside.format(label=label).split())


def _incomplete(result: Result, look: _Lookup) -> Incomplete | None:
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


def _rank(judgement: Judgement) -> int:
    return JUDGEMENT_ORDER.index(judgement)


def _share(value: float) -> str:
    return f"{round(value, 1):g}%"


def _fix_view(look: _Lookup, fix: SafeguardingFix) -> FixView:
    scored = look.results[fix.criterion]
    return FixView(
        title=sentence_case(fix.title),
        framework=look.framework_title(fix.framework),
        status=status_words(scored.status, scored.kind, scored.self_reported).word.lower(),
        reason=fix.reason,
        action=rich(fix.action, inline=True),
        anchor=anchor("criterion", fix.criterion),
    )


def _safeguarding(result: Result, look: _Lookup) -> SafeguardingView | None:
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


def _blocks(area: AreaResult) -> str:
    filled = 0 if area.score is None else round(area.score / 5)
    return "█" * filled + "░" * (20 - filled)


def _chart(look: _Lookup, framework: Framework) -> Chart:
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
    questions = look.rubric.bank.questions()
    return LimitingView(
        title=sentence_case(item.title),
        framework=look.framework_title(item.framework),
        badge=status_words(scored.status, scored.kind),
        statement=item.statement,
        reasons=item.reasons,
        answers=[_answer_view(a) for a in scored.answers if a.answer is not None]
        or [_answer_view(a) for a in scored.answers],
        to_answer=[UnansweredQuestion(q, questions[q].label) for q in item.questions],
    )


def _gates(result: Result, look: _Lookup) -> Gates:
    found = [_limiting(look, item) for item in result.limiting_detail]
    not_checked = [_limiting(look, item) for item in result.not_checked_detail]
    clear = [sentence_case(c.title) for c in result.criteria if c.indicator == "not_found"]
    applies = len(found) + len(not_checked) + len(clear)
    if not applies:
        sentence = "No indicator of inadequate practice applies to the frameworks used."
    elif found:
        also = " and safeguarding (online) not met" if look.rubric.safeguarding else ""
        sentence = (
            f"Found: {len(found)} of {applies}. Any one found makes its framework's "
            f"judgement inadequate{also}, whatever the score."
        )
    elif not_checked:
        also = ", and safeguarding (online) is not met" if look.rubric.safeguarding else ""
        sentence = (
            f"Not checked: {len(not_checked)} of {applies}, because their questions are "
            "unanswered. Until every indicator is checked this review cannot say none is "
            f"found and gives no clean judgement{also}."
        )
    else:
        sentence = f"None found: all {applies} were checked against the school's answers."
    return Gates(found=found, not_checked=not_checked, not_found=clear, sentence=sentence)


def _self_reported(result: Result, look: _Lookup) -> list[SelfReportedView]:
    return [
        SelfReportedView(
            title=sentence_case(c.title),
            framework=look.framework_title(c.framework),
            expected=c.evidence_expected or "",
            anchor=anchor("criterion", c.id),
        )
        for c in result.criteria
        if c.self_reported
    ]


# --------------------------------------------------------------------------- 4 and 7. actions

_MOVES_WORDS = {"safeguarding": "safeguarding (online)", "judgement": "the judgement"}


def _moves(gap: Gap) -> str:
    """The verdicts a gap holds back, in words; every scored gap holds back a score."""
    words = [_MOVES_WORDS[m] for m in gap.moves if m in _MOVES_WORDS]
    return join_words(words)


def _action_row(look: _Lookup, rank: int, gap: Gap) -> ActionRow:
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
                else status_words(scored.status, other.kind, scored.self_reported).word.lower(),
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
                score="" if scored.gate else percent(scored.score),
                badge=rating_badge(scored),
                coverage=percent(scored.coverage),
                tally=_tally(scored),
                summary=_optional_rich(area.summary),
                criteria=criteria,
                gate=scored.gate,
            )
        )
    return FrameworkSection(
        anchor=anchor("framework", framework.id),
        title=framework.title,
        version=framework.version,
        summary=_optional_rich(framework.summary),
        areas=areas,
    )


# --------------------------------------------------------------------------- the summary


def _strengths(look: _Lookup) -> list[Strength]:
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


def _board(result: Result, actions: list[ActionRow]) -> Board:
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


# --------------------------------------------------------------------------- the school's words


def clip(text: str, limit: int = FREE_TEXT_SHOWN) -> Clipped:
    """The start of a long text, cut at a word where one is near, and how much is left."""
    if len(text) <= limit:
        return Clipped(text, 0)
    cut = text.rfind(" ", limit - 80, limit)
    shown = text[: cut if cut > 0 else limit].rstrip()
    return Clipped(shown, len(text) - len(shown))


def _recorded(result: Result, look: _Lookup) -> list[RecordedView]:
    """Every answer that carries evidence or notes, once, in question-bank order."""
    notes = {a.question: a for c in result.criteria for a in c.answers if a.evidence or a.notes}
    return [_recorded_view(notes[qid]) for qid in look.rubric.bank.questions() if qid in notes]


def _recorded_view(note: AnswerNote) -> RecordedView:
    return RecordedView(
        question=note.question,
        anchor=anchor("recorded", note.question),
        label=note.label,
        answer=note.answer if note.answer is not None else "Not answered",
        evidence=clip(note.evidence) if note.evidence else None,
        notes=clip(note.notes) if note.notes else None,
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


# --------------------------------------------------------------------------- 8. challenge


def _challenge(look: _Lookup) -> list[ChallengeArea]:
    found = []
    for framework in look.frameworks:
        for area in framework.areas:
            scored = look.areas[(framework.id, area.id)]
            if scored.rating in ("amber", "red") or (
                scored.gate and (scored.counts["not_met"] or scored.counts["unanswered"])
            ):
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


def _priorities(look: _Lookup) -> list[str]:
    return [
        f"{level.label}: {' '.join(level.meaning.split())}"
        for level in look.rubric.common.priorities
    ]


def _self_reported_rule(framework: Framework) -> str | None:
    rule = framework.scoring.self_reported
    if rule is None:
        return None
    earns = "partly met" if rule.earns == "partly_met" else "not met"
    return (
        f"A criterion of weight {rule.min_weight:g} or more that names the evidence which "
        f"shows it, claimed as met with no evidence recorded, counts as {earns}."
    )


def _self_reported_note(look: _Lookup) -> str:
    """What a claim without evidence earns: one sentence when every framework agrees."""
    rules = {_self_reported_rule(f) for f in look.frameworks} - {None}
    if len(rules) == 1:
        return rules.pop() or ""
    if rules:
        return "What such a claim earns differs by framework: see the method section."
    return "It still counts as the school claims it; record the evidence all the same."


def _tool_thresholds(look: _Lookup) -> list[ToolThreshold]:
    found = []
    for framework in look.frameworks:
        if framework.scoring.basis == "tool":
            found.append(
                ToolThreshold(
                    "Judgement and rating thresholds",
                    framework.title,
                    " ".join(framework.scoring.rationale.split()),
                )
            )
        for c in framework.criteria:
            if c.basis == "tool" and c.rationale:
                found.append(
                    ToolThreshold(
                        sentence_case(c.title), framework.title, " ".join(c.rationale.split())
                    )
                )
    return found


def _safeguarding_method(look: _Lookup) -> list[str]:
    rules = look.rubric.safeguarding
    if rules is None:
        return []
    lines = [" ".join(rules.summary.split())]
    lines += [" ".join(rule.reason.format(title="…").split()) for rule in rules.not_met_when]
    cap = rules.caps_judgement_at
    levels = [lv for f in look.frameworks for lv in f.scoring.judgement or []]
    label = next((lv.label for lv in levels if lv.level == cap), None)
    if label:
        lines.append(f"While it is not met, the overall judgement is at best {label}.")
    return lines


def _judgement_note(framework: Framework) -> str:
    if not framework.scoring.judgement:
        return "This framework gives no overall judgement."
    note = (
        "Levels are tried from the best down; the school gets the first whose every "
        "threshold it meets. If any indicator of inadequate practice is found, the "
        "judgement is inadequate whatever the score. Indicators are gates: they add "
        "nothing to the score."
    )
    best = framework.scoring.not_checked_best
    if best is None:
        note += " While any is not checked (its questions unanswered), there is no judgement."
    else:
        label = next(lv.label for lv in framework.scoring.judgement if lv.level == best)
        note += f" While any is not checked (its questions unanswered), it is at best {label}."
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
        self_reported=_self_reported_rule(framework),
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
        priorities=_priorities(look),
        tool_thresholds=_tool_thresholds(look),
        safeguarding=_safeguarding_method(look),
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
