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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    LimitingIndicator,
    PriorityLevel,
    Result,
    Revisit,
    Rubric,
    Safeguarding,
    SafeguardingFix,
    SafeguardingResult,
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
    wanted = set(frameworks or answers.frameworks or [f.id for f in rubric.frameworks])
    selected = [f for f in rubric.frameworks if f.id in wanted]  # each once, in rubric order
    key_stages = school_key_stages(rubric, answers)
    values = {qid: a.value for qid, a in answers.answers.items() if a.value is not None}
    ctx = Context(values, rubric.bank.questions(), answers.school.review_date)
    scope = _Scope(answers, frozenset(key_stages), ctx, rubric.common)

    judged = [_Judged.of(framework, scope) for framework in selected]
    criteria = [s.as_result(scope) for j in judged for s in j.scored]
    safeguarding = _safeguarding(rubric, [f.id for f in selected], criteria, scope)
    judgement, judgement_label, judgement_reason = _overall(
        [j.result for j in judged if j.framework.scoring.judgement]
    )
    capped = _capped(rubric.safeguarding, safeguarding, judged, judgement)
    if capped is not None:
        judgement, judgement_label, judgement_reason = capped
    fixes = {f.criterion for f in safeguarding.fixes} if safeguarding else set()
    gaps = sorted(
        (_ranked(gap, rubric.common) for j in judged for gap in j.gaps(scope, fixes)),
        key=_gap_order([f.id for f in selected]),
    )
    if safeguarding is not None and safeguarding.fixes:  # in the one order of importance
        place = {g.criterion: n for n, g in enumerate(gaps)}
        ordered = sorted(safeguarding.fixes, key=lambda f: place.get(f.criterion, len(place)))
        safeguarding = safeguarding.model_copy(update={"fixes": ordered})
    found = [s for j in judged for s in j.scored if s.indicator == "found"]
    not_checked = [s for j in judged for s in j.scored if s.indicator == "not_checked"]
    return Result(
        school=SchoolSummary(
            name=answers.school.name,
            urn=answers.school.urn,
            phase=answers.school.phase,
            key_stages=key_stages,
            review_date=answers.school.review_date,
            completed_by=answers.school.completed_by,
        ),
        question_bank=VersionRef(id=rubric.bank.id, version=rubric.bank.version),
        frameworks=[j.result for j in judged],
        judgement=judgement,
        judgement_label=judgement_label,
        judgement_reason=judgement_reason,
        judgement_capped=capped is not None,
        safeguarding=safeguarding,
        score=_weighted([(c.weight, c.score) for c in criteria]),
        coverage=_coverage([c.status for c in criteria]),
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


# --------------------------------------------------------------------------- one criterion


@dataclass(frozen=True)
class _Scored:
    criterion: Criterion
    status: Status
    credit: float | None  # 0..1; None when not applicable, and for indicators (gates)
    reasons: list[str]
    self_reported: bool = False

    @property
    def indicator(self) -> IndicatorState | None:
        return indicator_state(self.criterion.kind, self.status)

    @property
    def is_gap(self) -> bool:
        return self.status in ("not_met", "partly_met", "unanswered")

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
            score=None if self.credit is None else round(self.credit * 100, 1),
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

    def judge(self, criterion: Criterion, framework: Framework) -> _Scored:
        status, reasons = self._status(criterion)
        scoring = framework.scoring
        self_reported = (
            criterion.evidence is not None
            and status in ("met", "partly_met")
            and not self.evidenced(criterion)
        )
        if self_reported:
            reasons = [
                *reasons,
                self.common.wording.self_reported.format(evidence=criterion.evidence),
            ]
            rule = scoring.self_reported
            if rule is not None and status == "met" and criterion.weight >= rule.min_weight:
                status = rule.earns
        if criterion.kind == "inadequate_indicator":
            credit = None  # a gate, not a score
        else:
            credit = scoring.partly_credit if status == "partly_met" else _CREDIT[status]
        return _Scored(criterion, status, credit, reasons, self_reported)

    def evidenced(self, criterion: Criterion) -> bool:
        """Whether the school recorded evidence for any answer the criterion reads."""
        for qid in criterion.rule.questions():
            given = self.answers.answers.get(qid)
            if given is not None and given.evidence and given.evidence.strip():
                return True
        return False

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
        rule, words = criterion.rule, self.common.wording
        if not self.applies(criterion):
            return "not_applicable", [self._why_not_applicable(criterion)]
        if rule.applies is not None:
            applies = rule.applies.evaluate(self.ctx, words.applies_to)
            if applies.value is False:
                return "not_applicable", ["Does not apply here: " + " ".join(applies.reasons)]
        if rule.triggered is not None:
            found = rule.triggered.evaluate(self.ctx, words.found_with)
            status: Status = {True: "not_met", False: "met", None: "unanswered"}[found.value]  # type: ignore[assignment]
            return status, list(found.reasons)
        assert rule.met is not None  # loading guarantees one of met / triggered
        met = rule.met.evaluate(self.ctx, words.met_needs)
        if met.value is True:
            return "met", list(met.reasons)
        partly = rule.partly.evaluate(self.ctx, words.partly_needs) if rule.partly else None
        reasons = [*met.reasons, *(partly.reasons if partly else ())]
        if partly is not None and partly.value is True:
            return "partly_met", reasons
        # Unanswered only when the school answered none of what the rule reads; with
        # some answers but not enough to show the criterion met, it is not met. So an
        # improved answer can never turn a criterion from not met into unanswered.
        if met.value is None and not any(q in self.ctx.answers for q in rule.questions()):
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
        areas = [_area(framework, area.id, area.title, scored) for area in framework.areas]
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

    def gaps(self, scope: _Scope, fixes: set[str]) -> list[Gap]:
        """Every criterion not met, partly met or unanswered, and every indicator found or
        not checked, each with the verdicts closing it would move (unranked yet)."""
        return [
            _gap(self.framework, s, scope, self._moves(s, fixes)) for s in self.scored if s.is_gap
        ]

    def _moves(self, s: _Scored, fixes: set[str]) -> list[Verdict]:
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
        level = _level(self.framework, score, coverage, reds)[0].level
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


def _area(framework: Framework, area_id: str, title: str, scored: Sequence[_Scored]) -> AreaResult:
    mine = [s for s in scored if s.criterion.area == area_id]
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
    levels = framework.scoring.judgement
    if not levels:
        return None, None, None
    wording = framework.scoring.wording
    found = [s for s in scored if s.indicator == "found"]
    if found:
        worst = levels[-1]
        more = len(found) - 1
        others = "" if more == 0 else (wording.one_more if more == 1 else wording.more)
        text = wording.limiting.format(
            label=worst.label,
            indicator=found[0].criterion.title,
            # the rubric's text is stripped when it loads: the clause takes its own space
            others=f" {others.format(more=more)}" if others else "",
        )
        return worst.level, worst.label, text
    if score is None:  # no criterion of this framework applies to the school
        return None, None, wording.nothing_applies
    not_checked = [s for s in scored if s.indicator == "not_checked"]
    best = framework.scoring.not_checked_best
    if not_checked and best is None:
        return None, None, _not_checked_text(framework, not_checked, "", scope)
    if coverage < framework.scoring.min_coverage_to_judge:
        text = wording.not_judged.format(
            coverage=_num(coverage), needed=_num(framework.scoring.min_coverage_to_judge)
        )
        return None, None, text
    level, text = _level(framework, score, coverage, [a.title for a in areas if a.rating == "red"])
    if not_checked and best is not None:  # the reason names the indicator, capped or not
        if judgement_rank(level.level) > judgement_rank(best):
            level = next(lv for lv in levels if lv.level == best)
        text = _not_checked_text(framework, not_checked, level.label, scope)
    return level.level, level.label, text


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


def _level(
    framework: Framework, score: float, coverage: float, reds: list[str]
) -> tuple[JudgementLevel, str]:
    """The first level whose every threshold the school meets, and the sentence that says
    so, naming what held it back from the level above (``reds``: the red areas' titles)."""
    levels = framework.scoring.judgement or []
    wording = framework.scoring.wording
    for n, level in enumerate(levels):
        if _reaches(level, score, coverage, reds):
            held_back, reds_named = "", False
            if n > 0:
                above = levels[n - 1]
                causes = _causes(framework, above, score, coverage, reds)
                held_back = wording.held_back.format(next=above.label, causes=_and(causes))
                reds_named = above.max_red_areas is not None and len(reds) > above.max_red_areas
            if reds and wording.red_areas and not reds_named:  # name them all the same
                held_back += wording.red_areas.format(areas="; ".join(reds))
            text = wording.level.format(
                label=level.label,
                score=_num(score),
                coverage=_num(coverage),
                red_areas=len(reds),
                held_back=held_back,
            )
            return level, text
    raise AssertionError("the last judgement level has no thresholds")  # pragma: no cover


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
    if len(judging) == 1:
        return framework.judgement_reason
    return f"{framework.title}: {framework.judgement_reason}"


def _capped(
    rules: Safeguarding | None,
    safeguarding: SafeguardingResult | None,
    judged: Sequence[_Judged],
    judgement: Judgement | None,
) -> tuple[Judgement, str, str] | None:
    """The overall judgement held at the rubric's cap while safeguarding is not met."""
    if (
        rules is None
        or safeguarding is None
        or safeguarding.status != "not_met"
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


def _safeguarding(
    rubric: Rubric,
    selected: Sequence[str],
    criteria: Sequence[CriterionResult],
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
    missing = [fid for fid in rules.needs_frameworks if fid not in selected]
    if missing:
        return SafeguardingResult(
            status="not_assessed",
            label=rules.labels.not_assessed,
            reasons=[rules.wording.not_assessed.format(missing=", ".join(missing))],
        )
    by_id = {c.id: c for c in rubric.criteria()}
    fixes: dict[str, SafeguardingFix] = {}
    improvements: dict[str, SafeguardingFix] = {}
    for found, rule_list in ((fixes, rules.not_met_when), (improvements, rules.improve_when)):
        for rule in rule_list:
            for c in criteria:
                if rule.select.fits(c) and c.id not in fixes and c.id not in found:
                    found[c.id] = SafeguardingFix(
                        criterion=c.id,
                        framework=c.framework,
                        title=c.title,
                        status=c.status,
                        reason=rule.reason.format(title=c.title),
                        action=_action(by_id[c.id], c.status, c.self_reported, scope),
                    )
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


def _gap(framework: Framework, s: _Scored, scope: _Scope, moves: list[Verdict]) -> Gap:
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
        priority="",
        priority_label="",
        priority_rank=0,
        action=_action(c, s.status, s.self_reported, scope),
        owner=owner,
        due=due,
        indicator=s.indicator,
        moves=moves,
        questions=scope.missing(c),
        self_reported=s.self_reported,
        inspection_areas=list(c.inspection_areas),
    )


def _level_of(gap: Gap, common: Common) -> tuple[int, PriorityLevel]:
    """The first level of the one priority scale that takes the gap, and its rank."""
    for n, level in enumerate(common.priorities, 1):
        when = level.when
        if (
            (not when.indicator or gap.indicator in when.indicator)
            and (not when.moves or any(m in gap.moves for m in when.moves))
            and (not when.statuses or gap.status in when.statuses)
            and gap.weight >= when.min_weight
        ):
            return n, level
    raise AssertionError("loading checks that the last priority level takes every gap")


# Within a priority level: what is missing before what is half done.
_STATUS_ORDER: dict[Status, int] = {"not_met": 0, "unanswered": 1, "partly_met": 2}


def _ranked(gap: Gap, common: Common) -> Gap:
    rank, level = _level_of(gap, common)
    return gap.model_copy(
        update={"priority": level.priority, "priority_label": level.label, "priority_rank": rank}
    )


def _gap_order(frameworks: Sequence[str]) -> Callable[[Gap], tuple[Any, ...]]:
    """The one order of importance: the priority level, then status, weight, framework
    order and id."""
    order = {fid: n for n, fid in enumerate(frameworks)}
    return lambda gap: (
        gap.priority_rank,
        _STATUS_ORDER[gap.status],
        -gap.weight,
        order[gap.framework],
        gap.criterion,
    )


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
    frameworks: Sequence[Framework], scope: _Scope, values: dict[str, Any]
) -> list[str]:
    seen: dict[str, None] = {}
    for f in frameworks:
        for c in f.criteria:
            if scope.applies(c):
                for qid in c.rule.questions():
                    if qid not in values:
                        seen[qid] = None
    return list(seen)
