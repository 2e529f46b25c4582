"""The scoring engine: a rubric and a school's answers in, a :class:`Result` out.

``evaluate`` is pure and deterministic. It reads no files, prints nothing and
imports no YAML, template or CLI code (a test keeps it that way). Every
threshold and sentence it uses comes from the rubric.

Four principles (DESIGN.md, "Scoring semantics") shape it:

* Silence is never compliance: an indicator of inadequate practice that was not
  answered is *not checked*, which blocks a judgement and safeguarding alike, and
  every unanswered criterion is a gap ("answer this").
* How do you know? A criterion may name the evidence that shows it; a claim without
  any recorded evidence is *self-reported* and earns what its framework declares.
* One order of importance: every gap gets its priority from one scale, declared
  once (``Rubric.common``), and says which verdicts closing it would move.
* Every verdict says why: reasons name the answers and the bar each was held to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .models import (
    JUDGEMENT_ORDER,
    STATUSES,
    AnswerNote,
    Answers,
    AreaResult,
    Common,
    Criterion,
    CriterionResult,
    Framework,
    FrameworkResult,
    Gap,
    IndicatorState,
    Judgement,
    JudgementLevel,
    Kind,
    LimitingIndicator,
    PriorityLevel,
    Rating,
    Result,
    Revisit,
    Rubric,
    Safeguarding,
    SafeguardingFix,
    SafeguardingResult,
    SafeguardingRule,
    SafeguardingStatus,
    SchoolSummary,
    Status,
    Verdict,
    VersionRef,
    indicator_state,
    judgement_rank,
    level_label,
)
from .rules import Context, show_answer


def school_key_stages(rubric: Rubric, answers: Answers) -> list[str]:
    """The key stages a school teaches: its own list if given, else its phase's."""
    if answers.school.key_stages:
        return list(answers.school.key_stages)
    return list(rubric.bank.phases.get(answers.school.phase, []))


def evaluate(rubric: Rubric, answers: Answers, frameworks: Sequence[str] | None = None) -> Result:
    """Score a school's answers against the selected frameworks (default: all, or the file's)."""
    review = _Review.of(rubric, answers, frameworks, explain=True)
    scope, selected, judged = review.scope, review.selected, review.judged
    criteria = [s.as_result(scope) for j in judged for s in j.scored]
    safeguarding = _safeguarding(rubric, review.selected_ids, review.found, scope)
    judgement, judgement_label, judgement_reason = review.judgement
    gaps = [
        _gap(j.framework, s, scope, moves, rank, level) for j, s, moves, rank, level in review.gaps
    ]
    if safeguarding is not None and safeguarding.fixes:  # in the one order of importance
        place = {g.criterion: n for n, g in enumerate(gaps)}
        ordered = sorted(safeguarding.fixes, key=lambda f: place.get(f.criterion, len(place)))
        safeguarding = safeguarding.model_copy(update={"fixes": ordered})
    found = [s for j in judged for s in j.scored if s.indicator == "found"]
    not_checked = [s for j in judged for s in j.scored if s.indicator == "not_checked"]
    values = scope.ctx.answers
    return Result(
        school=SchoolSummary(
            name=answers.school.name,
            urn=answers.school.urn,
            phase=answers.school.phase,
            key_stages=review.key_stages,
            review_date=answers.school.review_date,
            completed_by=answers.school.completed_by,
        ),
        question_bank=VersionRef(id=rubric.bank.id, version=rubric.bank.version),
        frameworks=[j.result for j in judged],
        judgement=judgement,
        judgement_label=judgement_label,
        judgement_reason=judgement_reason,
        judgement_capped=review.capped,
        safeguarding=safeguarding,
        score=review.score,
        coverage=review.coverage,
        areas=[a for j in judged for a in j.areas],
        limiting=[s.criterion.id for s in found],
        limiting_detail=[s.indicator_detail(scope) for s in found],
        not_checked=[s.criterion.id for s in not_checked],
        not_checked_detail=[s.indicator_detail(scope) for s in not_checked],
        self_reported=[c.id for c in criteria if c.self_reported],
        criteria=criteria,
        gaps=gaps,
        unanswered=_unanswered(selected, scope, values),
        revisit=answers_to_revisit(rubric, answers, frameworks),
    )


@dataclass(frozen=True)
class Outline:
    """What a roll-up keeps of a school's result, and nothing else: its verdicts,
    scores and coverage, each framework's and area's, the indicators found (with their
    reasons) and every gap's criterion, status and priority rank, in the one order.

    :func:`outline` works it out without building the full result; :func:`outline_of`
    takes it from a full :class:`Result`. Both come from the same code (a test holds
    them equal on every valid answers file).
    """

    name: str
    urn: str | None
    phase: str
    review_date: date
    score: float | None
    coverage: float
    judgement: Judgement | None
    safeguarding: SafeguardingStatus | None
    not_checked: int  # indicators of inadequate practice not checked
    self_reported: int  # claims without the evidence their criteria name
    frameworks: tuple[tuple[str, float | None, Judgement | None], ...]  # id, score, judgement
    areas: tuple[tuple[str, str, float | None, Rating | None], ...]  # framework, id, score, rating
    limiting: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # id, framework, title, reasons
    gaps: tuple[tuple[str, Status, int], ...]  # criterion, status, priority rank


