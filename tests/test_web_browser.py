"""esafety-audit serve in a real browser (Debian's Chromium, Playwright), against the
real command: ``esafety-audit serve FOLDER --no-browser`` started as a user would,
with its output going to a Windows (cp1252) console, and stopped with Ctrl-C.

- a primary school's whole questionnaire answered by keyboard alone gives a file
  that validates and scores exactly as the same answers typed into ``fill``;
- a wrong value is refused beside its field, linked to it for screen readers;
- two tabs saving the same question: the second is told, and nothing is lost;
- with JavaScript off, the Save button saves;
- every page: axe finds nothing, and nothing scrolls sideways at 390 px.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pagechecks import PHONE, at_size, axe_violations, page_width
from webapp import EXAMPLES, part_of

from esafety_audit.blank import blank_answers
from esafety_audit.engine import evaluate
from esafety_audit.fill import fill_answers, questions_for
from esafety_audit.fill.change import AnswersText
from esafety_audit.loading import load_answers
from esafety_audit.models import Rubric

REVIEW_DATE = date(2026, 11, 13)
# Outside cp1252: the console shows '?' for them, and nothing may fail on it.
FOLDER_NAME = "Écoles 日本"


class Server:
    """The command running, its address, and what it printed."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "esafety_audit", "serve", str(folder), "--no-browser"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        self.printed: list[bytes] = []
        deadline = time.monotonic() + 60
        while not any(b"Ctrl-C" in line for line in self.printed):
            if time.monotonic() > deadline or self.process.poll() is not None:
                err = self.process.stderr.read() if self.process.stderr else b""
                raise AssertionError(f"serve did not start: {self.printed} {err!r}")
            try:
                self.printed.append(self.lines.get(timeout=1))
            except queue.Empty:
                continue
        found = re.search(
            rb"running at (http://127\.0\.0\.1:(\d+)/\?token=[\w-]+)", b"".join(self.printed)
        )
        assert found is not None, self.printed
        self.address = found.group(1).decode("ascii")
        self.base = self.address.split("/?")[0]

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line)

    def stop(self) -> tuple[int, bytes, bytes]:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        code = self.process.wait(timeout=20)
        rest = b""
        while not self.lines.empty():
            rest += self.lines.get()
        err = self.process.stderr.read() if self.process.stderr else b""
        return code, b"".join(self.printed) + rest, err


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, rubric: Rubric) -> Path:
    root = tmp_path_factory.mktemp("serve") / FOLDER_NAME
    shutil.copytree(EXAMPLES, root)
    text = blank_answers(rubric, "primary", REVIEW_DATE)
    at = AnswersText.parse(text, "new", rubric)
    at = at.with_value("name", "Willow Primary", school=True)
    (root / "willow-primary.yaml").write_text(at.text, "utf-8")
    broken = (EXAMPLES / "oakfield-primary.yaml").read_text("utf-8")
    (root / "broken.yaml").write_text(broken.replace("school:", "school: [", 1), "utf-8")
    return root


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[Server]:
    running = Server(folder)
    yield running
    code, out, err = running.stop()
    assert code == 130, (code, out, err)  # as for Ctrl-C in any command
    assert b"Traceback" not in err, err
    # Every save was a whole file written, and the line says so.
    assert re.search(
        rb"Stopped\. Wrote [\d,]+ files? in .*each one whole; nothing else was written", err
    ), err


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    """A browser window that opened the printed address (so holds the cookie)."""
    made = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    page = made.new_page()
    page.goto(server.address)
    assert page.url == server.base + "/"
    yield made
    made.close()


def _key(page: Any, server: Server, name: str) -> str:
    page.goto(server.base + "/")
    href = page.locator("a", has_text=name).first.get_attribute("href")
    assert href and href.startswith("/f/")
    return str(href[3:])


def test_the_command_printed_its_address_and_survived_a_cp1252_console(
    server: Server, folder: Path
) -> None:
    printed = b"".join(server.printed).decode("cp1252")
    assert "It listens on this computer only (127.0.0.1); nothing is sent anywhere." in printed
    assert (
        f"Answers files in {str(folder).replace(FOLDER_NAME, 'Écoles ??')} can be opened" in printed
    )


# --------------------------------------------------------------------------- the keyboard


