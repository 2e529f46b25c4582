"""Challenge questions for the board, and the method: how each framework is scored,
its sources, and what the tool decided for itself."""

from __future__ import annotations

from dataclasses import replace

from ...models import Framework, Result, level_label
from ..palette import anchor
from ..text import join_words, rich, sentence_case
from .lookup import Lookup, optional_rich, rating_badge
from .views import (
    ChallengeArea,
    CurrencyNote,
    ExternalCoverage,
    GovernorQuestionSet,
    Method,
    MethodFramework,
    RevisitView,
    SourceView,
    ToolThreshold,
    UnansweredQuestion,
)

# --------------------------------------------------------------------------- 8. challenge


def build_challenge(look: Lookup) -> list[ChallengeArea]:
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


def _challenged(look: Lookup) -> list[tuple[str, str]]:
    """The (framework, area) pairs the challenge section lists, in its order."""
    return [
        (framework.id, area.id)
        for framework in look.frameworks
        for area in framework.areas
        if (scored := look.areas[(framework.id, area.id)]).rating in ("amber", "red")
        or (scored.gate and (scored.counts["not_met"] or scored.counts["unanswered"]))
    ]


def build_governor_questions(look: Lookup) -> list[GovernorQuestionSet]:
    """Questions from the parts of another review tool's questions (the UKCIS governors'
    questions) that the amber and red areas' criteria serve, each part once, in the
    document's order, cited; empty when no area is amber or red."""
    challenged = _challenged(look)
    found = []
    for external in look.rubric.external:
        for group in external.groups:
            if not group.questions:
                continue
            areas = [
                look.area_title(fid, aid)
                for fid, aid in challenged
                if any(
                    look.criteria[s.criterion].area == aid
                    for item in external.items
                    if item.group == group.id
                    for s in item.served_by
                    if s.criterion in look.criteria and look.criteria[s.criterion].framework == fid
                )
            ]
            if not areas:
                continue
            found.append(
                GovernorQuestionSet(
                    title=group.title,
                    source=external.cite_as,
                    reconstructed=group.reconstructed,
                    areas=areas,
                    questions=list(group.questions),
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


def _priorities(look: Lookup) -> list[str]:
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


def build_self_reported_note(look: Lookup) -> str:
    """What a claim without evidence earns: one sentence when every framework agrees."""
    rules = {_self_reported_rule(f) for f in look.frameworks} - {None}
    if len(rules) == 1:
        return rules.pop() or ""
    if rules:
        return "What such a claim earns differs by framework: see the method section."
    return "It still counts as the school claims it; record the evidence all the same."


def _tool_thresholds(look: Lookup) -> list[ToolThreshold]:
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


def _safeguarding_method(look: Lookup) -> list[str]:
    rules = look.rubric.safeguarding
    if rules is None:
        return []
    lines = [" ".join(rules.summary.split())]
    lines += [" ".join(rule.reason.format(title="…").split()) for rule in rules.not_met_when]
    label = level_label(look.frameworks, rules.caps_judgement_at)
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
            SourceView(s.title, s.publisher, s.published, s.url, optional_rich(s.note, inline=True))
            for s in framework.sources
        ],
    )


def _currency(look: Lookup) -> list[CurrencyNote]:
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


def shared_ratings(frameworks: list[MethodFramework]) -> tuple[list[MethodFramework], list[str]]:
    """The area ratings said once when every framework rates its areas alike (each
    framework then lists none), else each framework's own and nothing shared."""
    bands = {tuple(m.ratings) for m in frameworks}
    if len(frameworks) < 2 or len(bands) != 1:
        return frameworks, []
    return [replace(m, ratings=[]) for m in frameworks], list(bands.pop())


def shared_self_reported(
    frameworks: list[MethodFramework],
) -> tuple[list[MethodFramework], str | None]:
    """What a claim without evidence earns, said once when every framework agrees."""
    rules = {m.self_reported for m in frameworks}
    if len(frameworks) < 2 or len(rules) != 1 or None in rules:
        return frameworks, None
    return [replace(m, self_reported=None) for m in frameworks], rules.pop()


def build_method(result: Result, look: Lookup) -> Method:
    questions = look.rubric.bank.questions()
    frameworks, ratings = shared_ratings([_method_framework(f) for f in look.frameworks])
    frameworks, self_reported = shared_self_reported(frameworks)
    return Method(
        frameworks=frameworks,
        ratings_shared=ratings,
        self_reported_shared=self_reported,
        priorities=_priorities(look),
        tool_thresholds=_tool_thresholds(look),
        safeguarding=_safeguarding_method(look),
        currency=_currency(look),
        unanswered=[UnansweredQuestion(q, questions[q].label) for q in result.unanswered],
        personal_data=list(_PERSONAL_DATA),
        revisit=_revisit(result, look),
        inspection=" ".join(look.rubric.common.inspection.method.split()),
        external=_external_coverage(look),
    )


def _external_coverage(look: Lookup) -> list[ExternalCoverage]:
    """How the criteria of the frameworks used in this review cover each external tool."""
    used = set(look.criteria)
    rows = []
    for external in look.rubric.external:
        counts = external.counts(used)
        rows.append(
            ExternalCoverage(
                title=external.cite_as,
                items=len(external.items),
                covered=counts["covered"],
                partly=counts["partly"],
                not_covered=counts["not_covered"],
            )
        )
    return rows


def _revisit(result: Result, look: Lookup) -> RevisitView | None:
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
