"""The rubric cache: the loaded and checked rubric kept as JSON, so that it is read and
checked once, not on every run.

* The key is a hash of the tool's version, the code that defines a checked rubric, and
  the name and bytes of every file the rubric is loaded from: change one byte of one
  rubric file (or give another ``--criteria`` folder) and the key changes, so a stale
  entry is never read.
* Entries are JSON read back through pydantic's ``model_validate_json``, never pickle:
  a cache file is data, and a tampered one can at worst fail validation.
* The cache is in the user's cache folder (``$ESAFETY_AUDIT_CACHE_DIR``, else the
  platform's: ``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on
  macOS, ``%LOCALAPPDATA%`` on Windows). It is safe to delete; an entry that cannot
  be read or does not validate is ignored (and replaced); a cache folder that cannot
  be written is never an error. ``ESAFETY_AUDIT_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import __version__
from .errors import InputError
from .infile import read_input
from .models import Common, ExternalFramework, Framework, QuestionBank, Rubric, Safeguarding

ENV = "ESAFETY_AUDIT_CACHE_DIR"
# The modules whose code decides what a loaded, checked rubric is: in a source checkout
# the version stays the same while they change, so their bytes are part of the key.
_CODE = ("models.py", "rules.py", "loading.py", "rubriccache.py")
_HERE = Path(__file__).parent


class _Rest(BaseModel):
    """The rubric but its question bank, which is read first: the rules need it."""

    frameworks: list[Framework]
    common: Common
    safeguarding: Safeguarding | None = None
    external: list[ExternalFramework] = []


def cache_dir() -> Path | None:
    """The folder for cache entries, or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen:
        return None if chosen == "off" else Path(chosen)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "esafety-audit"


def key(files: Sequence[Path]) -> str | None:
    """The hash that names the entry for a rubric read from ``files``; None if one of
    them cannot be read (loading then says why)."""
    digest = hashlib.sha256(f"esafety-audit {__version__}\0".encode())
    try:
        for name in _CODE:
            digest.update((_HERE / name).read_bytes())
        for path in files:
            data = read_input(path)
            digest.update(f"\0{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    except (InputError, OSError):
        return None
    return digest.hexdigest()


def load(entry: str) -> Rubric | None:
    """The cached rubric, or None if there is none or it cannot be used."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        bank_json, rest_json = read_input(folder / f"rubric-{entry}.json").split(b"\n", 1)
        bank = QuestionBank.model_validate_json(bank_json)
        rest = _Rest.model_validate_json(rest_json, context={"questions": bank.questions()})
    except (InputError, OSError, ValueError, ValidationError):
        return None  # absent, unreadable or corrupt: loaded from the YAML and written again
    return Rubric(
        bank=bank,
        frameworks=rest.frameworks,
        common=rest.common,
        safeguarding=rest.safeguarding,
        external=rest.external,
    )


def store(entry: str, rubric: Rubric) -> None:
    """Keep ``rubric`` under ``entry``; any failure to write is ignored."""
    folder = cache_dir()
    if folder is None:
        return
    rest = _Rest(
        frameworks=rubric.frameworks,
        common=rubric.common,
        safeguarding=rubric.safeguarding,
        external=rubric.external,
    )
    text = rubric.bank.model_dump_json() + "\n" + rest.model_dump_json()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".rubric-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, folder / f"rubric-{entry}.json")  # whole, or not at all
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
