"""Writing files safely: every file the tool writes appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import EsafetyError


class WriteError(EsafetyError):
    """A file could not be written; nothing half-written was left behind."""


# What a file is made of: text, bytes, or text made a piece at a time (a roll-up of
# thousands of schools is written as it is rendered, never held whole in memory).
Content = str | bytes | Iterable[str]


def atomic_write(path: Path, data: Content) -> None:
    """Write one file through a temporary file and a rename."""
    write_all({path: data})


def write_all(files: Mapping[Path, Content]) -> None:
    """Write several files so that a failure leaves none of them half-written.

    Each is staged as a temporary file beside its target and flushed to disk;
    only when all are staged are they renamed into place. If staging fails, the
    temporaries are removed and the files already there are untouched. A rename
    is atomic; should one fail, the error names the files already replaced.
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
    for done, (tmp, path) in enumerate(staged):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            _discard(staged[done:])
            written = ", ".join(str(p) for _, p in staged[:done]) or "none"
            raise WriteError(
                f"could not replace {path}: {exc.strerror}; already written: {written}"
            ) from None


def _stage(path: Path, data: Content, mode: int) -> str:
    chunks = [data] if isinstance(data, str | bytes) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