def outline(rubric: Rubric, answers: Answers, frameworks: Sequence[str] | None = None) -> Outline:
    """The :class:`Outline` of ``evaluate(rubric, answers, frameworks)``, worked out by the
    same rules and the same judging code, but with no reason sentences (but for the
    indicators found), no per-criterion results and no gap objects: a roll-up's path."""
    review = _Review.of(rubric, answers, frameworks, explain=False)
    school = answers.school
    found = [(j, s) for j in review.judged for s in j.scored if s.indicator == "found"]
    # The indicators found are judged again, by the same code, for their reasons.
    explaining = replace(review.scope, explain=True) if found else review.scope
    return Outline(
        name=school.name,
        urn=school.urn,
        phase=school.phase,
        review_date=school.review_date,
        score=review.score,
        coverage=review.coverage,
        judgement=review.judgement[0],
        safeguarding=review.safeguarding_status,
        not_checked=sum(s.indicator == "not_checked" for j in review.judged for s in j.scored),
        self_reported=sum(s.self_reported for j in review.judged for s in j.scored),
        frameworks=tuple((j.result.id, j.result.score, j.result.judgement) for j in review.judged),
        areas=tuple((a.framework, a.id, a.score, a.rating) for j in review.judged for a in j.areas),
        limiting=tuple(
            (
                s.criterion.id,
                s.criterion.framework,
                s.criterion.title,
                tuple(explaining.judge(s.criterion, j.framework).reasons),
            )
            for j, s in found
        ),
        gaps=tuple((s.criterion.id, s.status, rank) for _, s, _, rank, _ in review.gaps),
    )


def outline_of(result: Result) -> Outline:
    """The :class:`Outline` of a full result."""
    school = result.school
    return Outline(
        name=school.name,
        urn=school.urn,
        phase=school.phase,
        review_date=school.review_date,
        score=result.score,
        coverage=result.coverage,
        judgement=result.judgement,
        safeguarding=result.safeguarding.status if result.safeguarding else None,
        not_checked=len(result.not_checked),
        self_reported=len(result.self_reported),
        frameworks=tuple((f.id, f.score, f.judgement) for f in result.frameworks),
        areas=tuple((a.framework, a.id, a.score, a.rating) for a in result.areas),
        limiting=tuple(
            (d.id, d.framework, d.title, tuple(d.reasons)) for d in result.limiting_detail
        ),
        gaps=tuple((g.criterion, g.status, g.priority_rank) for g in result.gaps),
    )


_RankedGap = tuple["_Judged", "_Scored", list[Verdict], int, PriorityLevel]


@dataclass(frozen=True)
class _Review:
    """Every verdict of a review that both :func:`evaluate` and :func:`outline` give:
    each criterion's status and credit, each framework's and area's score, coverage and
    judgement, safeguarding, the overall judgement and score, and the gaps ranked in the
    one order of importance. ``explain`` says whether reasons are worded."""

    scope: _Scope
    selected: list[Framework]
    key_stages: list[str]
    judged: list[_Judged]
    found: _SafeguardingFound | None  # None: no safeguarding rules, or not assessed
    safeguarding_status: SafeguardingStatus | None
    judgement: tuple[Judgement | None, str | None, str | None]
    capped: bool
    score: float | None
    coverage: float
    gaps: list[_RankedGap]

    @property
    def selected_ids(self) -> list[str]:
        return [f.id for f in self.selected]

    @classmethod
    def of(
        cls, rubric: Rubric, answers: Answers, frameworks: Sequence[str] | None, explain: bool
    ) -> _Review:
        wanted = set(frameworks or answers.frameworks or [f.id for f in rubric.frameworks])
        selected = [f for f in rubric.frameworks if f.id in wanted]  # once each, rubric order
        key_stages = school_key_stages(rubric, answers)
        values = {qid: a.value for qid, a in answers.answers.items() if a.value is not None}
        ctx = Context(values, rubric.bank.questions(), answers.school.review_date)
        evidenced = frozenset(
            qid for qid, a in answers.answers.items() if a.evidence and a.evidence.strip()
        )
        scope = _Scope(answers, frozenset(key_stages), ctx, rubric.common, evidenced, explain)

        judged = [_Judged.of(framework, scope) for framework in selected]
        scored = [s for j in judged for s in j.scored]
        ids = [f.id for f in selected]
        found = _safeguarding_found(rubric.safeguarding, ids, scored)
        status = _safeguarding_status(rubric.safeguarding, found)
        judgement = _overall([j.result for j in judged if j.framework.scoring.judgement])
        capped = _capped(rubric.safeguarding, status, judged, judgement[0])
        if capped is not None:
            judgement = capped
        fixes = set(found.fixes) if found else set()
        order = {fid: n for n, fid in enumerate(ids)}
        gaps: list[_RankedGap] = []
        for j in judged:
            for s in j.scored:
                if s.is_gap:
                    moves = j.moves(s, fixes)
                    rank, level = _level_of(
                        s.indicator, moves, s.status, s.criterion.weight, rubric.common
                    )
                    gaps.append((j, s, moves, rank, level))
        gaps.sort(  # the one order of importance: priority, status, weight, framework, id
            key=lambda g: (
                g[3],
                _STATUS_ORDER[g[1].status],
                -g[1].criterion.weight,
                order[g[0].framework.id],
                g[1].criterion.id,
            )
        )
        return cls(
            scope=scope,
            selected=selected,
            key_stages=key_stages,
            judged=judged,
            found=found,
            safeguarding_status=status,
            judgement=judgement,
            capped=capped is not None,
            score=_weighted([(s.criterion.weight, _percent(s.credit)) for s in scored]),
            coverage=_coverage([s.status for s in scored]),
            gaps=gaps,
        )


