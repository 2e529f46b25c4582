"""A roll-up as files: an HTML page, a CSV for a spreadsheet and a JSON for other tools.

Each is produced as a stream of text, a school at a time, and written through a
temporary file and a rename, so that neither memory nor a half-written file grows with
the number of schools. The page's rows are built here; the template only lays them out.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..io import write_all
from ..models import JUDGEMENT_ORDER
from ..reports.actions import BOM, spreadsheet_safe
from ..reports.palette import (
    JUDGEMENT_TONES,
    RATING_TONES,
    SAFEGUARDING_TONES,
    TONE_ICONS,
    Badge,
)
from ..reports.text import long_date, percent
from .collect import RATINGS, CommonGap, FrameworkColumns, Limiting, Rollup, SchoolRow

SCHEMA_VERSION = "1.0"
FILES = {"html": "rollup.html", "csv": "rollup.csv", "json": "rollup.json"}
COMMON_GAPS_SHOWN = 20

_NOT_SCORED = "not scored"


# --------------------------------------------------------------------------- JSON


def json_chunks(rollup: Rollup) -> Iterator[str]:
    """The roll-up JSON (schema_version 1.0); each school, and each school with an
    indicator of inadequate practice, on a line of its own, written as it is made."""
    head = json.dumps(_json_head(rollup), indent=2, ensure_ascii=False)
    yield head[: -len("\n}")]
    yield from _json_list("limiting", (_json_limiting(row) for row in rollup.limiting()))
    yield from _json_list("common_gaps", (_json_gap(g) for g in rollup.common_gaps()))
    yield from _json_list("schools", (_json_school(rollup, row) for row in rollup.rows))
    yield "\n}\n"


def _json_list(key: str, items: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield f',\n  "{key}": ['
    empty = True
    for item in items:
        yield ("\n    " if empty else ",\n    ") + json.dumps(item, ensure_ascii=False)
        empty = False
    yield "]" if empty else "\n  ]"


def _json_limiting(row: SchoolRow) -> dict[str, Any]:
    return {
        "file": row.file,
        "school": row.name,
        "urn": row.urn,
        "indicators": [
            {"id": d.id, "framework": d.framework, "title": d.title, "reasons": d.reasons}
            for d in row.limiting
        ],
    }


def _json_gap(gap: CommonGap) -> dict[str, Any]:
    return {
        "criterion": gap.criterion.id,
        "framework": gap.criterion.framework,
        "area": gap.criterion.area,
        "title": gap.criterion.title,
        "priority": gap.priority_rank,
        "not_met": gap.not_met,
        "partly_met": gap.partly_met,
        "unanswered": gap.unanswered,
        "schools": gap.schools,
    }


def _json_head(rollup: Rollup) -> dict[str, Any]:
    shape = rollup.shape
    return {
        "schema_version": SCHEMA_VERSION,
        "question_bank": {"id": shape.bank_id, "version": shape.bank_version},
        "frameworks": [
            {
                "id": f.id,
                "title": f.title,
                "version": f.version,
                "schools": rollup.assessed[i],
                "areas": [{"id": a.id, "title": a.title} for a in f.areas],
            }
            for i, f in enumerate(shape.frameworks)
        ],
        "summary": {
            "schools": len(rollup.rows),
            "files_skipped": len(rollup.skipped),
            "judgements": rollup.judgement_counts(),
            "safeguarding": rollup.safeguarding_counts(),
            "with_limiting": len(rollup.limiting()),
            "with_indicator_not_checked": len(rollup.unchecked()),
            "other_question_bank": rollup.other_bank,
        },
        "skipped": rollup.skipped,
    }


def _json_school(rollup: Rollup, row: SchoolRow) -> dict[str, Any]:
    return {
        "file": row.file,
        "name": row.name,
        "urn": row.urn,
        "phase": row.phase,
        "review_date": row.review_date.isoformat(),
        "judgement": row.judgement,
        "safeguarding": row.safeguarding,
        "score": row.score,
        "coverage": row.coverage,
        "limiting": [d.id for d in row.limiting],
        "indicators_not_checked": row.not_checked,
        "self_reported": row.self_reported,
        "frameworks": [
            {
                "id": f.id,
                "judgement": row.framework_judgement(i),
                "score": row.framework_score(i),
                "areas": [
                    {"id": a.id, "score": row.area_score(n), "rating": row.area_rating(n)}
                    for n, a in enumerate(f.areas, f.first_area)
                ],
            }
            for i, f in enumerate(rollup.shape.frameworks)
            if row.assessed(i)
        ],
    }


# --------------------------------------------------------------------------- CSV


def csv_chunks(rollup: Rollup) -> Iterator[str]:
    """One row per school, for a spreadsheet: UTF-8 with a byte-order mark, like the
    action plan, and cells a spreadsheet cannot take for formulas."""
    shape = rollup.shape
    labels = shape.judgement_labels
    header = [
        "file",
        "school",
        "urn",
        "phase",
        "review_date",
        "judgement",
        "safeguarding",
        "score",
        "coverage",
    ]
    header += [
        "indicators of inadequate practice",
        "indicators not checked",
        "claims without evidence",
    ]
    for f in shape.frameworks:
        header += [f"{f.id}: judgement", f"{f.id}: score"]
        header += [f"{f.id}: {a.title} ({part})" for a in f.areas for part in ("score", "rating")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for row in rollup.rows:
        buffer.seek(0)
        buffer.truncate()
        cells = [row.file, row.name, row.urn or "", row.phase, row.review_date.isoformat()]
        cells += [
            _label(row.judgement, labels),
            _SAFEGUARDING_WORDS.get(row.safeguarding or "", ""),
            _num(row.score),
            _num(row.coverage),
        ]
        cells += [
            "; ".join(d.title for d in row.limiting),
            str(row.not_checked),
            str(row.self_reported),
        ]
        for i, f in enumerate(shape.frameworks):
            if not row.assessed(i):
                cells += [""] * (2 + 2 * len(f.areas))
                continue
            cells += [_label(row.framework_judgement(i), labels), _num(row.framework_score(i))]
            for n in range(f.first_area, f.first_area + len(f.areas)):
                rating = row.area_rating(n)
                cells += [_num(row.area_score(n)), f.rating_labels[rating] if rating else ""]
        writer.writerow([spreadsheet_safe(c) for c in cells])
        yield buffer.getvalue()


_SAFEGUARDING_WORDS = {"met": "Met", "not_met": "Not met", "not_assessed": "Not assessed"}


def _label(judgement: str | None, labels: Mapping[str, str]) -> str:
    return "" if judgement is None else labels.get(judgement, judgement)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# --------------------------------------------------------------------------- HTML


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: its text, the value a click on its heading sorts by, and a badge."""

    text: str
    sort: str
    badge: Badge | None = None
    kind: str = "text"  # text | badge (its word shown) | rating (the text, then its icon)
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class PageRow:
    school: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    heading: str
    caption: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[PageRow]]  # called by the template: rows are made as written


