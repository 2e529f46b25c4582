"""Many schools, one small row each: load a file, score it, keep a summary, drop the rest.

Memory grows by one :class:`SchoolRow` per school and nothing else: a school's full
:class:`~esafety_audit.models.Result` is dropped as soon as its row and its gaps are
counted. Scores are kept as tenths in a compact array and ratings as one byte per area.
Large runs are shared between the machine's cores, each worker scoring whole files.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ..engine import evaluate
from ..errors import InputError, Problem
from ..loading import load_answers, load_rubric
from ..models import JUDGEMENT_ORDER, Judgement, Result, Rubric

RATINGS = ("green", "amber", "red")  # stored as 1, 2, 3; 0 is "not rated"
GAP_STATUSES = ("not_met", "partly_met")
NO_SCORE = -1  # in the arrays of tenths: not scored
NOT_ASSESSED = -2  # in framework_scores: the school was not assessed against it

# Below this many files a run stays in one process: starting workers costs more.
POOL_FROM = 64


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class AreaColumn:
    framework: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class FrameworkColumns:
    id: str
    title: str
    version: str
    judges: bool  # whether its rubric gives a judgement
    areas: tuple[AreaColumn, ...]
    first_area: int  # index of its first area in Shape.areas
    rating_labels: dict[str, str]  # green -> "Green (strong)"


@dataclass(frozen=True, slots=True)
class CriterionInfo:
    id: str
    framework: str
    area: str
    title: str


@dataclass(frozen=True)
class Shape:
    """The columns of a roll-up: every area and criterion of the chosen frameworks.

    Everything comes from the rubric, so a new framework or area appears as soon as
    its YAML is added.
    """

    bank_id: str
    bank_version: str
    frameworks: tuple[FrameworkColumns, ...]
    areas: tuple[AreaColumn, ...]
    criteria: tuple[CriterionInfo, ...]
    judgement_labels: dict[str, str]
    area_index: dict[tuple[str, str], int] = field(repr=False)
    framework_index: dict[str, int] = field(repr=False)
    criterion_index: dict[str, int] = field(repr=False)

    @classmethod
    def of(cls, rubric: Rubric, frameworks: Sequence[str] | None = None) -> Shape:
        chosen = [f for f in rubric.frameworks if not frameworks or f.id in frameworks]
        columns: list[FrameworkColumns] = []
        areas: list[AreaColumn] = []
        labels: dict[str, str] = {}
        for f in chosen:
            mine = tuple(AreaColumn(f.id, a.id, a.title) for a in f.areas)
            bands: dict[str, str] = {b.rating: b.label for b in f.scoring.ratings}
            judges = bool(f.scoring.judgement)
            columns.append(
                FrameworkColumns(f.id, f.title, f.version, judges, mine, len(areas), bands)
            )
            areas.extend(mine)
            for level in f.scoring.judgement or []:
                labels.setdefault(level.level, level.label)
        criteria = tuple(
            CriterionInfo(c.id, f.id, c.area, c.title) for f in chosen for c in f.criteria
        )
        return cls(
            bank_id=rubric.bank.id,
            bank_version=rubric.bank.version,
            frameworks=tuple(columns),
            areas=tuple(areas),
            criteria=criteria,
            judgement_labels=labels,
            area_index={(a.framework, a.id): i for i, a in enumerate(areas)},
            framework_index={f.id: i for i, f in enumerate(columns)},
            criterion_index={c.id: i for i, c in enumerate(criteria)},
        )


# --------------------------------------------------------------------------- one school


@dataclass(frozen=True, slots=True)
class Limiting:
    """An indicator of inadequate practice found at a school, and why."""

    id: str
    framework: str
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """What a roll-up keeps of one school: small, whatever the size of its review."""

    file: str
    name: str
    urn: str | None
    phase: str
    review_date: date
    judgement_code: int  # 0 not judged, else 1 + JUDGEMENT_ORDER index (worst first)
    score: float | None
    coverage: float
    framework_judgements: bytes  # per Shape.frameworks, coded as judgement_code
    framework_scores: array[int]  # tenths of a percent, or NO_SCORE or NOT_ASSESSED
    area_scores: array[int]  # tenths, per Shape.areas
    area_ratings: bytes  # per Shape.areas: 0 not rated, else 1 + RATINGS index
    limiting: tuple[Limiting, ...]
    safeguarding: str | None = None  # met, not_met, not_assessed; None without rules

    @property
    def judgement(self) -> Judgement | None:
        return _judgement(self.judgement_code)

    def framework_judgement(self, index: int) -> Judgement | None:
        return _judgement(self.framework_judgements[index])

    def area_score(self, index: int) -> float | None:
        return _score(self.area_scores[index])

    def area_rating(self, index: int) -> str | None:
        code = self.area_ratings[index]
        return RATINGS[code - 1] if code else None

    def framework_score(self, index: int) -> float | None:
        return _score(self.framework_scores[index])

    def assessed(self, index: int) -> bool:
        """Whether the school was assessed against the framework at ``index``."""
        return self.framework_scores[index] != NOT_ASSESSED

    def sort_key(self) -> tuple[str, date, str]:
        return (self.name.casefold(), self.review_date, self.file)


def _code(judgement: Judgement | None) -> int:
    return 0 if judgement is None else JUDGEMENT_ORDER.index(judgement) + 1


def _judgement(code: int) -> Judgement | None:
    return JUDGEMENT_ORDER[code - 1] if code else None


def _tenths(value: float | None) -> int:
    return NO_SCORE if value is None else round(value * 10)


def _score(tenths: int) -> float | None:
    return None if tenths < 0 else tenths / 10


class Summary(NamedTuple):
    """A school's row, its gaps as (criterion index, GAP_STATUSES index), and whether its
    file was written against another version of the question bank."""

    row: SchoolRow
    gaps: tuple[tuple[int, int], ...]
    other_bank: bool


def summarise(result: Result, file: str, shape: Shape, other_bank: bool = False) -> Summary:
    """The small summary a roll-up keeps of one school's result."""
    judgements = bytearray(len(shape.frameworks))
    scores = array("h", [NOT_ASSESSED] * len(shape.frameworks))
    for f in result.frameworks:
        i = shape.framework_index.get(f.id)
        if i is not None:
            judgements[i] = _code(f.judgement)
            scores[i] = _tenths(f.score)
    area_scores = array("h", [NO_SCORE] * len(shape.areas))
    ratings = bytearray(len(shape.areas))
    for a in result.areas:
        i = shape.area_index.get((a.framework, a.id))
        if i is not None:
            area_scores[i] = _tenths(a.score)
            ratings[i] = RATINGS.index(a.rating) + 1 if a.rating else 0
    school = result.school
    row = SchoolRow(
        file=file,
        name=school.name,
        urn=school.urn,
        phase=school.phase,
        review_date=school.review_date,
        judgement_code=_code(result.judgement),
        score=result.score,
        coverage=result.coverage,
        framework_judgements=bytes(judgements),
        framework_scores=scores,
        area_scores=area_scores,
        area_ratings=bytes(ratings),
        limiting=tuple(
            Limiting(d.id, d.framework, d.title, tuple(d.reasons)) for d in result.limiting_detail
        ),
        safeguarding=result.safeguarding.status if result.safeguarding else None,
    )
    gaps = tuple(
        (shape.criterion_index[g.criterion], GAP_STATUSES.index(g.status))
        for g in result.gaps
        if g.criterion in shape.criterion_index
    )
    return Summary(row, gaps, other_bank)


# --------------------------------------------------------------------------- scoring files


@dataclass(frozen=True)
class Job:
    """How to score one file: the rubric folders (None: the shipped ones) and frameworks.

    Picklable, so that worker processes can rebuild what they need from it.
    """

    criteria: Path | None
    questions: Path | None
    frameworks: tuple[str, ...] | None

    def rubric(self) -> Rubric:
        return load_rubric(self.criteria, self.questions)

    def __call__(self, path: Path, rubric: Rubric, shape: Shape) -> Summary | list[Problem]:
        try:
            answers = load_answers(path, rubric)
        except InputError as exc:
            return exc.problems
        result = evaluate(rubric, answers, self.frameworks)
        written = answers.question_bank_version
        return summarise(result, str(path), shape, written not in (None, rubric.bank.version))


_worker: tuple[Job, Rubric, Shape] | None = None


def _start_worker(job: Job) -> None:
    global _worker
    # Ctrl-C is the parent's to handle: it stops the workers without their tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rubric = job.rubric()  # with fork, already loaded (and cached) in the parent
    _worker = (job, rubric, Shape.of(rubric, job.frameworks))


def _work(path: Path) -> Summary | list[Problem]:
    assert _worker is not None, "worker not started"
    job, rubric, shape = _worker
    return job(path, rubric, shape)


