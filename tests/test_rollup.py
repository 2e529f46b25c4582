"""``esafety-audit rollup``: many schools side by side, as a trust lead runs it.

Most tests use the small test rubric, where every count can be worked out by hand;
some use copies of the shipped example schools, and the page is checked in a real
browser (Debian's Chromium): sorting, reading with scripts off, and axe.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import MINI_CRITERIA, MINI_QUESTIONS, copy_rubric

from esafety_audit.cli import run
from esafety_audit.engine import evaluate
from esafety_audit.loading import load_answers
from esafety_audit.models import Result, Rubric
from esafety_audit.rollup import FilesSkipped, Job, collect, outputs, roll_up
from esafety_audit.rollup.collect import POOL_FROM
from esafety_audit.rollup.progress import Progress
from esafety_audit.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
MINI = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
MINI_JOB = Job(MINI_CRITERIA, MINI_QUESTIONS, None)

SCHOOL = """school:
  name: {name}
  urn: {urn}
  phase: primary
  review_date: 2026-11-20
answers:
{answers}"""
# Three schools on the test rubric: every status below is worked out by hand.
ASH = """  policy: yes
  reviewed: 2026-09-01
  trained_pct: 95
  shared_logins: 0
  filtering: managed
  lead_name: J. Smith
"""
BEECH = """  policy: partly
  trained_pct: 60
  shared_logins: 0
  filtering: basic
  lead_name: A. Jones
"""
CEDAR = """  policy: no
  reviewed: 2020-01-01
  trained_pct: 10
  shared_logins: 2
  filtering: none
"""
BAD_VALUE = """  policy: yes
  trained_pct: 195
