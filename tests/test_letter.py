"""`esafety-audit letter`: NAHT's model letter inviting a parent to meet, in our words.

The wording is checked as data (tests/cases_letter/*.yaml: options in, phrases
present or absent out, or an exit code and an error message); a school's hostile
text stays text in Markdown and HTML; and the HTML is opened in real headless
Chromium: its text is visible, axe finds no violations, it loads nothing, and it
prints on one or two A4 pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pytest
from helpers import MINI_CRITERIA, MINI_QUESTIONS
from markdown_it import MarkdownIt
from pagechecks import LONG_WORD, VIEWPORTS, at_size, page_width, small_text, unwrapped

from esafety_audit import letter as letter_module
from esafety_audit.cli import run
from esafety_audit.letter import Wording, known_platforms, meeting_text, wording
from esafety_audit.models import Rubric
from esafety_audit.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((Path(__file__).parent / "cases_letter").glob("*.yaml"))
DEFAULTS: dict[str, str] = {
    "parent": "Mr and Mrs Jones",
    "platform": "facebook",
    "colleague": "Mrs A Patel",
    "colleague-role": "Deputy Headteacher",
    "sender": "Ms R Khan",
    "sender-role": "Headteacher",
    "school": "Oakfield Primary School",
    "date": "2026-11-20",
}
HOSTILE = {
    "parent": "<script>window.__xss = 'parent'</script> Jones",
    "school": "[Oak](javascript:window.__xss='school') & <b>Ash</b> &amp;",
    "colleague": "<img src=x onerror=\"window.__xss = 'colleague'\">",
    "colleague-role": "**Deputy** _head_ | `code` ~~x~~",
    "sender": "# Ms Khan",
    "sender-role": "{{ 7 * 7 }} {% raw %}",
    "platform": None,
    "platform-name": "<a href=\"javascript:window.__xss='platform'\">Nextdoor</a>",
}


def args_for(overrides: dict[str, Any]) -> list[str]:
    """The command line for these options on top of the defaults; None leaves one out."""
    options = {**DEFAULTS, **overrides}
    argv = ["letter"]
    for name, value in options.items():
        if value is None:
            continue
        if name == "answers":
            value = ROOT / str(value)
        argv += [f"--{name}", str(value)]
    return argv


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(
    capsys: pytest.CaptureFixture[str], folder: Path, overrides: dict[str, Any], *more: str
) -> tuple[str, str, str]:
    """Run the command into ``folder``; the Markdown, the HTML and what it printed."""
    code, out, err = cli(capsys, *args_for(overrides), "-o", str(folder), *more)
    assert code == 0, err
    (md_file,) = folder.glob("*.md")
    (html_file,) = folder.glob("*.html")
    return md_file.read_text("utf-8"), html_file.read_text("utf-8"), out


class _Text(HTMLParser):
    """The text a reader sees in the page's body."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_body = self._in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return squeeze(" ".join(parser.parts))


