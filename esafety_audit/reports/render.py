"""The one jinja2 environment, and the HTML and Markdown reports drawn from a context.

HTML templates autoescape; the Markdown template escapes a school's free text
with the ``md`` filter. Both use ``StrictUndefined`` so that a missing field
fails loudly instead of printing nothing.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2
from markupsafe import Markup

from .comparison import ComparisonView
from .context import BAR_WIDTH, ROW_HEIGHT, ReportContext
from .text import md_escape


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    """The jinja2 environment for the package's templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("esafety_audit", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["css_string"] = css_string
    env.globals["BAR_WIDTH"] = BAR_WIDTH
    env.globals["ROW_HEIGHT"] = ROW_HEIGHT
    return env


def css_string(text: str) -> Markup:
    """A school's text as a quoted CSS string, safe inside a <style> element: every
    character but letters, digits, spaces and plain punctuation becomes a CSS escape, so
    that no quote, backslash, line break or "</style>" can end the string or the element."""
    safe = re.sub(
        r"[^A-Za-z0-9 ,.'\-·]",
        lambda m: f"\\{ord(m.group()):x} ",
        text,
    )
    return Markup(f'"{safe}"')


def html_report(context: ReportContext) -> str:
    """The self-contained, accessible, printable HTML report."""
    return environment(True).get_template("report.html.j2").render(r=context)


def summary_html(context: ReportContext) -> str:
    """The board's summary: the answers a board needs, on one or two printed pages."""
    return environment(True).get_template("summary.html.j2").render(r=context)


def markdown_report(context: ReportContext) -> str:
    """The governors' report as Markdown."""
    text = environment(False).get_template("report.md.j2").render(r=context)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def comparison_html(view: ComparisonView) -> str:
    """Two reviews compared, as one self-contained HTML page."""
    return environment(True).get_template("compare.html.j2").render(v=view)


def comparison_markdown(view: ComparisonView) -> str:
    """Two reviews compared, as Markdown."""
    text = environment(False).get_template("compare.md.j2").render(v=view)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