# --------------------------------------------------------------------------- one criterion


@dataclass(frozen=True)
class _Scored:
    criterion: Criterion
    status: Status
    credit: float | None  # 0..1; None when not applicable, and for indicators (gates)
    reasons: list[str]
    self_reported: bool
    indicator: IndicatorState | None  # for an indicator of inadequate practice: its state

    @property
    def is_gap(self) -> bool:
        return self.status in ("not_met", "partly_met", "unanswered")

    # What a safeguarding rule's selector reads (models.Selectable).
    @property
    def framework(self) -> str:
        return self.criterion.framework

    @property
    def kind(self) -> Kind:
        return self.criterion.kind

    @property
    def weight(self) -> float:
        return self.criterion.weight

    def as_result(self, scope: _Scope) -> CriterionResult:
        c = self.criterion
        return CriterionResult(
            id=c.id,
            framework=c.framework,
            area=c.area,
            kind=c.kind,
            title=c.title,
            statement=c.statement,
            status=self.status,
            score=_percent(self.credit),
            weight=c.weight,
            reasons=self.reasons,
            questions=c.rule.questions(),
            answers=[scope.note(qid) for qid in c.rule.questions()],
            indicator=self.indicator,
            self_reported=self.self_reported,
            evidence_expected=c.evidence,
            inspection_areas=list(c.inspection_areas),
        )

    def indicator_detail(self, scope: _Scope) -> LimitingIndicator:
        c = self.criterion
        return LimitingIndicator(
            id=c.id,
            framework=c.framework,
            title=c.title,
            statement=c.statement,
            reasons=self.reasons,
            questions=scope.missing(c) if self.indicator == "not_checked" else [],
        )


