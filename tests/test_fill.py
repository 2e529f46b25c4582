"""The terminal questionnaire (``esafety-audit fill``), driven through its prompts.

Most tests run a session with a scripted terminal: the lines a headteacher would
type, then the file and what was shown. The script loads the answers file with the
loader before every prompt, so each test also proves that every save left a file
that loads without problems.
"""

from __future__ import annotations

import io
import os
import re
import select
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import MINI_CRITERIA, MINI_QUESTIONS, REVIEW_DATE, mini_rubric
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety_audit.blank import PLACEHOLDER_NAME, blank_answers
from esafety_audit.cli import run
from esafety_audit.errors import InputError, UsageError
from esafety_audit.fill import FileChangedError, Outcome, fill_answers
from esafety_audit.fill.edit import set_value, yaml_forms
from esafety_audit.loading import load_answers
from esafety_audit.models import Answers, Rubric
from esafety_audit.yamlfile import control_character

MINI = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
EXAMPLES = Path(__file__).parent.parent / "questionnaires" / "examples"
# The mini bank for a primary school, in order (ks4_topics applies only to key stage 4).
MINI_ORDER = ["policy", "reviewed", "trained_pct", "shared_logins", "filtering", "lead_name"]

HEADER = """\
# Oak Primary's review
school:
  name: Oak Primary
  phase: primary
  review_date: 2026-11-20
answers:
"""


class Script:
    """A terminal that types the given lines, records what is shown, and checks the
    file on disk loads before every prompt (so after every save)."""

    def __init__(self, *lines: str | type[BaseException], check: Path | None = None) -> None:
        self.lines = list(lines)
        self.shown: list[str] = []
        self.width = 200  # wide, so that assertions see whole sentences
        self.check = check
        self.rubric: Rubric | None = None
        self.on_disk: list[int] = []  # answers in the file at each prompt

    def ask(self, prompt: str) -> str:
        if self.check is not None and self.rubric is not None:
            saved = load_answers(self.check, self.rubric)  # raises if a save broke the file
            self.on_disk.append(sum(a.value is not None for a in saved.answers.values()))
        self.shown.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if not isinstance(line, str):
            raise line
        self.shown.append(line + "\n")
        return line

    def say(self, text: str = "") -> None:
        self.shown.append(text + "\n")

    @property
    def text(self) -> str:
        return "".join(self.shown)


def _blank(
    tmp_path: Path, rubric: Rubric | None = None, name: str = "oak.yaml", school: str = "Oak"
) -> Path:
    """A file as init writes it, with the school's name given (unless ``school`` is '')."""
    path = tmp_path / name
    text = blank_answers(rubric or mini_rubric(), "primary", REVIEW_DATE)
    if school:
        text = text.replace(f"name: {PLACEHOLDER_NAME}", f"name: {school}")
    path.write_text(text, "utf-8")
    return path


