"""The rubric cache: used when the rubric files are unchanged, rebuilt when one byte of
one changes, ignored when corrupt, and safe to delete."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from esafety_audit import loading, rubriccache
from esafety_audit.loading import load_rubric
from esafety_audit.models import Rubric

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A copy of the shipped rubric, and an empty cache folder of its own."""
    criteria, questions = tmp_path / "criteria", tmp_path / "questionnaires"
    shutil.copytree(ROOT / "criteria", criteria)
    shutil.copytree(ROOT / "questionnaires", questions)
    cache = tmp_path / "cache"
    monkeypatch.setenv(rubriccache.ENV, str(cache))
    load_rubric.cache_clear()
    yield criteria, questions, cache  # type: ignore[misc]
    load_rubric.cache_clear()


def _load(criteria: Path, questions: Path) -> Rubric:
    load_rubric.cache_clear()  # the in-process cache: only the cache on disk is tested
    return load_rubric(criteria, questions)


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(criteria: Path, questionnaires: Path) -> Rubric:
        raise AssertionError("the rubric was read from its YAML, not from the cache")

    monkeypatch.setattr(loading, "_load_rubric", refuse)


def test_an_unchanged_rubric_is_read_from_the_cache(
    folders: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    criteria, questions, cache = folders
    first = _load(criteria, questions)
    assert len(list(cache.glob("rubric-*.json"))) == 1
    _no_yaml(monkeypatch)
    again = _load(criteria, questions)
    assert again == first
    assert again.criteria()[0].rule.questions() == first.criteria()[0].rule.questions()


def test_one_changed_byte_rebuilds_the_cache(folders: tuple[Path, Path, Path]) -> None:
    criteria, questions, cache = folders
    first = _load(criteria, questions)
    framework = first.frameworks[0]
    (path,) = (p for p in criteria.glob("*.yaml") if f"id: {framework.id}\n" in p.read_text())
    text = path.read_text(encoding="utf-8")
    title = framework.criteria[0].title
    path.write_text(text.replace(title, title[:-1] + "X", 1), encoding="utf-8")
    changed = _load(criteria, questions)
    assert changed.frameworks[0].criteria[0].title == title[:-1] + "X"
    assert len(list(cache.glob("rubric-*.json"))) == 2


@pytest.mark.parametrize("junk", [b"", b"{not json", b"{}\n{}", b'{"id": 1}\n{"frameworks": []}'])
def test_a_corrupt_cache_is_ignored_and_replaced(
    folders: tuple[Path, Path, Path], junk: bytes
) -> None:
    criteria, questions, cache = folders
    first = _load(criteria, questions)
    (entry,) = cache.glob("rubric-*.json")
    entry.write_bytes(junk)
    assert _load(criteria, questions) == first
    assert entry.read_bytes() != junk


def test_the_cache_is_safe_to_delete_or_to_be_unwritable(
    folders: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    criteria, questions, cache = folders
    first = _load(criteria, questions)
    shutil.rmtree(cache)
    assert _load(criteria, questions) == first
    cache.unlink() if cache.is_file() else shutil.rmtree(cache)
    cache.write_text("a file where the folder should be")
    assert _load(criteria, questions) == first
    monkeypatch.setenv(rubriccache.ENV, "off")
    assert _load(criteria, questions) == first


def test_the_external_review_tools_are_cached_and_keyed(
    folders: tuple[Path, Path, Path],
) -> None:
    criteria, questions, cache = folders
    first = _load(criteria, questions)
    assert [f.id for f in first.external] == ["360-degree-safe", "lgfl-audit", "ukcis-governors"]
    again = _load(criteria, questions)
    assert again.external == first.external
    path = criteria / "external" / "lgfl-audit.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("edition: February 2025", "edition: March 2025"),
        encoding="utf-8",
    )
    changed = _load(criteria, questions)
    assert changed.external_framework("lgfl-audit").edition == "March 2025"
    assert len(list(cache.glob("rubric-*.json"))) == 2
