"""compare: two reviews of one school, from answers files or result JSON.

Each change kind, a rubric-version mismatch, closed and overdue actions, the
"Since the last review" section of the governors' report, and the command's errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import MINI_CRITERIA, MINI_QUESTIONS, copy_rubric, make_answers, mini_rubric
from pagechecks import (
    LONG_WORD,
    VIEWPORTS,
    at_size,
    axe_violations,
    page_width,
    small_text,
    unwrapped,
)

from esafety_audit.cli import run
from esafety_audit.compare import compare
from esafety_audit.engine import evaluate
from esafety_audit.loading import load_rubric
from esafety_audit.models import Result, Rubric
from esafety_audit.reports import render_reports
from esafety_audit.yamlfile import read_yaml

MINI = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
LAST_YEAR = date(2025, 11, 20)

BEFORE: dict[str, Any] = {
    "policy": {"value": "partly", "action": {"owner": "Head", "due": "2026-03-31"}},
    "reviewed": "2025-09-01",
    "trained_pct": {"value": 40, "action": {"owner": "DSL", "due": "2026-07-01"}},
    "shared_logins": {"value": 2, "action": {"owner": "IT lead", "due": "2027-01-31"}},
    "filtering": "managed",
    "lead_name": "J. Smith",
}
AFTER: dict[str, Any] = {
    "policy": "yes",  # improved, and last year's action is closed
    "reviewed": "2024-09-01",  # worse: the review is now out of date
    "trained_pct": 45,  # still not met, past its due date: overdue
    "shared_logins": 1,  # still found, but its action is not yet due: still open
    "filtering": "managed",  # unchanged
    "lead_name": "J. Smith",
}


def _pair(rubric: Rubric, before: dict[str, Any], after: dict[str, Any]) -> tuple[Result, Result]:
    old = evaluate(rubric, make_answers(rubric, before, review_date=LAST_YEAR, urn="123456"))
    new = evaluate(rubric, make_answers(rubric, after, urn="123456"))
    return old, new


def _changes(old: Result, new: Result) -> dict[str, str]:
    return {c.id: c.change for c in compare(old, new).criteria}


def test_each_criterion_gets_its_change() -> None:
    rubric = mini_rubric()
    changes = _changes(*_pair(rubric, BEFORE, AFTER))
    assert changes["mini.policy.in_place"] == "improved"
    assert changes["mini.policy.reviewed"] == "regressed"
    assert changes["mini.safety.filtering"] == "unchanged"
    assert changes["mini.inadequate.shared_logins"] == "unchanged"  # found then and now


def test_an_indicator_cleared_is_an_improvement_and_lifts_the_judgement() -> None:
    rubric = mini_rubric()
    old, new = _pair(rubric, BEFORE, {**AFTER, "shared_logins": 0})
    comparison = compare(old, new)
    assert {c.id: c.change for c in comparison.criteria}[
        "mini.inadequate.shared_logins"
    ] == "improved"
    assert comparison.before.judgement == "inadequate"
    assert comparison.after.judgement != "inadequate"
    assert comparison.judgement_change == "improved"


def test_a_worse_judgement_is_a_regression() -> None:
    rubric = mini_rubric()
    old, new = _pair(rubric, {**BEFORE, "shared_logins": 0}, AFTER)
    assert compare(old, new).judgement_change == "regressed"


def test_counts_add_up_to_every_criterion() -> None:
    rubric = mini_rubric()
    comparison = compare(*_pair(rubric, BEFORE, AFTER))
    assert sum(comparison.counts.values()) == len(comparison.criteria)
    assert comparison.counts["improved"] == len(comparison.changed("improved"))


def test_closed_overdue_and_open_actions() -> None:
    rubric = mini_rubric()
    comparison = compare(*_pair(rubric, BEFORE, AFTER))
    assert [o.criterion for o in comparison.closed] == ["mini.policy.in_place"]
    overdue = {o.criterion: o for o in comparison.overdue}
    assert "mini.safety.trained" in overdue
    assert overdue["mini.safety.trained"].owner == "DSL"
    assert overdue["mini.safety.trained"].due == date(2026, 7, 1)
    still_open = {o.criterion for o in comparison.still_open}
    assert "mini.inadequate.shared_logins" in still_open  # due 2027: not overdue yet
    assert "mini.inadequate.shared_logins" not in overdue


def test_an_action_met_after_its_date_is_closed_not_overdue() -> None:
    rubric = mini_rubric()
    comparison = compare(*_pair(rubric, BEFORE, {**AFTER, "trained_pct": 96}))
    assert "mini.safety.trained" in {o.criterion for o in comparison.closed}
    assert "mini.safety.trained" not in {o.criterion for o in comparison.overdue}


def test_area_scores_change_with_their_criteria() -> None:
    rubric = mini_rubric()
    comparison = compare(*_pair(rubric, BEFORE, AFTER))
    areas = {a.id: a for a in comparison.areas}
    for area in areas.values():
        if area.score_before is not None and area.score_after is not None:
            assert area.difference == pytest.approx(area.score_after - area.score_before, abs=0.1)
            expected = (
                "improved"
                if area.score_after > area.score_before
                else "regressed"
                if area.score_after < area.score_before
                else "unchanged"
            )
            assert area.change == expected


def test_same_rubric_reports_no_rubric_change() -> None:
    rubric = mini_rubric()
    assert compare(*_pair(rubric, BEFORE, AFTER)).rubric is None


def _newer_rubric(tmp_path: Path) -> Rubric:
    """The mini rubric a year on: version bumped, one criterion dropped, one added."""
    criteria, questions = copy_rubric(tmp_path)
    path = criteria / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('version: "0.1"', 'version: "2.0"', 1)
    assert 'version: "2.0"' in text, "the mini rubric's version line moved; update this test"
    start = text.index("  - id: mini.policy.reviewed")
    end = text.index("  - id:", start + 10)
    text = text[:start] + text[end:]
    text += """  - id: mini.policy.reviewed_recently
    area: policy
    kind: feature
    title: Policy reviewed this term
    statement: The policy was reviewed in the last four months.
    source: {document: doc, section: One}
    weight: 1
    rule:
      met: {question: reviewed, within_days: 120}
    action: Review it this term.