def _file(tmp_path: Path, answers: str, name: str = "oak.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + answers).encode("utf-8"))
    return path


def _fill(path: Path, *lines: str | type[BaseException], rubric: Rubric | None = None, **kw: Any):
    rubric = rubric or mini_rubric()
    script = Script(*lines, check=path)
    script.rubric = rubric
    summary = fill_answers(path, rubric, script, **kw)
    return summary, script


def _values(path: Path, rubric: Rubric | None = None) -> dict[str, Any]:
    answers: Answers = load_answers(path, rubric or mini_rubric())
    return {qid: a.value for qid, a in answers.answers.items() if a.value is not None}


def _asked(script: Script) -> list[int]:
    return [int(n) for n in re.findall(r"^Question (\d+) of \d+:", script.text, re.M)]


# --------------------------------------------------------------------------- answering


def test_partial_answers_are_saved_and_the_rest_stay_blank(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    summary, script = _fill(path, "1", "2026-09-01", "95%", "q")
    assert summary.outcome is Outcome.stopped
    assert (summary.given, summary.answered, summary.total) == (3, 3, 6)
    assert _values(path) == {"policy": "yes", "reviewed": date(2026, 9, 1), "trained_pct": 95}
    assert script.on_disk == [0, 1, 2, 3]  # each answer was on disk before the next prompt
    text = path.read_text("utf-8")
    assert "  policy: yes\n" in text and "  reviewed: 2026-09-01\n" in text
    assert "  trained_pct: 95\n" in text and "  shared_logins:\n" in text
    assert "Question 1 of 6: Policy in place" in script.text
    assert "Stopped. Your answers are saved in" in script.text
    assert "3 of 6 questions are answered (3 given this time)." in script.text
    assert f"To carry on where you stopped, run:\n  esafety-audit fill {path}\n" in script.text


def test_a_whole_run_answers_every_type(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    summary, script = _fill(path, "partly", "2026-10-31", "87.5", "2", "managed", "Jo Smith, DSL")
    assert summary.outcome is Outcome.finished and summary.answered == 6
    assert _values(path) == {
        "policy": "partly",
        "reviewed": date(2026, 10, 31),
        "trained_pct": 87.5,
        "shared_logins": 2,
        "filtering": "managed",
        "lead_name": "Jo Smith, DSL",
    }
    assert "That was the last question." in script.text
    assert f"  esafety-audit validate {path}\n  esafety-audit assess {path} -o reports" in (
        script.text
    )
    assert "  lead_name: Jo Smith, DSL\n" in path.read_text("utf-8")


@pytest.mark.parametrize(
    ("question", "wrong", "message", "right", "saved"),
    [
        ("reviewed", "01/09/2026", "is not a date; write it as YYYY-MM-DD", "2026-09-01", None),
        ("reviewed", "2026-02-30", "is not a date", "2026-02-28", None),
        ("reviewed", "2027-01-05", "is after the review date (2026-11-20)", "2026-11-20", None),
        ("trained_pct", "150", "150 is out of range; use 0 to 100", "100", 100),
        ("trained_pct", "most", "'most' is not a percentage from 0 to 100", "0", 0),
        (
            "trained_pct",
            "nan",
            "is not a percentage from 0 to 100; give an ordinary number",
            "5",
            5,
        ),
        ("shared_logins", "-1", "-1 is out of range; use 0 or more", "0", 0),
        ("filtering", "7", "there is no choice 7; type a number from 1 to 3", "3", "managed"),
        ("filtering", "lots", "'lots' is not one of the answers; type the number", "1", "none"),
        ("policy", "maybe", "type yes, partly or no (or 1 to 3)", "n", "no"),
        ("policy", "0", "there is no choice 0", "y", "yes"),
    ],
)
def test_a_wrong_answer_is_asked_again_with_a_clear_message(
    tmp_path: Path, question: str, wrong: str, message: str, right: str, saved: Any
) -> None:
    path = _blank(tmp_path)
    start = str(MINI_ORDER.index(question) + 1)
    summary, script = _fill(path, wrong, right, "q", start=start)
    refused = [line for line in script.text.splitlines() if "Not saved:" in line]
    assert len(refused) == 1 and message in refused[0], refused
    assert script.text.count("Answer: ") == 3  # wrong, right, then q at the next question
    expected = date.fromisoformat(right) if question == "reviewed" else saved
    assert _values(path) == {question: expected}
    assert summary.given == 1


def test_multiple_choice_by_numbers_ids_or_none(tmp_path: Path) -> None:
    rubric = mini_rubric()
    path = tmp_path / "sec.yaml"
    blank = blank_answers(rubric, "secondary", REVIEW_DATE)
    path.write_text(blank.replace(PLACEHOLDER_NAME, "Oak High"), "utf-8")
    # secondary schools get ks4_topics (choices: privacy, reporting) after filtering
    _, script = _fill(path, "1, 1", "2 1", "q", start="ks4_topics")
    assert "Not saved: 'privacy' is listed twice" in script.text
    assert _values(path) == {"ks4_topics": ["privacy", "reporting"]}  # the bank's order
    assert "ks4_topics: [privacy, reporting]" in path.read_text("utf-8")
    _fill(path, "0", "q", start="ks4_topics")
    assert _values(path) == {"ks4_topics": []}
    _, script = _fill(path, "reporting", "q", start="ks4_topics")
    assert "Enter keeps '0'" in script.text
    assert _values(path) == {"ks4_topics": ["reporting"]}
    assert "  2. Reporting  (chosen)" not in script.text  # shown before it was chosen
    _, script = _fill(path, "q", start="ks4_topics")
    assert "  2. Reporting  (chosen)" in script.text and "Enter keeps '2'" in script.text


def test_enter_keeps_s_skips_b_goes_back_and_minus_clears(tmp_path: Path) -> None:
    path = _file(tmp_path, "  policy: yes\n  reviewed: 2026-09-01\n")
    _, script = _fill(path, "", "s", "b", "-", "s", "q", start="1")
    assert "Enter keeps 'yes'; q saves and stops; ? shows help" in script.text
    assert "Enter keeps '2026-09-01'; b goes back" in script.text
    assert "Enter skips; b goes back" in script.text  # question 3 has no answer
    assert _asked(script) == [1, 2, 3, 2, 3, 4]
    assert "Cleared: the question is now unanswered." in script.text
    assert _values(path) == {"policy": "yes"}
    assert path.read_text("utf-8").endswith("  policy: yes\n  reviewed:\n")


def test_lines_fit_a_narrow_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _blank(Path())
    script = Script("maybe", "2026-99-01", "reviewed on 1 September", "q")
    script.width = 50
    fill_answers(path, mini_rubric(), script, start="1", school_details=True)
    assert "Not saved:" in script.text
    for line in script.text.splitlines():
        if not line.startswith("  esafety-audit "):  # commands stay whole, to copy them
            assert len(line) <= 50, line


def test_question_mark_shows_help_and_b_at_the_first_question_stays(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    _, script = _fill(path, "?", "b", "yes", "q")
    assert "(in the answers file: policy)" in script.text
    assert "Every answer is saved as soon as you give it" in script.text
    assert "there is nothing to go back to" in script.text
    assert _values(path) == {"policy": "yes"}


# --------------------------------------------------------------------------- stopping


@pytest.mark.parametrize(
    ("stop", "outcome"), [(EOFError, Outcome.closed), (KeyboardInterrupt, Outcome.interrupted)]
)
def test_an_interruption_keeps_what_was_saved(
    tmp_path: Path, stop: type[BaseException], outcome: Outcome
) -> None:
    path = _blank(tmp_path)
    summary, script = _fill(path, "yes", "2026-09-01", stop)
    assert summary.outcome is outcome
    assert script.on_disk == [0, 1, 2]  # saved as given, not when the session ended
    assert (summary.given, summary.answered) == (2, 2)
    assert _values(path) == {"policy": "yes", "reviewed": date(2026, 9, 1)}
    assert "Your answers are saved in" in script.text
    assert f"To carry on where you stopped, run:\n  esafety-audit fill {path}" in script.text
    assert "Traceback" not in script.text


def test_a_second_run_resumes_at_the_first_unanswered_question(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    _fill(path, "yes", "2026-09-01", KeyboardInterrupt)
    summary, script = _fill(path, "80", "q")
    assert (
        "2 of 6 questions are answered. Starting at question 3, the first without an answer."
        in script.text
    )
    assert _asked(script) == [3, 4]
    assert _values(path)["trained_pct"] == 80
    assert summary.answered == 3


def test_only_unanswered_skips_what_is_answered(tmp_path: Path) -> None:
    path = _file(tmp_path, "  policy: yes\n  trained_pct: 80\n  filtering: basic\n")
    summary, script = _fill(path, "2026-01-01", "", "Jo", only_unanswered=True)
    assert "Asking the 3 questions without an answer." in script.text
    assert _asked(script) == [2, 4, 6]
    assert summary.outcome is Outcome.finished
    assert _values(path) == {
        "policy": "yes",
        "trained_pct": 80,
        "filtering": "basic",
        "reviewed": date(2026, 1, 1),
        "lead_name": "Jo",
    }
    assert f"To answer the 1 left, run:\n  esafety-audit fill {path} --only-unanswered" in (
        script.text
    )


def test_nothing_to_ask_when_everything_is_answered(tmp_path: Path) -> None:
    path = _file(tmp_path, "".join(f"  {q}: {v}\n" for q, v in _ALL.items()))
    before = path.read_bytes()
    summary, script = _fill(path, only_unanswered=True)
    assert "Every question that applies to the school has an answer." in script.text
    assert summary.outcome is Outcome.finished and summary.answered == 6
    assert "Answer: " not in script.text and path.read_bytes() == before
    _, script = _fill(path, "q")  # without --only-unanswered: from the start
    assert "going through them from the start" in script.text and _asked(script) == [1]


_ALL = {
    "policy": "yes",
    "reviewed": "2026-09-01",
    "trained_pct": 90,
    "shared_logins": 0,
    "filtering": "managed",
    "lead_name": "Jo",
}


def test_start_by_number_or_id_and_unknown_ids(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    _, script = _fill(path, "q", start="filtering")
    assert _asked(script) == [5]
    with pytest.raises(UsageError, match="unknown question 'filterng'; did you mean 'filtering'"):
        _fill(path, start="filterng")
    with pytest.raises(UsageError, match="'ks4_topics' does not apply to this school"):
        _fill(path, start="ks4_topics")
    with pytest.raises(UsageError, match="give a number from 1 to 6"):
        _fill(path, start="7")


# --------------------------------------------------------------------------- the file


def test_short_forms_stay_short_and_everything_else_is_kept_byte_for_byte(
    tmp_path: Path,
) -> None:
    answers = (
        "  # the policy went to the full board in October\n"
        "  policy: partly   # chased by the clerk\n"
        "\n"
        "  reviewed: 2025-09-01\n"
        "  trained_pct:        # ask HR\n"
    )
    tail = "# end of the answers\nframeworks: [mini]\n"
    path = _file(tmp_path, answers + tail)
    _fill(path, "yes", "2026-09-15", "85", "q", start="1")
    expected = HEADER + (
        "  # the policy went to the full board in October\n"
        "  policy: yes   # chased by the clerk\n"
        "\n"
        "  reviewed: 2026-09-15\n"
        "  trained_pct: 85        # ask HR\n"
    )
    assert path.read_text("utf-8") == expected + tail


def test_long_forms_keep_evidence_notes_and_action(tmp_path: Path) -> None:
    answers = (
        "  policy:\n"
        "    value: partly\n"
        "    evidence: Minutes of the full board, 12 March 2026\n"
        "    notes: |\n"
        "      Ratified by the committee only.\n"
        "      Goes to the board in January.\n"
        "    action: {owner: Clerk, due: 2027-01-31}\n"
        "  reviewed: {value: 2025-09-01, evidence: 'Version history, p. 2'}\n"
        "  trained_pct:\n"
        "    evidence: HR training report\n"
        "    notes: Support staff missing\n"
    )
    path = _file(tmp_path, answers)
    _fill(path, "yes", "2026-10-01", "64", "q", start="1")
    text = path.read_text("utf-8")
    assert text == HEADER + (
        "  policy:\n"
        "    value: yes\n"
        "    evidence: Minutes of the full board, 12 March 2026\n"
        "    notes: |\n"
        "      Ratified by the committee only.\n"
        "      Goes to the board in January.\n"
        "    action: {owner: Clerk, due: 2027-01-31}\n"
        "  reviewed: {value: 2026-10-01, evidence: 'Version history, p. 2'}\n"
        "  trained_pct:\n"
        "    value: 64\n"
        "    evidence: HR training report\n"
        "    notes: Support staff missing\n"
    )
    loaded = load_answers(path, mini_rubric()).answers
    assert (
        loaded["policy"].notes == "Ratified by the committee only.\nGoes to the board in January.\n"
    )
    assert loaded["policy"].action is not None and loaded["policy"].action.owner == "Clerk"
    assert loaded["trained_pct"].evidence == "HR training report"


def test_the_shown_question_says_its_evidence_is_kept(tmp_path: Path) -> None:
    path = _file(tmp_path, "  policy:\n    value: partly\n    evidence: Minutes\n")
    _, script = _fill(path, "q", start="1")
    assert "Your evidence, notes and action for it are kept as they are." in script.text
    assert "  2. partly  (current answer)" in script.text


def test_a_question_missing_from_the_file_is_added_under_answers(tmp_path: Path) -> None:
    path = _file(tmp_path, "  policy: yes   # last entry\nframeworks: [mini]\n")
    _fill(path, "2026-09-01", "q", start="reviewed")
    assert path.read_text("utf-8") == HEADER + (
        "  policy: yes   # last entry\n  reviewed: 2026-09-01\nframeworks: [mini]\n"
    )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("", "answers:\n  policy: yes\n"),  # `answers:` with nothing under it
        ("  {}\n", "answers:\n  {policy: yes}\n"),
    ],
)
def test_an_empty_answers_mapping_gets_its_first_answer(
    tmp_path: Path, answers: str, expected: str
) -> None:
    path = _file(tmp_path, answers)
    _fill(path, "yes", "q")
    assert path.read_text("utf-8").endswith(expected)
    assert _values(path) == {"policy": "yes"}


def test_a_file_without_answers_gets_them(tmp_path: Path) -> None:
    path = tmp_path / "oak.yaml"
    path.write_text(HEADER.removesuffix("answers:\n"), "utf-8")
    _fill(path, "no", "q")
    assert path.read_text("utf-8") == HEADER + "  policy: no\n"


def test_windows_line_endings_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "oak.yaml"
    body = (HEADER + "  policy: partly\n").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    _fill(path, "yes", "2026-09-01", "q", start="1")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == body.replace("policy: partly", "policy: yes") + (
        "  reviewed: 2026-09-01\r\n"
    )
    assert b"\n" not in raw.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    "typed",
    [
        "Jo Smith: DSL",
        "J. Smith # lead",
        "2026-01-01",
        "123",
        "yes",
        "null",
        "true",
        "[Jo]",
        "- Jo",
        "'Jo'",
        '"Jo"',
        "& co",
        "*star",
        "| pipe",
        "Zoë O'Brien, DSL \\ deputy",
        "tab\there",
        "emoji 🙂 and ünïcode",
        "%percent",
        "@at",
        "`tick",
        "? question",
        "{brace}",
    ],
)
def test_free_text_is_written_so_that_it_reads_back_the_same(tmp_path: Path, typed: str) -> None:
    path = _file(tmp_path, "  lead_name:\n  shared_logins: {value: 0, evidence: IT audit}\n")
    _fill(path, typed, "q", start="lead_name")
    assert _values(path)["lead_name"] == typed


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=40).map(str.strip).filter(bool))
def test_any_text_reads_back_the_same_in_long_or_short_form(tmp_path: Path, typed: str) -> None:
    if typed.lower() in ("s", "b", "q", "?", "-") or "\n" in typed or "\r" in typed:
        return  # commands, and what a one-line prompt cannot give
    if control_character(typed) is not None:
        return  # refused, with the reason (test_control_characters_are_not_saved)
    for answers in ("  lead_name: x\n", "  lead_name: {value: x, notes: n}\n"):
        path = _file(tmp_path, answers)
        _fill(path, typed, "q", start="lead_name")
        assert _values(path)["lead_name"] == typed


def test_yaml_forms_are_plain_where_safe() -> None:
    assert yaml_forms("Jo Smith, DSL")[0] == "Jo Smith, DSL"
    assert yaml_forms("Jo: DSL") == ['"Jo: DSL"', '"Jo: DSL"']
    assert yaml_forms(date(2026, 9, 1)) == ["2026-09-01"]
    assert yaml_forms(["privacy", "reporting"])[0] == "[privacy, reporting]"
    assert yaml_forms(1e-7) == ["0.0000001"] and yaml_forms(58.0) == ["58"]
    assert set_value("a:\n  b: 1\n", ["a", "c"], "2") == "a:\n  b: 1\n  c: 2\n"


def test_the_school_details_can_be_asked_first(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    _, script = _fill(
        path, "Oak & Ash", "12", "0123456", "", "Jo Smith, DSL", "q", school_details=True
    )
    assert "School details 1 of 4: School name" in script.text
    assert "Not saved: '12' is not a URN" in script.text
    school = load_answers(path, mini_rubric()).school
    assert (school.name, school.urn, school.completed_by) == (
        "Oak & Ash",
        "0123456",
        "Jo Smith, DSL",
    )
    assert school.review_date == REVIEW_DATE
    text = path.read_text("utf-8")
    assert '  urn: "0123456"' in text  # unquoted, YAML would read a leading 0 as octal
    assert "  name: Oak & Ash\n" in text


def test_a_review_date_that_makes_answers_wrong_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "  reviewed: 2026-09-01\n")
    _, script = _fill(path, "", "", "2026-08-01", "2026-12-01", "q", school_details=True)
    assert "Not saved: reviewed: 2026-09-01 is after the review date (2026-08-01)" in script.text
    assert load_answers(path, mini_rubric()).school.review_date == date(2026, 12, 1)


# --------------------------------------------------------------------------- safety


def test_an_invalid_file_stops_before_anything_is_asked(tmp_path: Path) -> None:
    path = _file(tmp_path, "  policy: perhaps\n  trained_pct: 140\n")
    before = path.read_bytes()
    script = Script("yes")
    with pytest.raises(InputError) as caught:
        fill_answers(path, mini_rubric(), script)
    assert [(p.line, p.column) for p in caught.value.problems] == [(7, 11), (8, 16)]
    assert script.shown == [] and path.read_bytes() == before


def test_a_file_changed_by_another_program_is_not_overwritten(tmp_path: Path) -> None:
    path = _blank(tmp_path)

    class Meddler(Script):
        def ask(self, prompt: str) -> str:
            line = super().ask(prompt)
            if line == "2026-09-01":  # someone saves the file in an editor meanwhile
                path.write_text(
                    path.read_text("utf-8").replace("name: Oak", "name: Our Oak"), "utf-8"
                )
            return line

    script = Meddler("yes", "2026-09-01")
    kept = r"another program.*not saved; the answer before it is kept"
    with pytest.raises(FileChangedError, match=kept):
        fill_answers(path, mini_rubric(), script)
    assert _values(path) == {"policy": "yes"}


def test_a_session_only_writes_through_the_atomic_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esafety_audit.fill import session

    written: list[Path] = []
    real = session.atomic_write

    def spy(path: Path, data: str | bytes) -> None:
        written.append(path)
        real(path, data)

    monkeypatch.setattr(session, "atomic_write", spy)
    path = _blank(tmp_path)
    _fill(path, "yes", "", "50", "q")
    assert written == [path, path]  # one write per answer, none for a skip
    _fill(path, "yes", "q", start="1")
    assert written == [path, path]  # the same answer again: the file is not touched
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- the command


def _cli(capsys: pytest.CaptureFixture[str], monkeypatch, typed: str, *args: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    code = run([*MINI, "fill", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_fill_end_to_end(tmp_path: Path, capsys, monkeypatch) -> None:
    path = _blank(tmp_path)
    code, out, err = _cli(capsys, monkeypatch, "yes\n2026-09-01\nq\n", str(path))
    assert code == 0, err
    assert "Question 1 of 6: Policy in place" in out and "Saved: yes" in out
    assert _values(path) == {"policy": "yes", "reviewed": date(2026, 9, 1)}
    code, out, _ = _cli(capsys, monkeypatch, "", str(path), "--only-unanswered")
    assert code == 0  # the input ends at once: nothing more, nothing lost
    assert "Asking the 4 questions without an answer." in out
    assert "2 of 6 questions are answered." in out


def test_cli_ctrl_c_exits_130_and_keeps_the_answers(tmp_path: Path, capsys, monkeypatch) -> None:
    path = _blank(tmp_path)
    typed = iter(["no", "2026-09-01"])

    def keyboard(prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr("builtins.input", keyboard)
    code = run([*MINI, "fill", str(path)])
    out, err = capsys.readouterr()
    assert code == 130
    assert "Your answers are saved in" in out and "Stopped." in err
    assert "Traceback" not in out + err
    assert _values(path) == {"policy": "no", "reviewed": date(2026, 9, 1)}


def test_cli_invalid_file_lists_problems_and_exits_2(tmp_path: Path, capsys, monkeypatch) -> None:
    path = _file(tmp_path, "  trained_pct: 140\n")
    before = path.read_bytes()
    code, out, err = _cli(capsys, monkeypatch, "50\n", str(path))
    assert code == 2
    assert f"{path}:7:16: trained_pct: 140 is out of range; use 0 to 100" in err
    assert "1 problem found; fix them and run again." in err
    assert "Answer:" not in out and "Traceback" not in err
    assert path.read_bytes() == before


def test_cli_missing_file_says_how_to_make_one(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "new.yaml"
    code, _, err = _cli(capsys, monkeypatch, "", str(path))
    assert code == 2
    assert "does not exist; create it with: esafety-audit init --phase PHASE" in err
    assert "or add --phase PHASE to this command" in err
    assert not path.exists()


def test_cli_phase_creates_the_file_and_asks_the_school_first(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    path = tmp_path / "new.yaml"
    code, out, _ = _cli(
        capsys, monkeypatch, "Oak Primary\n\n\n\nyes\nq\n", str(path), "--phase", "primary"
    )
    assert code == 0
    assert f"Created {path} for a primary school" in out
    answers = load_answers(path, mini_rubric())
    assert answers.school.name == "Oak Primary" and answers.school.review_date == date.today()
    assert answers.answers["policy"].value == "yes"
    code, _, err = _cli(capsys, monkeypatch, "", str(path), "--phase", "secondary")
    assert code == 2 and "is for a primary school, not secondary" in err


def test_cli_shipped_bank_walks_sections_in_order(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "riverside.yaml"
    original = (EXAMPLES / "riverside-academy.yaml").read_text("utf-8")
    path.write_text(original, "utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("1\nq\n"))
    code = run(["fill", str(path), "--start", "staff_training_last"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert re.search(r"== Part 2 of \d+: Staff ==", out)
    assert "Enter keeps '2025-09-01'" in out
    assert "Not saved: '1' is not a date" in out
    assert path.read_text("utf-8") == original  # nothing was answered, nothing changed


# --------------------------------------------------------------------------- a real terminal


def _controlling_terminal() -> None:
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_in_a_real_pseudo_terminal_ctrl_c_keeps_the_answers(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "esafety_audit", *MINI, "fill", str(path)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=_controlling_terminal,  # so that Ctrl-C becomes SIGINT, as in a terminal
        env={**os.environ, "COLUMNS": "80", "TERM": "dumb"},
    )
    os.close(slave)
    seen = b""

    def wait_for(what: bytes, times: int = 1) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while seen.count(what) < times:
            assert time.monotonic() < deadline, seen.decode(errors="replace")[-500:]
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break

    try:
        wait_for(b"Answer: ")
        os.write(master, b"partly\r")
        wait_for(b"Saved: partly")
        wait_for(b"Answer: ", times=2)  # readline writes the prompt, then waits for keys
        time.sleep(0.2)
        os.write(master, b"\x03")  # Ctrl-C, as the terminal sends it
        wait_for(b"Stopped.")
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
        os.close(master)
    assert b"Traceback" not in seen
    assert b"Your answers are saved in" in seen
    assert _values(path) == {"policy": "partly"}


def test_retyping_every_answer_of_an_example_school_changes_no_byte(tmp_path: Path) -> None:
    """Every answer of a real, commented file given again at the prompt (short and long
    forms, flow lists, quoted text), each edited into the text and loaded back: the file
    stays identical to the byte."""
    from esafety_audit.engine import school_key_stages
    from esafety_audit.fill.answer import as_typed
    from esafety_audit.loading import load_rubric

    rubric = load_rubric()
    path = tmp_path / "riverside.yaml"
    original = (EXAMPLES / "riverside-academy.yaml").read_bytes()
    path.write_bytes(original)
    answers = load_answers(path, rubric)
    stages = frozenset(school_key_stages(rubric, answers))
    typed = []
    for question in rubric.bank.questions().values():
        if question.applies_to.matches(answers.school.phase, stages):
            given = answers.answers.get(question.id)
            value = given.value if given is not None else None
            typed.append("s" if value is None else as_typed(question, value))
    summary = fill_answers(path, rubric, Script(*typed), start="1")
    assert summary.outcome is Outcome.finished
    assert summary.given == sum(t != "s" for t in typed) > 100
    assert path.read_bytes() == original


# --------------------------------------------------------------------------- absences


def test_never_and_no_record_can_be_answered_and_read_back(tmp_path: Path) -> None:
    from esafety_audit.rules import Absent

    path = _blank(tmp_path)
    summary, script = _fill(path, "1", "never", "no record", "q")
    assert summary.given == 3
    assert _values(path) == {
        "policy": "yes",
        "reviewed": Absent("never"),
        "trained_pct": Absent("no_record"),
    }
    text = path.read_text("utf-8")
    assert "  reviewed: never\n" in text and "  trained_pct: no_record\n" in text
    assert "or never or no_record (no record kept)" in script.text
    # a second run shows the saved absence in words, and keeps it on Enter
    _, again = _fill(path, "", "q", start="reviewed")
    assert "Current answer: Never" in again.text
    assert _values(path)["reviewed"] == Absent("never")


def test_a_question_without_absences_refuses_them(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    _, script = _fill(path, "1", "2026-09-01", "95", "unknown", "0", "q")
    assert "'unknown' is not a number (0 or more)" in script.text
    assert _values(path)["shared_logins"] == 0


def test_the_expected_evidence_is_shown_beside_the_question(tmp_path: Path) -> None:
    from helpers import rubric_with_evidence

    rubric = rubric_with_evidence(tmp_path / "rubric")
    path = _blank(tmp_path, rubric)
    _, script = _fill(path, "1", "2026-09-01", "q", rubric=rubric)
    assert "Evidence to record: the signed training register." in script.text
    assert "Evidence to record" in blank_answers(rubric, "primary", REVIEW_DATE)
    comment = blank_answers(rubric, "primary", REVIEW_DATE).split("  trained_pct:")[0]
    assert comment.rstrip().endswith("# Evidence to record: the signed training register.")


def test_a_file_from_init_asks_the_school_details_first(tmp_path: Path) -> None:
    path = _blank(tmp_path, school="")  # still "Your school name", as init wrote it
    _, script = _fill(path, "Oak & Ash", "", "", "Jo Smith, DSL", "yes", "q")
    assert "School details 1 of 4: School name" in script.text
    answers = load_answers(path, mini_rubric())
    assert answers.school.name == "Oak & Ash"
    assert answers.answers["policy"].value == "yes"
    _, script = _fill(path, "q")  # the details are given now: straight to the questions
    assert "School details" not in script.text


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = _blank(tmp_path, name="real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    _fill(link, "yes", "q")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert _values(real) == {"policy": "yes"}


def test_a_read_only_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(UsageError, match=r"is read-only, so fill will not change it"):
        _fill(path, "yes", "q")
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444


def test_control_characters_are_not_saved(tmp_path: Path) -> None:
    path = _file(tmp_path, "  lead_name: x\n")
    _, script = _fill(path, "Jo\x1b[2J", "q", start="lead_name")
    assert "Not saved: the answer holds a control character (U+001B)" in script.text
    assert _values(path)["lead_name"] == "x"
