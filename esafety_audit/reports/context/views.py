"""The report's vocabulary: the frozen values the templates read, and nothing else.

Every section module builds these from a result and its rubric; templates only lay
them out. No scoring, counting or looking up happens here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..palette import Badge
from ..text import RichText, join_words

if TYPE_CHECKING:
    from ..comparison import ComparisonView

_OTHER_ORDER = [
    "met",
    "met (self-reported)",
    "not found",
    "not checked",
    "not answered",
    "not applicable",
]


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
class GovernorQuestionSet:
    """Questions for governors from one part of another review tool's questions (the UKCIS
    governors' questions), offered because areas rated amber or red serve that part."""

    title: str  # the part of the document, e.g. "Part One: Policies"
    source: str  # the document it comes from, with its edition, in a few words
    reconstructed: bool  # the part's title could not be checked at the source
    areas: list[str]  # the amber and red areas whose criteria serve this part
    questions: list[str]


@dataclass(frozen=True)
class ExternalCoverage:
    """One row of the method section's table: how this review covers another review tool."""

    title: str  # how the report cites it: publisher, name and edition in a few words
    items: int
    covered: int
    partly: int
    not_covered: int


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
    ratings_shared: list[str]  # the area ratings, when every framework's are the same
    self_reported_shared: str | None  # what a claim without evidence earns, when all agree
    priorities: list[str]  # the one priority scale, in order
    tool_thresholds: list[ToolThreshold]
    safeguarding: list[str]  # how safeguarding (online) is decided, and what it caps
    currency: list[CurrencyNote]
    unanswered: list[UnansweredQuestion]
    personal_data: list[str]
    revisit: RevisitView | None
    inspection: str  # how gaps are grouped by Ofsted evaluation area, and why no grade
    external: list[ExternalCoverage]  # how this review covers 360 degree safe and the like


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
class InspectionGap:
    priority: str
    priority_tone: str
    gap: str
    anchor: str


@dataclass(frozen=True)
class InspectionRow:
    """One Ofsted evaluation area: how many open gaps inform it, and the most pressing."""

    title: str
    count: int
    counts: str  # by priority, in the scale's order ("2 urgent, 1 high")
    top: list[InspectionGap]
    more: int  # open gaps not named


@dataclass(frozen=True)
class InspectionLens:
    title: str
    rows: list[InspectionRow]
    note: str  # what about the placing is unconfirmed


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
    inspection: InspectionLens
    governor_questions: list[GovernorQuestionSet]
    method: Method
    strengths: list[Strength]
    board: Board
    self_reported_note: str  # what a claim without evidence earns, as the rubric says
    recorded: list[RecordedView]
    since: ComparisonView | None = None  # set by assess --previous
