"""The data the tool works on: question bank, rubrics, answers and results.

Pydantic models validate once at the edge (loading); everything after that
passes these typed objects around, never raw dicts. This module imports no
YAML, template or CLI code, so the engine can depend on it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_serializer,
    field_validator,
)

from .rules import Condition, RuleProblem, parse_condition

Phase = Literal["primary", "secondary", "all-through", "middle", "special"]
KeyStage = Literal["eyfs", "ks1", "ks2", "ks3", "ks4", "ks5"]
QuestionType = Literal[
    "yes_partly_no",
    "yes_no",
    "single_choice",
    "multiple_choice",
    "number",
    "percentage",
    "date",
    "text",
]
Kind = Literal["feature", "inadequate_indicator", "curriculum", "guidance", "standard", "statutory"]
Status = Literal["met", "partly_met", "not_met", "not_applicable", "unanswered"]
Judgement = Literal["outstanding", "good", "requires_improvement", "inadequate"]
Rating = Literal["green", "amber", "red"]
SafeguardingStatus = Literal["met", "not_met", "not_assessed"]
AbsentKind = Literal["never", "no_record", "unknown"]
IndicatorState = Literal["found", "not_found", "not_checked"]
Basis = Literal["source", "tool"]
Tone = Literal["bad", "partial", "neutral"]
Verdict = Literal["safeguarding", "judgement", "score"]

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
DottedIdent = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*(\.[a-z0-9_]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_INDICATOR_STATES: dict[str, IndicatorState] = {
    "not_met": "found",
    "met": "not_found",
    "unanswered": "not_checked",
}


def indicator_state(kind: str, status: str) -> IndicatorState | None:
    """An indicator of inadequate practice is a gate: found (its rule is triggered), not
    found, or not checked (its questions unanswered). None for other criteria, and for an
    indicator that does not apply."""
    return _INDICATOR_STATES.get(status) if kind == "inadequate_indicator" else None


JUDGEMENT_ORDER: tuple[Judgement, ...] = (
    "inadequate",
    "requires_improvement",
    "good",
    "outstanding",
)
STATUSES: tuple[Status, ...] = ("met", "partly_met", "not_met", "not_applicable", "unanswered")


class Strict(BaseModel):
    """Base for file-backed models: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- questions


class Choice(Strict):
    id: Ident
    label: Text


class AppliesTo(Strict):
    """Who a question or criterion is for. Empty lists mean everyone."""

    phases: list[Phase] = []
    key_stages: list[KeyStage] = []

    def matches(self, phase: Phase, key_stages: frozenset[str]) -> bool:
        if self.phases and phase not in self.phases:
            return False
        return not self.key_stages or bool(key_stages.intersection(self.key_stages))


class Question(Strict):
    id: Ident
    label: Text = Field(description="A short name for reports, e.g. 'Policy ratified by governors'")
    prompt: Text
    help: str = ""
    type: QuestionType
    choices: list[Choice] | None = Field(
        default=None,
        description="For single_choice: ordered from weakest to strongest practice.",
    )
    better: Literal["higher", "lower"] = "higher"
    absent: list[AbsentKind] = Field(
        [],
        description="Answers that say the thing is absent (never, no_record, unknown), for "
        "date, number and percentage questions; each counts as the worst value",
    )
    future_dates: bool = False
    retired_choices: list[Ident] = Field(
        [],
        description="Choices an earlier version of the bank offered and this one does not "
        "(the question is in that version's `changed`): an answers file that still names one "
        "is read without it and lists the question to revisit, rather than being refused",
    )
    applies_to: AppliesTo = AppliesTo()
    section: str = ""

    @field_validator("choices")
    @classmethod
    def _unique_choices(cls, choices: list[Choice] | None) -> list[Choice] | None:
        if choices is not None:
            ids = [c.id for c in choices]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"choice ids must be unique; repeated: {', '.join(dupes)}")
        return choices

    def choice_ids(self) -> list[str]:
        """The allowed values, weakest first, for every type that has a fixed set."""
        if self.type == "yes_partly_no":
            return ["no", "partly", "yes"]
        if self.type == "yes_no":
            return ["no", "yes"]
        return [c.id for c in self.choices or []]

    def answer_choices(self) -> list[str] | None:
        """The allowed answers as a school reads them: yes first for yes/no types, the
        rubric's order for choice types; None for types without a fixed set."""
        if self.type in ("yes_partly_no", "yes_no"):
            return list(reversed(self.choice_ids()))
        if self.type in ("single_choice", "multiple_choice"):
            return self.choice_ids()
        return None

    def choice_label(self, value: str) -> str:
        for choice in self.choices or []:
            if choice.id == value:
                return choice.label
        return value


