"""The HTML report in a real browser (Debian's Chromium, driven by Playwright).

Zero axe-core violations, a PDF that prints on A4 with the school's name in it,
nothing loaded from anywhere, and a school's hostile free text that stays text:
no script runs, no event handler or ``javascript:`` link reaches the page.

These tests skip, with the reason, only when Chromium is absent and the CI
variable is not set; in CI a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import make_answers, mini_rubric

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_answers
from esafety_audit.models import Result, Rubric
from esafety_audit.reports import render_reports

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
HOSTILE = Path(__file__).parent / "fixtures" / "report" / "hostile.yaml"
MINI_ANSWERS: dict[str, Any] = {
    "policy": {"value": "partly", "evidence": "Minutes, 3 March", "notes": "Committee only"},
    "trained_pct": {"value": 40, "action": {"owner": "DSL", "due": "2026-10-01"}},
    "shared_logins": 2,
    "filtering": "basic",
    "lead_name": "J. Smith",
}


class Opened:
    """A report open in a page, with every request the page made."""

    def __init__(self, page: Any, requests: list[str], url: str) -> None:
        self.page = page
        self.requests = requests
        self.url = url


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Open an HTML report as a governor would: a local file, with no network."""
    contexts = []

    def opener(html: str, name: str = "report.html") -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(offline=True)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri(), wait_until="load")
        return Opened(page, requests, path.as_uri())

    yield opener
    for context in contexts:
        context.close()


def html_of(result: Result, rubric: Rubric) -> str:
    html = render_reports(result, rubric)[".html"]
    assert isinstance(html, str)
    return html


@pytest.fixture(scope="module")
def mini_html() -> str:
    rubric = mini_rubric()
    answers = make_answers(rubric, MINI_ANSWERS, urn="123456", completed_by="J. Smith, DSL")
    return html_of(evaluate(rubric, answers), rubric)


def example_result(path: Path, rubric: Rubric) -> Result:
    return evaluate(rubric, load_answers(path, rubric))