def tags_of(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(parser.tags)


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- cases


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(capsys: pytest.CaptureFixture[str], tmp_path: Path, path: Path) -> None:
    case = read_yaml(path).data
    overrides = case.get("args") or {}
    if "exit" in case:
        code, _, err = cli(capsys, *args_for(overrides), "-o", str(tmp_path / "out"))
        assert code == case["exit"]
        for phrase in case["stderr"]:
            assert phrase in err
        assert "Traceback" not in err
        assert not (tmp_path / "out").exists(), "a refused letter writes nothing"
        return
    md, html, _ = write(capsys, tmp_path, overrides)
    shown = visible(html)
    for phrase in case.get("present") or []:
        assert phrase in md, f"{path.name}: Markdown lacks {phrase!r}"
        assert phrase in shown, f"{path.name}: HTML lacks {phrase!r}"
    for phrase in case.get("absent") or []:
        assert phrase not in md, f"{path.name}: Markdown has {phrase!r}"
        assert phrase not in shown, f"{path.name}: HTML has {phrase!r}"


def test_there_are_cases_of_letters_and_of_errors() -> None:
    kinds = {"exit" in read_yaml(p).data for p in CASES}
    assert kinds == {True, False}


# --------------------------------------------------------------------------- untrusted text


def test_hostile_text_is_escaped_in_html(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, html, _ = write(capsys, tmp_path, HOSTILE)
    assert tags_of(html) <= {"html", "head", "meta", "title", "style", "body", "header"} | {
        "main",
        "p",
        "time",
        "h1",
        "span",
    }
    assert not re.search(r"<(script|img|a|b)[\s>]", html)
    assert "&lt;script&gt;window.__xss = &#39;parent&#39;&lt;/script&gt;" in html
    shown = visible(html)
    for value in HOSTILE.values():
        if value is not None:
            assert squeeze(value) in shown
    assert "49" not in shown  # a school's text is never run as a template


def test_hostile_text_is_literal_in_markdown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    md, _, _ = write(capsys, tmp_path, HOSTILE)
    commonmark = MarkdownIt("commonmark", {"html": True}).render(md)
    python_markdown = markdown.markdown(md)
    for rendered in (commonmark, python_markdown):
        assert "<script" not in rendered
        assert "<img" not in rendered
        assert "<b>" not in rendered
        assert "<a " not in rendered
        assert "<h1>" not in rendered  # '# Ms Khan' is a name, not a heading
        assert "<code>" not in rendered and "<del>" not in rendered
        assert "<strong>Deputy</strong>" not in rendered
    assert "&lt;script&gt;window.__xss = 'parent'&lt;/script&gt; Jones" in commonmark
    assert "[Oak](javascript:window.__xss='school') &amp; &lt;b&gt;Ash&lt;/b&gt; &amp;amp;" in (
        commonmark
    )
    assert "**Deputy** _head_ | `code` ~~x~~" in commonmark
    assert "{{ 7 * 7 }} {% raw %}" in commonmark


# --------------------------------------------------------------------------- files and output


def test_writes_two_files_named_after_the_parent_and_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = cli(capsys, *args_for({}), "-o", str(tmp_path / "letters"))
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "letters").iterdir())
    assert names == [
        "letter-mr-and-mrs-jones-2026-11-20.html",
        "letter-mr-and-mrs-jones-2026-11-20.md",
    ]
    assert f"wrote {tmp_path / 'letters' / names[1]}" in out
    # Known platforms come with NAHT's reporting route, for the school, not for the letter.
    assert (
        "If the comments stay up, the reporting route is: Reporting abuse on Facebook, https://"
        in out
    )


def test_same_options_give_byte_identical_files_and_rewrite_in_place_only_with_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first_md, first_html, _ = write(capsys, tmp_path, {})
    code, _, err = cli(capsys, *args_for({}), "-o", str(tmp_path))
    assert code == 2 and "already exists" in err and "add --force to replace it" in err
    again_md, again_html, _ = write(capsys, tmp_path, {}, "--force")
    assert (first_md, first_html) == (again_md, again_html)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "letter-mr-and-mrs-jones-2026-11-20.html",
        "letter-mr-and-mrs-jones-2026-11-20.md",
    ]  # no temporary files left behind


def test_parents_with_non_latin_names_get_letters_of_their_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for parent in ("王先生", "محمد علي", "Mr O'Brien"):
        code, _, err = cli(capsys, *args_for({"parent": parent}), "-o", str(tmp_path))
        assert code == 0, err
    names = sorted(p.name for p in tmp_path.glob("*.md"))
    assert names == [
        "letter-mr-obrien-2026-11-20.md",
        "letter-محمد-علي-2026-11-20.md",
        "letter-王先生-2026-11-20.md",
    ]
    # the same parent again is refused rather than overwritten
    code, _, err = cli(capsys, *args_for({"parent": "王先生"}), "-o", str(tmp_path))
    assert code == 2 and "already exists" in err