class Section(Strict):
    """A part of the questionnaire; ``bank.yaml`` lists them, in order, with titles."""

    id: Ident
    title: Text
    questions: list[Question] = []


class FiledQuestions(Strict):
    """Questions a file in ``questions/`` files under one of the bank's sections."""

    id: Ident
    questions: list[Question]


class BankVersion(Strict):
    """One published version of the question bank, and what it changed."""

    version: Text
    published: date
    note: str = ""
    added: list[Ident] = Field([], description="Questions first asked in this version")
    changed: list[Ident] = Field(
        [], description="Questions whose wording, choices or meaning changed: answers need a look"
    )
    removed: list[Ident] = Field([], description="Questions no longer asked")


class QuestionBank(Strict):
    id: Ident
    title: Text
    version: Text
    published: date
    phases: dict[Phase, list[KeyStage]]
    history: list[BankVersion] = Field(
        [], description="Every version, oldest first; the last is this version"
    )
    sections: list[Section]

    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    def since(self, version: str) -> list[BankVersion] | None:
        """The versions after ``version``, oldest first; None if it is not in the history."""
        versions = [v.version for v in self.history]
        if version not in versions:
            return None
        return self.history[versions.index(version) + 1 :]

    def removed(self) -> set[str]:
        """Every question id some version removed and no later version asked again."""
        gone: set[str] = set()
        for v in self.history:
            gone.difference_update(v.added)
            gone.update(v.removed)
        return gone


# --------------------------------------------------------------------------- rubrics


Url = Annotated[
    str,
    StringConstraints(pattern=r"^(https?://|mailto:)\S+$"),
    Field(description="http(s) or mailto"),
]


class SourceDocument(Strict):
    id: Ident
    title: Text
    publisher: Text
    published: Text
    url: Url | None = None
    note: str | None = None


class Citation(Strict):
    document: Ident
    section: Text
    paragraph: str | None = None


class Resource(Strict):
    title: Text
    url: Url | None = None
    description: str = ""
    currency: str | None = None


class Area(Strict):
    id: Ident
    title: Text
    summary: str = ""
    challenge_questions: list[Text] = []
    inspection_areas: list[Ident] = Field(
        [], description="The Ofsted evaluation areas (common.yaml) this area's criteria inform"
    )