"""


def school(folder: Path, stem: str, name: str, answers: str, urn: str = "123456") -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(SCHOOL.format(name=name, urn=urn, answers=answers), encoding="utf-8")
    return path


@pytest.fixture
def schools(tmp_path: Path) -> Path:
    """A folder with Ash (outstanding), Beech (partly there) and Cedar (inadequate)."""
    folder = tmp_path / "schools"
    folder.mkdir()
    school(folder, "c", "Cedar Academy", CEDAR, "100003")
    school(folder, "a", "Ash Primary", ASH, "100001")
    school(folder, "b", "Beech Infants", BEECH, "100002")
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run([*MINI, *args])
    out, err = capsys.readouterr()
    return code, out, err


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a byte-order mark for Excel"
    assert b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------- runs and files


def test_a_folder_rolls_up_every_school_and_writes_three_files(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path
) -> None:
    before = digest(schools)
    code, out, err = cli(capsys, "rollup", str(schools), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert err == ""
    assert out.startswith(
        "Rolled up 3 schools: 1 outstanding, 1 requires improvement, 1 inadequate; "
        "1 with an indicator of inadequate practice.\n"
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "rollup.csv",
        "rollup.html",
        "rollup.json",
    ]
    for name in ("rollup.html", "rollup.csv", "rollup.json"):
        assert f"  wrote {tmp_path / 'out' / name}\n" in out
    assert digest(schools) == before  # the answers files are only read


def test_a_school_whose_indicator_is_not_checked_is_named_beside_those_found(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path
) -> None:
    # Elm is Ash with its filtering unanswered: the indicator on filtering is not checked.
    school(schools, "e", "Elm Primary", ASH.replace("  filtering: managed\n", ""), "100005")
    code, out, err = cli(capsys, "rollup", str(schools), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert out.startswith("Rolled up 4 schools: ")
    assert (
        "1 with an indicator of inadequate practice, 1 with one not checked (unanswered).\n" in out
    )
    data = json.loads((tmp_path / "out" / "rollup.json").read_text(encoding="utf-8"))
    assert data["summary"]["with_indicator_not_checked"] == 1
    page = (tmp_path / "out" / "rollup.html").read_text(encoding="utf-8")
    unchecked = page.split('id="unchecked-title"')[1].split("</section>")[0]
    assert "Elm Primary" in unchecked and "1 indicator not checked" in unchecked
    assert "Ash Primary" not in unchecked and "Cedar Academy" not in unchecked


def test_invalid_files_are_reported_with_their_place_and_the_others_still_go_through(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path
) -> None:
    bad = school(schools, "bad", "Bad Value School", BAD_VALUE)
    broken = schools / "broken.yaml"
    broken.write_text("school: {name: Broken\nanswers: [\n", encoding="utf-8")
    before = digest(schools)
    out_dir = tmp_path / "out"
    code, out, err = cli(capsys, "rollup", str(schools), "-o", str(out_dir))
    assert code == 2  # some files were skipped: the run says so in its exit code
    assert f"{bad}:8:16: trained_pct: 195 is out of range; use 0 to 100" in err
    assert f"{broken}:2:8: YAML syntax error" in err
    assert "Traceback" not in err
    assert "Rolled up 3 schools" in out
    assert "2 files skipped because of the problems listed above" in err
    data = json.loads((out_dir / "rollup.json").read_text(encoding="utf-8"))
    assert data["summary"]["schools"] == 3 and data["summary"]["files_skipped"] == 2
    assert data["skipped"] == [str(bad), str(broken)]
    assert [s["name"] for s in data["schools"]] == ["Ash Primary", "Beech Infants", "Cedar Academy"]
    html = (out_dir / "rollup.html").read_text(encoding="utf-8")
    # The page names the files skipped but not where they are: a page is shared, and a
    # place on this computer can name a person. The JSON and the terminal say where.
    assert "Files skipped" in html and "<code>broken.yaml</code>" in html
    assert str(schools) not in html and str(tmp_path) not in html
    assert digest(schools) == before


def test_files_and_folders_can_be_mixed(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    dale = school(other, "d", "Dale School", ASH, "100004")
    code, out, _ = cli(capsys, "rollup", str(schools), str(dale), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [s["file"] for s in data["schools"]] == [
        str(schools / "a.yaml"),
        str(schools / "b.yaml"),
        str(schools / "c.yaml"),
        str(dale),
    ]


def test_an_empty_folder_is_a_clear_error_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = cli(capsys, "rollup", str(empty), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"{empty}:1:1: no answers files (*.yaml) in this folder" in err
    assert out == ""
    assert not (tmp_path / "out").exists()


def test_when_every_file_is_invalid_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = school(folder, "bad", "Bad Value School", BAD_VALUE)
    code, out, err = cli(capsys, "rollup", str(folder), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"{bad}:8:16: trained_pct: 195" in err
    assert "none of the 1 answers files could be read" in err and "nothing was written" in err
    assert out == ""
    assert not (tmp_path / "out").exists()


def test_format_json_prints_the_json_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "rollup", str(schools), "--format", "json")
    assert code == 0
    assert json.loads(out)["schema_version"] == outputs.SCHEMA_VERSION
    assert err.startswith("Rolled up 3 schools")  # the summary goes to stderr, not the JSON
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schools"]


def test_unknown_framework_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], schools: Path
) -> None:
    code, _, err = cli(capsys, "rollup", str(schools), "--framework", "nope")
    assert code == 2
    assert "unknown framework 'nope'; known: mini" in err


# --------------------------------------------------------------------------- contents


@pytest.fixture
def rolled(capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path) -> Path:
    out_dir = tmp_path / "out"
    assert cli(capsys, "rollup", str(schools), "-o", str(out_dir))[0] == 0
    return out_dir


def test_json_holds_every_school_with_its_judgement_score_and_areas(rolled: Path) -> None:
    data = json.loads((rolled / "rollup.json").read_text(encoding="utf-8"))
    assert list(data) == [
        "schema_version",
        "question_bank",
        "frameworks",
        "summary",
        "skipped",
        "limiting",
        "common_gaps",
        "schools",
    ]
    assert data["question_bank"] == {"id": "mini_questions", "version": "0.1"}
    assert data["frameworks"] == [
        {
            "id": "mini",
            "title": "Mini framework",
            "version": "0.1",
            "schools": 3,
            "areas": [{"id": "policy", "title": "Policy"}, {"id": "safety", "title": "Safety"}],
        }
    ]
    assert data["summary"] == {
        "schools": 3,
        "files_skipped": 0,
        "judgements": {
            "outstanding": 1,
            "good": 0,
            "requires_improvement": 1,
            "inadequate": 1,
            "not_judged": 0,
        },
        "safeguarding": {"met": 0, "not_met": 0, "not_assessed": 0},  # mini has no rules
        "with_limiting": 1,
        "with_indicator_not_checked": 0,
        "other_question_bank": 0,
    }
    ash, beech, cedar = data["schools"]
    assert ash == {
        "file": ash["file"],
        "name": "Ash Primary",
        "urn": "100001",
        "phase": "primary",
        "review_date": "2026-11-20",
        "judgement": "outstanding",
        "safeguarding": None,
        "score": 100.0,
        "coverage": 100.0,
        "limiting": [],
        "indicators_not_checked": 0,
        "self_reported": 0,
        "frameworks": [
            {
                "id": "mini",
                "judgement": "outstanding",
                "score": 100.0,
                "areas": [
                    {"id": "policy", "score": 100.0, "rating": "green"},
                    {"id": "safety", "score": 100.0, "rating": "green"},
                ],
            }
        ],
    }
    # Beech: (2x50 + 1x0 + 3x50 + 2x50 + 1x100) / 9 (indicators are gates, not scored),
    # 6 of 7 answered
    assert (beech["judgement"], beech["score"], beech["coverage"]) == (
        "requires_improvement",
        50.0,
        85.7,
    )
    assert cedar["judgement"] == "inadequate"
    assert cedar["limiting"] == ["mini.inadequate.no_filtering", "mini.inadequate.shared_logins"]


def test_json_matches_what_assess_gives_each_school(rolled: Path, schools: Path) -> None:
    from helpers import mini_rubric

    rubric = mini_rubric()
    data = json.loads((rolled / "rollup.json").read_text(encoding="utf-8"))
    for entry in data["schools"]:
        result = evaluate(rubric, load_answers(Path(entry["file"]), rubric))
        assert entry["judgement"] == result.judgement
        assert entry["score"] == result.score and entry["coverage"] == result.coverage
        areas = entry["frameworks"][0]["areas"]
        assert [(a["id"], a["score"], a["rating"]) for a in areas] == [
            (a.id, a.score, a.rating) for a in result.areas
        ]


def test_common_gaps_are_counted_across_schools_most_common_first(rolled: Path) -> None:
    data = json.loads((rolled / "rollup.json").read_text(encoding="utf-8"))
    gaps = [
        (g["criterion"], g["not_met"], g["partly_met"], g["unanswered"], g["schools"])
        for g in data["common_gaps"]
    ]
    # On the one priority scale first: Cedar's two indicators found are urgent, then the
    # essential training (high), then the weight-2 gaps (medium), then the rest. Beech
    # partly meets three criteria that Cedar does not meet at all and left the review date
    # blank; Cedar left its lead blank (a gap to answer); nobody is asked about KS4.
    assert gaps == [
        ("mini.inadequate.no_filtering", 1, 0, 0, 1),
        ("mini.inadequate.shared_logins", 1, 0, 0, 1),
        ("mini.safety.trained", 1, 1, 0, 2),
        ("mini.policy.in_place", 1, 1, 0, 2),
        ("mini.safety.filtering", 1, 1, 0, 2),
        ("mini.policy.reviewed", 1, 0, 1, 2),
        ("mini.safety.lead", 0, 0, 1, 1),
    ]
    assert data["common_gaps"][2] == {
        "criterion": "mini.safety.trained",
        "framework": "mini",
        "area": "safety",
        "title": "Staff trained",
        "priority": 3,
        "not_met": 1,
        "partly_met": 1,
        "unanswered": 0,
        "schools": 2,
    }


def test_schools_with_an_indicator_of_inadequate_practice_are_listed_with_why(
    rolled: Path,
) -> None:
    data = json.loads((rolled / "rollup.json").read_text(encoding="utf-8"))
    (cedar,) = data["limiting"]
    assert cedar["school"] == "Cedar Academy" and cedar["urn"] == "100003"
    assert [i["id"] for i in cedar["indicators"]] == [
        "mini.inadequate.no_filtering",
        "mini.inadequate.shared_logins",
    ]
    assert all(i["reasons"] for i in cedar["indicators"])
    rows = read_csv(rolled / "rollup.csv")
    assert rows[2]["indicators of inadequate practice"] == (
        "there is no internet filtering; staff share logins"
    )
    html = (rolled / "rollup.html").read_text(encoding="utf-8")
    section = html[html.index('id="limiting"') :]
    assert "Cedar Academy" in section and "staff share logins" in section
    assert "Ash Primary" not in section


def test_csv_has_one_row_per_school_with_its_areas(rolled: Path) -> None:
    rows = read_csv(rolled / "rollup.csv")
    assert [r["school"] for r in rows] == ["Ash Primary", "Beech Infants", "Cedar Academy"]
    ash = rows[0]
    assert ash["urn"] == "100001" and ash["review_date"] == "2026-11-20"
    assert ash["judgement"] == "Outstanding" and ash["score"] == "100" and ash["coverage"] == "100"
    assert ash["mini: Policy (score)"] == "100" and ash["mini: Policy (rating)"] == "Green"
    assert rows[1]["judgement"] == "Requires improvement" and rows[1]["coverage"] == "85.7"
    assert rows[2]["indicators not checked"] == "0" and rows[2]["claims without evidence"] == "0"
    assert rows[2]["judgement"] == "Inadequate" and rows[2]["mini: judgement"] == "Inadequate"
    assert list(ash)[:10] == [
        "file",
        "school",
        "urn",
        "phase",
        "review_date",
        "judgement",
        "safeguarding",
        "score",
        "coverage",
        "indicators of inadequate practice",
    ]


def test_safeguarding_of_each_example_school_is_rolled_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = run(["rollup", *(str(p) for p in EXAMPLES), "-o", str(tmp_path / "out")])
    capsys.readouterr()
    assert code == 0
    data = json.loads((tmp_path / "out" / "rollup.json").read_text(encoding="utf-8"))
    found = {school["name"]: school["safeguarding"] for school in data["schools"]}
    assert found == {
        "Oakfield Primary School": "met",
        "Riverside Academy": "not_met",
        "St Aidan's Church of England All-Through School": "not_met",
    }
    assert data["summary"]["safeguarding"] == {"met": 1, "not_met": 2, "not_assessed": 0}
    rows = read_csv(tmp_path / "out" / "rollup.csv")
    assert [r["safeguarding"] for r in rows] == ["Met", "Not met", "Not met"]
    html = (tmp_path / "out" / "rollup.html").read_text(encoding="utf-8")
    assert "How many schools have safeguarding (online) met" in html
    # ... and each school's verdict, in words, in a column of its own
    assert '<th scope="col">Safeguarding (online)</th>' in html
    assert html.count("</span> Not met</span></td>") == 2


def test_no_safeguarding_column_when_the_rubric_decides_none(rolled: Path) -> None:
    html = (rolled / "rollup.html").read_text(encoding="utf-8")
    assert "Safeguarding (online)" not in html  # the test rubric has no safeguarding rules
    assert "Every school: its judgement, score and how much" in html


def test_the_page_names_gaps_by_title_and_schools_by_file_name_only(
    rolled: Path, schools: Path
) -> None:
    html = (rolled / "rollup.html").read_text(encoding="utf-8")
    assert '<th scope="row">Staff trained<span class="about">Mini framework</span>' in html
    assert '<span class="id">mini.safety.trained</span>' in html
    assert '<span class="file">c.yaml</span>' in html  # Cedar, with its indicators
    assert str(schools) not in html


def test_a_schools_text_cannot_become_a_formula_or_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    school(folder, "x", "'=HYPERLINK(\"http://x\")'", ASH)
    school(folder, "y", '"<script>window.__xss = 1</script> & Sons"', ASH)
    out_dir = tmp_path / "out"
    assert cli(capsys, "rollup", str(folder), "-o", str(out_dir))[0] == 0
    names = [r["school"] for r in read_csv(out_dir / "rollup.csv")]
    assert '\'=HYPERLINK("http://x")' in names
    html = (out_dir / "rollup.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt; &amp; Sons" in html
    assert "<script>window.__xss" not in html


def test_a_new_framework_brings_its_own_columns(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path
) -> None:
    crit, ques = copy_rubric(tmp_path / "rubric")
    text = (crit / "mini.yaml").read_text(encoding="utf-8")
    second = text.replace("id: mini\n", "id: second\n", 1).replace("id: mini.", "id: second.")
    second = second.replace("title: Mini framework", "title: Second framework")
    second = second.replace("{id: safety, title: Safety,", "{id: safety, title: Keeping safe,")
    (crit / "second.yaml").write_text(second, encoding="utf-8")
    args = ["--criteria", str(crit), "--questions", str(ques), "rollup", str(schools)]
    code = run([*args, "-o", str(tmp_path / "out")])
    capsys.readouterr()
    assert code == 0
    data = json.loads((tmp_path / "out" / "rollup.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in data["frameworks"]] == ["mini", "second"]
    assert [f["id"] for f in data["schools"][0]["frameworks"]] == ["mini", "second"]
    header = next(csv.reader(io.StringIO((tmp_path / "out" / "rollup.csv").read_text("utf-8-sig"))))
    assert "second: Keeping safe (rating)" in header
    html = (tmp_path / "out" / "rollup.html").read_text(encoding="utf-8")
    assert '<h2 id="framework-2-title">Second framework</h2>' in html
    # and --framework keeps to the ones asked for
    code = run([*args, "--framework", "second", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [f["id"] for f in data["frameworks"]] == ["second"]
    assert {g["framework"] for g in data["common_gaps"]} == {"second"}


# --------------------------------------------------------------------------- the shipped examples


def tweaked(example: Path, folder: Path, stem: str, name: str, **answers: Any) -> Path:
    """A copy of a shipped example school under another name, with some answers changed."""
    data = read_yaml(example).data
    data["school"]["name"] = name
    data["answers"].update(answers)
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_common_gaps_across_copies_of_the_example_schools(rubric: Rubric, tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    oakfield = ROOT / "questionnaires" / "examples" / "oakfield-primary.yaml"
    files = [
        tweaked(oakfield, folder, "oak-a", "Oak A", policy_ratified="yes"),
        tweaked(oakfield, folder, "oak-b", "Oak B", policy_ratified="no"),
        tweaked(oakfield, folder, "oak-c", "Oak C", policy_ratified="partly"),
        *(tweaked(e, folder, e.stem, e.stem.title()) for e in EXAMPLES),
    ]
    found = collect(files, Job(None, None, None), on_problems=pytest.fail, workers=1)
    counted = {g.criterion.id: (g.not_met, g.partly_met, g.unanswered) for g in found.common_gaps()}
    # The Oak copies differ only in whether governors ratified the policy.
    oaks = Counter(
        (g.criterion, g.status)
        for f in files[:3]
        for g in evaluate(rubric, load_answers(f, rubric)).gaps
    )
    ratified = "ofsted.policies.ratified_by_governors"
    assert oaks[(ratified, "not_met")] == 1 and oaks[(ratified, "partly_met")] == 1
    # Every count is the number of schools whose own report lists the gap.
    expected: Counter[tuple[str, str]] = Counter(
        (g.criterion, g.status)
        for f in files
        for g in evaluate(rubric, load_answers(f, rubric)).gaps
    )
    assert counted == {
        cid: (
            expected[(cid, "not_met")],
            expected[(cid, "partly_met")],
            expected[(cid, "unanswered")],
        )
        for cid in {cid for cid, _ in expected}
    }
    # On the one priority scale first (the most important any school gives it), then the
    # most common first.
    ranked = [(g.priority_rank, -g.schools) for g in found.common_gaps()]
    assert ranked == sorted(ranked)
    best = {
        g.criterion: g.priority_rank
        for f in files
        for g in sorted(
            evaluate(rubric, load_answers(f, rubric)).gaps, key=lambda g: -g.priority_rank
        )
    }
    assert {g.criterion.id: g.priority_rank for g in found.common_gaps()} == best
    assert [r.name for r in found.limiting()] == ["St-Aidans-All-Through"]


# --------------------------------------------------------------------------- streaming and memory


def test_no_result_is_kept_once_its_row_is_made(schools: Path) -> None:
    found = collect(sorted(schools.iterdir()), MINI_JOB, on_problems=pytest.fail, workers=1)
    gc.collect()
    assert len(found.rows) == 3
    assert not [o for o in gc.get_objects() if isinstance(o, Result)]


def test_many_files_on_several_cores_give_the_same_roll_up(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    kinds = [ASH, BEECH, CEDAR]
    for n in range(POOL_FROM + 6):
        school(folder, f"s{n:03d}", f"School {n:03d}", kinds[n % 3], str(100000 + n))
    bad = school(folder, "s050-bad", "Bad", BAD_VALUE)
    paths = sorted(folder.iterdir())
    skipped: list[str] = []
    alone = collect(paths, MINI_JOB, on_problems=lambda f, _: skipped.append(f), workers=1)
    shared = collect(paths, MINI_JOB, on_problems=lambda f, _: skipped.append(f), workers=2)
    assert skipped == [str(bad), str(bad)]
    assert "".join(outputs.json_chunks(shared)) == "".join(outputs.json_chunks(alone))
    assert len(shared.rows) == POOL_FROM + 6


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_that_makes_way_for_problems(
    schools: Path, tmp_path: Path
) -> None:
    bad = school(schools, "bad", "Bad Value School", BAD_VALUE)
    out, err = io.StringIO(), Terminal()
    paths = sorted(schools.iterdir())
    with pytest.raises(FilesSkipped, match="1 file skipped"):
        roll_up(paths, MINI_JOB, tmp_path / "out", as_json=False, out=out, err=err)
    shown = err.getvalue()
    assert "\rScoring answers files [" in shown and "of 4" in shown
    # The bar is cleared before a problem is printed, so each problem has its own line.
    assert f"\r\x1b[K{bad}:8:16: trained_pct: 195" in shown
    assert shown.endswith("\r\x1b[K")  # and cleared at the end


def test_no_progress_bar_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress(stream, 100)
    for done in range(1, 101):
        bar.update(done)
    bar.clear()
    assert stream.getvalue() == ""


def test_outputs_are_written_whole_or_not_at_all(
    capsys: pytest.CaptureFixture[str], schools: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    out_dir = tmp_path / "out"
    assert cli(capsys, "rollup", str(schools), "-o", str(out_dir))[0] == 0
    before = digest(out_dir)

    def failing(rollup: Any) -> Iterator[str]:
        yield '{"schema_version": '
        raise OSError(28, "No space left on device", str(out_dir / "rollup.json"))

    monkeypatch.setattr(outputs, "json_chunks", failing)
    school(schools, "d", "Dale School", ASH, "100004")
    code, _, err = cli(capsys, "rollup", str(schools), "-o", str(out_dir))
    assert code == 2
    assert "could not write" in err and "nothing was written" in err
    assert digest(out_dir) == before  # the last run's files, untouched
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def examples_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The roll-up page of the three example schools and two tweaked copies."""
    folder = tmp_path_factory.mktemp("examples")
    oakfield = ROOT / "questionnaires" / "examples" / "oakfield-primary.yaml"
    tweaked(oakfield, folder, "alder", "Alder Green Primary", policy_ratified="no")
    tweaked(oakfield, folder, "zenith", "Zenith Primary", staff_trained_pct=20)
    paths = [*EXAMPLES, *sorted(folder.iterdir())]
    out = tmp_path_factory.mktemp("page")
    roll_up(paths, Job(None, None, None), out, as_json=False, out=io.StringIO(), err=sys.stderr)
    return out / "rollup.html"


