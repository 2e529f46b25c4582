"""The action plan as CSV, for a spreadsheet: one row per gap.

UTF-8 with a byte-order mark, so that Excel reads accents and curly quotes
correctly, and Windows line endings. A cell that a spreadsheet would take as a
formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is prefixed with an apostrophe: a school's owner names are free text.
"""

from __future__ import annotations

import csv
import io

from .context import ActionRow, ReportContext

COLUMNS = (
    "school",
    "urn",
    "review_date",
    "rank",
    "priority",
    "framework",
    "area",
    "criterion",
    "criterion_title",
    "status",
    "action",
    "owner",
    "due",
    "overdue",
    "action_status",
    "affects_safeguarding",
    "affects",
    "self_reported",
)
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell's text that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def action_status(row: ActionRow) -> str:
    """Where the school's own plan for a gap stands, apart from the criterion's status."""
    if row.overdue:
        return "overdue"
    if row.owner is None:
        return "no owner yet"
    if row.due is None:
        return "no date set"
    return "planned"


def actions_csv(context: ReportContext) -> str:
    """The action plan: a header row, then one row per gap in priority order. Each row
    names the school, so that a trust can put many schools' plans in one sheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cover = context.cover
    urn = "" if cover.urn == "Not given" else cover.urn
    for row in context.actions:
        cells = (
            cover.school,
            urn,
            cover.review_iso,
            str(row.rank),
            row.priority,
            row.framework,
            row.area,
            row.criterion,
            row.gap,
            row.status,
            " ".join(row.action.source.split()),
            row.owner or "",
            row.due or "",
            "yes" if row.overdue else "",
            action_status(row),
            "yes" if row.safeguarding else "",
            row.moves,
            "yes" if row.self_reported else "",
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return BOM + buffer.getvalue()