class Rule(Strict):
    """How a criterion's status follows from answers.

    Ordinary criteria give ``met`` (and optionally ``partly``); inadequate
    indicators give ``triggered`` instead. ``applies`` makes a criterion not
    applicable when it is false.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    met: Condition | None = None
    partly: Condition | None = None
    triggered: Condition | None = None
    applies: Condition | None = None

    @field_serializer("met", "partly", "triggered", "applies", when_used="json")
    def _as_data(self, condition: Condition | None) -> Any:
        """In JSON (the rubric cache), a condition is written as the rubric writes it."""
        return None if condition is None else condition.to_data()

    @field_validator("met", "partly", "triggered", "applies", mode="before")
    @classmethod
    def _from_data(cls, value: Any, info: ValidationInfo) -> Any:
        """Read back from JSON, given the questions as ``context={"questions": ...}``;
        loading.py parses rubric YAML itself, to place each problem in the file."""
        context = info.context or {}
        if value is None or isinstance(value, Condition) or "questions" not in context:
            return value
        problems: list[RuleProblem] = []
        parsed = parse_condition(value, (), context["questions"], problems)
        if parsed is None:
            raise ValueError("; ".join(message for _, message in problems))
        return parsed

    def conditions(self) -> list[Condition]:
        return [c for c in (self.applies, self.met, self.partly, self.triggered) if c is not None]

    def questions(self) -> list[str]:
        return list(self._questions)

    @functools.cached_property
    def _questions(self) -> tuple[str, ...]:
        """Worked out once per rule: scoring asks for it several times per criterion."""
        seen: dict[str, None] = {}
        for condition in self.conditions():
            for qid in condition.questions():
                seen[qid] = None
        return tuple(seen)


class Criterion(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: DottedIdent
    framework: str = ""
    area: Ident
    kind: Kind
    title: Text
    statement: Text
    source: Citation
    weight: Annotated[float, Field(gt=0, le=10)]
    rule: Rule
    action: Text
    resources: list[Ident] = []
    currency: str | None = None
    applies_to: AppliesTo = AppliesTo()
    related: list[DottedIdent] = Field(
        [],
        description="Criteria of other frameworks that the same evidence serves (a crosswalk); "
        "loading makes the links run both ways",
    )
    evidence: Text | None = Field(
        None,
        description="The evidence that shows this criterion is met (a signed register, "
        "minutes, a log); a claim without it is self-reported",
    )
    basis: Basis | None = Field(
        None,
        description="Where the rule's thresholds come from: the source document, or the "
        "tool's own reading of it (then give the rationale)",
    )
    rationale: str | None = Field(None, description="Why the tool's own thresholds are set so")
    traces: list[DottedIdent] = Field(
        [],
        description="The bullets of a source document (criteria/sources/*.yaml) this "
        "criterion answers; the traceability table is generated from them",
    )
    inspection_areas: list[Ident] = Field(
        [],
        description="The Ofsted evaluation areas it informs: its own, else its area's "
        "(the loader fills them in)",
    )


class JudgementLevel(Strict):
    level: Judgement
    label: Text
    min_score: Annotated[float, Field(ge=0, le=100)] = 0
    min_coverage: Annotated[float, Field(ge=0, le=100)] = 0
    max_red_areas: int | None = None


class RatingBand(Strict):
    rating: Rating
    label: Text
    min_score: Annotated[float, Field(ge=0, le=100)] = 0


class Wording(Strict):
    """Sentences the engine fills in; kept in the rubric so they can be reworded."""

    limiting: Text
    one_more: Text
    more: Text
    not_checked: Text = Field(
        description="{label}: an indicator of inadequate practice is not checked; "
        "{indicators}: their titles; {questions}: what to answer"
    )
    level: Text
    held_back: Text = Field(description="Why not the next level up: {next}, {causes}")
    cause_score: Text = Field(description="{score}, {min_score}")
    cause_coverage: Text = Field(description="{coverage}, {min_coverage}")
    cause_red: Text = Field(description="{count}, {areas}")
    red_areas: str = Field(
        "", description="Added when areas are red but are not what holds the level: {areas}"
    )
    not_judged: Text
    nothing_applies: Text


class SelfReported(Strict):
    """What a claim earns when its criterion names the evidence that shows it and the
    school recorded none: a criterion of at least ``min_weight`` that would be met
    scores as ``earns`` instead."""

    min_weight: Annotated[float, Field(gt=0)]
    earns: Literal["partly_met", "not_met"]


class Scoring(Strict):
    partly_credit: Annotated[float, Field(gt=0, lt=1)]
    judgement: list[JudgementLevel] | None = None
    min_coverage_to_judge: Annotated[float, Field(ge=0, le=100)] = 0
    not_checked_best: Judgement | None = Field(
        None,
        description="The best judgement while an indicator of inadequate practice is not "
        "checked; none (the default): not judged until it is answered",
    )
    basis: Basis = Field("tool", description="Where the judgement and rating thresholds come from")
    rationale: str = ""
    self_reported: SelfReported | None = None
    ratings: list[RatingBand]
    wording: Wording


class Framework(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: DottedIdent
    title: Text
    version: Text
    published: date
    order: int = Field(100, description="Frameworks are shown and scored in this order")
    summary: str = ""
    sources: list[SourceDocument]
    areas: list[Area]
    scoring: Scoring
    resources: dict[Ident, Resource] = {}
    criteria: list[Criterion]


class CriterionSelector(Strict):
    """Which criterion results a rule looks at; every given field must fit."""

    frameworks: list[DottedIdent] = []
    kinds: list[Kind] = []
    statuses: list[Status]
    min_weight: float = 0

    def fits(self, c: CriterionResult) -> bool:
        return (
            c.status in self.statuses
            and (not self.frameworks or c.framework in self.frameworks)
            and (not self.kinds or c.kind in self.kinds)
            and c.weight >= self.min_weight
        )


class SafeguardingRule(Strict):
    id: Ident
    select: CriterionSelector
    reason: Text = Field(description="Said for each criterion found; {title} is its title")


class SafeguardingLabels(Strict):
    met: Text
    met_with: Text = Field(description="Met, with lesser gaps: {count}, {improvements}")
    not_met: Text
    not_assessed: Text


class SafeguardingWording(Strict):
    met: Text
    met_with: Text = Field(description="{count} improvements, {improvements} in words")
    not_assessed: Text = Field(description="{missing}: the frameworks it needs but lacks")
    capped: Text = Field(
        description="The judgement sentence when safeguarding caps it: {label}, {uncapped}"
    )
    not_met_beside: Text = Field(
        description="Said when a judgement better than the cap stands beside not met: {label}"
    )


class Safeguarding(Strict):
    """How the rubric decides safeguarding (online) met or not met, as Ofsted now reports it."""

    title: Text
    summary: Text
    source: Text
    needs_frameworks: list[DottedIdent]
    caps_judgement_at: Judgement | None = Field(
        None, description="The best overall judgement while safeguarding is not met"
    )
    labels: SafeguardingLabels
    wording: SafeguardingWording
    not_met_when: Annotated[list[SafeguardingRule], Field(min_length=1)]
    improve_when: list[SafeguardingRule] = Field(
        [], description="Lesser gaps: safeguarding stays met, with these as improvements"
    )


class GapSelector(Strict):
    """Which gaps a priority level takes; every given field must fit."""

    indicator: list[Literal["found", "not_checked"]] = Field(
        [], description="Indicators of inadequate practice found or not checked"
    )
    moves: list[Verdict] = Field([], description="Gaps that move one of these verdicts")
    statuses: list[Status] = []
    min_weight: float = 0


class PriorityLevel(Strict):
    priority: Ident
    label: Text
    tone: Tone = Field(description="How the badge is coloured: bad (red), partial, neutral")
    meaning: Text = Field(description="What the level means, for the report's method section")
    print_action: bool = Field(
        True, description="Whether the printed action plan shows the action text (else on screen)"
    )
    when: GapSelector


class CommonWording(Strict):
    """Words every framework's reasons and gaps share."""

    met_needs: Text
    partly_needs: Text
    found_with: Text
    applies_to: Text
    answer: Text = Field(description="The action of an unanswered gap: {questions}")
    record_evidence: Text = Field(
        description="The action of a claim made without its evidence: {evidence}"
    )
    self_reported: Text = Field(description="The reason a claim is self-reported: {evidence}")