@dataclass(frozen=True, slots=True)
class LimitedSchool:
    """A school with an indicator of inadequate practice, as the page names it: by its
    name and its file's name, never the file's place on this computer."""

    name: str
    file: str
    indicators: tuple[Limiting, ...]


@dataclass(frozen=True, slots=True)
class GapLine:
    rank: int
    title: str
    criterion: str
    framework: str
    priority: str
    not_met: int
    partly_met: int
    unanswered: int
    schools: int
    of: int


@dataclass(frozen=True)
class Page:
    """Everything the roll-up page shows."""

    title: str
    schools: int
    files: int
    frameworks: list[tuple[str, str, int]]  # title, version, schools assessed
    question_bank: str
    judgements: list[tuple[Badge, int]]
    safeguarding: list[tuple[Badge, int]]
    legend: list[tuple[Badge, str]]  # rating badge, what it means
    tables: list[Table]
    limiting: list[LimitedSchool]  # the schools with an indicator of inadequate practice
    unchecked: list[tuple[str, str, int]]  # name, file, indicators not checked
    gaps: list[GapLine]
    gaps_total: int
    skipped: list[str]  # the names of the files skipped (their places are in the JSON)
    other_bank: int
    script: Markup
    script_hash: str


def page(rollup: Rollup, script: str) -> Page:
    """The page's context; the rows of its tables are made only as they are written."""
    shape = rollup.shape
    labels = shape.judgement_labels
    counts = rollup.judgement_counts()
    bands = shape.frameworks[0].rating_labels if shape.frameworks else {}
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return Page(
        title=f"Online-safety self-reviews of {_schools(len(rollup.rows))} side by side",
        schools=len(rollup.rows),
        files=len(rollup.rows) + len(rollup.skipped),
        frameworks=[
            (f.title, f.version, rollup.assessed[i]) for i, f in enumerate(shape.frameworks)
        ],
        question_bank=shape.bank_version,
        judgements=[(_judgement_badge(j, labels), n) for j, n in counts.items()],
        safeguarding=[
            (_badge(_SAFEGUARDING_WORDS[status], SAFEGUARDING_TONES[status]), n)
            for status, n in rollup.safeguarding_counts().items()
            if n
        ],
        legend=[(_rating_badge(r, bands.get(r, r)), bands.get(r, r)) for r in RATINGS],
        tables=[
            _overview(rollup),
            *(_framework_table(rollup, i) for i in range(len(shape.frameworks))),
        ],
        limiting=[LimitedSchool(s.name, _file_name(s.file), s.limiting) for s in rollup.limiting()],
        unchecked=[(s.name, _file_name(s.file), s.not_checked) for s in rollup.unchecked()],
        gaps=[_gap_line(rollup, n, g) for n, g in enumerate(rollup.common_gaps(), 1)][
            :COMMON_GAPS_SHOWN
        ],
        gaps_total=len(rollup.common_gaps()),
        skipped=[_file_name(file) for file in rollup.skipped],
        other_bank=rollup.other_bank,
        script=Markup(script),  # our own file, shipped in the package: not user text
        script_hash=f"sha256-{digest}",
    )