"""
    path.write_text(text, encoding="utf-8")
    return load_rubric(criteria, questions)


def test_a_rubric_version_mismatch_names_what_is_in_only_one(tmp_path: Path) -> None:
    old_rubric, new_rubric = mini_rubric(), _newer_rubric(tmp_path)
    old = evaluate(old_rubric, make_answers(old_rubric, BEFORE, review_date=LAST_YEAR))
    new = evaluate(new_rubric, make_answers(new_rubric, AFTER))
    comparison = compare(old, new)
    assert comparison.rubric is not None
    assert comparison.rubric.only_before == ["mini.policy.reviewed"]
    assert comparison.rubric.only_after == ["mini.policy.reviewed_recently"]
    total = len(old.criteria) + 1  # the union: every old criterion and the new one
    common = len(old.criteria) - 1
    assert comparison.rubric.common_share == round(100 * common / total, 1)
    assert any("0.1" in f and "2.0" in f for f in comparison.rubric.frameworks_changed)
    changes = {c.id: c.change for c in comparison.criteria}
    assert changes["mini.policy.reviewed"] == "removed"
    assert changes["mini.policy.reviewed_recently"] == "new"
    html = render_reports(new, new_rubric, previous=comparison)[".html"]
    assert isinstance(html, str)
    assert "different frameworks or rubric versions" in html
    assert "Only in this review (1): Policy reviewed this term." in html  # titles, not ids


def test_the_governors_report_gains_since_the_last_review() -> None:
    rubric = mini_rubric()
    old, new = _pair(rubric, BEFORE, AFTER)
    plain = render_reports(new, rubric)
    with_previous = render_reports(new, rubric, previous=compare(old, new))
    for ending in (".md", ".html"):
        assert "Since the last review" not in str(plain[ending])
        text = str(with_previous[ending])
        assert "Since the last review" in text
        assert "Overdue: past their date and still not met (1)" in text
        assert "Closed: now met (1)" in text
    assert with_previous[".json"] == plain[".json"], "the result JSON is only this review"


# --------------------------------------------------------------------------- the command


def _write(path: Path, school: str, review_date: str, answers: dict[str, Any]) -> Path:
    lines = [
        "school:",
        f"  name: {school}",
        "  urn: 123456",
        "  phase: primary",
        f"  review_date: {review_date}",
        "answers:",
    ]
    for qid, value in answers.items():
        lines.append(f"  {qid}: {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def reviews(tmp_path: Path) -> tuple[Path, Path]:
    plain = {k: (v["value"] if isinstance(v, dict) else v) for k, v in BEFORE.items()}
    old = _write(tmp_path / "old.yaml", "Oak Primary", "2025-11-20", plain)
    new = _write(tmp_path / "new.yaml", "Oak Primary", "2026-11-20", AFTER)
    return old, new


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run([*MINI, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_prints_json(capsys, reviews) -> None:
    old, new = reviews
    before = old.read_bytes()
    code, out, _ = _cli(capsys, "compare", str(old), str(new), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "2.0"
    assert data["before"]["review_date"] == "2025-11-20"
    assert data["after"]["review_date"] == "2026-11-20"
    assert {c["change"] for c in data["criteria"]} >= {"improved", "regressed", "unchanged"}
    assert old.read_bytes() == before, "compare only reads its inputs"


def test_compare_writes_markdown_html_and_json(capsys, reviews, tmp_path: Path) -> None:
    old, new = reviews
    out_dir = tmp_path / "out"
    code, out, _ = _cli(capsys, "compare", str(old), str(new), "-o", str(out_dir))
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    stem = "oak-primary-2025-11-20-to-2026-11-20"
    assert names == [f"{stem}.html", f"{stem}.json", f"{stem}.md"]
    assert "1 improved" in out
    assert json.loads((out_dir / f"{stem}.json").read_text())["school"] == "Oak Primary"


def test_compare_reads_result_json(capsys, reviews, tmp_path: Path) -> None:
    old, new = reviews
    code, out, _ = _cli(capsys, "assess", str(old), "--format", "json")
    assert code == 0
    old_json = tmp_path / "old-result.json"
    old_json.write_text(out, encoding="utf-8")
    code, out, _ = _cli(capsys, "compare", str(old_json), str(new), "--format", "json")
    assert code == 0
    assert json.loads(out)["before"]["review_date"] == "2025-11-20"


def test_broken_result_json_is_located(capsys, reviews, tmp_path: Path) -> None:
    _, new = reviews
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema_version": "1.0",\n  "school": }\n', encoding="utf-8")
    code, _, err = _cli(capsys, "compare", str(bad), str(new))
    assert code == 2
    assert "bad.json:3:13: not valid JSON" in err
    assert "Traceback" not in err


def test_a_json_that_is_not_a_result_says_so(capsys, reviews, tmp_path: Path) -> None:
    _, new = reviews
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    code, _, err = _cli(capsys, "compare", str(other), str(new))
    assert code == 2
    assert "not a result JSON" in err


def test_reviews_in_the_wrong_order_are_refused(capsys, reviews) -> None:
    old, new = reviews
    code, _, err = _cli(capsys, "compare", str(new), str(old))
    assert code == 2
    assert "earlier review must come first" in err


def test_two_different_schools_are_refused(capsys, reviews, tmp_path: Path) -> None:
    old, new = reviews
    other = tmp_path / "other.yaml"
    other.write_text(old.read_text().replace("urn: 123456", "urn: 654321"), encoding="utf-8")
    code, _, err = _cli(capsys, "compare", str(other), str(new))
    assert code == 2
    assert "two schools" in err


def test_assess_previous_adds_the_section(capsys, reviews, tmp_path: Path) -> None:
    old, new = reviews
    out_dir = tmp_path / "reports"
    code, _, _ = _cli(capsys, "assess", str(new), "--previous", str(old), "-o", str(out_dir))
    assert code == 0
    md = (out_dir / "oak-primary-2026-11-20.md").read_text(encoding="utf-8")
    assert "## Since the last review" in md
    assert "Overdue" in md or "No action from the last review is overdue" in md


def test_assess_previous_needs_one_school(capsys, reviews) -> None:
    old, new = reviews
    code, _, err = _cli(capsys, "assess", str(old), str(new), "--previous", str(old))
    assert code == 2
    assert "exactly one answers file" in err


# --------------------------------------------------------------------------- in Chromium

EXAMPLES = Path(__file__).resolve().parent.parent / "questionnaires" / "examples"


def _long_words(example: Path, folder: Path) -> Path:
    """A copy of an example review with a long web address as the school's name and as
    the owner of each of its actions."""
    data = read_yaml(example).data
    data["school"]["name"] = LONG_WORD
    for answer in data["answers"].values():
        if isinstance(answer, dict) and isinstance(answer.get("action"), dict):
            answer["action"]["owner"] = LONG_WORD
    path = folder / example.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def comparison_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The comparison page of Riverside's two example reviews, as written and with long
    unbroken words in its school name and action owners."""
    old = EXAMPLES / "previous" / "riverside-academy-2025.yaml"
    new = EXAMPLES / "riverside-academy.yaml"
    folder = tmp_path_factory.mktemp("long-words")
    pairs = {
        "riverside": (old, new),
        "long-words": (_long_words(old, folder), _long_words(new, folder)),
    }
    pages = {}
    for name, (before, after) in pairs.items():
        out = tmp_path_factory.mktemp(name)
        assert run(["compare", str(before), str(after), "-o", str(out)]) == 0
        (pages[name],) = out.glob("*.html")
    return pages


