"""`esafety-audit rubric-diff`: what changed between two rubric folders.

Cases are data (tests/cases_rubric_diff/*.yaml): each edits copies of the shipped
rubric folders and lists the diff entries it must produce, nothing more. Every case
is also run backwards, which must swap what was added and removed and change the
same fields. Broken folders are reported as file:line:col with exit code 2.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from esafety_audit.cli import run
from esafety_audit.loading import load_rubric
from esafety_audit.rubricdiff import FieldChange, RubricDiff, diff_rubrics, format_text
from esafety_audit.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((Path(__file__).parent / "cases_rubric_diff").glob("*.yaml"))
GROUPS = ("frameworks", "criteria", "questions")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the shipped rubric folders for the whole module to copy from."""
    base = tmp_path_factory.mktemp("shipped")
    for name in ("criteria", "questionnaires"):
        shutil.copytree(ROOT / name, base / name)
    return base


def copy_of(shipped: Path, where: Path) -> Path:
    shutil.copytree(shipped, where)
    return where


# --------------------------------------------------------------------------- edits


def _step(node: Any, key: str) -> tuple[Any, str | int]:
    return node, int(key) if isinstance(node, list) else key


def set_path(data: Any, dotted: str, value: Any) -> None:
    """Set ``a.b.0.c`` inside nested mappings and lists; None deletes a mapping key."""
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node, index = _step(node, last)
    if value is None and isinstance(node, dict):
        node.pop(index, None)
    else:
        node[index] = value


def _find(data: dict[str, Any], edit: dict[str, Any]) -> tuple[list[Any], int]:
    """The list holding the criterion or question the edit names, and its index."""
    if "criterion" in edit:
        places = [(data["criteria"], i) for i, c in enumerate(data["criteria"])]
        wanted = edit["criterion"]
    else:
        places = [
            (s["questions"], i) for s in data["sections"] for i, _ in enumerate(s["questions"])
        ]
        wanted = edit["question"]
    for items, i in places:
        if items[i]["id"] == wanted:
            return items, i
    raise AssertionError(f"{edit['file']} has no {wanted}")


def apply_edit(folder: Path, edit: dict[str, Any]) -> None:
    path = folder / edit["file"]
    if "content" in edit:
        path.write_text(yaml.safe_dump(edit["content"], sort_keys=False), "utf-8")
        return
    data = read_yaml(path).data
    if "criterion" in edit or "question" in edit:
        items, index = _find(data, edit)
        target = items[index]
        if edit.get("remove"):
            del items[index]
    else:
        target = data
        if "add" in edit and "section" in edit:
            (section,) = [s for s in data["sections"] if s["id"] == edit["section"]]
            section["questions"].append(edit["add"])
        elif "add" in edit:
            data["criteria"].append(edit["add"])
    for key, value in (edit.get("set") or {}).items():
        set_path(target, key, value)
    for key, value in (edit.get("append") or {}).items():
        target.setdefault(key, []).append(value)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def edited(shipped: Path, where: Path, edits: list[dict[str, Any]] | None) -> Path:
    folder = copy_of(shipped, where)
    for edit in edits or []:
        apply_edit(folder, edit)
    return folder


def load(folder: Path) -> Any:
    return load_rubric(folder / "criteria", folder / "questionnaires")


# --------------------------------------------------------------------------- what a diff says


def summary(diff: RubricDiff) -> dict[str, Any]:
    """The diff as a case writes its expectation: ids, and the names of changed fields."""
    found: dict[str, Any] = {}
    for group in GROUPS:
        changes = getattr(diff, group)
        entry = {
            "added": [i.id for i in changes.added],
            "removed": [i.id for i in changes.removed],
            "changed": {c.id: [f.field for f in c.fields] for c in changes.changed},
        }
        found[group] = {k: v for k, v in entry.items() if v}
    bank = diff.question_bank
    found["question_bank"] = {
        "old": bank.old_version,
        "new": bank.new_version,
        "fields": [f.field for f in bank.fields],
    }
    found["settings"] = [f.field for f in diff.settings]
    return found


