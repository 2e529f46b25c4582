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
from dataclasses import dataclass, field, replace
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple, get_args

from ..engine import Outline, outline
from ..errors import InputError, Problem
from ..loading import load_answers, load_rubric
from ..models import JUDGEMENT_ORDER, Judgement, Phase, Rubric, SafeguardingStatus

RATINGS = ("green", "amber", "red")  # stored as 1, 2, 3; 0 is "not rated"
PHASES: tuple[Phase, ...] = get_args(Phase)
SAFEGUARDING: tuple[SafeguardingStatus, ...] = get_args(SafeguardingStatus)  # 1, 2, 3; 0 none
GAP_STATUSES = ("not_met", "partly_met", "unanswered")
NO_SCORE = -1  # in SchoolRow.numbers: not scored
NOT_ASSESSED = -2  # in SchoolRow.numbers: the school was not assessed against a framework
FIRST = 4  # in SchoolRow.numbers: where the frameworks' scores start

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
    priority_labels: tuple[str, ...]  # the one priority scale, rank 1 first
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
            priority_labels=tuple(level.label for level in rubric.common.priorities),
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
    """What a roll-up keeps of one school: small, whatever the size of its review.

    Every score is packed as tenths of a percent into one array, and every coded value
    (judgements, phase, safeguarding, ratings) as one byte each, so that a row costs
    well under a kilobyte however many frameworks and areas there are.
    """

    file: str
    name: str
    urn: str | None
    review_date: date
    frameworks: int  # how many frameworks the roll-up has
    # [score and coverage in tenths, indicators not checked, claims without evidence,
    # each framework's score, each area's score (tenths)]; NO_SCORE, NOT_ASSESSED for a
    # framework the school was not assessed against
    numbers: array[int]
    # [judgement, phase, safeguarding, each framework's judgement, each area's rating]
    codes: bytes
    limiting: tuple[Limiting, ...]

    @property
    def score(self) -> float | None:
        return _score(self.numbers[0])

    @property
    def coverage(self) -> float:
        return self.numbers[1] / 10

    @property
    def not_checked(self) -> int:
        """Indicators of inadequate practice not checked (their questions unanswered)."""
        return self.numbers[2]

    @property
    def self_reported(self) -> int:
        """Claims made without the evidence their criteria name."""
        return self.numbers[3]

    @property
    def judgement(self) -> Judgement | None:
        return _judgement(self.codes[0])

    @property
    def phase(self) -> str:
        return PHASES[self.codes[1]]

    @property
    def safeguarding(self) -> str | None:
        """met, not_met or not_assessed; None when the rubric has no safeguarding rules."""
        code = self.codes[2]
        return SAFEGUARDING[code - 1] if code else None

    def framework_judgement(self, index: int) -> Judgement | None:
        return _judgement(self.codes[3 + index])

    def framework_score(self, index: int) -> float | None:
        return _score(self.numbers[FIRST + index])

    def assessed(self, index: int) -> bool:
        """Whether the school was assessed against the framework at ``index``."""
        return self.numbers[FIRST + index] != NOT_ASSESSED

    def area_score(self, index: int) -> float | None:
        return _score(self.numbers[FIRST + self.frameworks + index])

    def area_rating(self, index: int) -> str | None:
        code = self.codes[3 + self.frameworks + index]
        return RATINGS[code - 1] if code else None


def _code(judgement: Judgement | None) -> int:
    return 0 if judgement is None else JUDGEMENT_ORDER.index(judgement) + 1


def _judgement(code: int) -> Judgement | None:
    return JUDGEMENT_ORDER[code - 1] if code else None


def _tenths(value: float | None) -> int:
    return NO_SCORE if value is None else round(value * 10)


def _score(tenths: int) -> float | None:
    return None if tenths < 0 else tenths / 10


class Summary(NamedTuple):
    """A school's row, its gaps as (criterion index, GAP_STATUSES index, priority rank),
    and whether its file was written against another version of the question bank."""

    row: SchoolRow
    gaps: tuple[tuple[int, int, int], ...]
    other_bank: bool


