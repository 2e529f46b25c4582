"""The command line, driven as a user drives it: exit codes, output, files."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import MINI_CRITERIA, MINI_QUESTIONS

from esafety_audit.cli import run

MINI = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
GOOD = """school:
  name: Oak & Ash <Primary>
  urn: 123456
  phase: primary
  review_date: 2026-11-20
  completed_by: J. Smith, DSL
answers:
  policy: yes
  reviewed: 2026-09-01
  trained_pct: 95
  shared_logins: 0
  filtering:
    value: managed
    evidence: Filtering report, October
  lead_name: J. Smith
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run([*MINI, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "oak.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_assess_json_has_the_documented_keys(capsys, answers_file: Path) -> None:
    code, out, _ = _cli(capsys, "assess", str(answers_file), "--format", "json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "schema_version",
        "school",
        "frameworks",
        "judgement",
        "score",
        "coverage",
        "areas",
        "limiting",
        "criteria",
        "gaps",
    ):
        assert key in data
    assert data["judgement"] == "outstanding"
    assert data["frameworks"][0]["id"] == "mini" and data["frameworks"][0]["version"] == "0.1"
    assert {"id", "title", "score", "rating"} <= set(data["areas"][0])
    assert {"id", "status", "score", "reasons"} <= set(data["criteria"][0])


def test_assess_writes_reports_and_never_touches_the_answers(
    capsys, answers_file: Path, tmp_path: Path
) -> None:
    before = hashlib.sha256(answers_file.read_bytes()).hexdigest()
    stamp = answers_file.stat().st_mtime_ns
    code, out, _ = _cli(capsys, "assess", str(answers_file), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "Oak & Ash <Primary>: Outstanding" in out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "oak-ash-primary-2026-11-20.json" in written
    assert "oak-ash-primary-2026-11-20.md" in written
    assert not [n for n in written if n.endswith(".tmp")]
    assert hashlib.sha256(answers_file.read_bytes()).hexdigest() == before
    assert answers_file.stat().st_mtime_ns == stamp


def test_an_inadequate_judgement_is_still_a_successful_run(capsys, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("shared_logins: 0", "shared_logins: 3"), encoding="utf-8")
    code, out, _ = _cli(capsys, "assess", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["judgement"] == "inadequate"


def test_bad_input_exits_2_with_locations_and_no_traceback(capsys, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("trained_pct: 95", "trained_pct: 195"), encoding="utf-8")
    code, _, err = _cli(capsys, "assess", str(path), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"{path}:10:16: trained_pct: 195 is out of range; use 0 to 100" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written for a bad file


def test_validate_reports_every_file(capsys, answers_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("policy: yes", "policy: sometimes"), encoding="utf-8")
    code, out, err = _cli(capsys, "validate", str(answers_file), str(bad))
    assert code == 2
    assert f"{answers_file}: valid (6 answers" in out
    assert f"{bad}:8:11: policy: 'sometimes' is not an allowed answer" in err
    assert "1 problem found" in err


def test_usage_errors_exit_2(capsys, answers_file: Path) -> None:
    assert _cli(capsys, "assess")[0] == 2
    assert _cli(capsys, "assess", str(answers_file), "--framework", "nope")[0] == 2
    assert _cli(capsys, "no-such-command")[0] == 2


def test_previous_with_json_is_refused_not_ignored(capsys, answers_file: Path) -> None:
    code, out, err = _cli(
        capsys, "assess", str(answers_file), "--format", "json", "--previous", str(answers_file)
    )
    assert code == 2 and out == ""
    assert "esafety-audit compare" in err and "--format json" in err


def test_init_writes_a_file_that_validates_as_is(capsys, tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    code, _, _ = _cli(
        capsys, "init", "--phase", "secondary", "-o", str(target), "--review-date", "2026-11-20"
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert "  # Which KS4 topics are taught?" in text  # a KS4 question for a secondary school
    assert "  ks4_topics:\n" in text
    assert _cli(capsys, "validate", str(target))[0] == 0
    # and it refuses to overwrite without --force, so nothing is lost
    code, _, err = _cli(capsys, "init", "--phase", "primary", "-o", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_text(encoding="utf-8") == text


def test_init_leaves_out_questions_for_other_key_stages(capsys, tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    assert _cli(capsys, "init", "--phase", "primary", "-o", str(target))[0] == 0
    assert "ks4_topics" not in target.read_text(encoding="utf-8")


def test_criteria_and_questions_json(capsys) -> None:
    code, out, _ = _cli(capsys, "criteria", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {"id", "framework", "area", "kind", "statement", "source", "questions"} <= set(rows[0])
    assert rows[0]["questions"] == ["policy"]
    assert rows[0]["inspection_areas"] == ["leadership_governance"]  # from its area
    code, out, _ = _cli(capsys, "questions", "--format", "json")
    questions = {q["id"]: q for q in json.loads(out)}
    assert questions["filtering"]["choices"] == ["none", "basic", "managed"]
    assert questions["policy"]["choices"] == ["yes", "partly", "no"]
    assert questions["trained_pct"]["choices"] is None
    assert _cli(capsys, "criteria", "--framework", "nope")[0] == 2


def test_schema_describes_every_question(capsys) -> None:
    code, out, _ = _cli(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    answers = schema["$defs"]["AnswersToQuestions"]["properties"]
    assert set(answers) == {
        "policy",
        "reviewed",
        "trained_pct",
        "shared_logins",
        "filtering",
        "ks4_topics",
        "lead_name",
    }
    assert answers["policy"]["title"] == "Policy in place"
    assert "How is filtering provided?" in answers["filtering"]["description"]
    assert "school" in schema["required"]


def test_schema_accepts_the_example_and_rejects_nonsense(capsys, answers_file: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = _cli(capsys, "schema")
    schema = json.loads(out)
    from esafety_audit.yamlfile import read_yaml

    data = json.loads(json.dumps(read_yaml(answers_file).data, default=str))
    jsonschema.validate(data, schema)
    data["answers"]["policy"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_python_dash_m_from_another_folder(tmp_path: Path, answers_file: Path) -> None:
    """The installed tool finds its shipped rubrics from any working folder."""
    done = subprocess.run(
        [sys.executable, "-m", "esafety_audit", "criteria", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    frameworks = {row["framework"] for row in json.loads(done.stdout)}
    assert frameworks == {
        "ofsted-esafety-2014",
        "naht-guidance",
        "dfe-filtering-monitoring",
        "dfe-cyber-security",
        "kcsie-online-safety",
        "dfe-guidance-2024-2026",
    }


def test_an_internal_error_exits_1_without_a_traceback(capsys, monkeypatch, answers_file) -> None:
    import esafety_audit.cli as cli

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("simulated")

    monkeypatch.setattr(cli, "evaluate", boom)
    code, _, err = _cli(capsys, "assess", str(answers_file), "--format", "json")
    assert code == 1
    assert "internal error (RuntimeError: simulated)" in err
    assert "Traceback" not in err


def test_assessing_several_schools_is_all_or_nothing(capsys, answers_file: Path, tmp_path) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text(GOOD, encoding="utf-8")  # the same school and date: the same file names
    code, _, err = _cli(capsys, "assess", str(answers_file), str(twin), "-o", str(tmp_path / "o"))
    assert code == 2
    assert "would both write" in err
    assert not (tmp_path / "o").exists()


def test_a_folder_with_no_answers_files_is_an_error(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("validate", "assess"):
        code, _, err = _cli(capsys, command, str(empty))
        assert code == 2
        assert f"{empty}:1:1: no answers files (*.yaml) in this folder" in err


def test_the_schema_accepts_the_short_forms_the_loader_accepts(capsys, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(_cli(capsys, "schema")[1])
    lenient = GOOD.replace("trained_pct: 95", "trained_pct: '95%'").replace(
        "lead_name: J. Smith", "lead_name: '42'\n  ks4_topics: privacy"
    )
    path = tmp_path / "lenient.yaml"
    path.write_text(lenient, encoding="utf-8")
    assert _cli(capsys, "validate", str(path))[0] == 0  # the loader accepts it...
    from esafety_audit.yamlfile import read_yaml

    data = json.loads(json.dumps(read_yaml(path).data, default=str))
    data["answers"]["policy"] = True
    jsonschema.validate(data, schema)  # ...and so does the schema
    data["answers"]["trained_pct"] = "lots"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data["answers"]["trained_pct"] = 95
    data["answers"]["lead_name"] = 42  # a number for a text question: both refuse it
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_an_older_question_bank_version_is_noted(capsys, tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(GOOD + 'question_bank_version: "0.0"\n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 0
    assert f"{path}: note: written against question bank 0.0; this tool asks version 0.1" in err


def test_the_schema_and_init_offer_the_absences_a_question_takes(capsys, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = _cli(capsys, "schema")
    schema = json.loads(out)
    data = {
        "school": {"name": "Oak", "phase": "primary", "review_date": "2026-11-20"},
        "answers": {"reviewed": "never", "trained_pct": {"value": "unknown"}},
    }
    jsonschema.validate(data, schema)
    data["answers"]["shared_logins"] = "unknown"  # a count of shared logins takes none
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    code, _, _ = _cli(capsys, "init", "--phase", "primary", "-o", str(tmp_path / "a.yaml"))
    assert code == 0
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert "# Answer: a date, YYYY-MM-DD; or, if there is none, never / no_record" in text
    assert "an empty answer is a gap to close" in text


def test_validate_notes_very_long_free_text_with_its_place(capsys, tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        "school: {name: Oak, phase: primary, review_date: 2026-11-20}\n"
        "answers:\n"
        "  policy:\n"
        "    value: 'yes'\n"
        f"    notes: {'minutes ' * 400}\n",
        encoding="utf-8",
    )
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 0  # a note, not a problem
    assert f"{path}:5:12: note: this note is 3,199 characters" in err
