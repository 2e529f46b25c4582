"""Presenting a :class:`Result`: the result JSON and the Markdown summary.

Rendering only presents what the result holds; no scoring happens here. The
jinja2 environment is built in one place, with ``StrictUndefined`` so that a
missing field fails loudly instead of printing nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from typing import Any

import jinja2

from .models import Result, Rubric


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    """The jinja2 environment: HTML templates autoescape, Markdown ones escape by filter."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("esafety_audit", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["cell"] = markdown_cell
    env.filters["pct"] = percent
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_text(value: Any) -> str:
    """A school's free text, escaped so that Markdown shows it as typed (no HTML, no links)."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_cell(value: Any) -> str:
    """Free text for a Markdown table cell: escaped, on one line."""
    return " ".join(markdown_text(value).split())


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}%"


def slug(text: str) -> str:
    """A file-name-safe form of a school name: 'St Mary's C of E' -> 'st-marys-c-of-e'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"['’]", "", plain.lower())
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "school"


def report_stem(result: Result) -> str:
    """``<school-slug>-<review-date>``: the shared name of one review's files."""
    return f"{slug(result.school.name)}-{result.school.review_date.isoformat()}"


def result_json(result: Result) -> str:
    """The stable, documented result JSON (see ``schema_version``)."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def summary_context(result: Result, rubric: Rubric) -> dict[str, Any]:
    """Everything the Markdown summary shows, built in one place."""
    titles = {c.id: c.title for c in rubric.criteria()}
    frameworks = {f.id: f.title for f in rubric.frameworks}
    areas = {(a.framework, a.id): a.title for a in result.areas}
    return {
        "result": result,
        "framework_titles": frameworks,
        "gaps": [
            {
                "gap": gap,
                "title": titles[gap.criterion],
                "area": areas[(gap.framework, gap.area)],
                "overdue": gap.due is not None and gap.due < result.school.review_date,
            }
            for gap in result.gaps
        ],
        "unanswered": [rubric.bank.questions()[q] for q in result.unanswered],
    }


def summary_markdown(result: Result, rubric: Rubric) -> str:
    template = environment(False).get_template("summary.md.j2")
    return template.render(summary_context(result, rubric))