def summarise(found: Outline, file: str, shape: Shape, other_bank: bool = False) -> Summary:
    """The small summary a roll-up keeps of one school's result (its outline)."""
    count = len(shape.frameworks)
    numbers = array("h", [_tenths(found.score), _tenths(found.coverage)])
    numbers.extend([found.not_checked, found.self_reported])
    numbers.extend([NOT_ASSESSED] * count + [NO_SCORE] * len(shape.areas))
    safeguarding = found.safeguarding
    codes = bytearray([_code(found.judgement), PHASES.index(found.phase)])
    codes.append(SAFEGUARDING.index(safeguarding) + 1 if safeguarding else 0)
    codes.extend(bytes(count + len(shape.areas)))
    for fid, score, judgement in found.frameworks:
        i = shape.framework_index.get(fid)
        if i is not None:
            codes[3 + i] = _code(judgement)
            numbers[FIRST + i] = _tenths(score)
    for framework, aid, score, rating in found.areas:
        i = shape.area_index.get((framework, aid))
        if i is not None:
            numbers[FIRST + count + i] = _tenths(score)
            codes[3 + count + i] = RATINGS.index(rating) + 1 if rating else 0
    row = SchoolRow(
        file=file,
        name=found.name,
        urn=found.urn,
        review_date=found.review_date,
        frameworks=count,
        numbers=numbers,
        codes=bytes(codes),
        limiting=tuple(Limiting(*limiting) for limiting in found.limiting),
    )
    index = shape.criterion_index
    gaps = tuple(
        (index[criterion], GAP_STATUSES.index(status), rank)
        for criterion, status, rank in found.gaps
        if criterion in index
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
        found = outline(rubric, answers, self.frameworks)
        written = answers.question_bank_version
        return summarise(found, str(path), shape, written not in (None, rubric.bank.version))


_worker: tuple[Job, Rubric, Shape] | None = None


def _start_worker(job: Job) -> None:
    global _worker
    # Ctrl-C is the parent's to handle: it stops the workers without their tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):  # the parent's SIGTERM handler is not for workers
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
    unanswered: int
    priority_rank: int  # the most important it is at any school, on the one scale

    @property
    def schools(self) -> int:
        return self.not_met + self.partly_met + self.unanswered


@dataclass
class Rollup:
    """Every school's row, and counters across schools: nothing else is kept."""

    shape: Shape
    rows: list[SchoolRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files with problems
    other_bank: int = 0  # files written against another question bank version
    not_met: array[int] = field(default_factory=lambda: array("l"))
    partly_met: array[int] = field(default_factory=lambda: array("l"))
    unanswered: array[int] = field(default_factory=lambda: array("l"))
    best_rank: array[int] = field(default_factory=lambda: array("l"))  # per criterion
    assessed: array[int] = field(default_factory=lambda: array("l"))  # schools per framework
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.not_met = array("l", [0] * len(self.shape.criteria))
        self.partly_met = array("l", [0] * len(self.shape.criteria))
        self.unanswered = array("l", [0] * len(self.shape.criteria))
        self.best_rank = array("l", [len(self.shape.priority_labels)] * len(self.shape.criteria))
        self.assessed = array("l", [0] * len(self.shape.frameworks))

    def add(self, summary: Summary) -> None:
        row = summary.row
        if row.limiting:  # one copy of each indicator's words, however many schools
            row = replace(row, limiting=tuple(self._shared(d) for d in row.limiting))
        self.rows.append(row)
        self.other_bank += summary.other_bank
        counters = (self.not_met, self.partly_met, self.unanswered)
        for criterion, status, rank in summary.gaps:
            counters[status][criterion] += 1
            self.best_rank[criterion] = min(self.best_rank[criterion], rank)
        for i in range(len(self.shape.frameworks)):
            self.assessed[i] += row.assessed(i)

    def _shared(self, found: Limiting) -> Limiting:
        text = self._texts
        return Limiting(
            text.setdefault(found.id, found.id),
            text.setdefault(found.framework, found.framework),
            text.setdefault(found.title, found.title),
            tuple(text.setdefault(r, r) for r in found.reasons),
        )

    def sort(self) -> None:
        """Rows in order of school name, then review date, then file."""
        # Stable sorts, last key first: only the names' folded copies are made.
        self.rows.sort(key=attrgetter("file"))
        self.rows.sort(key=attrgetter("review_date"))
        self.rows.sort(key=lambda row: row.name.casefold())

    def common_gaps(self) -> list[CommonGap]:
        """Criteria not met, partly met or unanswered at one school or more: on the one
        priority scale (the most important at any school) first, then the most common."""
        found = [
            CommonGap(c, self.not_met[i], self.partly_met[i], self.unanswered[i], self.best_rank[i])
            for i, c in enumerate(self.shape.criteria)
            if self.not_met[i] or self.partly_met[i] or self.unanswered[i]
        ]
        order = {c.id: i for i, c in enumerate(self.shape.criteria)}
        found.sort(key=lambda g: (g.priority_rank, -g.schools, -g.not_met, order[g.criterion.id]))
        return found

    def unchecked(self) -> list[SchoolRow]:
        """The schools where an indicator of inadequate practice is not checked (its
        questions unanswered): silence never takes a school off the list of concerns."""
        return [row for row in self.rows if row.not_checked]

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
    found.sort()
    return found
