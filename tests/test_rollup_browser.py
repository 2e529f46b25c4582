"""The roll-up page as a trust's safeguarding lead reads it, on a wide screen and a phone.

Debian's Chromium opens a roll-up of the example schools and of one whose name is a long
web address: no axe violation, no sideways scroll of the page, the long name wraps, a
safeguarding (online) column, the common gaps by title on the one priority scale, no
place on this computer named, and no screen-only hint in print.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pagechecks import (
    LONG_WORD,
    PHONE,
    VIEWPORTS,
    at_size,
    axe_violations,
    page_width,
    small_text,
    unwrapped,
)

from esafety_audit.rollup import Job, roll_up
from esafety_audit.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example schools and a copy of Oakfield named with a long web address."""
    schools = tmp_path_factory.mktemp("trust-schools")
    for example in EXAMPLES:
        (schools / example.name).write_bytes(example.read_bytes())
    data = read_yaml(EXAMPLES[0]).data
    data["school"]["name"] = LONG_WORD
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    (schools / "long-name.yaml").write_text(text, encoding="utf-8")
    return schools


@pytest.fixture(scope="module")
def rolled(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rollup")
    paths = sorted(folder.iterdir())
    roll_up(paths, Job(None, None, None), out, as_json=False, out=io.StringIO(), err=sys.stderr)
    return out


@pytest.fixture
def page(browser: Any, rolled: Path) -> Iterator[Any]:
    context = browser.new_context(offline=True)
    opened = context.new_page()
    opened.goto((rolled / "rollup.html").as_uri(), wait_until="load")
    yield opened
    context.close()


def summary(rolled: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((rolled / "rollup.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("size", VIEWPORTS)
def test_no_axe_violation_and_no_sideways_scroll(page: Any, size: tuple[int, int]) -> None:
    at_size(page, size)
    assert page_width(page) <= size[0]
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_long_web_address_as_a_school_name_wraps(page: Any, size: tuple[int, int]) -> None:
    at_size(page, size)
    assert unwrapped(page) == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_no_text_smaller_than_12px(page: Any, size: tuple[int, int]) -> None:
    at_size(page, size)
    assert small_text(page) == []


def test_wide_tables_scroll_in_their_own_labelled_region(page: Any) -> None:
    at_size(page, PHONE)
    wide = page.eval_on_selector_all(
        "table",
        """tables => tables.filter(t => t.offsetWidth > t.parentElement.clientWidth).map(t => {
          const region = t.closest('.scroll');
          return region && {
            role: region.getAttribute('role'),
            focusable: region.tabIndex === 0,
            labelled: (region.getAttribute('aria-labelledby') || '').split(' ')
                .every(id => document.getElementById(id)),
            positioned: getComputedStyle(region).position,
            scrolls: getComputedStyle(region).overflowX,
          };
        })""",
    )
    assert wide  # or the test would prove nothing
    expected = {
        "role": "region",
        "focusable": True,
        "labelled": True,
        "positioned": "relative",
        "scrolls": "auto",
    }
    assert all(region == expected for region in wide), wide


def test_each_school_has_its_safeguarding_verdict_in_words_and_sorts_by_it(
    page: Any, rolled: Path
) -> None:
    schools = summary(rolled)["schools"]
    words = {"met": "Met", "not_met": "Not met", "not_assessed": "Not assessed"}
    headings = page.eval_on_selector_all(
        "#schools thead th", "ths => ths.map(t => t.textContent.trim())"
    )
    column = headings.index("Safeguarding (online)")
    head = page.locator("#schools thead th").nth(column)

    def cells() -> list[tuple[str, str]]:
        # The badge's words, after its icon (which is there too: colour is never alone).
        found = page.eval_on_selector_all(
            "#schools tbody tr",
            f"""rows => rows.map(r => [r.cells[0].textContent.trim(),
                                       r.cells[{column}].textContent.trim()])""",
        )
        return [(name, verdict.split(" ", 1)[1]) for name, verdict in found]

    assert cells() == [(s["name"], words[s["safeguarding"]]) for s in schools]
    head.get_by_role("button").click()  # the schools that most need attention first
    verdicts = [verdict for _, verdict in cells()]
    assert verdicts == sorted(verdicts, key=["Not met", "Not assessed", "Met"].index)
    assert verdicts[0] == "Not met" and verdicts[-1] == "Met"
    assert "Safeguarding (online), ascending" in page.inner_text("#sort-status")


def test_common_gaps_by_title_on_the_one_priority_scale_ids_second(page: Any, rolled: Path) -> None:
    gaps = summary(rolled)["common_gaps"]
    rows = page.eval_on_selector_all(
        "#gaps tbody tr",
        """rows => rows.map(r => {
          const gap = r.querySelector('th');
          const id = gap.querySelector('.id');
          return {
            title: gap.firstChild.textContent.trim(),
            id: id.textContent,
            idSize: parseFloat(getComputedStyle(id).fontSize),
            titleSize: parseFloat(getComputedStyle(gap).fontSize),
            idColour: getComputedStyle(id).color,
            titleColour: getComputedStyle(gap).color,
            rank: +r.cells[0].textContent,
          };
        })""",
    )
    assert [(r["title"], r["id"]) for r in rows] == [
        (g["title"], g["criterion"]) for g in gaps[: len(rows)]
    ]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    priorities = [g["priority"] for g in gaps]
    assert priorities == sorted(priorities)  # the one scale first, then how many schools
    for row in rows:
        assert 12 <= row["idSize"] < row["titleSize"]
        assert row["idColour"] != row["titleColour"]


def test_no_place_on_this_computer_is_named(page: Any, folder: Path, rolled: Path) -> None:
    html = page.content()
    assert str(folder) not in html and str(rolled) not in html
    assert str(Path.home()) not in html
    # A school with an indicator of inadequate practice is named with its file's name.
    limiting = page.inner_text("#limiting")
    assert "st-aidans-all-through.yaml" in limiting
    # The JSON keeps the places, for other tools.
    assert all(s["file"].startswith(str(folder)) for s in summary(rolled)["schools"])


def test_screen_only_hints_are_left_out_of_print(page: Any) -> None:
    assert page.locator("#schools caption .how").is_visible()
    arrow = "el => getComputedStyle(el, '::after').content"
    first = page.locator("#schools thead th button").first
    assert "▲" in first.evaluate(arrow)
    page.emulate_media(media="print")
    assert not page.locator("#schools caption .how").is_visible()
    assert first.evaluate(arrow) in ("none", "normal", "")
    assert "in order of school name" in page.inner_text("#schools caption")
