"""Writing files safely: every file the tool writes appears whole or not at all.

Each file is staged as a temporary file beside its target and renamed into place.
A temporary file's name says whose it is (``.<name>.~esafety-<pid>-<random>.tmp``),
so that a later run writing into the same folder can recognise one left behind by a
run that was killed, and remove it. Every file written is noted in :data:`WRITTEN`,
so that an interrupted run can say what it wrote and what it did not.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import EsafetyError


class WriteError(EsafetyError):
    """A file could not be written; nothing half-written was left behind."""


# What a file is made of: text, bytes, or text made a piece at a time (a roll-up of
# thousands of schools is written as it is rendered, never held whole in memory).
Content = str | bytes | Iterable[str]

# The files this process has written, in order (for the line an interrupted run prints).
WRITTEN: list[Path] = []

_TMP_MARK = "~esafety-"
_TMP_NAME = re.compile(r"^\..+\.~esafety-(\d+)-[A-Za-z0-9_]+\.tmp$")
STALE_AFTER = 3600.0  # seconds: a temporary file older than this is never still in use
_swept: set[str] = set()  # folders already cleared of stale temporaries by this process


def atomic_write(path: Path, data: Content) -> None:
    """Write one file through a temporary file and a rename."""
    write_all({path: data})


def write_all(files: Mapping[Path, Content]) -> None:
    """Write several files so that a failure leaves none of them half-written.

    Each is staged as a temporary file beside its target and flushed to disk;
    only when all are staged are they renamed into place. If staging fails (or the
    run is interrupted), the temporaries are removed and the files already there are
    untouched. A rename is atomic; should one fail, the error names the files already
    replaced.
    """
    staged: list[tuple[str, Path]] = []
    mode = _file_mode()
    try:
        for path, data in files.items():
            staged.append((_stage(path, data, _existing_mode(path, mode)), path))
    except BaseException as exc:
        _discard(staged)
        if isinstance(exc, OSError):
            where = exc.filename or "a file"
            raise WriteError(
                f"could not write {where}: {exc.strerror}; nothing was written"
            ) from None
        raise
    done = 0
    try:
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                written = ", ".join(str(p) for _, p in staged[:done]) or "none"
                raise WriteError(
                    f"could not replace {path}: {exc.strerror}; already written: {written}"
                ) from None
            WRITTEN.append(path)
            done += 1
    finally:
        _discard(staged[done:])  # after a failure or an interrupt: no temporaries left


def _stage(path: Path, data: Content, mode: int) -> str:
    chunks = [data] if isinstance(data, str | bytes) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent)
    prefix = f".{path.name[:150]}.{_TMP_MARK}{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)  # mkstemp makes files private (0600); reports are ordinary files
        with os.fdopen(fd, "wb", buffering=1 << 16) as handle:
            for chunk in chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def sweep_stale(folder: Path) -> list[Path]:
    """Remove this tool's temporary files in ``folder`` that no running process owns.

    A temporary file is stale when the process named in it is no longer running, or
    when it is older than :data:`STALE_AFTER` (the process id may have been reused).
    Each folder is swept once per run. Returns the files removed.
    """
    key = os.path.abspath(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    now = time.time()
    for entry in entries:
        found = _TMP_NAME.match(entry.name)
        if found is None or int(found.group(1)) == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if _running(int(found.group(1))) and now - info.st_mtime < STALE_AFTER:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there: go by age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # it exists but is not ours, or we cannot tell: leave its files
    return True


def _discard(staged: list[tuple[str, Path]]) -> None:
    for tmp, _ in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _existing_mode(path: Path, default: int) -> int:
    """A file being replaced keeps its permissions (a private answers file stays private)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return default


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