# --------------------------------------------------------------------------- a tiny PDF reader

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def _stream(body: bytes) -> bytes:
    found = re.search(rb"stream\r?\n(.*)endstream", body, re.S)
    if found is None:
        return b""
    raw = found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        ranges = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
        for low, high, dst in ranges:
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(int(dst, 16) + offset)
    return table


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF that Chromium (Skia) printed."""
    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}
    fonts = {
        number: _to_unicode(_stream(objects[int(ref)]))
        for number, body in objects.items()
        for ref in re.findall(rb"/ToUnicode (\d+) 0 R", body)
    }
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        resources = body
        ref = re.search(rb"/Resources (\d+) 0 R", body)
        if ref is not None:
            resources = objects[int(ref.group(1))]
        names = {n: fonts.get(int(o), {}) for n, o in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        contents = b"".join(
            _stream(objects[int(r)]) for r in re.findall(rb"/Contents (\d+) 0 R", body)
        )
        pages.append(_page_text(contents, names))
    return pages


def _page_text(contents: bytes, fonts: dict[bytes, dict[int, str]]) -> str:
    text: list[str] = []
    table: dict[int, str] = {}
    for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|\bET\b", contents):
        if token.group(1):
            table = fonts.get(token.group(1), {})
        elif token.group(2) is not None:
            codes = token.group(2).decode()
            text.extend(table.get(int(codes[i : i + 4], 16), "") for i in range(0, len(codes), 4))
        else:
            text.append("\n")
    return "".join(text)


def print_pdf(page: Any) -> bytes:
    pdf: bytes = page.pdf(prefer_css_page_size=True, print_background=True)
    return pdf


def squeeze(text: str) -> str:
    return " ".join(text.split())


def unspaced(text: str) -> str:
    return "".join(text.split())


# --------------------------------------------------------------------------- checks


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]


STRUCTURE = """() => {
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const skips = headings.filter((level, i) => i > 0 && level > headings[i - 1] + 1);
  const tables = [...document.querySelectorAll('table')];
  return {
    lang: document.documentElement.lang,
    h1: headings.filter(l => l === 1).length,
    first: headings[0],
    skips: skips.length,
    tables: tables.length,
    uncaptioned: tables.filter(t => !t.querySelector(':scope > caption')).length,
    unscoped: [...document.querySelectorAll('th')].filter(th => !th.getAttribute('scope')).length,
  };
}"""

DANGER = """() => {
  const all = [...document.querySelectorAll('*')];
  const handlers = all.flatMap(el => [...el.attributes]
      .filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName + ' ' + a.name));
  const urls = all.flatMap(el => ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc']
      .map(name => el.getAttribute(name)).filter(v => v !== null)
      .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v) || /<script/i.test(v)));
  const bad = 'script, iframe, frame, object, embed, img, form, button, input, textarea, '
      + 'link, meta[http-equiv="refresh"], base, body style, main style';
  return {
    handlers, urls,
    elements: [...document.querySelectorAll(bad)].map(el => el.tagName),
    styles: document.querySelectorAll('style').length,
    svgs: document.querySelectorAll('svg').length,
    xss: typeof window.__xss,
  };
}"""


def test_mini_report_has_zero_axe_violations(open_report: Any, mini_html: str) -> None:
    opened = open_report(mini_html)
    assert axe_violations(opened.page) == []


def test_axe_does_find_problems_when_there_are_some(open_report: Any) -> None:
    # The check above means something only if axe runs and reports.
    opened = open_report('<html><body><img src="data:,"><h3>Skipped</h3></body></html>')
    assert axe_violations(opened.page)


def test_report_structure_is_accessible(open_report: Any, mini_html: str) -> None:
    opened = open_report(mini_html)
    found = opened.page.evaluate(STRUCTURE)
    assert found == {
        "lang": "en-GB",
        "h1": 1,
        "first": 1,
        "skips": 0,
        "tables": found["tables"],
        "uncaptioned": 0,
        "unscoped": 0,
    }
    assert found["tables"] >= 2
    words = squeeze(opened.page.inner_text("main"))
    for status in ("Partly met", "Not met", "Not answered", "Found", "Not found"):
        assert status in words


def test_report_makes_no_requests_and_loads_nothing_external(
    open_report: Any, mini_html: str
) -> None:
    opened = open_report(mini_html)
    assert opened.requests == [opened.url]
    assert not re.search(r"<(script|link|img|iframe|object|embed|source)\b", mini_html)
    assert "@import" not in mini_html and "url(" not in mini_html
    assert "@font-face" not in mini_html


def test_report_prints_to_a4_pdf_with_the_school_name(open_report: Any, mini_html: str) -> None:
    pdf = print_pdf(open_report(mini_html).page)
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    assert "Test School" in pages[0]
    width, height = map(float, re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)[0])
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points


def test_print_keeps_rows_and_headings_whole_and_numbers_every_page(
    open_report: Any, mini_html: str
) -> None:
    page = open_report(mini_html).page
    page.emulate_media(media="print")
    styles = page.evaluate("""() => ({
      breaks: [...document.querySelectorAll('main > section')]
          .map(s => getComputedStyle(s).breakBefore),
      rows: [...document.querySelectorAll('tr')].map(r => getComputedStyle(r).breakInside),
      headings: [...document.querySelectorAll('h2, h3, caption')]
          .map(h => getComputedStyle(h).breakAfter),
      after: getComputedStyle(document.querySelector('a[href^="https:"]'), '::after').content,
      nav: getComputedStyle(document.querySelector('nav')).display,
      detail: [...document.querySelectorAll('.criterion-detail')]
          .map(d => getComputedStyle(d).display),
    })""")
    assert "page" not in styles["breaks"]  # no forced breaks, so no half-empty pages
    assert set(styles["rows"]) == {"avoid"}
    assert set(styles["headings"]) == {"avoid"}
    assert "https://example.org/" in styles["after"] or "attr(href)" in styles["after"]
    assert styles["nav"] == "none"
    assert styles["detail"] and set(styles["detail"]) == {"none"}
    pages = pdf_pages(print_pdf(page))
    assert len(pages) >= 2
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in squeeze(text)
        assert unspaced("Test School · online-safety self-review, 20 November 2026") in unspaced(
            text
        )


# --------------------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def hostile_html(rubric: Rubric) -> str:
    return html_of(evaluate(rubric, load_answers(HOSTILE, rubric)), rubric)


def test_the_xss_probe_works_when_a_script_does_run(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content("<script>window.__xss = 'ran'</script>")
        assert page.evaluate("typeof window.__xss") == "string"
    finally:
        page.close()


def test_hostile_free_text_runs_no_script_and_adds_no_handler_or_link(
    open_report: Any, hostile_html: str
) -> None:
    opened = open_report(hostile_html)
    page = opened.page
    page.wait_for_timeout(100)
    found = page.evaluate(DANGER)
    assert found["xss"] == "undefined"
    assert found["handlers"] == []
    assert found["urls"] == []
    assert found["elements"] == []
    assert found["styles"] == 1
    assert found["svgs"] == len(page.query_selector_all("figure.chart"))
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert all(re.match(r"(https?://|mailto:|#)", href) for href in hrefs)
    assert opened.requests == [opened.url]


def test_hostile_free_text_is_shown_as_typed(open_report: Any, hostile_html: str) -> None:
    page = open_report(hostile_html).page
    text = squeeze(page.inner_text("body"))
    assert "<script>window.__xss = 'evidence'</script>" in text
    assert "<a href=\"javascript:window.__xss = 'notes-link'\">Read the minutes</a>" in text
    assert "[Minutes](javascript:window.__xss='md-link')" in text
    assert "{{ 7 * 7 }} {% raw %} <!-- comment --> &lt;escaped&gt; &amp;" in text
    assert "St <b>Hostile</b> & Friends' <script>" in page.inner_text("h1")
    assert "<img src=x onerror=\"window.__xss = 'owner'\">" in text
    assert page.title().startswith("Online-safety self-review: St <b>Hostile</b>")


# --------------------------------------------------------------------------- example schools


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_report_has_zero_axe_violations_and_prints(
    open_report: Any, rubric: Rubric, example: Path
) -> None:
    result = example_result(example, rubric)
    opened = open_report(html_of(result, rubric))
    assert axe_violations(opened.page) == []
    assert opened.requests == [opened.url]
    pages = pdf_pages(print_pdf(opened.page))
    assert len(pages) >= 2
    # Compare without white space: a long name may wrap, even at a hyphen.
    assert unspaced(result.school.name) in unspaced(pages[0])


def _example_comparison(rubric: Rubric) -> tuple[Result, Any]:
    from esafety_audit.compare import compare

    examples = ROOT / "questionnaires" / "examples"
    before = example_result(examples / "previous" / "riverside-academy-2025.yaml", rubric)
    after = example_result(examples / "riverside-academy.yaml", rubric)
    return after, compare(before, after)


def test_comparison_page_is_accessible_and_offline(open_report: Any, rubric: Rubric) -> None:
    from esafety_audit.reports import comparison_files

    _, comparison = _example_comparison(rubric)
    files = comparison_files(comparison, rubric, Path("out"))
    html = next(data for path, data in files.items() if path.suffix == ".html")
    assert isinstance(html, str)
    opened = open_report(html, "compare.html")
    assert axe_violations(opened.page) == []
    assert opened.requests == [opened.url]
    text = opened.page.inner_text("main")
    assert "Overdue: past their date and still not met" in text
    assert "Inadequate" in text and "Requires improvement" in text


def test_report_with_previous_review_shows_the_section(open_report: Any, rubric: Rubric) -> None:
    after, comparison = _example_comparison(rubric)
    html = render_reports(after, rubric, previous=comparison)[".html"]
    assert isinstance(html, str)
    opened = open_report(html)
    section = opened.page.locator("#since-last-review")
    assert section.is_visible()
    assert "Closed: now met" in section.inner_text()
    assert opened.page.locator('nav a[href="#since-last-review"]').count() == 1
    assert axe_violations(opened.page) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_report_fits_a_phone_without_sideways_scrolling(
    open_report: Any, rubric: Rubric, example: Path
) -> None:
    opened = open_report(html_of(example_result(example, rubric), rubric))
    opened.page.set_viewport_size({"width": 390, "height": 844})
    width = opened.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_a_blank_review_says_it_is_incomplete_on_the_first_screen(
    open_report: Any, rubric: Rubric, tmp_path: Path
) -> None:
    from helpers import REVIEW_DATE

    from esafety_audit.blank import blank_answers

    blank = tmp_path / "blank.yaml"
    blank.write_text(blank_answers(rubric, "primary", REVIEW_DATE), encoding="utf-8")
    opened = open_report(html_of(evaluate(rubric, load_answers(blank, rubric)), rubric))
    for width, height in ((1280, 800), (390, 844)):
        opened.page.set_viewport_size({"width": width, "height": height})
        opened.page.evaluate("window.scrollTo(0, 0)")
        notice = opened.page.locator(".cover-alert")
        box = notice.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, width
        assert "Incomplete review:" in notice.inner_text()
        assert "indicators of inadequate practice not checked" in notice.inner_text()
    gates = opened.page.inner_text("#limiting")
    assert "None found" not in gates and "Not checked: 7 of 7" in gates
    assert "There are no gaps" not in opened.page.inner_text("body")
    assert axe_violations(opened.page) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_boards_summary_fits_two_pages_and_answers_first(
    open_report: Any, rubric: Rubric, example: Path
) -> None:
    result = example_result(example, rubric)
    summary = render_reports(result, rubric)["-summary.html"]
    assert isinstance(summary, str)
    opened = open_report(summary)
    for width, height in ((1280, 800), (390, 844)):
        opened.page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(opened.page) == [], width
        assert opened.page.evaluate("document.documentElement.scrollWidth") <= width
    opened.page.set_viewport_size({"width": 1280, "height": 800})
    first = opened.page.evaluate(
        "() => [...document.querySelectorAll('.verdict-word')]"
        ".filter(e => e.getBoundingClientRect().bottom <= 800).length"
    )
    assert first == 2  # safeguarding and the judgement, on the first screen
    pages = pdf_pages(print_pdf(opened.page))
    assert len(pages) <= 2
    text = squeeze(" ".join(pages)).lower()  # the labels are in capitals in print
    for heading in ("Is safeguarding (online) met?", "What is the judgement, and why?"):
        assert heading.lower() in text
    assert "the board is asked to" in text
    assert opened.requests == [opened.url]


def test_the_riverside_board_pack_prints_to_at_most_30_pages(
    open_report: Any, rubric: Rubric
) -> None:
    example = ROOT / "questionnaires" / "examples" / "riverside-academy.yaml"
    opened = open_report(html_of(example_result(example, rubric), rubric))
    opened.page.set_viewport_size({"width": 1280, "height": 800})
    on_screen = opened.page.evaluate(
        "() => [...document.querySelectorAll('.verdict-word')]"
        ".filter(e => e.getBoundingClientRect().bottom <= 800).map(e => e.textContent.trim())"
    )
    assert len(on_screen) == 2, on_screen  # the judgement and safeguarding, first screen
    pages = pdf_pages(print_pdf(opened.page))
    assert len(pages) <= 30
    # Every claim without evidence is still named in print, run on under its framework.
    printed = " ".join(" ".join(p.split()) for p in pages)
    claims = printed.split("claims rest on the school's word alone")[1]
    claims = claims.split("Criterion by criterion")[0]
    assert "Ofsted e-safety criteria (2014 briefing): " in claims
    assert "Anonymous online reporting" in claims


@pytest.mark.parametrize("previous", [False, True], ids=["report", "with-previous"])
def test_the_full_report_is_accessible_on_a_phone_and_its_chart_legible(
    open_report: Any, rubric: Rubric, previous: bool
) -> None:
    result, comparison = _example_comparison(rubric)
    html = render_reports(result, rubric, previous=comparison if previous else None)[".html"]
    assert isinstance(html, str)
    opened = open_report(html)
    opened.page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(opened.page) == []
    assert opened.page.evaluate("document.documentElement.scrollWidth") <= 390
    sizes = opened.page.evaluate(
        "() => [...document.querySelectorAll('.chart text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 12 * 0.9  # a glyph box a little under its font size
    if previous:
        since = opened.page.inner_text("#since-last-review")
        assert "naht-guidance" not in since and "ofsted.inadequate" not in since  # no raw ids