def _plan(rubric: Rubric, path: Path) -> tuple[dict[str, str], str, list[str]]:
    """For each question, what the keyboard gives: the first choice, the first box, a
    date, a figure; one date question answered 'never'. And the same as typed in fill."""
    answers = load_answers(path, rubric)
    questions = [q for _, qs in questions_for(rubric, answers) for q in qs]
    never = next(q.id for q in questions if q.type == "date" and "never" in q.absent)
    typed: list[str] = []
    keys: dict[str, str] = {}
    for q in questions:
        if q.id == never:
            keys[q.id], said = "never", "never"
        elif q.type in ("yes_no", "yes_partly_no", "single_choice", "multiple_choice"):
            keys[q.id], said = "first", "1"
        elif q.type == "date":
            keys[q.id], said = "01092025", "2025-09-01"
        elif q.type in ("number", "percentage"):
            keys[q.id], said = "3", "3"
        else:
            keys[q.id], said = "Jo Smith, DSL", "Jo Smith, DSL"
        typed.append(said)
    return keys, never, typed


_ACTIVE = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, type: e.type || '', name: e.name || '', rel: e.rel || '',
          href: e.getAttribute('href') || ''};
}"""


def _day_first(page: Any) -> bool:
    """Whether this browser's date box takes the day first (dd/mm/yyyy): it follows the
    system's language, not the page's."""
    page.set_content('<input type="date" id="d">')
    page.locator("#d").focus()
    page.keyboard.type("01092025")
    value = page.locator("#d").input_value()
    assert value in ("2025-09-01", "2025-01-09"), value
    return bool(value == "2025-09-01")


def _settle(page: Any) -> None:
    """Wait until the page's script has no save under way."""
    page.locator("form#answers[data-pending='0']").wait_for(state="attached")


def test_a_primary_questionnaire_answered_by_keyboard_alone_matches_fill(
    context: Any, server: Server, folder: Path, rubric: Rubric, tmp_path: Path
) -> None:
    path = folder / "willow-primary.yaml"
    before = path.read_bytes()
    keys, never, typed = _plan(rubric, path)
    page = context.new_page()
    day_first = _day_first(page)
    keys = {q: ("09012025" if k == "01092025" and not day_first else k) for q, k in keys.items()}
    key = _key(page, server, "willow-primary.yaml")
    page.goto(f"{server.base}/f/{key}/part/1")
    done: set[str] = set()
    pages = 1
    for _ in range(5000):
        page.keyboard.press("Tab")
        el = page.evaluate(_ACTIVE)
        name = el["name"]
        if name[:2] in ("v:", "x:"):
            qid = name[2:]
            plan = keys[qid]
            if qid in done or (plan == "never") != name.startswith("x:"):
                continue
            if el["type"] == "radio":
                page.keyboard.press("ArrowDown")  # from 'No answer yet' (or 'the date
                # above') to the first choice (or 'Never')
            elif el["type"] == "checkbox":
                page.keyboard.press("Space")
            else:
                page.keyboard.type(plan)
            done.add(qid)
        elif el["tag"] == "A" and el["rel"] == "next":
            _settle(page)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            pages += 1
        elif (
            el["tag"] == "A"
            and el["href"].endswith("/results")
            and page.locator("nav.pager a:focus").count()
        ):
            _settle(page)
            break
    else:
        pytest.fail("the last part was never reached")
    assert done == set(keys)
    assert pages == len(questions_for(rubric, load_answers(path, rubric)))
    saved = load_answers(path, rubric).answers
    missing = [q for q in keys if q not in saved or saved[q].value is None]
    assert not missing, [(q, rubric.bank.questions()[q].type) for q in missing]
    assert page.locator("[data-status=answered]").inner_text() == str(len(keys))

    # The file validates, and is the same review as the same answers typed into fill.
    by_browser = load_answers(path, rubric)
    assert all(by_browser.answers[q].value is not None for q in keys)
    twin = tmp_path / "twin.yaml"
    twin.write_bytes(before)
    terminal = _Terminal(typed)
    fill_answers(twin, rubric, terminal)
    by_fill = load_answers(twin, rubric)
    assert by_browser.answers == by_fill.answers
    assert evaluate(rubric, by_browser).to_json() == evaluate(rubric, by_fill).to_json()
    assert path.read_bytes() == twin.read_bytes()  # even byte for byte
    assert by_browser.answers[never].value.kind == "never"


class _Terminal:
    width = 100

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)

    def ask(self, prompt: str) -> str:
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def say(self, text: str = "") -> None:
        pass


# --------------------------------------------------------------------------- errors, tabs