def test_format_prints_the_letter_instead_of_writing_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    md, html, _ = write(capsys, tmp_path / "files", {})
    for fmt, expected in (("md", md), ("html", html)):
        code, out, _ = cli(capsys, *args_for({}), "--format", fmt, "-o", str(tmp_path / "no"))
        assert code == 0
        assert out == expected
    assert not (tmp_path / "no").exists()


def test_markdown_letter_layout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    md, _, _ = write(capsys, tmp_path, {})
    assert md.startswith("**Oakfield Primary School**\n\n20 November 2026\n\n")
    assert md.endswith("Ms R Khan  \nHeadteacher  \nOakfield Primary School\n")
    assert "\n\n\n" not in md


def test_free_text_platform_prints_no_reporting_route(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, _, out = write(capsys, tmp_path, {"platform": None, "platform-name": "Nextdoor"})
    assert "If the comments stay up" not in out


def test_without_the_naht_rubric_no_platform_id_is_known(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mini = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
    code, _, err = cli(capsys, *mini, *args_for({}), "-o", str(tmp_path))
    assert code == 2
    assert "no platforms are known: the rubric 'naht-guidance' is not loaded" in err
    argv = args_for({"platform": None, "platform-name": "Facebook"})
    code, _, err = cli(capsys, *mini, *argv, "-o", str(tmp_path))
    assert code == 0, err


def test_missing_required_options_are_each_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("parent", "colleague", "colleague-role", "sender", "sender-role"):
        code, _, err = cli(capsys, *args_for({name: None}), "-o", str(tmp_path))
        assert code == 2
        assert f"Missing option '--{name}'" in err
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- wording as data


def test_every_reporting_route_in_the_rubric_is_a_named_platform(rubric: Rubric) -> None:
    platforms = known_platforms(rubric)
    routes = [r for r in rubric.framework("naht-guidance").resources if r.startswith("report_")]
    assert routes and len(platforms) == len(routes)
    assert set(platforms) <= set(wording().platforms.names)
    assert platforms["facebook"].name == "Facebook"
    assert platforms["twitter"].name == "X (formerly Twitter)"


def test_the_wording_holds_no_markup_that_would_pass_unescaped() -> None:
    words = wording()
    sentences = [words.title, words.marking, words.greeting, words.subject, words.closing]
    for sentence in [*sentences, *words.paragraphs]:
        literal = re.sub(r"{{.*?}}|{%.*?%}", "", sentence, flags=re.S)
        assert not re.search(r"[<>&*_`|\[\]\\#]", literal), sentence


def test_an_unknown_name_in_the_wording_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = wording().model_copy(update={"paragraphs": ["Dear {{ parnet }},"]})
    monkeypatch.setattr(letter_module, "wording", lambda: broken)
    details = letter_module.make_letter(
        rubric=lambda: pytest.fail("no rubric needed"),
        parent="A",
        colleague="B",
        colleague_role="C",
        sender="D",
        sender_role="E",
        letter_date=letter_module.dt.date(2026, 11, 20),
        platform_name="F",
        school="G",
    )
    assert isinstance(broken, Wording)
    with pytest.raises(jinja2.UndefinedError, match="parnet"):
        letter_module.render_letter(details)


def test_meeting_text() -> None:
    day = letter_module.dt.date(2026, 11, 26)
    assert meeting_text(None, None) == ""
    assert meeting_text(day, None) == "Thursday 26 November 2026"
    assert meeting_text(day, letter_module.dt.time(0, 15)) == "Thursday 26 November 2026 at 12.15am"
    assert meeting_text(day, letter_module.dt.time(18, 0)) == "Thursday 26 November 2026 at 6pm"


# --------------------------------------------------------------------------- in Chromium

LONGEST = ("Longname " * 25)[:199] + "."  # as long as a field may be


@pytest.fixture
def open_letter(browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Iterator[Any]:
    """Write a letter with these options and open its HTML offline, recording requests."""
    contexts = []

    def opener(overrides: dict[str, Any]) -> tuple[Any, list[str], str]:
        folder = tmp_path / f"letter-{len(contexts)}"
        write(capsys, folder, overrides)
        (path,) = folder.glob("*.html")
        context = browser.new_context(offline=True)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri(), wait_until="load")
        return page, requests, path.as_uri()

    yield opener
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in response["violations"]]


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """The size, in points, of each page of a PDF Chromium printed."""
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(boxes) >= pages
    return [(float(w), float(h)) for w, h in boxes[:pages]]


def test_letter_in_chromium_is_visible_accessible_and_self_contained(open_letter: Any) -> None:
    page, requests, url = open_letter({"meeting-date": "2026-11-26", "meeting-time": "15:30"})
    text = squeeze(page.inner_text("body"))
    for phrase in (
        "Oakfield Primary School",
        "Dear Mr and Mrs Jones,",
        "My colleague Mrs A Patel, Deputy Headteacher, will join us",
        "Thursday 26 November 2026 at 3.30pm",
        "I ask you to remove the comments from Facebook.",
        "Yours sincerely, Ms R Khan Headteacher Oakfield Primary School",
    ):
        assert phrase in text
    assert page.is_visible("text=I hope to hear from you soon.")
    assert axe_violations(page) == []
    assert requests == [url]
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert (
        page.title()
        == "Oakfield Primary School: letter to Mr and Mrs Jones about comments posted online"
    )


def test_axe_does_find_problems_when_there_are_some(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content('<html><body><img src="data:,"><h3>Skipped</h3></body></html>')
        assert axe_violations(page)
    finally:
        page.close()


def test_hostile_text_runs_no_script_in_chromium(open_letter: Any) -> None:
    page, requests, url = open_letter(HOSTILE)
    page.wait_for_timeout(100)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('script, img, a, b').length") == 0
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(el => [...el.attributes])"
        ".filter(a => a.name.startsWith('on')).length"
    )
    assert handlers == 0
    text = squeeze(page.inner_text("body"))
    assert "Dear <script>window.__xss = 'parent'</script> Jones," in text
    assert "[Oak](javascript:window.__xss='school') & <b>Ash</b> &amp;" in page.inner_text("header")
    assert axe_violations(page) == []
    assert requests == [url]


@pytest.mark.parametrize(
    ("overrides", "most"),
    [
        ({}, 1),
        ({"meeting-date": "2026-11-26", "meeting-time": "15:30"}, 1),
        ({name: LONGEST for name in DEFAULTS if name not in ("platform", "date")}, 2),
    ],
    ids=["plain", "meeting", "every-field-at-its-longest"],
)
def test_letter_prints_on_a4_in_one_or_two_pages(
    open_letter: Any, overrides: dict[str, Any], most: int
) -> None:
    page, _, _ = open_letter(overrides)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    sizes = pdf_page_sizes(pdf)
    assert 1 <= len(sizes) <= most
    for width, height in sizes:
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).boxShadow") == "none"


# A long web address in every field a school types; the platform in its own words.
LONG_FIELDS = ("parent", "school", "colleague", "sender", "platform-name")
LONG_WORDS: dict[str, Any] = {**dict.fromkeys(LONG_FIELDS, LONG_WORD), "platform": None}


@pytest.mark.parametrize("overrides", [{}, LONG_WORDS], ids=["plain", "long-unbroken-words"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_letter_fits_a_phone_and_a_wide_screen(
    open_letter: Any, overrides: dict[str, Any], size: tuple[int, int]
) -> None:
    page = at_size(open_letter(overrides)[0], size)
    assert page_width(page) <= size[0]
    assert small_text(page) == []
    assert axe_violations(page) == []
    if overrides:
        assert unwrapped(page) == []
