"""The report files: the CSV action plan, the Markdown report, and how they are written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from helpers import MINI_CRITERIA, MINI_QUESTIONS, make_answers, mini_rubric
from markdown_it import MarkdownIt

from esafety_audit import reports
from esafety_audit.cli import run
from esafety_audit.engine import evaluate
from esafety_audit.io import WriteError
from esafety_audit.models import Result, Rubric
from esafety_audit.reports import render_reports, report_stem, write_reports
from esafety_audit.reports.actions import COLUMNS

HOSTILE = "<script>window.__xss=1</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"


@pytest.fixture(scope="module")
def mini() -> Rubric:
    return mini_rubric()


def result_for(rubric: Rubric, answers: dict[str, Any], **school: Any) -> Result:
    return evaluate(rubric, make_answers(rubric, answers, **school))


GAPS: dict[str, Any] = {
    "policy": {
        "value": "partly",
        "notes": HOSTILE,
        "evidence": HOSTILE,
        "action": {"owner": '=HYPERLINK("http://evil.example","x")', "due": "2026-10-01"},
    },
    "reviewed": "2020-01-01",
    "trained_pct": {"value": 40, "action": {"owner": "Zoë O'Brien, DSL", "due": "2027-01-31"}},
    "shared_logins": 0,
    "filtering": "managed",
    "lead_name": "J. Smith",
}


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --------------------------------------------------------------------------- CSV


def test_csv_action_plan_has_a_bom_the_columns_and_one_row_per_gap(mini: Rubric) -> None:
    result = result_for(mini, GAPS)
    text = render_reports(result, mini)["-actions.csv"]
    assert isinstance(text, str)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert "\r\n" in text
    rows = csv_rows(text)
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(result.gaps) == 3
    column = {name: n for n, name in enumerate(COLUMNS)}
    assert [r[column["criterion"]] for r in rows[1:]] == [g.criterion for g in result.gaps]
    assert [r[column["rank"]] for r in rows[1:]] == ["1", "2", "3"]


def test_csv_rows_hold_the_gap_the_action_the_owner_and_the_due_date(mini: Rubric) -> None:
    rows = {
        r[COLUMNS.index("criterion")]: dict(zip(COLUMNS, r, strict=True))
        for r in csv_rows(str(render_reports(result_for(mini, GAPS), mini)["-actions.csv"]))[1:]
    }
    trained = rows["mini.safety.trained"]
    assert trained == {
        "school": "Test School",
        "urn": "",
        "review_date": "2026-11-20",
        "rank": "1",
        "priority": "High",
        "framework": "Mini framework",
        "area": "Safety",
        "criterion": "mini.safety.trained",
        "criterion_title": "Staff trained",
        "status": "Not met",
        "action": "Train staff.",
        "owner": "Zoë O'Brien, DSL",
        "due": "2027-01-31",
        "overdue": "",
        "action_status": "planned",
        "affects_safeguarding": "",
        "affects": "the judgement",  # 44.4% would be 77.8%: good, not requires improvement
        "self_reported": "",
    }
    reviewed = rows["mini.policy.reviewed"]
    assert (reviewed["owner"], reviewed["due"], reviewed["action_status"]) == (
        "",
        "",
        "no owner yet",
    )
    policy = rows["mini.policy.in_place"]
    assert (policy["overdue"], policy["action_status"]) == ("yes", "overdue")


def test_csv_cells_that_look_like_formulas_are_kept_as_text(mini: Rubric) -> None:
    rows = csv_rows(str(render_reports(result_for(mini, GAPS), mini)["-actions.csv"]))
    owners = [r[COLUMNS.index("owner")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in owners
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_with_no_gaps_is_just_the_header(mini: Rubric) -> None:
    good = {**GAPS, "policy": "yes", "reviewed": "2026-09-01", "trained_pct": 95}
    rows = csv_rows(str(render_reports(result_for(mini, good), mini)["-actions.csv"]))
    assert rows == [list(COLUMNS)]


# --------------------------------------------------------------------------- Markdown


def test_markdown_report_has_the_sections_in_order(mini: Rubric) -> None:
    text = str(render_reports(result_for(mini, GAPS), mini)[".md"])
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == [
        "At a glance",
        "Indicators of inadequate practice",
        "Top priorities",
        "Gaps by Ofsted evaluation area",
        "Action plan",
        "Questions governors might ask",
        "Criterion by criterion",
        "Curriculum coverage",
        "What the school recorded",
        "Method and sources",
    ]
    assert text.startswith("# Online-safety self-review: Test School\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "**No owner yet**" in text and "**overdue**" in text


def test_a_schools_text_in_markdown_renders_as_text_not_html(mini: Rubric) -> None:
    school = {"name": "Oak <b>& Ash</b>", "completed_by": HOSTILE}
    text = str(render_reports(result_for(mini, GAPS, **school), mini)[".md"])
    commonmark = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    python_markdown = markdown.markdown(text, extensions=["tables"])
    for html in (commonmark, python_markdown):
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>" not in html
        assert 'href="javascript' not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in commonmark
    assert "Oak &lt;b&gt;&amp; Ash&lt;/b&gt;" in commonmark


def test_the_json_is_the_stable_result_json(mini: Rubric) -> None:
    result = result_for(mini, GAPS)
    assert render_reports(result, mini)[".json"] == result.to_json()


# --------------------------------------------------------------------------- writing


def test_write_reports_writes_the_five_files(mini: Rubric, tmp_path: Path) -> None:
    result = result_for(mini, GAPS, name="St Mary's C of E")
    written = write_reports(result, mini, tmp_path / "out")
    names = [p.name for p in written]
    assert names == [
        "st-marys-c-of-e-2026-11-20.md",
        "st-marys-c-of-e-2026-11-20.html",
        "st-marys-c-of-e-2026-11-20-summary.html",
        "st-marys-c-of-e-2026-11-20.json",
        "st-marys-c-of-e-2026-11-20-actions.csv",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)
    assert report_stem(result) == "st-marys-c-of-e-2026-11-20"
    assert (tmp_path / "out" / names[4]).read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_failed_write_leaves_no_partial_files_and_names_what_failed(
    mini: Rubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills up while the last file (the CSV) is staged, after three were.
    import errno

    import esafety_audit.io as io_module

    real_stage = io_module._stage

    def stage(path: Path, data: str | bytes, mode: int) -> str:
        if path.name.endswith("-actions.csv"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_stage(path, data, mode)

    monkeypatch.setattr(io_module, "_stage", stage)
    result = result_for(mini, GAPS)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("already here", encoding="utf-8")
    with pytest.raises(WriteError) as failure:
        write_reports(result, mini, folder)
    message = str(failure.value)
    assert "-actions.csv" in message and "nothing was written" in message
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_a_very_long_school_name_still_gives_a_usable_file_name(mini: Rubric) -> None:
    result = result_for(mini, GAPS, name="A" * 400)
    assert report_stem(result) == "a" * 80 + "-2026-11-20"


def test_a_failed_render_writes_nothing(
    mini: Rubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> str:
        raise RuntimeError("template failed")

    monkeypatch.setattr(reports, "actions_csv", broken)
    with pytest.raises(RuntimeError):
        write_reports(result_for(mini, GAPS), mini, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_assess_writes_five_files_per_school(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("Oak Primary", "Ash Primary"):
        (folder / f"{name.split()[0].lower()}.yaml").write_text(
            f"school: {{name: {name}, phase: primary, review_date: 2026-11-20}}\n"
            "answers: {policy: partly, trained_pct: 40}\n",
            encoding="utf-8",
        )
    mini_args = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
    code = run([*mini_args, "assess", str(folder), "-o", str(tmp_path / "out")])
    capsys.readouterr()
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(
        f"{school}-primary-2026-11-20{ending}"
        for school in ("oak", "ash")
        for ending in (".md", ".html", "-summary.html", ".json", "-actions.csv")
    )


def _structure(html: str) -> dict[str, object]:
    """What a reader sees of a rendered Markdown page: its headings, and how many list
    items, tables and table rows it has."""
    return {
        "headings": re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html),
        "items": html.count("<li>"),
        "tables": html.count("<table>"),
        "rows": html.count("<tr>"),
    }


@pytest.mark.parametrize("example", ["oakfield-primary", "riverside-academy"])
def test_markdown_reads_the_same_in_python_markdown_and_commonmark(example: str) -> None:
    from esafety_audit.loading import data_dir, load_answers, load_rubric

    rubric = load_rubric()
    path = data_dir("questionnaires") / "examples" / f"{example}.yaml"
    text = str(render_reports(evaluate(rubric, load_answers(path, rubric)), rubric)[".md"])
    commonmark = MarkdownIt("commonmark").enable("table").render(text)
    python_markdown = markdown.markdown(text, extensions=["tables"])
    assert _structure(python_markdown) == _structure(commonmark)
    levels = {int(level) for level, _ in _structure(commonmark)["headings"]}  # type: ignore[union-attr]
    assert max(levels) <= 4
    assert "█" not in text and "░" not in text
    assert not any(re.fullmatch(r"(\|\s*)+\|?", line) for line in text.splitlines())


def test_names_in_any_script_give_readable_file_names_that_never_clash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    names = ["日本語の学校", "École Saint-Joseph", "محمد علي", "!!!", "???"]
    for n, name in enumerate(names):
        (folder / f"{n}.yaml").write_text(
            f'school: {{name: "{name}", phase: primary, review_date: 2026-11-20}}\n'
            "answers: {policy: yes}\n",
            encoding="utf-8",
        )
    mini_args = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
    assert run([*mini_args, "assess", str(folder), "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    stems = {p.name.removesuffix(".json") for p in (tmp_path / "out").glob("*.json")}
    assert len(stems) == len(names)
    assert {
        "日本語の学校-2026-11-20",
        "ecole-saint-joseph-2026-11-20",
        "محمد-علي-2026-11-20",
    } <= stems
    assert len([s for s in stems if s.startswith("school-")]) == 2