class InspectionArea(Strict):
    id: Ident
    title: Text


class Inspection(Strict):
    """The current-Ofsted lens: the evaluation areas a criterion can inform."""

    title: Text
    source: Text
    currency: Text = Field(description="What about the placing is not confirmed")
    method: Text = Field(description="The report's method: how the tags are used, and no grade")
    areas: Annotated[list[InspectionArea], Field(min_length=1)]


class Common(Strict):
    """What every framework shares: one order of importance for gaps, shared words, and
    the Ofsted evaluation areas criteria are tagged with."""

    priorities: Annotated[list[PriorityLevel], Field(min_length=1)]
    wording: CommonWording
    inspection: Inspection


def judgement_rank(judgement: Judgement | None) -> int:
    """Worst first; no judgement ranks with inadequate: neither is a clean verdict."""
    return 0 if judgement is None else JUDGEMENT_ORDER.index(judgement)


def level_label(frameworks: Sequence[Framework], level: Judgement | None) -> str | None:
    """How the frameworks' own judgement scales name a level (None if none has it)."""
    return next(
        (lv.label for f in frameworks for lv in f.scoring.judgement or [] if lv.level == level),
        None,
    )


# --------------------------------------------------------------------------- external frameworks

Covers = Literal["full", "partly"]
Coverage = Literal["covered", "partly", "not_covered"]
ExternalId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class ServedBy(Strict):
    """A criterion of ours that serves an external item, fully or in part (then say why
    only in part)."""

    criterion: DottedIdent
    covers: Covers = "full"
    argument: str | None = Field(
        None, description="With covers: partly, what the item asks that the criterion does not"
    )


