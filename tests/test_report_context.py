"""The report context: what every report shows, built from a result and its rubric."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest
from helpers import make_answers, mini_rubric, rubric_with_evidence

import esafety_audit.reports.comparison as comparison_module
from esafety_audit.engine import evaluate
from esafety_audit.models import Rubric
from esafety_audit.reports import build_context, render_reports
from esafety_audit.reports.context import ReportContext
from esafety_audit.reports.palette import status_words
from esafety_audit.reports.render import environment
from esafety_audit.reports.text import md_escape, rich, sanitise

GOOD: dict[str, Any] = {
    "policy": "yes",
    "reviewed": "2026-09-01",
    "trained_pct": 95,
    "shared_logins": 0,
    "filtering": "managed",
    "lead_name": "J. Smith",
}


@pytest.fixture(scope="module")
def mini() -> Rubric:
    return mini_rubric()


def context_for(rubric: Rubric, answers: dict[str, Any], **school: Any) -> ReportContext:
    return build_context(evaluate(rubric, make_answers(rubric, answers, **school)), rubric)


def with_areas_challenged(rubric: Rubric, questions: list[str]) -> Rubric:
    """The mini rubric with challenge questions on its 'policy' area only."""
    framework = rubric.frameworks[0]
    areas = [
        a.model_copy(update={"challenge_questions": questions}) if a.id == "policy" else a
        for a in framework.areas
    ]
    return rubric.model_copy(update={"frameworks": [framework.model_copy(update={"areas": areas})]})


def test_cover_shows_the_school_and_the_frameworks_used(mini: Rubric) -> None:
    ctx = context_for(mini, GOOD, urn="123456", completed_by="J. Smith, DSL")
    assert ctx.cover.school == "Test School"
    assert ctx.cover.urn == "123456"
    assert ctx.cover.phase == "Primary"
    assert ctx.cover.key_stages == "KS1 and KS2"
    assert ctx.cover.review_date == "20 November 2026"
    assert ctx.cover.completed_by == "J. Smith, DSL"
    assert [(f.title, f.version) for f in ctx.cover.frameworks] == [("Mini framework", "0.1")]
    assert ctx.cover.generated is None


def test_missing_cover_facts_are_said_in_words(mini: Rubric) -> None:
    ctx = context_for(mini, GOOD)
    assert ctx.cover.urn == "Not given"
    assert ctx.cover.completed_by == "Not given"


def test_the_judgement_comes_with_a_reason_a_governor_can_repeat(mini: Rubric) -> None:
    ctx = context_for(mini, {**GOOD, "shared_logins": 2})
    assert ctx.glance.judgement == "Inadequate"
    assert ctx.glance.reason == (
        "Inadequate, because an indicator of inadequate practice is found: staff share logins."
    )
    assert ctx.glance.tone == "bad"
    assert ctx.glance.limiting_count == 1


def test_the_chart_labels_every_bar_with_a_number_and_a_word(mini: Rubric) -> None:
    ctx = context_for(mini, {**GOOD, "policy": "no", "reviewed": "2024-01-01"})
    (chart,) = ctx.glance.charts
    bars = {b.label: b for b in chart.bars}
    assert bars["Policy"].score == "0%" and bars["Policy"].rating == "Red"
    assert bars["Policy"].width == 0
    assert bars["Safety"].score == "100%" and bars["Safety"].rating == "Green"
    assert "Policy: 0%, Red" in chart.description
    # The rating thresholds drawn on the chart come from the rubric.
    assert [t.label for t in chart.ticks] == ["75%", "50%"]


def test_limiting_indicators_list_the_answers_that_triggered_them(mini: Rubric) -> None:
    ctx = context_for(mini, {**GOOD, "shared_logins": 3})
    (item,) = ctx.gates.found
    assert item.title == "Staff share logins"
    assert item.badge.word == "Found"
    assert ctx.gates.not_checked == []
    assert ctx.gates.not_found == ["There is no internet filtering"]
    assert [a.label for a in item.answers] == ["Staff sharing a login"]
    assert item.answers[0].answer == "3"
    assert any("3" in reason for reason in item.reasons)


def test_top_priorities_are_the_five_most_important_gaps(mini: Rubric) -> None:
    answers = {
        "policy": "no",
        "reviewed": "2020-01-01",
        "trained_pct": 10,
        "filtering": "none",
        "shared_logins": 4,
    }
    ctx = context_for(mini, answers)
    assert len(ctx.actions) == 7  # six gaps, and the lead's name left blank
    assert ctx.priorities == ctx.actions[:5]
    assert [a.priority for a in ctx.priorities[:2]] == ["Urgent", "Urgent"]
    assert [a.priority_tone for a in ctx.priorities[:2]] == ["bad", "bad"]
    assert [a.rank for a in ctx.actions] == [1, 2, 3, 4, 5, 6, 7]
    blank = next(a for a in ctx.actions if a.criterion == "mini.safety.lead")
    assert (blank.status, blank.action.source) == (
        "Not answered",
        "Answer first: Online-safety lead.",
    )


def test_the_action_plan_marks_missing_owners_and_overdue_actions(mini: Rubric) -> None:
    answers = {
        **GOOD,
        "policy": {"value": "no", "action": {"owner": "Head", "due": "2026-10-01"}},
        "trained_pct": {"value": 60, "action": {"due": "2027-01-31"}},
        "filtering": "basic",
    }
    ctx = context_for(mini, answers)
    rows = {a.criterion: a for a in ctx.actions}
    policy = rows["mini.policy.in_place"]
    assert (policy.owner, policy.due, policy.overdue) == ("Head", "2026-10-01", True)
    trained = rows["mini.safety.trained"]
    assert (trained.owner, trained.overdue, trained.due_text) == (None, False, "31 January 2027")
    filtering = rows["mini.safety.filtering"]
    assert (filtering.owner, filtering.due, filtering.due_text) == (None, None, "No date set")
    assert policy.status == "Not met" and trained.status == "Partly met"


def test_area_by_area_has_every_criterion_with_reasons_and_what_the_school_said(
    mini: Rubric,
) -> None:
    answers = {**GOOD, "trained_pct": {"value": 60, "evidence": "Training log", "notes": "New"}}
    ctx = context_for(mini, answers)
    (section,) = ctx.frameworks
    shown = [c.id for area in section.areas for c in area.criteria]
    assert shown == [c.id for c in mini.criteria()]
    trained = next(c for a in section.areas for c in a.criteria if c.id == "mini.safety.trained")
    assert trained.badge.word == "Partly met"
    assert trained.reasons and [q.label for q in trained.said] == ["Staff trained"]
    (recorded,) = ctx.recorded  # shown once, however many criteria read the question
    assert trained.said[0].anchor == recorded.anchor == "recorded-trained-pct"
    assert recorded.evidence is not None and recorded.evidence.text == "Training log"
    assert recorded.notes is not None and recorded.notes.text == "New"
    assert trained.needs_action and trained in section.areas[1].gaps
    assert trained.action is not None and "Train staff." in trained.action.html
    assert [r.title for r in trained.resources] == ["Help"]
    assert trained.source == "A document (Nobody, 2026): Two"


def test_met_and_not_applicable_criteria_are_settled_and_carry_no_action(mini: Rubric) -> None:
    ctx = context_for(mini, {**GOOD, "filtering": {"value": "managed", "evidence": "Report"}})
    areas = ctx.frameworks[0].areas
    criteria = {c.id: c for a in areas for c in a.criteria}
    assert criteria["mini.policy.in_place"].action is None
    assert criteria["mini.policy.in_place"].resources == []
    assert criteria["mini.policy.in_place"].said == []
    assert [a.label for a in criteria["mini.safety.filtering"].said] == ["Filtering"]
    ks4 = criteria["mini.safety.ks4_privacy"]
    assert ks4.badge.word == "Not applicable" and not ks4.needs_action
    assert all(a.gaps == [] and a.others == a.criteria for a in areas)


def test_indicator_statuses_read_as_found_or_not_found() -> None:
    assert status_words("met", "inadequate_indicator").word == "Not found"
    assert status_words("not_met", "inadequate_indicator").word == "Found"
    assert status_words("unanswered", "inadequate_indicator").word == "Not checked"
    assert status_words("unanswered", "inadequate_indicator").tone == "bad"
    assert status_words("partly_met", "feature").word == "Partly met"
    assert status_words("partly_met", "feature", True).word == "Partly met (self-reported)"


def test_curriculum_shows_only_the_key_stages_the_school_teaches(mini: Rubric) -> None:
    primary = context_for(mini, GOOD)
    assert primary.curriculum.stages == []
    assert primary.curriculum.without == "KS1 and KS2"
    secondary = context_for(
        mini, {**GOOD, "ks4_topics": ["privacy"]}, phase="secondary", key_stages=["ks4"]
    )
    (stage,) = secondary.curriculum.stages
    assert stage.key_stage == "KS4"
    assert [(r.component, r.badge.word) for r in stage.rows] == [("KS4 privacy taught", "Met")]


def test_challenge_questions_come_from_the_rubric_for_amber_and_red_areas(mini: Rubric) -> None:
    rubric = with_areas_challenged(mini, ["Who reviews the policy?", "When?"])
    ctx = context_for(rubric, {**GOOD, "policy": "no", "trained_pct": 10, "filtering": "basic"})
    by_title = {a.title: a for a in ctx.challenge}
    assert by_title["Policy"].questions == ["Who reviews the policy?", "When?"]
    # An amber or red area without questions in the rubric is still listed.
    assert by_title["Safety"].questions == []
    assert by_title["Safety"].badge.word == "Red"


def test_green_areas_raise_no_challenge_questions(mini: Rubric) -> None:
    assert context_for(mini, GOOD).challenge == []


def test_method_states_the_rubric_thresholds(mini: Rubric) -> None:
    (m,) = context_for(mini, GOOD).method.frameworks
    assert m.partly_credit == "50%"
    assert m.judgement_levels[0] == (
        "Outstanding: a score of at least 90%, at least 90% of criteria answered "
        "and no area rated red."
    )
    assert m.judgement_levels[-1] == "Inadequate: any score."
    assert m.ratings == [
        "Green: an area score of at least 75%.",
        "Amber: an area score of at least 50%.",
        "Red: an area score below 50%.",
    ]
    method = context_for(mini, GOOD).method
    assert method.priorities[0].startswith("Urgent: An indicator of inadequate practice is found")
    assert [s.title for s in m.sources] == ["A document"]


def test_method_lists_unanswered_questions_and_the_personal_data_note(mini: Rubric) -> None:
    ctx = context_for(mini, {k: v for k, v in GOOD.items() if k != "reviewed"})
    assert [(q.id, q.label) for q in ctx.method.unanswered] == [("reviewed", "Policy reviewed")]
    assert any("personal data" in p for p in ctx.method.personal_data)


def test_rubric_markdown_is_rendered_and_sanitised() -> None:
    text = rich(
        "Use **CEOP** and [UKSIC](https://saferinternet.org.uk/).\n\n"
        "<script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>"
        '<a href="https://x.org" onclick="alert(1)">x</a>'
    )
    html = str(text.html)
    assert "<strong>CEOP</strong>" in html
    assert '<a href="https://saferinternet.org.uk/">UKSIC</a>' in html
    for bad in ("<script", "javascript:", "onerror", "onclick", "<img"):
        assert bad not in html


def test_sanitise_keeps_only_the_small_set_of_tags() -> None:
    html = sanitise(
        "<h1>T</h1><p><em>a</em> <code>b</code></p><ul><li>c</li></ul><table><tr><td>d"
        '</td></tr></table><a href="mailto:dsl@school.example">m</a><a href="ftp://x">f</a>'
    )
    assert "<h1>" not in html and "<table>" not in html
    assert "<em>a</em>" in html and "<code>b</code>" in html and "<li>c</li>" in html
    assert 'href="mailto:dsl@school.example"' in html
    assert "ftp:" not in html


def test_inline_rich_text_drops_a_lone_paragraph() -> None:
    assert str(rich("Do *this*.", inline=True).html) == "Do <em>this</em>."
    assert str(rich("One.\n\nTwo.", inline=True).html) == "<p>One.</p>\n<p>Two.</p>"


def test_md_escape_keeps_a_schools_text_literal() -> None:
    assert md_escape("<script>x</script>") == "\\<script\\>x\\</script\\>"
    assert md_escape("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert md_escape("a | b *c* _d_ `e`") == "a \\| b \\*c\\* \\_d\\_ \\`e\\`"
    assert md_escape("Oak & Ash &amp;") == "Oak & Ash \\&amp;"
    assert md_escape("# not a heading\nnext") == "\\# not a heading next"
    assert md_escape("St Mary's (C of E)") == "St Mary's (C of E)"


def test_the_same_inputs_give_byte_identical_reports(mini: Rubric) -> None:
    result = evaluate(mini, make_answers(mini, GOOD))
    first = render_reports(result, mini)
    again = render_reports(evaluate(mini, make_answers(mini, GOOD)), mini)
    assert first == again
    assert set(first) == {".md", ".html", "-summary.html", ".json", "-actions.csv"}


def test_a_generation_time_appears_only_when_asked_for(mini: Rubric) -> None:
    result = evaluate(mini, make_answers(mini, GOOD))
    plain = render_reports(result, mini)
    stamped = render_reports(result, mini, generated_at=datetime(2026, 11, 21, 9, 30))
    assert "2026-11-21" not in str(plain[".html"]) + str(plain[".md"])
    assert "2026-11-21T09:30" in str(stamped[".html"])
    assert "2026-11-21T09:30" in str(stamped[".md"])
    assert stamped[".json"] == plain[".json"]


def test_templates_autoescape_html_and_fail_on_missing_fields() -> None:
    html, md = environment(True), environment(False)
    assert html.autoescape is True and md.autoescape is False
    assert html.undefined is jinja2.StrictUndefined and md.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        html.from_string("{{ r.missing }}").render(r=object())


def test_a_blank_review_says_it_is_incomplete_and_never_that_all_is_clear(mini: Rubric) -> None:
    ctx = context_for(mini, {})
    assert ctx.glance.incomplete is not None
    assert ctx.glance.incomplete.sentence.startswith("This review is incomplete: 6 of the")
    assert "2 indicators of inadequate practice are not checked" in ctx.glance.incomplete.sentence
    first = [q.id for q in ctx.glance.incomplete.questions]
    assert first[:2] == ["filtering", "shared_logins"]  # the indicators' questions first
    assert ctx.gates.found == [] and len(ctx.gates.not_checked) == 2
    assert ctx.gates.sentence.startswith("Not checked: 2 of 2")
    assert "None found" not in ctx.gates.sentence
    assert ctx.glance.gap_count == 7 and len(ctx.actions) == 7
    assert ctx.glance.not_checked_count == 2


def test_a_finished_review_says_nothing_of_being_incomplete(mini: Rubric) -> None:
    ctx = context_for(mini, GOOD)
    assert ctx.glance.incomplete is None
    assert ctx.gates.sentence == "None found: all 2 were checked against the school's answers."


def test_the_indicators_area_is_a_gate_not_a_score(rubric: Rubric) -> None:
    ctx = context_for(rubric, {"staff_shared_accounts": 1})
    ofsted = ctx.frameworks[0]
    gate = next(a for a in ofsted.areas if a.title == "Indicators of inadequate practice")
    assert gate.gate and gate.score == ""
    assert gate.badge.word == "1 found" and gate.badge.tone == "bad"
    assert "%" not in gate.tally
    assert all(b.label != gate.title for c in ctx.glance.charts for b in c.bars)


def test_claims_without_evidence_are_counted_and_listed(tmp_path: Path) -> None:
    rubric = rubric_with_evidence(tmp_path)
    ctx = context_for(rubric, GOOD)
    assert ctx.glance.self_reported_count == 1
    (claim,) = ctx.self_reported
    assert (claim.title, claim.expected) == ("Staff trained", "the signed training register")
    row = next(a for a in ctx.actions if a.criterion == "mini.safety.trained")
    assert row.self_reported and row.status == "Partly met (self-reported)"
    evidenced = context_for(rubric, {**GOOD, "trained_pct": {"value": 95, "evidence": "Register"}})
    assert evidenced.self_reported == [] and evidenced.glance.self_reported_count == 0


def test_long_free_text_is_shown_in_part_with_where_the_rest_is(mini: Rubric) -> None:
    note = "Minutes of the meeting. " * 200
    ctx = context_for(mini, {**GOOD, "policy": {"value": "yes", "notes": note}})
    (recorded,) = ctx.recorded
    assert recorded.notes is not None
    assert len(recorded.notes.text) <= 600 and recorded.notes.more > 4000
    assert recorded.notes.text + " " * 0 in note
    html = render_reports(
        evaluate(mini, make_answers(mini, {**GOOD, "policy": {"value": "yes", "notes": note}})),
        mini,
    )[".html"]
    assert isinstance(html, str) and html.count("Minutes of the meeting.") < 30
    assert "more characters: the rest is in the answers file, at <code>policy</code>" in html


def imported_modules(module_file: str, package: str) -> set[str]:
    """Every module a source file imports, relative imports resolved against its package."""
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            stem = ".".join([*base, *([node.module] if node.module else [])])
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def test_the_comparison_view_does_not_import_the_report_context() -> None:
    """The layering runs one way: the report context may use the comparison view (to
    show "since the last review"), never the other way round."""
    assert comparison_module.__file__ is not None
    found = imported_modules(comparison_module.__file__, "esafety_audit.reports")
    assert "esafety_audit.reports.palette" in found  # the resolver sees its imports
    context = "esafety_audit.reports.context"
    assert not [m for m in found if m == context or m.startswith(f"{context}.")]


def test_gaps_are_grouped_by_the_ofsted_evaluation_areas_they_inform(mini: Rubric) -> None:
    answers = {**GOOD, "policy": "no", "reviewed": "2024-01-01", "trained_pct": 10}
    result = evaluate(mini, make_answers(mini, answers))
    # The result carries each criterion's areas, resolved from its rubric area.
    tags = {c.id: c.inspection_areas for c in result.criteria}
    assert tags["mini.policy.in_place"] == ["leadership_governance"]
    assert tags["mini.safety.trained"] == ["personal_development"]
    assert {g.criterion: g.inspection_areas for g in result.gaps}["mini.policy.reviewed"] == [
        "leadership_governance"
    ]
    lens = build_context(result, mini).inspection
    rows = {row.title: row for row in lens.rows}
    # Only the areas this review's criteria inform, in common.yaml's order.
    assert list(rows) == ["Leadership and governance", "Personal development and well-being"]
    leadership = rows["Leadership and governance"]
    assert leadership.count == 2
    assert [g.gap for g in leadership.top] == ["Policy in place", "Policy reviewed"]
    personal = rows["Personal development and well-being"]
    assert next(g.gap for g in personal.top) == "Staff trained"
    assert personal.count == sum("personal_development" in g.inspection_areas for g in result.gaps)
    # The counts by priority add up to the gaps, each named by its level's label.
    for row in lens.rows:
        parts = [part.split(" ", 1) for part in row.counts.split(", ")]
        assert sum(int(n) for n, _ in parts) == row.count
        labels = [p.label.lower() for p in mini.common.priorities]
        assert [labels.index(word) for _, word in parts] == sorted(
            labels.index(word) for _, word in parts
        )


def test_the_ofsted_lens_names_at_most_three_gaps_and_counts_the_rest(mini: Rubric) -> None:
    result = evaluate(mini, make_answers(mini, {}))
    rows = {row.title: row for row in build_context(result, mini).inspection.rows}
    personal = rows["Personal development and well-being"]
    gaps = [g for g in result.gaps if "personal_development" in g.inspection_areas]
    assert len(gaps) > 3
    assert [g.gap.lower() for g in personal.top] == [g.title.lower() for g in gaps[:3]]
    assert personal.more == len(gaps) - 3


def test_the_method_says_the_ofsted_lens_gives_no_grade(mini: Rubric) -> None:
    ctx = context_for(mini, GOOD)
    assert "not a grade" in ctx.method.inspection
    html = render_reports(evaluate(mini, make_answers(mini, GOOD)), mini)[".html"]
    assert isinstance(html, str)
    assert "cannot give that grade" in html


def test_ratings_and_the_self_reported_rule_are_said_once_when_every_framework_agrees(
    rubric: Rubric,
) -> None:
    from esafety_audit.reports.context.method import shared_ratings

    result = evaluate(rubric, make_answers(rubric, {}))
    method = build_context(result, rubric).method
    assert len(method.frameworks) > 1
    assert method.ratings_shared[0].startswith("Green (strong): an area score of at least 75%")
    assert all(m.ratings == [] for m in method.frameworks)
    assert method.self_reported_shared is not None
    assert all(m.self_reported is None for m in method.frameworks)
    # Frameworks that rate differently keep their own bands and share none.
    first, second = method.frameworks[:2]
    differ = [
        replace(first, ratings=["Green: 80%."]),
        replace(second, ratings=["Green: 75%."]),
    ]
    kept, shared = shared_ratings(differ)
    assert shared == [] and [m.ratings for m in kept] == [["Green: 80%."], ["Green: 75%."]]


def test_what_the_school_recorded_gives_a_ticked_count_not_every_label(mini: Rubric) -> None:
    answers = {**GOOD, "ks4_topics": {"value": ["privacy"], "notes": "Year 10 only"}}
    ctx = context_for(mini, answers, phase="secondary")
    (recorded,) = [r for r in ctx.recorded if r.question == "ks4_topics"]
    assert recorded.answer == "1 of 2 ticked"  # the criteria that read it name the ticks
