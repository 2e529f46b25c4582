"""The action plan as CSV, for a spreadsheet: one row per gap.

UTF-8 with a byte-order mark, so that Excel reads accents and curly quotes
correctly, and Windows line endings. A cell that a spreadsheet would take as a
formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is prefixed with an apostrophe: a school's owner names are free text.
"""

from __future__ import annotations

import csv
import io

from .context import ReportContext

COLUMNS = (
    "rank",
    "priority",
    "area",
    "criterion",
    "gap",
    "action",
    "owner",
    "due",
    "status",
    "changes",
    "self_reported",
)
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell's text that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def actions_csv(context: ReportContext) -> str:
    """The action plan: a header row, then one row per gap in priority order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in context.actions:
        cells = (
            str(row.rank),
            row.priority,
            row.area,
            row.criterion,
            row.gap,
            " ".join(row.action.source.split()),
            row.owner or "",
            row.due or "",
            row.status,
            row.moves,
            "yes" if row.self_reported else "",
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return BOM + buffer.getvalue()
