"""Files the tool writes appear whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from esafety_audit.io import WriteError, atomic_write, write_all


def test_written_files_have_the_usual_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.txt", "hello")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_text() == "hello"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_a_failure_while_staging_leaves_the_old_files_and_no_temporaries(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder is needed")
    with pytest.raises(WriteError) as caught:
        write_all({tmp_path / "a.txt": "new a", blocked / "b.txt": "new b"})
    assert "nothing was written" in str(caught.value)
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "blocked"]


def test_a_failed_rename_names_what_was_already_written(tmp_path: Path) -> None:
    (tmp_path / "b.txt").mkdir()  # a folder cannot be replaced by a file
    with pytest.raises(WriteError) as caught:
        write_all({tmp_path / "a.txt": "a", tmp_path / "b.txt": "b"})
    assert f"could not replace {tmp_path / 'b.txt'}" in str(caught.value)
    assert f"already written: {tmp_path / 'a.txt'}" in str(caught.value)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    private = tmp_path / "answers.yaml"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    atomic_write(private, "new\n")
    assert private.read_text(encoding="utf-8") == "new\n"
    assert private.stat().st_mode & 0o777 == 0o600
