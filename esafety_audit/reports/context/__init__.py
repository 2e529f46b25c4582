"""The report context: everything the HTML, Markdown and CSV reports show, built once.

:func:`build_context` is the one place that turns a :class:`Result` and its
:class:`Rubric` into typed, ready-to-print values. Templates only lay these out:
they never score, count, compare dates or look anything up. Scores, statuses and
gaps come from the result; titles, actions, resources, sources, challenge
questions and thresholds come from the rubric.

Each part of the report has one module: :mod:`.views` (the values templates read),
:mod:`.lookup` (the index over result and rubric every builder shares),
:mod:`.glance` (cover, at a glance, safeguarding, charts), :mod:`.gates`
(indicators of inadequate practice, claims without evidence), :mod:`.plan`
(the action plan), :mod:`.criteria` (criterion by criterion, curriculum, what the
school recorded), :mod:`.summary` (strengths, the board's asks) and :mod:`.method`
(challenge questions, method and sources).
"""

from __future__ import annotations

from datetime import datetime

from ...models import Result, Rubric
from ..text import long_date
from .criteria import (
    FREE_TEXT_SHOWN,
    build_curriculum,
    build_framework_section,
    build_recorded,
    clip,
)
from .gates import build_gates, build_self_reported
from .glance import BAR_WIDTH, CHART_TOP, FIRST_QUESTIONS, ROW_HEIGHT, build_cover, build_glance
from .inspection import GAPS_PER_AREA, build_inspection
from .lookup import Lookup, key_stage_name, optional_rich, rating_badge
from .method import (
    build_challenge,
    build_governor_questions,
    build_method,
    build_self_reported_note,
)
from .plan import TOP_PRIORITIES, build_action_row, with_last_years_plan
from .summary import STRENGTHS, build_board, build_strengths
from .views import (
    ActionRow,
    AnswerView,
    AreaView,
    Bar,
    Board,
    ChallengeArea,
    Chart,
    Clipped,
    Cover,
    CriterionView,
    CurrencyNote,
    Curriculum,
    CurriculumRow,
    CurriculumStage,
    FixView,
    FrameworkRef,
    FrameworkScore,
    FrameworkSection,
    Gates,
    Glance,
    Incomplete,
    InspectionGap,
    InspectionLens,
    InspectionRow,
    LimitingView,
    Method,
    MethodFramework,
    QuestionLink,
    RecordedView,
    RelatedView,
    ReportContext,
    ResourceView,
    RevisitView,
    SafeguardingView,
    SelfReportedView,
    SourceView,
    Strength,
    Tick,
    ToolThreshold,
    UnansweredQuestion,
)

__all__ = [
    "BAR_WIDTH",
    "CHART_TOP",
    "FIRST_QUESTIONS",
    "FREE_TEXT_SHOWN",
    "GAPS_PER_AREA",
    "ROW_HEIGHT",
    "STRENGTHS",
    "TOP_PRIORITIES",
    "ActionRow",
    "AnswerView",
    "AreaView",
    "Bar",
    "Board",
    "ChallengeArea",
    "Chart",
    "Clipped",
    "Cover",
    "CriterionView",
    "CurrencyNote",
    "Curriculum",
    "CurriculumRow",
    "CurriculumStage",
    "FixView",
    "FrameworkRef",
    "FrameworkScore",
    "FrameworkSection",
    "Gates",
    "Glance",
    "Incomplete",
    "InspectionGap",
    "InspectionLens",
    "InspectionRow",
    "LimitingView",
    "Lookup",
    "Method",
    "MethodFramework",
    "QuestionLink",
    "RecordedView",
    "RelatedView",
    "ReportContext",
    "ResourceView",
    "RevisitView",
    "SafeguardingView",
    "SelfReportedView",
    "SourceView",
    "Strength",
    "Tick",
    "ToolThreshold",
    "UnansweredQuestion",
    "build_context",
    "clip",
    "key_stage_name",
    "optional_rich",
    "rating_badge",
    "with_last_years_plan",
]

# --------------------------------------------------------------------------- the one builder


def build_context(
    result: Result, rubric: Rubric, generated_at: datetime | None = None
) -> ReportContext:
    """Everything every report shows, from the result and the rubric it was scored on."""
    look = Lookup(result, rubric)
    actions = [build_action_row(look, i, gap) for i, gap in enumerate(result.gaps, 1)]
    when = long_date(result.school.review_date)
    return ReportContext(
        title=f"Online-safety self-review: {result.school.name}, {when}",
        print_header=f"{result.school.name} · online-safety self-review, {when}",
        cover=build_cover(result, look, generated_at),
        glance=build_glance(result, look),
        gates=build_gates(result, look),
        priorities=actions[:TOP_PRIORITIES],
        self_reported=build_self_reported(result, look),
        frameworks=[build_framework_section(look, f) for f in look.frameworks],
        curriculum=build_curriculum(result, look),
        actions=actions,
        challenge=build_challenge(look),
        inspection=build_inspection(result, look),
        governor_questions=build_governor_questions(look),
        method=build_method(result, look),
        strengths=build_strengths(look),
        board=build_board(result, actions),
        self_reported_note=build_self_reported_note(look),
        recorded=build_recorded(result, look),
    )