@dataclass(frozen=True)
class _Scope:
    """What judging one criterion needs to know about the school."""

    answers: Answers
    key_stages: frozenset[str]
    ctx: Context
    common: Common
    with_evidence: frozenset[str]  # the questions the school recorded evidence for
    explain: bool = True  # whether reasons are worded (statuses are the same either way)

    def judge(self, criterion: Criterion, framework: Framework) -> _Scored:
        status, reasons = self._status(criterion)
        scoring = framework.scoring
        self_reported = (
            criterion.evidence is not None
            and status in ("met", "partly_met")
            and not self.evidenced(criterion)
        )
        if self_reported and self.explain:
            reasons = [
                *reasons,
                self.common.wording.self_reported.format(evidence=criterion.evidence),
            ]
        if self_reported:
            rule = scoring.self_reported
            if rule is not None and status == "met" and criterion.weight >= rule.min_weight:
                status = rule.earns
        if criterion.kind == "inadequate_indicator":
            credit = None  # a gate, not a score
        else:
            credit = scoring.partly_credit if status == "partly_met" else _CREDIT[status]
        indicator = indicator_state(criterion.kind, status)
        return _Scored(criterion, status, credit, reasons, self_reported, indicator)

    def evidenced(self, criterion: Criterion) -> bool:
        """Whether the school recorded evidence for any answer the criterion reads."""
        return not self.with_evidence.isdisjoint(criterion.rule.questions())

    def missing(self, criterion: Criterion) -> list[str]:
        """The questions a criterion reads that are not answered."""
        return [q for q in criterion.rule.questions() if q not in self.ctx.answers]

    def note(self, qid: str) -> AnswerNote:
        question = self.ctx.questions[qid]
        given = self.answers.answers.get(qid)
        value = self.ctx.answers.get(qid)
        return AnswerNote(
            question=qid,
            label=question.label,
            answer=None if value is None else show_answer(question, value, self.ctx.review_date),
            evidence=given.evidence if given else None,
            notes=given.notes if given else None,
        )

    def applies(self, criterion: Criterion) -> bool:
        return criterion.applies_to.matches(self.answers.school.phase, self.key_stages)

    def _status(self, criterion: Criterion) -> tuple[Status, list[str]]:
        """A criterion's status and, when the scope explains, the reasons that decided it:
        the same evaluation either way (``lead=None`` words no reasons)."""
        rule, words, explain = criterion.rule, self.common.wording, self.explain
        if not self.applies(criterion):
            return "not_applicable", [self._why_not_applicable(criterion)] if explain else []
        if rule.applies is not None:
            applies = rule.applies.evaluate(self.ctx, words.applies_to if explain else None)
            if applies.value is False:
                why = ["Does not apply here: " + " ".join(applies.reasons)] if explain else []
                return "not_applicable", why
        if rule.triggered is not None:
            found = rule.triggered.evaluate(self.ctx, words.found_with if explain else None)
            status: Status = {True: "not_met", False: "met", None: "unanswered"}[found.value]  # type: ignore[assignment]
            return status, list(found.reasons)
        assert rule.met is not None  # loading guarantees one of met / triggered
        met = rule.met.evaluate(self.ctx, words.met_needs if explain else None)
        if met.value is True:
            return "met", list(met.reasons)
        partly = (
            rule.partly.evaluate(self.ctx, words.partly_needs if explain else None)
            if rule.partly
            else None
        )
        reasons = [*met.reasons, *(partly.reasons if partly else ())]
        if partly is not None and partly.value is True:
            return "partly_met", reasons
        # Unanswered only when the school answered none of what met and partly read (the
        # `applies` question only says the criterion applies: answering it answers
        # nothing else); with some answers but not enough to show the criterion met, it
        # is not met. So an improved answer never turns not met into unanswered.
        scored = [*rule.met.questions(), *(rule.partly.questions() if rule.partly else ())]
        if met.value is None and not any(q in self.ctx.answers for q in scored):
            return "unanswered", reasons
        return "not_met", reasons

    def _why_not_applicable(self, criterion: Criterion) -> str:
        stages = ", ".join(ks.upper() for ks in sorted(self.key_stages)) or "none"
        wanted = criterion.applies_to
        if wanted.key_stages and not self.key_stages.intersection(wanted.key_stages):
            needed = ", ".join(ks.upper() for ks in wanted.key_stages)
            return f"Not applicable: this applies to {needed}; the school teaches {stages}."
        return f"Not applicable: this does not apply to {self.answers.school.phase} schools."


# Credit for each status; partly met takes the framework's scoring.partly_credit.
_CREDIT: dict[Status, float | None] = {
    "met": 1.0,
    "not_met": 0.0,
    "unanswered": 0.0,
    "not_applicable": None,
}


def _percent(credit: float | None) -> float | None:
    """A criterion's score: its credit as a percentage, to one decimal place."""
    return None if credit is None else round(credit * 100, 1)


def _weighted(pairs: Sequence[tuple[float, float | None]]) -> float | None:
    scored = [(w, s) for w, s in pairs if s is not None]
    total = sum(w for w, _ in scored)
    if not total:
        return None
    return round(sum(w * s for w, s in scored) / total, 1)


def _coverage(statuses: Sequence[Status]) -> float:
    applicable = [s for s in statuses if s != "not_applicable"]
    if not applicable:
        return 100.0
    return round(100 * sum(s != "unanswered" for s in applicable) / len(applicable), 1)


# --------------------------------------------------------------------------- one framework


