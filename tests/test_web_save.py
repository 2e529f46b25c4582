"""Saving from the browser keeps fill's guarantees: one value's characters change and
nothing else, the file is checked before it is written, a wrong value is refused with
validate's own message, a file changed elsewhere is never overwritten, and a save
that dies half-way leaves the file as it was."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from webapp import App, examples_copy

from esafety_audit import io as esafety_io
from esafety_audit.engine import evaluate
from esafety_audit.errors import InputError
from esafety_audit.fill import questions_for
from esafety_audit.loading import load_answers
from esafety_audit.models import Rubric
from esafety_audit.web.workspace import Change

RIVERSIDE = "riverside-academy.yaml"


@pytest.fixture
def app(rubric: Rubric, tmp_path: Path) -> App:
    return App(rubric, examples_copy(tmp_path))


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    return [
        line
        for line in difflib.unified_diff(old, new, n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_saving_one_answer_changes_only_its_value(app: App, rubric: Rubric) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    answer = app.save(RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": "61%"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["saved"] is True and body["errors"] == {}
    saved = load_answers(path, rubric)
    asked = [q for _, qs in questions_for(rubric, saved) for q in qs]
    assert body["status"]["total"] == len(asked)
    assert body["status"]["answered"] == sum(
        q.id in saved.answers and saved.answers[q.id].value is not None for q in asked
    )
    assert _changed_lines(before, path.read_bytes()) == ["-    value: 58\n", "+    value: 61\n"]
    assert load_answers(path, rubric).answers["staff_trained_pct"].value == 61
    # The same answer again writes nothing.
    again = app.save(RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": "61"})
    assert again.json()["saved"] is False


def test_details_and_absent_answers_keep_short_and_long_forms(app: App, rubric: Rubric) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    answer = app.save(
        RIVERSIDE,
        {
            "q:recognised_award": "1",
            "v:recognised_award": "none",
            "e:recognised_award": 'Governors\' minutes: "no award" # kept',
            "o:recognised_award": "DSL",
            "d:recognised_award": "2027-01-31",
            "q:policy_last_reviewed": "1",
            "v:policy_last_reviewed": "2025-12-04",
            "x:policy_last_reviewed": "no_record",
        },
    )
    assert answer.status_code == 200, answer.text
    changed = _changed_lines(before, path.read_bytes())
    assert changed == [
        "-    value: 2025-12-04\n",
        "+    value: no_record\n",
        "-  recognised_award: none\n",
        '+  recognised_award: {value: none, evidence: "Governors\' minutes: \\"no award\\" # kept",'
        " action: {owner: DSL, due: 2027-01-31}}\n",
    ]
    saved = load_answers(path, rubric).answers
    assert saved["recognised_award"].evidence == 'Governors\' minutes: "no award" # kept'
    assert saved["recognised_award"].action is not None
    assert str(saved["recognised_award"].action.due) == "2027-01-31"
    assert saved["policy_last_reviewed"].value.kind == "no_record"


def test_windows_line_endings_and_a_byte_order_mark_are_kept(app: App, rubric: Rubric) -> None:
    path = app.folder / RIVERSIDE
    crlf = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    answer = app.save(RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": "70"})
    assert answer.status_code == 200, answer.text
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\r\n") == crlf.count(b"\r\n")
    assert after.replace(b"value: 70\r\n", b"value: 58\r\n", 1) == crlf


@pytest.mark.parametrize(
    ("qid", "typed", "in_a_file"),
    [
        ("staff_trained_pct", "140", "140"),
        ("staff_trained_pct", "most", "most"),
        ("policy_last_reviewed", "2031-01-01", "2031-01-01"),
        ("recognised_award", "gold", "gold"),
    ],
)
def test_a_wrong_value_is_refused_with_validates_message(
    app: App, rubric: Rubric, tmp_path: Path, qid: str, typed: str, in_a_file: str
) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    answer = app.save(RIVERSIDE, {f"q:{qid}": "1", f"v:{qid}": typed})
    assert answer.status_code == 422
    message = answer.json()["errors"][f"v-{qid}"]
    assert path.read_bytes() == before
    # validate's message for the same value written in the file by hand.
    text = before.decode("utf-8")
    broken = re.sub(
        rf"(?m)^(  {qid}:(?:\n    value:)?) .*$",
        lambda m: f"{m.group(1)} {in_a_file}",
        text,
        count=1,
    )
    assert broken != text
    other = tmp_path / "by-hand.yaml"
    other.write_text(broken, "utf-8")
    with pytest.raises(InputError) as raised:
        load_answers(other, rubric)
    (problem,) = raised.value.problems
    assert problem.message.removeprefix(f"{qid}: ") == message


def test_a_wrong_value_without_javascript_is_shown_beside_its_field(app: App) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    answer = app.client.post(
        app.part(RIVERSIDE, "staff_trained_pct"),
        data={
            "csrf": app.keys.csrf,
            "version": app.version(RIVERSIDE),
            "q:staff_trained_pct": "1",
            "v:staff_trained_pct": "140",
            "q:staff_aware_pct": "1",
            "v:staff_aware_pct": "72",
        },
    )
    assert answer.status_code == 422
    html = answer.text
    field = re.search(r'<input id="v-staff_trained_pct"[^>]*>', html)
    assert field is not None
    assert 'value="140"' in field.group(0)  # what was typed stays in the field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="p-staff_trained_pct err-v-staff_trained_pct"' in field.group(0)
    assert re.search(
        r'<p class="error" id="err-v-staff_trained_pct"[^>]*>140 is out of range; use 0 to 100</p>',
        html,
    )
    # The other answer of the same form was saved.
    assert _changed_lines(before, path.read_bytes()) == ["-    value: 71\n", "+    value: 72\n"]


def test_a_whole_part_without_javascript_saves_what_changed(app: App, rubric: Rubric) -> None:
    path = app.folder / RIVERSIDE
    part = app.part(RIVERSIDE, "policy_ratified")
    html = app.page(part)
    # The form as the browser would post it, untouched but for one answer.
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<(?:input|textarea)[^>]*>(?:[^<]*</textarea>)?", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag:
            continue
        if tag.startswith("<textarea"):
            text = re.sub(r"^<textarea[^>]*>|</textarea>$", "", tag)
            fields.append((name.group(1), _unescape(text)))
        else:
            fields.append((name.group(1), _unescape(value.group(1) if value else "")))
    fields = [(n, "yes" if n == "v:policy_ratified" else v) for n, v in fields]
    before = path.read_bytes()
    answer = app.client.post(
        part,
        content=urlencode(fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 303, answer.text[:2000]
    assert answer.headers["location"] == f"{part}?saved=1"
    assert _changed_lines(before, path.read_bytes()) == [
        "-    value: partly\n",
        "+    value: yes\n",
    ]
    assert load_answers(path, rubric).answers["policy_ratified"].value == "yes"


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_a_file_changed_elsewhere_is_not_overwritten(app: App, rubric: Rubric) -> None:
    path = app.folder / RIVERSIDE
    version = app.version(RIVERSIDE)
    theirs = path.read_bytes().replace(b"    value: 58\n", b"    value: 59\n", 1)
    path.write_bytes(theirs)  # another program saves meanwhile
    answer = app.save(
        RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": "80"}, version=version
    )
    assert answer.status_code == 409
    body = answer.json()
    assert "changed by another program or another tab" in body["conflict"]
    assert body["theirs"] == {"staff_trained_pct": "59%"}
    assert path.read_bytes() == theirs
    # Without JavaScript: the page keeps the user's value and shows the file's beside it.
    page = app.client.post(
        app.part(RIVERSIDE, "staff_trained_pct"),
        data={
            "csrf": app.keys.csrf,
            "version": version,
            "q:staff_trained_pct": "1",
            "v:staff_trained_pct": "80",
        },
    )
    assert page.status_code == 409
    assert re.search(r'<input id="v-staff_trained_pct"[^>]*value="80"', page.text)
    assert "<strong>In the file now:</strong> 59%." in page.text
    assert path.read_bytes() == theirs


def test_a_save_that_dies_before_the_rename_leaves_the_file_whole(
    app: App, rubric: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    opened = app.workspace.open(path)
    version = app.workspace.load(opened).version

    def killed(*_args: object) -> None:
        raise SystemExit("killed")  # the process ends here, as at a kill

    monkeypatch.setattr(esafety_io.os, "replace", killed)
    with pytest.raises(SystemExit):
        app.workspace.save(opened, version, [Change("staff_trained_pct", "value", 90)])
    assert path.read_bytes() == before
    load_answers(path, rubric)  # still a valid file
    assert not [p for p in os.listdir(app.folder) if p.endswith(".tmp")]


def test_a_save_that_cannot_write_says_so_and_changes_nothing(
    app: App, rubric: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = app.folder / RIVERSIDE
    before = path.read_bytes()
    version = app.version(RIVERSIDE)

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(esafety_io.os, "fsync", full)
    answer = app.save(
        RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": "90"}, version=version
    )
    assert answer.status_code == 500
    assert "No space left on device" in answer.json()["failed"]
    assert path.read_bytes() == before
    assert not [p for p in os.listdir(app.folder) if p.endswith(".tmp")]


def test_results_follow_the_answers_and_link_each_gap_to_its_question(
    app: App, rubric: Rubric
) -> None:
    key = app.key(RIVERSIDE)
    html = app.page(f"/f/{key}/results")
    result = evaluate(rubric, load_answers(app.folder / RIVERSIDE, rubric))
    assert result.judgement_label and result.judgement_label in html
    assert result.safeguarding is not None and result.safeguarding.label in html
    for gap in result.gaps[:5]:
        assert gap.title.replace("'", "&#39;") in html
    links = re.findall(rf'href="/f/{key}/part/(\d+)#q-(\w+)"', html)
    assert links
    for number, qid in links:  # each link reaches a page holding that question
        assert f'id="q-{qid}"' in app.page(f"/f/{key}/part/{number}")
    # Clearing an answer shows it as unanswered on the results page at once.
    app.save(RIVERSIDE, {"q:staff_trained_pct": "1", "v:staff_trained_pct": ""})
    html = app.page(f"/f/{key}/results")
    assert re.search(rf'href="/f/{key}/part/\d+#q-staff_trained_pct"', html)


def test_a_new_review_and_the_school_details(app: App, rubric: Rubric) -> None:
    answer = app.client.post(
        "/new",
        data={
            "csrf": app.keys.csrf,
            "name": "Willow Primary",
            "urn": "123456",
            "phase": "primary",
            "date": "2026-11-20",
            "by": "Jo Smith, DSL",
        },
    )
    assert answer.status_code == 303
    made = app.folder / "willow-primary-2026-11-20.yaml"
    school = load_answers(made, rubric).school
    assert (school.name, school.urn, school.completed_by) == (
        "Willow Primary",
        "123456",
        "Jo Smith, DSL",
    )
    # The same school and date again: refused, nothing replaced.
    before = made.read_bytes()
    again = app.client.post(
        "/new",
        data={
            "csrf": app.keys.csrf,
            "name": "Willow Primary",
            "phase": "primary",
            "date": "2026-11-20",
        },
    )
    assert again.status_code == 422 and "already exists" in again.text
    assert made.read_bytes() == before
    bad = app.client.post(
        "/new",
        data={
            "csrf": app.keys.csrf,
            "name": "X",
            "urn": "12",
            "phase": "primary",
            "date": "2026-11-20",
        },
    )
    assert bad.status_code == 422
    # School details: a wrong URN is refused beside its field.
    key = app.key(made.name)
    page = app.client.post(
        f"/f/{key}/school",
        data={"csrf": app.keys.csrf, "version": app.version(made.name), "school:urn": "12"},
    )
    assert page.status_code == 422
    assert re.search(r'id="school-err-urn">[^<]+</p>', page.text)
    assert made.read_bytes() == before


def test_an_earlier_review_of_the_same_school_is_offered_for_comparison(app: App) -> None:
    key = app.key(RIVERSIDE)
    assert "Last review of this school found: 2025-" in app.page(f"/f/{key}")
    assert "Last review of this school found" not in app.page(
        f"/f/{app.key('oakfield-primary.yaml')}"
    )
    html = app.page(f"/f/{key}/report")
    found = re.search(r'href="/f/\w+/report\?previous=(\w+)"', html)
    assert found is not None, html
    compared = app.client.get(f"/report/{key}/report.html", params={"previous": found.group(1)})
    assert compared.status_code == 200
    assert "Since the last review" in compared.text
    csv = app.client.get(f"/report/{key}/actions.csv")
    assert csv.headers["content-disposition"].startswith("attachment; filename*=UTF-8''riverside")
    assert (
        app.client.get(f"/report/{key}/report.html", params={"previous": "nope"}).status_code == 404
    )


def test_a_file_with_problems_shows_validates_messages(app: App) -> None:
    path = app.folder / RIVERSIDE
    path.write_bytes(path.read_bytes().replace(b"    value: 58\n", b"    value: lots\n", 1))
    answer = app.client.get(f"/f/{app.key(RIVERSIDE)}/part/1")
    assert answer.status_code == 422
    assert re.search(
        r"riverside-academy.yaml:\d+:\d+: staff_trained_pct: &#39;lots&#39; is not", answer.text
    )


def test_the_folder_lists_every_school_and_its_roll_up(app: App, rubric: Rubric) -> None:
    html = app.page("/folder")
    for name in ("oakfield-primary.yaml", "riverside-academy.yaml", "st-aidans-all-through.yaml"):
        result = evaluate(rubric, load_answers(app.folder / name, rubric))
        row = re.search(
            rf'<a href="/f/{app.key(name)}">{re.escape(result.school.name)}</a></td>(.*?)</tr>',
            html.replace("&#39;", "'"),
            re.S,
        )
        assert row is not None, name
        assert f"{result.coverage}%" in row.group(1)
        assert result.judgement_label and result.judgement_label in row.group(1)
    rollup = app.client.get("/folder/rollup.html")
    assert rollup.status_code == 200
    policy = rollup.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "Riverside Academy" in rollup.text