def _file_name(file: str) -> str:
    """A file's name without its folders: a page is shared, and a path can name a person."""
    return Path(file).name


def _schools(count: int) -> str:
    return f"{count:,} school{'' if count == 1 else 's'}"


def _judgement_badge(judgement: str | None, labels: Mapping[str, str]) -> Badge:
    if judgement is None or judgement == "not_judged":
        return _badge("Not judged", "neutral")
    return _badge(labels.get(judgement, judgement), JUDGEMENT_TONES[judgement])


def _rating_badge(rating: str, label: str) -> Badge:
    return _badge(label, RATING_TONES[rating])


def _badge(word: str, tone: str) -> Badge:
    # Escaped once here, not once per school: a badge is shown in thousands of cells.
    return Badge(escape(word), tone, TONE_ICONS[tone])


def _judgement_cells(labels: Mapping[str, str]) -> dict[str | None, Cell]:
    """The cell of each judgement: the same for every school with that judgement."""
    return {j: _judgement_cell(j, labels) for j in (None, *JUDGEMENT_ORDER)}


def _judgement_cell(judgement: str | None, labels: Mapping[str, str]) -> Cell:
    # Sorting up puts the schools that most need attention first; not judged before all.
    rank = 0 if judgement is None else JUDGEMENT_ORDER.index(judgement) + 1
    badge = _judgement_badge(judgement, labels)
    return Cell(badge.word, str(rank), badge, "badge")


# Sorting up puts the schools that most need attention first, as for the judgement.
_SAFEGUARDING_RANK = {"not_met": 1, "not_assessed": 2, "met": 3}


def _safeguarding_cells() -> dict[str | None, Cell]:
    """The cell of each safeguarding (online) verdict: the same for every school with it."""
    cells: dict[str | None, Cell] = {}
    for status, rank in _SAFEGUARDING_RANK.items():
        badge = _badge(_SAFEGUARDING_WORDS[status], SAFEGUARDING_TONES[status])
        cells[status] = Cell(badge.word, str(rank), badge, "badge")
    cells[None] = cells["not_assessed"]
    return cells


def _score_cell(value: float | None) -> Cell:
    return Cell(_NOT_SCORED if value is None else percent(value), _sort_num(value), numeric=True)


def _sort_num(value: float | None) -> str:
    return "-1" if value is None else f"{value:g}"