@dataclass(frozen=True)
class _Judged:
    """One framework's criteria scored, its areas, and its judgement."""

    framework: Framework
    scored: list[_Scored]
    areas: list[AreaResult]
    result: FrameworkResult

    @classmethod
    def of(cls, framework: Framework, scope: _Scope) -> _Judged:
        scored = [scope.judge(c, framework) for c in framework.criteria]
        by_area: dict[str, list[_Scored]] = {area.id: [] for area in framework.areas}
        for s in scored:
            by_area.setdefault(s.criterion.area, []).append(s)
        areas = [_area(framework, a.id, a.title, by_area[a.id]) for a in framework.areas]
        score = _credit_score(scored)
        coverage = _coverage([s.status for s in scored])
        judgement, label, reason = _judge(framework, scored, score, coverage, areas, scope)
        result = FrameworkResult(
            id=framework.id,
            title=framework.title,
            version=framework.version,
            score=score,
            coverage=coverage,
            judgement=judgement,
            judgement_label=label,
            judgement_reason=reason,
            indicators_found=[s.criterion.id for s in scored if s.indicator == "found"],
            indicators_not_checked=[s.criterion.id for s in scored if s.indicator == "not_checked"],
            self_reported=sum(s.self_reported for s in scored),
        )
        return cls(framework, scored, areas, result)

    def moves(self, s: _Scored, fixes: set[str]) -> list[Verdict]:
        """The verdicts closing a gap (a criterion not met, partly met or unanswered, or
        an indicator found or not checked) would move."""
        moves: list[Verdict] = []
        if s.criterion.id in fixes:
            moves.append("safeguarding")
        if self.framework.scoring.judgement and (
            s.indicator is not None or self._judgement_if_met(s) != self.result.judgement
        ):
            moves.append("judgement")
        if s.credit is not None:
            moves.append("score")
        return moves

    def _judgement_if_met(self, s: _Scored) -> Judgement | None:
        """The framework's judgement were this one criterion met, the rest as they are:
        worked out from running sums, so each gap costs the same however many there are."""
        best = self.framework.scoring.not_checked_best
        not_checked = bool(self.result.indicators_not_checked)
        if self.result.indicators_found or (not_checked and best is None):
            return self.result.judgement  # a gate holds it, whatever this gap does
        assert s.credit is not None  # an indicator is a gate: handled above
        whole, part = self._sums[""], self._sums[s.criterion.area]
        gain = s.criterion.weight * (1 - s.credit) * 100
        answered = int(s.status == "unanswered")
        score = round((whole.earned + gain) / whole.weight, 1)
        coverage = round(100 * (whole.answered + answered) / whole.applicable, 1)
        if coverage < self.framework.scoring.min_coverage_to_judge:
            return None
        area_score = round((part.earned + gain) / part.weight, 1)
        band = next(b for b in self.framework.scoring.ratings if area_score >= b.min_score)
        reds = [
            a.title
            for a in self.areas
            if (band.rating if a.id == s.criterion.area else a.rating) == "red"
        ]
        level = _level_reached(self.framework, score, coverage, reds).level
        if not_checked and best is not None and judgement_rank(level) > judgement_rank(best):
            return best
        return level

    @functools.cached_property
    def _sums(self) -> dict[str, _Sums]:
        """The framework's running sums (key ""), and each area's."""
        sums = {"": _Sums.of(self.scored)}
        for area in self.framework.areas:
            sums[area.id] = _Sums.of([s for s in self.scored if s.criterion.area == area.id])
        return sums


@dataclass(frozen=True)
class _Sums:
    """What a weighted score and a coverage are made of."""

    weight: float  # of the criteria that are scored
    earned: float  # weight x credit x 100, added up
    applicable: int
    answered: int

    @classmethod
    def of(cls, scored: Sequence[_Scored]) -> _Sums:
        counted = [s for s in scored if s.credit is not None]
        applicable = [s for s in scored if s.status != "not_applicable"]
        return cls(
            weight=sum(s.criterion.weight for s in counted),
            earned=sum(s.criterion.weight * (s.credit or 0) * 100 for s in counted),
            applicable=len(applicable),
            answered=sum(s.status != "unanswered" for s in applicable),
        )


def _credit_score(scored: Sequence[_Scored]) -> float | None:
    return _weighted(
        [(s.criterion.weight, None if s.credit is None else s.credit * 100) for s in scored]
    )


def _area(framework: Framework, area_id: str, title: str, mine: Sequence[_Scored]) -> AreaResult:
    """An area's result from its own criteria, judged."""
    gate = bool(mine) and all(s.criterion.kind == "inadequate_indicator" for s in mine)
    score = _credit_score(mine)
    band = None
    if score is not None:
        band = next(b for b in framework.scoring.ratings if score >= b.min_score)
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for s in mine:
        counts[s.status] += 1
    return AreaResult(
        id=area_id,
        framework=framework.id,
        title=title,
        score=score,
        coverage=_coverage([s.status for s in mine]),
        rating=band.rating if band else None,
        rating_label=band.label if band else None,
        counts=counts,
        gate=gate,
    )


def _judge(
    framework: Framework,
    scored: Sequence[_Scored],
    score: float | None,
    coverage: float,
    areas: Sequence[AreaResult],
    scope: _Scope,
) -> tuple[Judgement | None, str | None, str | None]:
    """A framework's judgement, its label and, when the scope explains, the reason."""
    if not framework.scoring.judgement:
        return None, None, None
    level, why = _verdict(framework, scored, score, coverage, areas, scope)
    reason = why() if scope.explain else None  # worded only when asked for
    return (None, None, reason) if level is None else (level.level, level.label, reason)


def _verdict(
    framework: Framework,
    scored: Sequence[_Scored],
    score: float | None,
    coverage: float,
    areas: Sequence[AreaResult],
    scope: _Scope,
) -> tuple[JudgementLevel | None, Callable[[], str]]:
    """The level a framework judges (None: not judged) and how to word why."""
    levels = framework.scoring.judgement or []
    wording = framework.scoring.wording
    found = [s for s in scored if s.indicator == "found"]
    if found:
        worst = levels[-1]

        def limiting() -> str:
            more = len(found) - 1
            others = "" if more == 0 else (wording.one_more if more == 1 else wording.more)
            return wording.limiting.format(
                label=worst.label,
                indicator=found[0].criterion.title,
                # the rubric's text is stripped when it loads: the clause takes its own space
                others=f" {others.format(more=more)}" if others else "",
            )

        return worst, limiting
    if score is None:  # no criterion of this framework applies to the school
        return None, lambda: wording.nothing_applies
    not_checked = [s for s in scored if s.indicator == "not_checked"]
    best = framework.scoring.not_checked_best
    if not_checked and best is None:
        return None, lambda: _not_checked_text(framework, not_checked, "", scope)
    needed = framework.scoring.min_coverage_to_judge
    if coverage < needed:
        return None, lambda: wording.not_judged.format(coverage=_num(coverage), needed=_num(needed))
    reds = [a.title for a in areas if a.rating == "red"]
    level = _level_reached(framework, score, coverage, reds)
    if not_checked and best is not None:  # the reason names the indicator, capped or not
        if judgement_rank(level.level) > judgement_rank(best):
            level = next(lv for lv in levels if lv.level == best)
        return level, lambda: _not_checked_text(framework, not_checked, level.label, scope)
    return level, lambda: _level_text(framework, level, score, coverage, reds)


def _not_checked_text(
    framework: Framework, not_checked: Sequence[_Scored], label: str, scope: _Scope
) -> str:
    questions = scope.ctx.questions
    missing = dict.fromkeys(q for s in not_checked for q in scope.missing(s.criterion))
    return framework.scoring.wording.not_checked.format(
        label=label,
        indicators=_and([s.criterion.title for s in not_checked]),
        questions=_and([questions[q].label for q in missing]),
    )


def _level_reached(
    framework: Framework, score: float, coverage: float, reds: Sequence[str]
) -> JudgementLevel:
    """The first level whose every threshold the school meets (``reds``: the red areas'
    titles)."""
    for level in framework.scoring.judgement or []:
        if _reaches(level, score, coverage, reds):
            return level
    raise AssertionError("the last judgement level has no thresholds")  # pragma: no cover


def _level_text(
    framework: Framework, level: JudgementLevel, score: float, coverage: float, reds: list[str]
) -> str:
    """The sentence saying a school reached ``level``, naming what held it back from the
    level above."""
    levels = framework.scoring.judgement or []
    wording = framework.scoring.wording
    n = next(n for n, lv in enumerate(levels) if lv is level)
    held_back, reds_named = "", False
    if n > 0:
        above = levels[n - 1]
        causes = _causes(framework, above, score, coverage, reds)
        held_back = wording.held_back.format(next=above.label, causes=_and(causes))
        reds_named = above.max_red_areas is not None and len(reds) > above.max_red_areas
    if reds and wording.red_areas and not reds_named:  # name them all the same
        held_back += wording.red_areas.format(areas="; ".join(reds))
    return wording.level.format(
        label=level.label,
        score=_num(score),
        coverage=_num(coverage),
        red_areas=len(reds),
        held_back=held_back,
    )


def _reaches(level: JudgementLevel, score: float, coverage: float, reds: Sequence[str]) -> bool:
    return (
        score >= level.min_score
        and coverage >= level.min_coverage
        and (level.max_red_areas is None or len(reds) <= level.max_red_areas)
    )


def _causes(
    framework: Framework, level: JudgementLevel, score: float, coverage: float, reds: list[str]
) -> list[str]:
    """What stops a school reaching ``level``, in words."""
    wording = framework.scoring.wording
    causes = []
    if score < level.min_score:
        causes.append(
            wording.cause_score.format(score=_num(score), min_score=_num(level.min_score))
        )
    if coverage < level.min_coverage:
        causes.append(
            wording.cause_coverage.format(
                coverage=_num(coverage), min_coverage=_num(level.min_coverage)
            )
        )
    if level.max_red_areas is not None and len(reds) > level.max_red_areas:
        causes.append(wording.cause_red.format(count=len(reds), areas="; ".join(reds)))
    return causes


def _num(value: float) -> str:
    return f"{value:g}"


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --------------------------------------------------------------------------- the whole review


def _overall(
    judging: Sequence[FrameworkResult],
) -> tuple[Judgement | None, str | None, str | None]:
    """The lowest of the frameworks' judgements, or none while any cannot be judged.

    A framework with too few answers, or an indicator not checked, is not judged,
    unless an indicator found already makes another framework inadequate.
    """
    judged = [f for f in judging if f.judgement is not None]
    unjudged = [f for f in judging if f.judgement is None]
    if not judged or (unjudged and all(f.judgement != "inadequate" for f in judged)):
        return None, None, _named(unjudged[0], judging) if unjudged else None
    worst = min(judged, key=lambda f: JUDGEMENT_ORDER.index(f.judgement or "inadequate"))
    return worst.judgement, worst.judgement_label, _named(worst, judging)


def _named(framework: FrameworkResult, judging: Sequence[FrameworkResult]) -> str | None:
    """A framework's reason, prefixed with its title when several frameworks judge."""
    if len(judging) == 1 or framework.judgement_reason is None:
        return framework.judgement_reason
    return f"{framework.title}: {framework.judgement_reason}"


def _capped(
    rules: Safeguarding | None,
    safeguarding: SafeguardingStatus | None,
    judged: Sequence[_Judged],
    judgement: Judgement | None,
) -> tuple[Judgement | None, str | None, str | None] | None:
    """The overall judgement held at the rubric's cap while safeguarding is not met."""
    if (
        rules is None
        or safeguarding != "not_met"
        or rules.caps_judgement_at is None
        or judgement is None
        or judgement_rank(judgement) <= judgement_rank(rules.caps_judgement_at)
    ):
        return None
    cap = rules.caps_judgement_at
    frameworks = [j.framework for j in judged]
    label = level_label(frameworks, cap) or cap  # loading requires every level's label
    uncapped = level_label(frameworks, judgement) or judgement
    text = rules.wording.capped.format(label=label, uncapped=uncapped)
    return cap, label, text


@dataclass(frozen=True)
class _SafeguardingFound:
    """The criteria that make safeguarding not met (fixes) and the lesser gaps the rules
    name (improvements), each with the rule that took it, in the rules' order."""

    fixes: dict[str, tuple[_Scored, SafeguardingRule]]
    improvements: dict[str, tuple[_Scored, SafeguardingRule]]


def _safeguarding_found(
    rules: Safeguarding | None, selected: Sequence[str], scored: Sequence[_Scored]
) -> _SafeguardingFound | None:
    """The rubric's safeguarding rules over the criteria judged; None when there are no
    rules, or a framework they need was not part of this review (not assessed)."""
    if rules is None or any(fid not in selected for fid in rules.needs_frameworks):
        return None
    fixes: dict[str, tuple[_Scored, SafeguardingRule]] = {}
    improvements: dict[str, tuple[_Scored, SafeguardingRule]] = {}
    for found, rule_list in ((fixes, rules.not_met_when), (improvements, rules.improve_when)):
        for rule in rule_list:
            statuses = rule.select.statuses  # the cheap test first
            for s in scored:
                cid = s.criterion.id
                if (
                    s.status in statuses
                    and rule.select.fits(s)
                    and cid not in fixes
                    and cid not in found
                ):
                    found[cid] = (s, rule)
    return _SafeguardingFound(fixes, improvements)


def _safeguarding_status(
    rules: Safeguarding | None, found: _SafeguardingFound | None
) -> SafeguardingStatus | None:
    if rules is None:
        return None
    if found is None:
        return "not_assessed"
    return "not_met" if found.fixes else "met"


def _safeguarding(
    rubric: Rubric,
    selected: Sequence[str],
    found: _SafeguardingFound | None,
    scope: _Scope,
) -> SafeguardingResult | None:
    """Safeguarding (online) met or not met, by the rubric's rules over the criteria found.

    Not assessed when a framework the rules need was not part of this review. Each
    criterion that makes it not met is a fix, with what to do; lesser gaps the rules
    name are improvements, and it stays met.
    """
    rules = rubric.safeguarding
    if rules is None:
        return None
    if found is None:
        missing = [fid for fid in rules.needs_frameworks if fid not in selected]
        return SafeguardingResult(
            status="not_assessed",
            label=rules.labels.not_assessed,
            reasons=[rules.wording.not_assessed.format(missing=", ".join(missing))],
        )

    def fix(s: _Scored, rule: SafeguardingRule) -> SafeguardingFix:
        c = s.criterion
        return SafeguardingFix(
            criterion=c.id,
            framework=c.framework,
            title=c.title,
            status=s.status,
            reason=rule.reason.format(title=c.title),
            action=_action(c, s.status, s.self_reported, scope),
        )

    fixes = {cid: fix(*taken) for cid, taken in found.fixes.items()}
    improvements = {cid: fix(*taken) for cid, taken in found.improvements.items()}
    if fixes:
        return SafeguardingResult(
            status="not_met",
            label=rules.labels.not_met,
            reasons=[f.reason for f in fixes.values()],
            fixes=list(fixes.values()),
            improvements=list(improvements.values()),
        )
    if improvements:
        count = len(improvements)
        words = {"count": count, "improvements": "improvement" if count == 1 else "improvements"}
        return SafeguardingResult(
            status="met",
            label=rules.labels.met_with.format(**words),
            reasons=[rules.wording.met_with.format(**words)],
            improvements=list(improvements.values()),
        )
    return SafeguardingResult(status="met", label=rules.labels.met, reasons=[rules.wording.met])