class ExternalItem(Strict):
    id: ExternalId
    group: ExternalId = Field(description="The element, section or part it sits in")
    title: Text = Field(description="The item's title in our own words (no copied text)")
    reconstructed: bool = Field(
        False, description="True where the item's wording could not be checked at its source"
    )
    served_by: list[ServedBy] = []


class ExternalGroup(Strict):
    """An element, section or part of the external framework; ``questions`` are questions
    for governors in our own words, drawn from this part of the document."""

    id: ExternalId
    title: Text
    reconstructed: bool = False
    questions: list[Text] = []


class ExternalFramework(Strict):
    """Another review tool or question set that schools use, its items and which of our
    criteria serve each: the one source of truth for the cross-reference."""

    id: ExternalId
    title: Text
    publisher: Text
    edition: Text
    url: Url | None = None
    cite_as: Text = Field(description="How the report cites it in a few words")
    verified: Text = Field(description="What of the item list could be checked, and where")
    groups: list[ExternalGroup]
    items: list[ExternalItem]

    def group(self, group_id: str) -> ExternalGroup:
        return next(g for g in self.groups if g.id == group_id)

    def verdict(self, item: ExternalItem, criteria: set[str] | None = None) -> Coverage:
        """Covered when a criterion serves the item fully, partly when only in part, not
        covered when none does; ``criteria`` limits it to those criterion ids."""
        served = [s for s in item.served_by if criteria is None or s.criterion in criteria]
        if any(s.covers == "full" for s in served):
            return "covered"
        return "partly" if served else "not_covered"

    def counts(self, criteria: set[str] | None = None) -> dict[Coverage, int]:
        found: dict[Coverage, int] = {"covered": 0, "partly": 0, "not_covered": 0}
        for item in self.items:
            found[self.verdict(item, criteria)] += 1
        return found


