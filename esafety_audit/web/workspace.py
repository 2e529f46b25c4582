"""The files the web app may touch, and reading and saving them.

A request never names a path that reaches the disk: it names a file by its key, a
fingerprint of the real path given out when the user opened the file (on the command
line, in the "open a file" form, by starting a new review) or when the folder given on
the command line was listed. :meth:`Workspace.get` knows only those keys.

Saving follows ``fill``: each change is read as the loader reads a file (the same
messages as ``validate``), placed in the text without touching any other byte, loaded
back, and written atomically. A save names the version of the file its page was drawn
from (a fingerprint of its bytes): if the file changed since, nothing is written, and
the caller shows both the user's unsaved answer and the file's.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..fill.answer import Unclear
from ..fill.change import AnswersText
from ..io import atomic_write
from ..loading import iter_answer_files
from ..models import Answers, Rubric
from ..rollup.collect import Job

BOM = b"\xef\xbb\xbf"
SUFFIXES = (".yaml", ".yml")


def version_of(raw: bytes) -> str:
    """The fingerprint of a file's bytes that a page carries to say what it was drawn from."""
    return hashlib.sha256(raw).hexdigest()[:20]


@dataclass(frozen=True)
class Opened:
    """A file the user opened: the app may read it and write it."""

    key: str
    path: Path  # the real path (a link is written through, as fill does)
    shown: str  # as the user named it, for messages


@dataclass(frozen=True)
class Loaded:
    """A file as read now: its bytes, their fingerprint and what they load as."""

    opened: Opened
    raw: bytes
    at: AnswersText

    @property
    def version(self) -> str:
        return version_of(self.raw)

    @property
    def answers(self) -> Answers:
        return self.at.answers


@dataclass(frozen=True)
class Change:
    """One field of one question as a form gave it: ``field`` is 'value' or a detail."""

    qid: str
    field: str
    candidate: Any


@dataclass
class Saved:
    """What a save did: the file's new version, and the changes refused, by field name."""

    loaded: Loaded
    refused: dict[tuple[str, str], str] = field(default_factory=dict)
    conflict: bool = False
    written: bool = False


