"""The scoring engine: a rubric and a school's answers in, a :class:`Result` out.

``evaluate`` is pure and deterministic. It reads no files, prints nothing and
imports no YAML, template or CLI code (a test keeps it that way). Every
threshold and sentence it uses comes from the rubric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .models import (
    JUDGEMENT_ORDER,
    STATUSES,
    AnswerNote,
    Answers,
    AreaResult,
    Criterion,
    CriterionResult,
    Framework,
    FrameworkResult,
    Gap,
    Judgement,
    LimitingIndicator,
    Result,
    Revisit,
    Rubric,
    Safeguarding,
    SafeguardingResult,
    SchoolSummary,
    Status,
    VersionRef,
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
    scope = _Scope(answers, frozenset(key_stages), ctx)

    framework_results: list[FrameworkResult] = []
    areas: list[AreaResult] = []
    criteria: list[CriterionResult] = []
    limiting: list[_Scored] = []
    gaps: list[Gap] = []
    for framework in selected:
        scored = [scope.judge(c, framework.scoring.partly_credit) for c in framework.criteria]
        f_areas = [_area(framework, area.id, area.title, scored) for area in framework.areas]
        f_limiting = [s for s in scored if s.is_limiting]
        framework_results.append(_framework_result(framework, scored, f_areas, f_limiting))
        areas.extend(f_areas)
        criteria.extend(s.as_result(scope) for s in scored)
        limiting.extend(f_limiting)
        gaps.extend(
            _gap(framework, s, answers) for s in scored if s.status in ("not_met", "partly_met")
        )

    weights = {c.id: c.weight for c in criteria}
    gaps.sort(key=lambda g: (g.priority_rank, -weights[g.criterion], g.criterion))
    judgement, judgement_label, judgement_reason = _overall(
        [r for f, r in zip(selected, framework_results, strict=True) if f.scoring.judgement]
    )
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
        frameworks=framework_results,
        judgement=judgement,
        judgement_label=judgement_label,
        judgement_reason=judgement_reason,
        safeguarding=_safeguarding(rubric.safeguarding, [f.id for f in selected], criteria),
        score=_weighted([(c.weight, c.score) for c in criteria]),
        coverage=_coverage([c.status for c in criteria]),
        areas=areas,
        limiting=[s.criterion.id for s in limiting],
        limiting_detail=[
            LimitingIndicator(
                id=s.criterion.id,
                framework=s.criterion.framework,
                title=s.criterion.title,
                statement=s.criterion.statement,
                reasons=s.reasons,
            )
            for s in limiting
        ],
        criteria=criteria,
        gaps=gaps,
        unanswered=_unanswered(selected, scope, values),
        revisit=answers_to_revisit(rubric, answers, frameworks),
    )


@dataclass(frozen=True)
class _Scored:
    criterion: Criterion
    status: Status
    credit: float | None  # 0..1, None when not applicable
    reasons: list[str]

    @property
    def is_limiting(self) -> bool:
        return self.criterion.kind == "inadequate_indicator" and self.status == "not_met"

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
        )


@dataclass(frozen=True)
class _Scope:
    """What judging one criterion needs to know about the school."""

    answers: Answers
    key_stages: frozenset[str]
    ctx: Context

    def judge(self, criterion: Criterion, partly_credit: float) -> _Scored:
        status, reasons = self._status(criterion)
        credit = partly_credit if status == "partly_met" else _CREDIT[status]
        return _Scored(criterion, status, credit, reasons)

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
        rule = criterion.rule
        if not self.applies(criterion):
            return "not_applicable", [self._why_not_applicable(criterion)]
        if rule.applies is not None:
            applies = rule.applies.evaluate(self.ctx)
            if applies.value is False:
                return "not_applicable", ["Does not apply here: " + "; ".join(applies.reasons)]
        if rule.triggered is not None:
            found = rule.triggered.evaluate(self.ctx)
            status: Status = {True: "not_met", False: "met", None: "unanswered"}[found.value]  # type: ignore[assignment]
            return status, list(found.reasons)
        assert rule.met is not None  # loading guarantees one of met / triggered
        met = rule.met.evaluate(self.ctx)
        if met.value is True:
            return "met", list(met.reasons)
        partly = rule.partly.evaluate(self.ctx) if rule.partly is not None else None
        if partly is not None and partly.value is True:
            return "partly_met", [*met.reasons, *partly.reasons]
        # Unanswered only when the school answered none of what the rule reads; with
        # some answers but not enough to show the criterion met, it is not met. So an
        # improved answer can never turn a criterion from not met into unanswered.
        if met.value is None and not any(q in self.ctx.answers for q in rule.questions()):
            return "unanswered", list(met.reasons)
        return "not_met", list(met.reasons)

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


def _area(framework: Framework, area_id: str, title: str, scored: Sequence[_Scored]) -> AreaResult:
    mine = [s for s in scored if s.criterion.area == area_id]
    score = _weighted(
        [(s.criterion.weight, None if s.credit is None else s.credit * 100) for s in mine]
    )
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
    )


def _framework_result(
    framework: Framework,
    scored: Sequence[_Scored],
    areas: Sequence[AreaResult],
    limiting: Sequence[_Scored],
) -> FrameworkResult:
    score = _weighted(
        [(s.criterion.weight, None if s.credit is None else s.credit * 100) for s in scored]
    )
    coverage = _coverage([s.status for s in scored])
    judgement, label, reason = _judge(framework, score, coverage, areas, limiting)
    return FrameworkResult(
        id=framework.id,
        title=framework.title,
        version=framework.version,
        score=score,
        coverage=coverage,
        judgement=judgement,
        judgement_label=label,
        judgement_reason=reason,
    )


def _judge(
    framework: Framework,
    score: float | None,
    coverage: float,
    areas: Sequence[AreaResult],
    limiting: Sequence[_Scored],
) -> tuple[Judgement | None, str | None, str | None]:
    levels = framework.scoring.judgement
    if not levels:
        return None, None, None
    wording = framework.scoring.wording
    if limiting:
        worst = levels[-1]
        more = len(limiting) - 1
        others = "" if more == 0 else (wording.one_more if more == 1 else wording.more)
        text = wording.limiting.format(
            label=worst.label,
            indicator=limiting[0].criterion.title,
            others=others.format(more=more),
        )
        return worst.level, worst.label, text
    if score is None:  # no criterion of this framework applies to the school
        return None, None, wording.nothing_applies
    if coverage < framework.scoring.min_coverage_to_judge:
        text = wording.not_judged.format(
            coverage=_num(coverage), needed=_num(framework.scoring.min_coverage_to_judge)
        )
        return None, None, text
    reds = sum(a.rating == "red" for a in areas)
    value = score
    for level in levels:
        if (
            value >= level.min_score
            and coverage >= level.min_coverage
            and (level.max_red_areas is None or reds <= level.max_red_areas)
        ):
            text = wording.level.format(
                label=level.label, score=_num(value), coverage=_num(coverage), red_areas=reds
            )
            return level.level, level.label, text
    raise AssertionError("the last judgement level has no thresholds")  # pragma: no cover


def _num(value: float) -> str:
    return f"{value:g}"


def _overall(
    judging: Sequence[FrameworkResult],
) -> tuple[Judgement | None, str | None, str | None]:
    """The lowest of the frameworks' judgements, or none while any cannot be judged.

    A framework with too few answers is not judged, unless an indicator of
    inadequate practice already makes it inadequate.
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