class Rubric(BaseModel):
    """Everything a review is scored against: the frameworks and the question bank."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    bank: QuestionBank
    frameworks: list[Framework]
    common: Common
    safeguarding: Safeguarding | None = None
    external: list[ExternalFramework] = []

    def external_framework(self, external_id: str) -> ExternalFramework:
        for framework in self.external:
            if framework.id == external_id:
                return framework
        raise KeyError(external_id)

    def serves(self, criterion_id: str) -> list[tuple[ExternalFramework, ExternalItem, Covers]]:
        """The external items a criterion serves: the cross-reference read the other way."""
        return [
            (f, item, s.covers)
            for f in self.external
            for item in f.items
            for s in item.served_by
            if s.criterion == criterion_id
        ]

    def framework(self, framework_id: str) -> Framework:
        for framework in self.frameworks:
            if framework.id == framework_id:
                return framework
        raise KeyError(framework_id)

    def criteria(self) -> list[Criterion]:
        return [c for f in self.frameworks for c in f.criteria]

    def evidence_for(self, question_id: str) -> list[str]:
        """The evidence named by the criteria that read a question, each once: what a
        school should record beside its answer."""
        found = {
            " ".join(c.evidence.split()): None
            for c in self.criteria()
            if c.evidence and question_id in c.rule.questions()
        }
        return list(found)


# --------------------------------------------------------------------------- answers


class ActionPlan(Strict):
    owner: Text | None = None
    due: date | None = None


class Answer(Strict):
    """One answer; ``value`` is None when the question is not yet answered."""

    value: Any = None
    evidence: str | None = None
    notes: str | None = None
    action: ActionPlan | None = None


Urn = Annotated[
    str,
    StringConstraints(pattern=r"^\d{6,7}$"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{6,7}$"},
                {"type": "integer", "minimum": 100000, "maximum": 9999999},
            ],
            "description": "The school's unique reference number (6 or 7 digits)",
        }
    ),
]


class School(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    name: Text
    urn: Urn | None = None
    phase: Phase
    review_date: date
    completed_by: str | None = None
    key_stages: list[KeyStage] | None = None
    local_authority: str | None = None
    trust: str | None = None


class Answers(Strict):
    school: School
    question_bank_version: str | None = None
    frameworks: list[str] | None = None
    answers: dict[str, Answer] = {}


# --------------------------------------------------------------------------- results

SCHEMA_VERSION = "2.0"


class ResultModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class AnswerNote(ResultModel):
    """One answer a criterion read, as the school gave it."""

    question: str
    label: str
    answer: str | None
    evidence: str | None
    notes: str | None


class CriterionResult(ResultModel):
    id: str
    framework: str
    area: str
    kind: Kind
    title: str
    statement: str
    status: Status
    score: float | None
    weight: float
    reasons: list[str]
    questions: list[str]
    answers: list[AnswerNote]
    indicator: IndicatorState | None = None  # for indicators of inadequate practice only
    self_reported: bool = False  # claimed without the evidence the criterion names
    evidence_expected: str | None = None
    inspection_areas: list[str] = []  # the Ofsted evaluation areas it informs (common.yaml)


class AreaResult(ResultModel):
    id: str
    framework: str
    title: str
    score: float | None
    coverage: float
    rating: Rating | None
    rating_label: str | None
    counts: dict[Status, int]
    gate: bool = False  # indicators of inadequate practice: found or not, never a score


class LimitingIndicator(ResultModel):
    id: str
    framework: str
    title: str
    statement: str
    reasons: list[str]
    questions: list[str] = []  # for one not checked: the questions still to answer


class FrameworkResult(ResultModel):
    id: str
    title: str
    version: str
    score: float | None
    coverage: float
    judgement: Judgement | None
    judgement_label: str | None
    judgement_reason: str | None
    indicators_found: list[str] = []
    indicators_not_checked: list[str] = []
    self_reported: int = 0


class Gap(ResultModel):
    criterion: str
    framework: str
    area: str
    title: str
    status: Status
    weight: float
    priority: str
    priority_label: str
    priority_rank: int
    action: str
    owner: str | None
    due: date | None
    indicator: IndicatorState | None = None
    moves: list[Verdict] = []  # the verdicts closing this gap would change
    questions: list[str] = []  # for an unanswered gap: what to answer
    self_reported: bool = False
    inspection_areas: list[str] = []  # the Ofsted evaluation areas it informs (common.yaml)


class SchoolSummary(ResultModel):
    name: str
    urn: str | None
    phase: Phase
    key_stages: list[str]
    review_date: date
    completed_by: str | None


class SafeguardingFix(ResultModel):
    """One thing to change: a criterion that makes safeguarding not met, or could be better."""

    criterion: str
    framework: str
    title: str
    status: Status
    reason: str
    action: str


class SafeguardingResult(ResultModel):
    status: SafeguardingStatus
    label: str
    reasons: list[str]
    fixes: list[SafeguardingFix] = []  # what must change for it to be met
    improvements: list[SafeguardingFix] = []  # lesser gaps: met, with these to improve


class Revisit(ResultModel):
    """Answers to look at again: the bank changed since the file was written."""

    written_against: str
    current: str
    known: bool  # False when the file names a version the bank's history does not hold
    added: list[str]  # new questions that apply to the school, not yet answered
    changed: list[str]  # questions the school answered whose meaning has changed
    removed: list[str]  # answers to questions no longer asked (ignored)


class VersionRef(ResultModel):
    id: str
    version: str


class Result(ResultModel):
    schema_version: str = SCHEMA_VERSION
    school: SchoolSummary
    question_bank: VersionRef
    frameworks: list[FrameworkResult]
    judgement: Judgement | None
    judgement_label: str | None
    judgement_reason: str | None
    judgement_capped: bool = False  # safeguarding not met holds it below what scores give
    safeguarding: SafeguardingResult | None = None
    score: float | None
    coverage: float
    areas: list[AreaResult]
    limiting: list[str]
    limiting_detail: list[LimitingIndicator]
    not_checked: list[str] = []  # indicators of inadequate practice whose answers are missing
    not_checked_detail: list[LimitingIndicator] = []
    self_reported: list[str] = []  # criteria claimed without the evidence they name
    criteria: list[CriterionResult]
    gaps: list[Gap]
    unanswered: list[str]
    revisit: Revisit | None = None

    def to_json(self) -> str:
        """The stable, documented result JSON (see ``schema_version``)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
