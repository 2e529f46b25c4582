"""Presenting a :class:`Result`: the result JSON and the governors' reports.

One review gives five files sharing the stem ``<school-slug>-<review-date>``:
``.md`` and ``.html`` (the governors' report), ``-summary.html`` (the board's one- or
two-page summary), ``.json`` (the stable result JSON) and ``-actions.csv`` (the action
plan for a spreadsheet). Rendering only
presents what the result and its rubric hold; no scoring happens here.

- :mod:`.context` builds the one typed context every report is drawn from;
- :mod:`.render` holds the jinja2 environment and renders the templates;
- :mod:`.actions` writes the CSV action plan;
- :mod:`.text` turns rubric Markdown into sanitised HTML and keeps a school's
  free text literal.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from ..compare import Comparison
from ..errors import UsageError
from ..io import write_all
from ..models import Result, Rubric
from .actions import actions_csv
from .comparison import comparison_view
from .context import ReportContext, build_context, with_last_years_plan
from .render import comparison_html, comparison_markdown, html_report, markdown_report, summary_html

__all__ = [
    "ReportContext",
    "build_context",
    "render_reports",
    "report_files",
    "report_stem",
    "slug",
    "stem_for",
    "write_many",
    "write_reports",
]


def slug(text: str) -> str:
    """A file-name-safe form of a school name that a person can still read:
    'St Mary's C of E' -> 'st-marys-c-of-e', 'École Saint-Joseph' -> 'ecole-saint-joseph',
    '日本語の学校' -> '日本語の学校'. Accents go, letters of every script stay; a name with no
    letters or digits at all gets 'school-' and a short fingerprint of the name, so that
    two such schools never share a file name."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn").casefold()
    plain = re.sub(r"['\u2019]", "", plain)
    # Short enough for any file system's name limit once the date and ending are added.
    found = re.sub(r"[\W_]+", "-", plain).strip("-")[:80].strip("-")
    if found:
        return found
    return "school-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def report_stem(result: Result) -> str:
    """``<school-slug>-<review-date>``: the shared name of one review's files."""
    return stem_for(result.school.name, result.school.review_date)


def stem_for(name: str, review_date: date) -> str:
    """The stem of the reports of the school ``name`` reviewed on ``review_date``."""
    return f"{slug(name)}-{review_date.isoformat()}"


def render_reports(
    result: Result,
    rubric: Rubric,
    generated_at: datetime | None = None,
    previous: Comparison | None = None,
) -> dict[str, str | bytes]:
    """Every report of one review, by file-name ending (added to the shared stem).

    The same inputs give byte-identical files; ``generated_at`` adds a generation
    time to the cover of the HTML and Markdown reports, and is off by default.
    ``previous`` (this review compared with the last) adds "Since the last review".
    """
    context = build_context(result, rubric, generated_at)
    if previous is not None:
        context = with_last_years_plan(context, previous)
        context = replace(context, since=comparison_view(previous, framework_titles(rubric)))
    return {
        ".md": markdown_report(context),
        ".html": html_report(context),
        "-summary.html": summary_html(context),
        ".json": result.to_json(),
        "-actions.csv": actions_csv(context),
    }


def framework_titles(rubric: Rubric) -> dict[str, str]:
    return {f.id: f.title for f in rubric.frameworks}


def comparison_files(
    comparison: Comparison, rubric: Rubric, folder: Path
) -> dict[Path, str | bytes]:
    """The stand-alone comparison of two reviews: Markdown, HTML and JSON."""
    view = comparison_view(comparison, framework_titles(rubric))
    stem = (
        f"{slug(comparison.school)}-{comparison.before.review_date.isoformat()}"
        f"-to-{comparison.after.review_date.isoformat()}"
    )
    return {
        folder / f"{stem}.md": comparison_markdown(view),
        folder / f"{stem}.html": comparison_html(view),
        folder / f"{stem}.json": comparison.to_json(),
    }


def write_reports(
    result: Result, rubric: Rubric, folder: Path, generated_at: datetime | None = None
) -> list[Path]:
    """Render every report of one review first, then write them all atomically.

    A rendering error writes nothing; a write error leaves none of the files
    half-written and names the file that failed (:class:`~esafety_audit.io.WriteError`).
    """
    ((_, written),) = list(write_many([result], rubric, folder, generated_at))
    return written


def write_many(
    results: Iterable[Result],
    rubric: Rubric,
    folder: Path,
    generated_at: datetime | None = None,
    previous: Comparison | None = None,
) -> Iterator[tuple[Result, list[Path]]]:
    """Render and write each school's reports in turn, one school at a time.

    Memory stays flat in the number of schools: a school's reports are written
    (atomically, all four or none) and dropped before the next is rendered. A school
    whose reports would replace ones written earlier in the same run is refused
    (:class:`~esafety_audit.errors.UsageError`) before its files are written; callers
    that must write nothing in that case check :func:`stem_for` first.
    """
    done: set[Path] = set()
    for result in results:
        mine = report_files(result, rubric, folder, generated_at, previous)
        clash = sorted(str(p) for p in mine if p in done)
        if clash:
            raise UsageError(
                f"two answers files would both write {clash[0]} (same school name and review "
                "date); assess them into different folders"
            )
        write_all(mine)
        done.update(mine)
        yield result, list(mine)


def report_files(
    result: Result,
    rubric: Rubric,
    folder: Path,
    generated_at: datetime | None = None,
    previous: Comparison | None = None,
) -> dict[Path, str | bytes]:
    """Every report of one review, rendered, by the path it is to be written to."""
    stem = report_stem(result)
    rendered = render_reports(result, rubric, generated_at, previous)
    return {folder / f"{stem}{ending}": data for ending, data in rendered.items()}