def _overview(rollup: Rollup) -> Table:
    judged = _judgement_cells(rollup.shape.judgement_labels)
    # A column for safeguarding (online) only when the rubric has rules that decide it.
    safeguarding = _safeguarding_cells() if any(rollup.safeguarding_counts().values()) else {}
    columns = (
        Column("School"),
        Column("URN"),
        Column("Phase"),
        Column("Review date"),
        Column("Judgement"),
        *([Column("Safeguarding (online)")] if safeguarding else []),
        Column("Score", numeric=True),
        Column("Answered", numeric=True),
        Column("Indicators of inadequate practice", numeric=True),
        Column("Indicators not checked", numeric=True),
        Column("Claims without evidence", numeric=True),
    )

    def rows() -> Iterator[PageRow]:
        for row in rollup.rows:
            found = len(row.limiting)
            yield PageRow(
                row.name,
                (
                    Cell(row.urn or "", row.urn or ""),
                    Cell(row.phase.replace("-", " ").capitalize(), row.phase),
                    Cell(long_date(row.review_date), row.review_date.isoformat()),
                    judged[row.judgement],
                    *((safeguarding[row.safeguarding],) if safeguarding else ()),
                    _score_cell(row.score),
                    Cell(percent(row.coverage), _sort_num(row.coverage), numeric=True),
                    Cell(
                        f"{found} found" if found else "None",
                        str(found),
                        Badge(f"{found} found", "bad", TONE_ICONS["bad"]) if found else None,
                        "badge" if found else "text",
                        numeric=True,
                    ),
                    _count_cell(row.not_checked, "not checked"),
                    Cell(str(row.self_reported), str(row.self_reported), numeric=True),
                ),
            )

    caption = (
        "Every school: its judgement, safeguarding (online), score and how much of the "
        "review it answered"
        if safeguarding
        else "Every school: its judgement, score and how much of the review it answered"
    )
    return Table("schools", "Schools", caption, columns, rows)


def _count_cell(count: int, word: str) -> Cell:
    """A count that is bad whenever it is above nought, as a badge so colour is not alone."""
    if not count:
        return Cell("None", "0", numeric=True)
    chip = Badge(f"{count} {word}", "bad", TONE_ICONS["bad"])
    return Cell(chip.word, str(count), chip, "badge", numeric=True)


def _framework_table(rollup: Rollup, index: int) -> Table:
    f: FrameworkColumns = rollup.shape.frameworks[index]
    judged = _judgement_cells(rollup.shape.judgement_labels)
    chips = {rating: _rating_badge(rating, label) for rating, label in f.rating_labels.items()}
    columns = (
        Column("School"),
        *([Column("Judgement")] if f.judges else []),
        Column("Score", numeric=True),
        *(Column(a.title, numeric=True) for a in f.areas),
    )
    not_assessed = Cell("Not assessed", "-2")

    def rows() -> Iterator[PageRow]:
        for row in rollup.rows:
            if not row.assessed(index):
                width = len(columns) - 1
                yield PageRow(row.name, (not_assessed,) * width)
                continue
            head = [judged[row.framework_judgement(index)]] if f.judges else []
            head.append(_score_cell(row.framework_score(index)))
            yield PageRow(row.name, (*head, *_area_cells(row, f, chips)))

    caption = "Each school's score and rating in each area"
    return Table(f"framework-{index + 1}", f.title, caption, columns, rows)


def _area_cells(row: SchoolRow, f: FrameworkColumns, chips: dict[str, Badge]) -> Iterator[Cell]:
    for n in range(f.first_area, f.first_area + len(f.areas)):
        score, rating = row.area_score(n), row.area_rating(n)
        badge = chips[rating] if rating else None
        text = _NOT_SCORED if score is None else percent(score)
        yield Cell(text, _sort_num(score), badge, "rating", numeric=True)


def _gap_line(rollup: Rollup, rank: int, gap: CommonGap) -> GapLine:
    shape = rollup.shape
    index = shape.framework_index[gap.criterion.framework]
    return GapLine(
        rank=rank,
        title=gap.criterion.title,
        criterion=gap.criterion.id,
        framework=shape.frameworks[index].title,
        priority=shape.priority_labels[gap.priority_rank - 1],
        not_met=gap.not_met,
        partly_met=gap.partly_met,
        unanswered=gap.unanswered,
        schools=gap.schools,
        of=rollup.assessed[index],
    )


def html_chunks(rollup: Rollup) -> Iterator[str]:
    """The self-contained, accessible, printable page, as it is rendered."""
    from ..reports.render import environment

    env = environment(True)
    assert env.loader is not None
    script = env.loader.get_source(env, "rollup.js")[0]
    stream = env.get_template("rollup.html.j2").stream(r=page(rollup, script))
    stream.enable_buffering(2000)  # the pieces of many cells at a time
    yield from stream


# --------------------------------------------------------------------------- writing


def write_rollup(rollup: Rollup, folder: Path) -> list[Path]:
    """Write the HTML, CSV and JSON into ``folder``: each whole or not at all."""
    files = {
        folder / FILES["html"]: html_chunks(rollup),
        folder / FILES["csv"]: csv_chunks(rollup),
        folder / FILES["json"]: json_chunks(rollup),
    }
    write_all(files)
    return list(files)