def open_page(browser: Any, page_path: Path, *, scripts: bool = True) -> tuple[Any, list[str]]:
    context = browser.new_context(offline=True, java_script_enabled=scripts)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page_path.as_uri(), wait_until="load")
    assert errors == []  # e.g. no script blocked by the page's content security policy
    return page, requests


def first_column(page: Any, table: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table} tbody tr", "rows => rows.map(r => r.cells[0].textContent.trim())"
    )


def test_sorting_by_a_column_heading_reorders_the_schools(
    browser: Any, examples_page: Path
) -> None:
    data = json.loads(examples_page.with_name("rollup.json").read_text(encoding="utf-8"))
    by_name = [s["name"] for s in data["schools"]]
    by_score = [s["name"] for s in sorted(data["schools"], key=lambda s: s["score"])]
    assert by_score != by_name  # or the test would prove nothing
    page, requests = open_page(browser, examples_page)
    try:
        assert first_column(page, "schools") == by_name
        score = page.locator("#schools thead th", has_text="Score")
        assert score.get_attribute("aria-sort") is None
        score.get_by_role("button").click()
        assert first_column(page, "schools") == by_score
        assert score.get_attribute("aria-sort") == "ascending"
        assert page.locator("#schools thead th").first.get_attribute("aria-sort") is None
        score.get_by_role("button").click()
        assert first_column(page, "schools") == by_score[::-1]
        assert score.get_attribute("aria-sort") == "descending"
        assert "Score, descending" in page.inner_text("#sort-status")
        page.locator("#schools thead th").first.get_by_role("button").click()
        assert first_column(page, "schools") == by_name
        assert requests == [examples_page.as_uri()]  # nothing loaded from anywhere
    finally:
        page.context.close()