# --------------------------------------------------------------------------- gaps


def _action(c: Criterion, status: Status, self_reported: bool, scope: _Scope) -> str:
    """What to do: answer what is unanswered first; record the evidence of a claim made
    without it; otherwise the criterion's own action."""
    words = scope.common.wording
    missing = scope.missing(c)
    if status == "unanswered":
        return words.answer.format(questions=_and(_labels(missing, scope)))
    if self_reported and c.evidence:
        return words.record_evidence.format(evidence=c.evidence)
    if missing:  # answered in part: the rest may show it is met
        return f"{words.answer.format(questions=_and(_labels(missing, scope)))} {c.action}"
    return c.action


def _labels(questions: Sequence[str], scope: _Scope) -> list[str]:
    return [scope.ctx.questions[q].label for q in questions]


def _gap(
    framework: Framework,
    s: _Scored,
    scope: _Scope,
    moves: list[Verdict],
    rank: int,
    level: PriorityLevel,
) -> Gap:
    c = s.criterion
    owner, due = None, None
    for qid in c.rule.questions():
        plan = scope.answers.answers.get(qid)
        if plan is not None and plan.action is not None:
            owner, due = plan.action.owner, plan.action.due
            break
    return Gap(
        criterion=c.id,
        framework=framework.id,
        area=c.area,
        title=c.title,
        status=s.status,
        weight=c.weight,
        priority=level.priority,
        priority_label=level.label,
        priority_rank=rank,
        action=_action(c, s.status, s.self_reported, scope),
        owner=owner,
        due=due,
        indicator=s.indicator,
        moves=moves,
        questions=scope.missing(c),
        self_reported=s.self_reported,
        inspection_areas=list(c.inspection_areas),
    )


def _level_of(
    indicator: IndicatorState | None,
    moves: Sequence[Verdict],
    status: Status,
    weight: float,
    common: Common,
) -> tuple[int, PriorityLevel]:
    """The first level of the one priority scale that takes a gap, and its rank."""
    for n, level in enumerate(common.priorities, 1):
        when = level.when
        if (
            (not when.indicator or indicator in when.indicator)
            and (not when.moves or any(m in moves for m in when.moves))
            and (not when.statuses or status in when.statuses)
            and weight >= when.min_weight
        ):
            return n, level
    raise AssertionError("loading checks that the last priority level takes every gap")


# Within a priority level: what is missing before what is half done.
_STATUS_ORDER: dict[Status, int] = {"not_met": 0, "unanswered": 1, "partly_met": 2}


def answers_to_revisit(
    rubric: Rubric, answers: Answers, frameworks: Sequence[str] | None = None
) -> Revisit | None:
    """The answers to look at again when the file was written against another bank version:
    new questions that the review's frameworks read and that apply to the school but are
    unanswered, changed questions it answered, and answers to questions no longer asked."""
    bank = rubric.bank
    key_stages = frozenset(school_key_stages(rubric, answers))
    wanted = set(frameworks or answers.frameworks or [f.id for f in rubric.frameworks])
    read = {
        q
        for f in rubric.frameworks
        if f.id in wanted
        for c in f.criteria
        for q in c.rule.questions()
    }
    written = answers.question_bank_version
    if written is None or written == bank.version:
        return None
    questions = bank.questions()
    given = {qid for qid, a in answers.answers.items() if a.value is not None}
    later = bank.since(written)
    added: dict[str, None] = {}
    changed: dict[str, None] = {}
    for version in later or []:
        for qid in version.added:
            question = questions.get(qid)
            if (
                question is not None
                and qid in read
                and qid not in given
                and question.applies_to.matches(answers.school.phase, key_stages)
            ):
                added[qid] = None
        for qid in version.changed:
            # An answer naming only a retired choice reads as blank, but is still to revisit.
            retired = qid in questions and qid in answers.answers and questions[qid].retired_choices
            if qid in questions and (qid in given or retired):
                changed[qid] = None
    return Revisit(
        written_against=written,
        current=bank.version,
        known=later is not None,
        added=list(added),
        changed=list(changed),
        removed=[qid for qid in answers.answers if qid not in questions],
    )


def _unanswered(
    frameworks: Sequence[Framework], scope: _Scope, values: Mapping[str, Any]
) -> list[str]:
    seen: dict[str, None] = {}
    for f in frameworks:
        for c in f.criteria:
            if scope.applies(c):
                for qid in c.rule.questions():
                    if qid not in values:
                        seen[qid] = None
    return list(seen)