def cores() -> int:
    """How many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _scored(
    job: Job, paths: Sequence[Path], rubric: Rubric, shape: Shape, workers: int
) -> Iterator[Summary | list[Problem]]:
    """Each file's summary or problems, in the order given."""
    if workers <= 1 or len(paths) < POOL_FROM:
        for path in paths:
            yield job(path, rubric, shape)
        return
    chunk = max(1, min(32, len(paths) // (workers * 8)))
    with multiprocessing.get_context().Pool(workers, _start_worker, (job,)) as pool:
        yield from pool.imap(_work, paths, chunksize=chunk)


# --------------------------------------------------------------------------- many schools


@dataclass(frozen=True, slots=True)
class CommonGap:
    criterion: CriterionInfo
    not_met: int
    partly_met: int

    @property
    def schools(self) -> int:
        return self.not_met + self.partly_met


@dataclass
class Rollup:
    """Every school's row, and counters across schools: nothing else is kept."""

    shape: Shape
    rows: list[SchoolRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files with problems
    other_bank: int = 0  # files written against another question bank version
    not_met: array[int] = field(default_factory=lambda: array("l"))
    partly_met: array[int] = field(default_factory=lambda: array("l"))
    assessed: array[int] = field(default_factory=lambda: array("l"))  # schools per framework

    def __post_init__(self) -> None:
        self.not_met = array("l", [0] * len(self.shape.criteria))
        self.partly_met = array("l", [0] * len(self.shape.criteria))
        self.assessed = array("l", [0] * len(self.shape.frameworks))

    def add(self, summary: Summary) -> None:
        self.rows.append(summary.row)
        self.other_bank += summary.other_bank
        for criterion, status in summary.gaps:
            (self.partly_met if status else self.not_met)[criterion] += 1
        for i, score in enumerate(summary.row.framework_scores):
            self.assessed[i] += score != NOT_ASSESSED

    def common_gaps(self) -> list[CommonGap]:
        """Criteria not met or partly met at one school or more, the most common first."""
        found = [
            CommonGap(c, self.not_met[i], self.partly_met[i])
            for i, c in enumerate(self.shape.criteria)
            if self.not_met[i] or self.partly_met[i]
        ]
        order = {c.id: i for i, c in enumerate(self.shape.criteria)}
        found.sort(key=lambda g: (-g.schools, -g.not_met, order[g.criterion.id]))
        return found

    def limiting(self) -> list[SchoolRow]:
        """Schools where an indicator of inadequate practice was found, in table order."""
        return [row for row in self.rows if row.limiting]

    def safeguarding_counts(self) -> dict[str, int]:
        """How many schools have safeguarding (online) met, not met or not assessed."""
        counts = dict.fromkeys(("met", "not_met", "not_assessed"), 0)
        for row in self.rows:
            if row.safeguarding is not None:
                counts[row.safeguarding] += 1
        return counts

    def judgement_counts(self) -> dict[str, int]:
        """How many schools got each judgement, best first; 'not_judged' last."""
        counts = dict.fromkeys([*reversed(JUDGEMENT_ORDER), "not_judged"], 0)
        for row in self.rows:
            counts[row.judgement or "not_judged"] += 1
        return counts


def collect(
    paths: Sequence[Path],
    job: Job,
    *,
    on_problems: Callable[[str, list[Problem]], None],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Rollup:
    """Score every file, keeping one row per school; a file with problems is skipped.

    ``on_problems`` hears of each skipped file as soon as it is found, ``progress`` of
    each file done. Rows end up sorted by school name, then review date, then file.
    """
    rubric = job.rubric()
    shape = Shape.of(rubric, job.frameworks)
    found = Rollup(shape)
    count = cores() if workers is None else workers
    for done, (path, outcome) in enumerate(
        zip(paths, _scored(job, paths, rubric, shape, count), strict=True), 1
    ):
        if isinstance(outcome, Summary):
            found.add(outcome)
        else:
            found.skipped.append(str(path))
            on_problems(str(path), outcome)
        if progress is not None:
            progress(done)
    found.rows.sort(key=SchoolRow.sort_key)
    return found