def test_with_scripts_off_every_table_is_all_there_in_name_order(
    browser: Any, examples_page: Path
) -> None:
    data = json.loads(examples_page.with_name("rollup.json").read_text(encoding="utf-8"))
    by_name = [s["name"] for s in data["schools"]]
    page, _ = open_page(browser, examples_page, scripts=False)
    try:
        tables = page.eval_on_selector_all("table.sortable", "ts => ts.map(t => t.id)")
        assert len(tables) == 1 + len(data["frameworks"])
        for table in page.query_selector_all("table.sortable"):
            names = table.eval_on_selector_all(
                "tbody tr", "rows => rows.map(r => r.cells[0].textContent.trim())"
            )
            assert names == by_name
        assert page.query_selector_all("th button") == []  # no buttons that would do nothing
        text = page.inner_text("main")
        assert "St Aidan" in text and "Indicators of inadequate practice" in text
        areas = [a["title"] for f in data["frameworks"] for a in f["areas"]]
        headings = page.eval_on_selector_all("thead th", "ths => ths.map(t => t.textContent)")
        assert set(areas) <= set(headings)
    finally:
        page.context.close()


def test_the_page_has_no_accessibility_violations(browser: Any, examples_page: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(browser, examples_page)
    try:
        page.locator("#schools thead th", has_text="Judgement").get_by_role("button").click()
        violations = Axe().run(page).response["violations"]
        assert [f"{v['id']}: {v['help']}" for v in violations] == []
    finally:
        page.context.close()


def test_the_page_prints(browser: Any, examples_page: Path) -> None:
    page, _ = open_page(browser, examples_page)
    try:
        pdf: bytes = page.pdf(prefer_css_page_size=True, print_background=True)
        assert pdf.startswith(b"%PDF-")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2
    finally:
        page.context.close()


# --------------------------------------------------------------------------- the benchmark


def test_the_benchmark_runner_works_on_a_few_schools(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "rollup / floor" in done.stdout and "peak memory" in done.stdout