def _safeguarding(
    rules: Safeguarding | None, selected: Sequence[str], criteria: Sequence[CriterionResult]
) -> SafeguardingResult | None:
    """Safeguarding (online) met or not met, by the rubric's rules over the criteria found.

    Not assessed when a framework the rules need was not part of this review.
    """
    if rules is None:
        return None
    missing = [fid for fid in rules.needs_frameworks if fid not in selected]
    if missing:
        return SafeguardingResult(
            status="not_assessed",
            label=rules.labels.not_assessed,
            reasons=[rules.wording.not_assessed.format(missing=", ".join(missing))],
        )
    reasons = list(
        dict.fromkeys(
            rule.reason.format(title=c.title)
            for rule in rules.not_met_when
            for c in criteria
            if rule.select.fits(c)
        )
    )
    if reasons:
        return SafeguardingResult(status="not_met", label=rules.labels.not_met, reasons=reasons)
    return SafeguardingResult(status="met", label=rules.labels.met, reasons=[rules.wording.met])


def _gap(framework: Framework, s: _Scored, answers: Answers) -> Gap:
    c = s.criterion
    rules = framework.scoring.priorities
    rank, rule = next(
        (i, r)
        for i, r in enumerate(rules, 1)
        if s.status in r.statuses
        and (not r.kinds or c.kind in r.kinds)
        and c.weight >= r.min_weight
    )
    owner, due = None, None
    for qid in c.rule.questions():
        plan = answers.answers.get(qid)
        if plan is not None and plan.action is not None:
            owner, due = plan.action.owner, plan.action.due
            break
    return Gap(
        criterion=c.id,
        framework=framework.id,
        area=c.area,
        title=c.title,
        status=s.status,
        priority=rule.priority,
        priority_label=rule.label,
        priority_rank=rank,
        action=c.action,
        owner=owner,
        due=due,
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
            if qid in questions and qid in given:
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
