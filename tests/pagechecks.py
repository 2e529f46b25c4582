"""What every page the tool writes must pass in a real browser, on a wide screen and a phone.

Used by the browser tests of the roll-up, the comparison and the letter: no accessibility
violation (axe-core), no sideways scroll of the page, long unbroken text that wraps, no
text smaller than 12 px, and screen-only hints left out of print.
"""

from __future__ import annotations

from typing import Any

import pytest

WIDE = (1280, 800)
PHONE = (390, 844)
VIEWPORTS = [pytest.param(WIDE, id="1280px"), pytest.param(PHONE, id="390px")]

# A SharePoint address as a school might paste it: 170 characters, not one space.
LONG_WORD = (
    "https://contoso.sharepoint.com/sites/Safeguarding/Shared%20Documents/Online-Safety/"
    "2026/Evidence/Staff-Training-Log-Autumn-Term-Signed-By-DSL-Final-v3.pdf?web=1&ver=20.01"
)
assert len(LONG_WORD) == 170 and " " not in LONG_WORD

SMALLEST_TEXT_PX = 12


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in response["violations"]]


def at_size(page: Any, size: tuple[int, int]) -> Any:
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    return page


def page_width(page: Any) -> int:
    """How wide the page scrolls: no more than the window, or it scrolls sideways."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


_HOLDING = """(text) => {
  // Each element that holds the text in a text node of its own, and how it sits.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.includes(text)) continue;
    let box = node.parentElement;
    while (getComputedStyle(box).display.startsWith('inline')) box = box.parentElement;
    const rect = box.getBoundingClientRect();
    const region = box.closest('.scroll');
    // In a scroll region the reader scrolls the region: its content width is the room.
    const room = region
      ? region.getBoundingClientRect().left + region.scrollWidth
      : window.innerWidth;
    found.push({
      tag: box.tagName.toLowerCase() + (box.className ? '.' + box.className : ''),
      overflows: box.scrollWidth > box.clientWidth + 1,
      right: rect.right, room: room, lines: Math.round(rect.height),
    });
  }
  return found;
}"""


def unwrapped(page: Any, text: str = LONG_WORD) -> list[str]:
    """The places the text does not wrap: it overflows its box, or its box runs past the
    window (or past the scroll region that holds it). Fails when the text is not there."""
    found = page.evaluate(_HOLDING, text)
    assert found, "the long text is not on the page"
    return [
        f"{f['tag']} (right edge {f['right']:.0f} px, room {f['room']:.0f} px)"
        for f in found
        if f["overflows"] or f["right"] > f["room"] + 1
    ]


_SMALL = """(smallest) => {
  const small = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.sr-only')) continue;
    const px = parseFloat(style.fontSize);
    if (px < smallest) small.add(`${el.tagName.toLowerCase()}.${el.className}: ${px}px`);
  }
  return [...small];
}"""


def small_text(page: Any, smallest: int = SMALLEST_TEXT_PX) -> list[str]:
    """Visible text set smaller than ``smallest`` pixels on screen."""
    found: list[str] = page.evaluate(_SMALL, smallest)
    return found