def test_a_wrong_value_is_shown_beside_its_field_for_screen_readers_too(
    context: Any, server: Server, folder: Path, rubric: Rubric
) -> None:
    path = folder / "riverside-academy.yaml"
    before = path.read_bytes()
    page = context.new_page()
    key = _key(page, server, "riverside-academy.yaml")
    number = part_of(rubric, path, "staff_trained_pct")
    page.goto(f"{server.base}/f/{key}/part/{number}")
    field = page.locator("#v-staff_trained_pct")
    field.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("140")
    page.keyboard.press("Tab")
    error = page.locator("#err-v-staff_trained_pct")
    error.wait_for(state="visible")
    assert error.inner_text() == "140 is out of range; use 0 to 100"
    assert not axe_violations(page)
    assert field.get_attribute("aria-invalid") == "true"
    assert "err-v-staff_trained_pct" in (field.get_attribute("aria-describedby") or "").split()
    assert page.evaluate(
        "document.querySelector('#v-staff_trained_pct').getBoundingClientRect().bottom"
        " <= document.querySelector('#err-v-staff_trained_pct').getBoundingClientRect().top"
    )
    assert path.read_bytes() == before
    # Put right, the message goes.
    field.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("58")
    page.keyboard.press("Tab")
    page.locator("#err-v-staff_trained_pct:empty").wait_for(state="attached")
    assert field.get_attribute("aria-invalid") is None


def test_two_tabs_saving_one_question_lose_nothing_and_say_so(
    context: Any, server: Server, folder: Path, rubric: Rubric
) -> None:
    path = folder / "st-aidans-all-through.yaml"
    first, second = context.new_page(), context.new_page()
    key = _key(first, server, "st-aidans-all-through.yaml")
    qid = "staff_trained_pct"
    number = part_of(rubric, path, qid)
    for tab in (first, second):
        tab.goto(f"{server.base}/f/{key}/part/{number}")
    for tab, typed in ((first, "61"), (second, "62")):
        tab.locator(f"#v-{qid}").focus()
        tab.keyboard.press("ControlOrMeta+A")
        tab.keyboard.type(typed)
        tab.keyboard.press("Tab")
        if tab is first:
            tab.get_by_text("Saved.").wait_for()
    alert = second.locator("#conflict")
    alert.wait_for(state="visible")
    assert "changed by another program or another tab" in alert.inner_text()
    assert second.locator(f"#v-{qid}").input_value() == "62"  # the second tab's answer stays
    assert "In the file now: 61%" in second.locator(f"#err-v-{qid}").inner_text()
    assert load_answers(path, rubric).answers[qid].value == 61  # the first tab's is saved
    assert not axe_violations(second)
    second.reload()
    assert second.locator(f"#v-{qid}").input_value() == "61"


def test_without_javascript_the_save_button_saves(
    browser: Any, server: Server, folder: Path, rubric: Rubric
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(server.address)
        key = _key(page, server, "oakfield-primary.yaml")
        qid = "staff_aware_pct"
        number = part_of(rubric, folder / "oakfield-primary.yaml", qid)
        page.goto(f"{server.base}/f/{key}/part/{number}")
        page.locator(f"#v-{qid}").focus()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type("77")
        page.keyboard.press("Enter")  # submits the part, as the Save button does
        page.wait_for_url(re.compile(rf".*/part/{number}\?saved=1$"))
        assert "Saved: every answer in this part is in the file." in page.inner_text("#status")
        assert page.locator(f"#v-{qid}").input_value() == "77"
        answers = load_answers(folder / "oakfield-primary.yaml", rubric)
        assert answers.answers[qid].value == 77
    finally:
        context.close()


# --------------------------------------------------------------------------- every page


def test_every_page_passes_axe_and_fits_a_phone(context: Any, server: Server) -> None:
    page = context.new_page()
    at_size(page, PHONE)
    key = _key(page, server, "riverside-academy.yaml")
    page.goto(f"{server.base}/f/{key}")
    parts = page.locator("ol.parts > li").count()
    assert parts > 10
    broken = _key(page, server, "broken.yaml")
    paths = ["/", "/folder", f"/f/{key}", f"/f/{key}/results", f"/f/{key}/report", "/f/nope"]
    paths += [f"/f/{broken}"]  # a file with problems: validate's messages
    paths += [f"/f/{key}/part/{n}" for n in range(1, parts + 1)]
    found = {}
    for path in paths:
        page.goto(server.base + path)
        at_size(page, PHONE)
        problems = axe_violations(page)
        width = page_width(page)
        if problems or width > PHONE[0]:
            found[path] = (problems, width)
    # A refused form: the start page with its error.
    page.goto(server.base + "/")
    page.locator("#new-name").focus()
    page.keyboard.type("Nowhere")
    page.locator("#new-date").focus()
    page.keyboard.press("Enter")
    page.locator("#new-error").wait_for()
    if axe_violations(page) or page_width(page) > PHONE[0]:
        found["/new (refused)"] = (axe_violations(page), page_width(page))
    assert not found, found
