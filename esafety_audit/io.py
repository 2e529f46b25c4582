"""Writing files safely: every file the tool writes appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import EsafetyError


class WriteError(EsafetyError):
    """A file could not be written; nothing partial was left behind."""


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write one file through a temporary file and a rename."""
    write_all({path: data})


def write_all(files: Mapping[Path, str | bytes]) -> None:
    """Write several files so that a failure leaves none of them half-written.

    Each is staged as a temporary file beside its target and flushed to disk;
    only when all are staged are they renamed into place. If staging fails, the
    temporaries are removed and the files already there are untouched.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            where = exc.filename or "a file"
            raise WriteError(
                f"could not write {where}: {exc.strerror}; nothing was written"
            ) from None
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def _stage(path: Path, data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp
