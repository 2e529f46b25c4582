"""Reading one input file safely: a regular file, of a sane size, or a located problem.

Every file the tool reads (answers, rubrics, the question bank, a result JSON) comes
through :func:`read_input`. It never blocks on a named pipe or a device, never reads
more than :data:`MAX_BYTES`, and turns every way a path can be wrong (missing, a
folder, a symbolic link that loops, a device, too large) into a :class:`Problem` at
line 1, column 1 of the file, so that the user sees ``file:1:1: what is wrong``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import InputError, Problem

# The largest input file read: an answers file is about 10 KB and the largest rubric
# about 70 KB, so anything over 1 MB is not what the user meant to give.
MAX_BYTES = 1_000_000
MAX_SHOWN = "1 MB"

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _fail(shown: str, message: str) -> InputError:
    return InputError([Problem(shown, 1, 1, message)])


def _too_large(shown: str, size: int) -> InputError:
    megabytes = f"{size / 1_000_000:,.2f} MB" if size < 10**15 else "endless"
    return _fail(
        shown,
        f"the file is too large ({megabytes}); input files of more than {MAX_SHOWN} are "
        "refused (an answers file is about 10 KB): check that this is the right file",
    )


def read_input(path: Path, shown: str | None = None) -> bytes:
    """The bytes of the regular file at ``path``; any other kind of path is refused."""
    shown = str(path) if shown is None else shown
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _fail(shown, "file not found; check the path") from None
    except IsADirectoryError:
        raise _fail(shown, "this is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _fail(
                shown,
                "this is a symbolic link that loops back on itself, so there is no file to "
                "read; point the link at a real file",
            ) from None
        raise _fail(shown, f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _fail(shown, "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise _fail(shown, f"this is {kind}, not a file; give the path of a file")
        if info.st_size > MAX_BYTES:
            raise _too_large(shown, info.st_size)
        chunks, total = [], 0
        while total <= MAX_BYTES:
            chunk = os.read(fd, min(1 << 16, MAX_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_BYTES:  # it grew while being read
            raise _too_large(shown, total)
        return b"".join(chunks)
    except OSError as exc:
        raise _fail(shown, f"cannot read the file: {exc.strerror}") from None
    finally:
        os.close(fd)


def shown_path(path: Path) -> str:
    """A path as short as it can be shown: relative to the working folder if inside it.

    Never fails: a path that cannot be resolved (a symbolic link loop, a folder gone
    away) is shown as it was given.
    """
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
