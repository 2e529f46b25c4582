"""Many schools side by side: for a trust or a local authority.

``esafety-audit rollup FILES...`` scores every answers file and writes one page, one
spreadsheet and one JSON: each school's judgement, score, coverage and area ratings,
the schools with an indicator of inadequate practice, and the gaps most schools share.

- :mod:`.collect` scores the files, keeping one small row per school and counters
  across schools (never every result), on several cores for large runs;
- :mod:`.outputs` turns a :class:`Rollup` into HTML, CSV and JSON, written as streams;
- :mod:`.progress` draws a progress bar on a terminal.

A file with problems is reported (``file:line:col: message``) and skipped; the others
still go through, and the exit code says that some were skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..errors import EsafetyError, Problem, problem_lines
from .collect import Job, Rollup, SchoolRow, Shape, collect
from .outputs import FILES, SCHEMA_VERSION, csv_chunks, html_chunks, json_chunks, write_rollup
from .progress import Progress

__all__ = [
    "FILES",
    "SCHEMA_VERSION",
    "FilesSkipped",
    "Job",
    "NothingToRollUp",
    "Rollup",
    "SchoolRow",
    "Shape",
    "collect",
    "csv_chunks",
    "html_chunks",
    "json_chunks",
    "roll_up",
    "write_rollup",
]


class NothingToRollUp(EsafetyError):
    """Every answers file had problems: there is no school to show."""


class FilesSkipped(EsafetyError):
    """Some answers files had problems; the roll-up of the others was written."""


def roll_up(
    paths: list[Path],
    job: Job,
    output: Path,
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    workers: int | None = None,
) -> Rollup:
    """Score ``paths`` and write the roll-up (or print its JSON).

    Problems go to ``err`` as each file is read, the JSON or the list of files written
    to ``out``, and the summary to ``out`` (to ``err`` when ``out`` has the JSON).
    When some files were skipped, :class:`FilesSkipped` is raised once all is written,
    so that the exit code says so.
    """
    bar = Progress(err, len(paths))

    def report(file: str, problems: list[Problem]) -> None:
        bar.clear()
        for line in problem_lines(sorted(problems)):
            err.write(f"{line}\n")

    found = collect(paths, job, on_problems=report, progress=bar.update, workers=workers)
    bar.clear()
    if not found.rows:
        raise NothingToRollUp(
            f"none of the {len(paths):,} answers files could be read (their problems are "
            "listed above); nothing was written"
        )
    if as_json:
        for chunk in json_chunks(found):
            out.write(chunk)
        out.flush()
    else:
        written = write_rollup(found, output)
    tell = err if as_json else out
    for line in summary(found):
        tell.write(f"{line}\n")
    for line in duplicates(found):
        err.write(f"{line}\n")
    if not as_json:
        for path in written:
            out.write(f"  wrote {path}\n")
    skipped = len(found.skipped)
    if skipped:
        raise FilesSkipped(
            f"{skipped:,} file{'s' if skipped != 1 else ''} skipped because of the problems "
            "listed above; fix them and run again to include "
            f"{'those schools' if skipped != 1 else 'that school'}"
        )
    return found


def summary(found: Rollup) -> list[str]:
    """What a run did, in a few lines for the terminal."""
    labels = {**found.shape.judgement_labels, "not_judged": "not judged"}
    counts = ", ".join(
        f"{n:,} {labels.get(j, j).lower()}" for j, n in found.judgement_counts().items() if n
    )
    schools = len(found.rows)
    lines = [
        f"Rolled up {schools:,} school{'s' if schools != 1 else ''}: {counts}; "
        f"{len(found.limiting()):,} with an indicator of inadequate practice"
        + (
            f", {len(found.unchecked()):,} with one not checked (unanswered)."
            if found.unchecked()
            else "."
        )
    ]
    if found.other_bank:
        lines.append(
            f"note: {found.other_bank:,} files were written against another version of the "
            f"question bank (this tool asks version {found.shape.bank_version}); some "
            "questions may be new or changed"
        )
    return lines


def duplicates(found: Rollup) -> list[str]:
    """A warning for each school that is in more than one file, and so counted twice.

    A school is known by its URN, or by its name when it has none. Both files are
    still counted (either could be the one meant), but the counts say so.
    """
    seen: dict[str, list[SchoolRow]] = {}
    for row in found.rows:
        key = f"urn:{row.urn}" if row.urn else f"name:{row.name.casefold()}"
        seen.setdefault(key, []).append(row)
    lines = []
    for rows in seen.values():
        if len(rows) < 2:
            continue
        files = ", ".join(f"{row.file} ({row.review_date.isoformat()})" for row in rows)
        lines.append(
            f"warning: {rows[0].name} is in {len(rows)} files and is counted {len(rows)} "
            f"times: {files}; leave out all but one to count it once"
        )
    return lines