def expected_summary(case: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """The case's expectation in the shape of :func:`summary`; versions not given match."""
    wanted = case.get("expected") or {}
    result = {group: wanted.get(group) or {} for group in GROUPS}
    bank = wanted.get("question_bank") or {}
    result["question_bank"] = {
        "old": bank.get("old", found["question_bank"]["old"]),
        "new": bank.get("new", found["question_bank"]["new"]),
        "fields": bank.get("fields", []),
    }
    result["settings"] = wanted.get("settings", [])
    return result


def backwards(summary_: dict[str, Any]) -> dict[str, Any]:
    """What the same diff says when the folders are swapped."""
    swapped: dict[str, Any] = {}
    for group in GROUPS:
        entry = summary_[group]
        swapped[group] = {
            k: v
            for k, v in {
                "added": entry.get("removed", []),
                "removed": entry.get("added", []),
                "changed": entry.get("changed", {}),
            }.items()
            if v
        }
    bank = summary_["question_bank"]
    swapped["question_bank"] = {**bank, "old": bank["new"], "new": bank["old"]}
    swapped["settings"] = summary_["settings"]
    return swapped


def field_change(diff: RubricDiff, detail: dict[str, Any]) -> FieldChange:
    if detail.get("bank"):
        fields = diff.question_bank.fields
    elif detail.get("settings"):
        fields = diff.settings
    else:
        group, key = next(
            (g, k)
            for g, k in (
                ("criteria", "criterion"),
                ("questions", "question"),
                ("frameworks", "framework"),
            )
            if k in detail
        )
        (item,) = [c for c in getattr(diff, group).changed if c.id == detail[key]]
        fields = item.fields
    (change,) = [f for f in fields if f.field == detail["field"]]
    return change


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(shipped: Path, tmp_path: Path, path: Path) -> None:
    case = read_yaml(path).data
    old = load(edited(shipped, tmp_path / "old", case.get("old")))
    new = load(edited(shipped, tmp_path / "new", case.get("new")))
    diff = diff_rubrics(old, new)
    found = summary(diff)
    assert found == expected_summary(case, found)
    assert summary(diff_rubrics(new, old)) == backwards(found)
    for detail in case.get("details") or []:
        change = field_change(diff, detail)
        for key in ("old", "new", "added", "removed", "reordered", "edited"):
            if key in detail:
                assert getattr(change, key) == detail[key], f"{detail}: {key}"
    assert diff.is_empty() == (path.stem == "no-change")


# --------------------------------------------------------------------------- the command


def test_command_prints_a_readable_diff_and_json(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = read_yaml(Path(__file__).parent / "cases_rubric_diff" / "question-changed.yaml").data
    old = edited(shipped, tmp_path / "old", None)
    new = edited(shipped, tmp_path / "new", case["new"])
    assert run(["rubric-diff", str(old), str(new)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Rubric changes from {old} to {new}\n")
    for line in (
        "Frameworks: 0 added, 0 removed, 0 changed",
        "Questions: 0 added, 0 removed, 1 changed",
        "  Changed: trip_phones (staff_conduct): School phones on trips",
        "      label: Phones taken on school trips -> School phones on trips",
        "      choices: added shared_phone; reordered; changed on_request",
        "        on_request: 'A school mobile phone is available if staff ask for one' -> "
        "'A school phone is available if staff ask'",
        "      prompt:",
        "        was: How do staff on school trips and visits keep in touch with the school "
        "and with parents?",
        "        now: How do staff on trips keep in touch with the school, with parents and "
        "with pupils?",
        "Answers to revisit (1 new or changed question):",
        "  trip_phones",
    ):
        assert line in text.splitlines()
    assert run(["rubric-diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "schema_version",
        "question_bank",
        "frameworks",
        "criteria",
        "questions",
        "settings",
    ]
    assert data == diff_rubrics(load(old), load(new)).model_dump(mode="json")
    (question,) = data["questions"]["changed"]
    assert list(question) == ["id", "section", "label", "fields"]
    assert list(question["fields"][0]) == [
        "field",
        "old",
        "new",
        "added",
        "removed",
        "reordered",
        "edited",
    ]


def test_the_same_rubric_twice_is_no_change(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_of(shipped, tmp_path / "copy")
    assert run(["rubric-diff", str(ROOT), str(copy)]) == 0
    out = capsys.readouterr().out
    assert "No changes: the frameworks, criteria and questions are the same" in out
    assert run(["rubric-diff", str(ROOT), str(copy), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for group in GROUPS:
        assert data[group] == {"added": [], "removed": [], "changed": []}
    assert data["question_bank"]["fields"] == []


def test_a_criteria_folder_with_questionnaires_beside_it_is_a_rubric_folder(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = read_yaml(Path(__file__).parent / "cases_rubric_diff" / "framework-version.yaml").data
    new = edited(shipped, tmp_path / "new", case["new"])
    assert run(["rubric-diff", str(ROOT / "criteria"), str(new / "criteria")]) == 0
    assert "  Changed: naht-guidance (version 1.1.0)" in capsys.readouterr().out


def test_a_broken_folder_is_reported_with_its_location(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_of(shipped, tmp_path / "old")
    new = copy_of(shipped, tmp_path / "new")
    rubric_file = new / "criteria" / "naht-guidance.yaml"
    text = rubric_file.read_text("utf-8")
    rubric_file.write_text(text.replace("weight: 2\n", "weight: lots\n", 1), "utf-8")
    bank = old / "questionnaires" / "bank.yaml"
    bank.write_text(bank.read_text("utf-8").replace("version:", "versoin:", 1), "utf-8")
    assert run(["rubric-diff", str(old), str(new)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"naht-guidance\.yaml:\d+:\d+: 'weight'", err), err
    assert re.search(r"bank\.yaml:\d+:\d+: unknown key 'versoin'", err), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "no such folder"),
        ("empty", "holds no criteria/ and questionnaires/ folders"),
    ],
)
def test_a_folder_that_is_not_a_rubric_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    assert run(["rubric-diff", str(ROOT), str(tmp_path / name)]) == 2
    assert message in capsys.readouterr().err


def test_questions_to_revisit_are_the_new_and_those_whose_meaning_changed(
    shipped: Path, tmp_path: Path
) -> None:
    old = load(copy_of(shipped, tmp_path / "old"))
    relabelled = edited(
        shipped,
        tmp_path / "relabelled",
        [
            {"file": "questionnaires/questions/30-naht.yaml", "question": "trip_phones"}
            | {"set": {"label": "Trip phones", "help": "Any trip."}},
            {"file": "questionnaires/questions/20-ofsted.yaml", "question": "lead_role_defined"}
            | {"set": {"prompt": "Which of these are written down for the online-safety lead?"}},
        ],
    )
    diff = diff_rubrics(old, load(relabelled))
    assert [q.id for q in diff.questions.changed] == ["lead_role_defined", "trip_phones"]
    assert diff.questions_to_revisit() == ["lead_role_defined"]


def test_text_of_an_empty_diff_says_so() -> None:
    rubric = load_rubric()
    assert format_text(diff_rubrics(rubric, rubric), "a", "b") == (
        "Rubric changes from a to b\n\n"
        "No changes: the frameworks, criteria and questions are the same in both folders.\n"
    )


def test_a_list_of_named_settings_reports_entries_added_and_then_each_changed_leaf() -> None:
    from esafety_audit.rubricdiff import _deep_changes

    old = {"levels": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
    new = {
        "levels": [{"id": "a", "label": "A!"}, {"id": "c", "label": "C"}, {"id": "b", "label": "B"}]
    }
    shape, leaf = _deep_changes("common", old, new)
    assert (shape.field, shape.added, shape.removed) == ("common.levels", ["c"], [])
    assert (leaf.field, leaf.old, leaf.new) == ("common.levels[a].label", "A", "A!")
    assert _deep_changes("common", old, old) == []