class Workspace:
    """The rubric, the folder given (if any) and the files opened so far."""

    def __init__(
        self, rubric: Rubric, job: Job, folder: Path | None = None, new_in: Path | None = None
    ) -> None:
        self.rubric = rubric
        self.job = job  # how the roll-up scores a file: the same rubric folders
        self.folder = Path(os.path.realpath(folder)) if folder is not None else None
        self.new_in = self.folder or (new_in or Path.cwd())
        self._files: dict[str, Opened] = {}
        self._read: dict[str, Loaded] = {}  # each file as last read, while its bytes stay
        self._peeked: dict[tuple[str, int, int], Answers] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ which files

    def open(self, path: Path) -> Opened:
        """Let the app read and write ``path``, a file the user chose; checks that it is
        an existing ``.yaml`` answers file (:class:`UsageError` says what is wrong)."""
        shown = str(path)
        if path.suffix.lower() not in SUFFIXES:
            raise UsageError(f"{shown} is not an answers file: its name must end in .yaml")
        real = Path(os.path.realpath(path))
        if not real.is_file():
            raise UsageError(f"{shown} does not exist (or is not a file)")
        key = hashlib.sha256(os.fsencode(real)).hexdigest()[:16]
        return self._files.setdefault(key, Opened(key, real, shown))

    def get(self, key: str) -> Opened:
        """The file opened under ``key``; KeyError for any other key."""
        return self._files[key]

    def opened(self) -> list[Opened]:
        return sorted(self._files.values(), key=lambda o: o.shown)

    def folder_files(self) -> list[Opened]:
        """The answers files in the folder given, each made openable."""
        if self.folder is None:
            return []
        try:
            found = iter_answer_files([self.folder])
        except InputError:
            return []
        return [self.open(p) for p in found if p.is_file()]

    # ------------------------------------------------------------------ reading

    def load(self, opened: Opened) -> Loaded:
        """The file as it is now; raises :class:`InputError` with validate's problems."""
        raw = opened.path.read_bytes()
        known = self._read.get(opened.key)
        if known is not None and known.raw == raw:  # the same bytes load the same
            return known
        text = raw.removeprefix(BOM).decode("utf-8", errors="strict")
        loaded = Loaded(opened, raw, AnswersText.parse(text, opened.shown, self.rubric))
        self._read[opened.key] = loaded
        return loaded

    def earlier_reviews(self, answers: Answers) -> list[tuple[Opened, Answers]]:
        """Earlier reviews of the same school (same URN) beside the file or in the folder
        given (and their ``previous/`` folders), latest first."""
        urn = answers.school.urn
        if not urn:
            return []
        found: dict[str, tuple[Opened, Answers]] = {}
        for path in self._neighbours():
            try:
                other = self._peek(path)
            except (InputError, UsageError, OSError, UnicodeDecodeError):
                continue
            if other.school.urn == urn and other.school.review_date < answers.school.review_date:
                opened = self.open(path)
                found[opened.key] = (opened, other)
        return sorted(found.values(), key=lambda pair: pair[1].school.review_date, reverse=True)

    def _neighbours(self) -> Iterable[Path]:
        folders = {o.path.parent for o in self._files.values()}
        if self.folder is not None:
            folders.add(self.folder)
        for folder in sorted(folders | {f / "previous" for f in folders}):
            if folder.is_dir():
                yield from (p for p in sorted(folder.iterdir()) if p.suffix in SUFFIXES)

    def _peek(self, path: Path) -> Answers:
        """A neighbouring file's answers, read again only when it has changed."""
        info = path.stat()
        mark = (os.path.realpath(path), info.st_mtime_ns, info.st_size)
        if mark not in self._peeked:
            raw = path.read_bytes()
            text = raw.removeprefix(BOM).decode("utf-8")
            self._peeked[mark] = AnswersText.parse(text, str(path), self.rubric).answers
        return self._peeked[mark]

    # ------------------------------------------------------------------ writing

    def create(self, name: str, text: str) -> Opened:
        """A new answers file ``name`` (a plain file name) in the folder for new reviews."""
        if os.sep in name or (os.altsep and os.altsep in name) or name.startswith("."):
            raise UsageError(f"'{name}' is not a plain file name")
        path = self.new_in / name
        if os.path.lexists(path):
            raise UsageError(f"{path} already exists; open it instead, or choose another name")
        atomic_write(path, text)
        return self.open(path)

    def save(self, opened: Opened, version: str, changes: list[Change]) -> Saved:
        """Make ``changes`` to the file if it is still at ``version``.

        A change that is refused (a wrong value) is listed with validate's message and
        the others are still saved; if the file is no longer at ``version``, nothing is.
        """
        with self._lock:
            loaded = self.load(opened)
            if loaded.version != version:
                return Saved(loaded, conflict=True)
            at = loaded.at
            refused: dict[tuple[str, str], str] = {}
            for change in changes:
                try:
                    at = _apply(at, change)
                except Unclear as exc:
                    refused[(change.qid, change.field)] = str(exc)
            if at.text == loaded.at.text:
                return Saved(loaded, refused)
            raw = (BOM if loaded.raw.startswith(BOM) else b"") + at.text.encode("utf-8")
            if opened.path.read_bytes() != loaded.raw:  # changed while we worked on it
                return Saved(self.load(opened), conflict=True)
            atomic_write(opened.path, raw)
            self._read[opened.key] = Loaded(opened, raw, at)
            return Saved(self._read[opened.key], refused, written=True)


SCHOOL = "school"


def _apply(at: AnswersText, change: Change) -> AnswersText:
    qid, name, candidate = change.qid, change.field, change.candidate
    if name == SCHOOL:
        value = at.check(qid, candidate, school=True)
        if value == getattr(at.answers.school, qid):
            return at
        return at.with_value(qid, value, school=True)
    if name == "value":
        value = at.check(qid, candidate) if candidate is not None else None
        return at if value == at.value(qid) else at.with_value(qid, value)
    value = at.check_detail(qid, name, candidate) if candidate is not None else None
    answer = at.answers.answers.get(qid)
    if name in ("owner", "due"):
        current = getattr(answer.action, name) if answer and answer.action else None
    else:
        current = getattr(answer, name) if answer else None
    if value == current:
        return at
    return at.with_detail(qid, name, value)


def new_file_name(school: str, review_date: date) -> str:
    """The name of a new review's answers file, as the reports are named."""
    from ..reports import stem_for

    return f"{stem_for(school, review_date)}.yaml"