@pytest.fixture
def open_comparison(browser: Any, comparison_pages: dict[str, Path]) -> Iterator[Any]:
    contexts = []

    def opener(name: str) -> Any:
        context = browser.new_context(offline=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(comparison_pages[name].as_uri(), wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", ["riverside", "long-words"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_comparison_page_fits_the_screen_and_has_no_axe_violation(
    open_comparison: Any, name: str, size: tuple[int, int]
) -> None:
    page = at_size(open_comparison(name), size)
    assert page_width(page) <= size[0]
    assert small_text(page) == []
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_long_words_in_a_comparison_wrap(open_comparison: Any, size: tuple[int, int]) -> None:
    page = at_size(open_comparison("long-words"), size)
    assert unwrapped(page) == []


# --------------------------------------------------------------------------- like with like


def _riverside(rubric: Rubric) -> tuple[Any, Any]:
    from esafety_audit.compare import compare
    from esafety_audit.engine import evaluate
    from esafety_audit.loading import data_dir, load_answers

    examples = data_dir("questionnaires") / "examples"
    before = evaluate(
        rubric, load_answers(examples / "previous/riverside-academy-2025.yaml", rubric)
    )
    after = evaluate(rubric, load_answers(examples / "riverside-academy.yaml", rubric))
    return after, compare(before, after)


def test_scores_across_different_frameworks_are_not_called_better_or_worse(
    rubric: Rubric,
) -> None:
    from esafety_audit.reports.comparison import comparison_view

    _, comparison = _riverside(rubric)
    assert comparison.rubric is not None  # 2025 used two frameworks, 2026 five
    view = comparison_view(comparison, {f.id: f.title for f in rubric.frameworks})
    rows = {row.measure: row for row in view.headline}
    score = rows["Weighted score (different frameworks)"]
    assert score.badge.word == "Not like for like"
    gaps = next(r for m, r in rows.items() if m.startswith("Gaps"))
    assert gaps.badge.word == "Not like for like"
    both = next(r for m, r in rows.items() if m.startswith("Criteria in both reviews"))
    measures = [row.measure for row in view.headline]
    assert measures.index(both.measure) < measures.index(score.measure)  # like for like first
    assert "better" in both.after and "worse" in both.after
    note = view.rubric
    assert note is not None
    assert not any("." in t and "_" in t for t in note.only_after)  # titles, not ids


def test_last_years_owners_carry_over_and_overdue_follows_this_years_order(
    rubric: Rubric,
) -> None:
    from esafety_audit.reports import render_reports
    from esafety_audit.reports.context import build_context, with_last_years_plan

    after, comparison = _riverside(rubric)
    order = [g.criterion for g in after.gaps]
    overdue = [o.criterion for o in comparison.overdue if o.criterion in order]
    assert overdue == sorted(overdue, key=order.index)
    plain = build_context(after, rubric)
    carried = with_last_years_plan(plain, comparison)
    moved = [a for a in carried.actions if a.carried]
    assert moved, "last year's plan names owners for gaps still open"
    last = {o.criterion: o for o in [*comparison.overdue, *comparison.still_open]}
    for row in moved:
        assert row.owner == last[row.criterion].owner
        assert next(a for a in plain.actions if a.criterion == row.criterion).owner is None
    html = render_reports(after, rubric, previous=comparison)[".html"]
    assert isinstance(html, str) and "(from last year's plan)" in html
