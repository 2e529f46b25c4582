"""Reading YAML: safe, YAML 1.2 booleans, and every problem at its line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from esafety_audit.errors import InputError
from esafety_audit.yamlfile import parse_yaml, read_yaml

# Every case runs on the fast YAML path and on the careful one alone (conftest.py).
pytestmark = pytest.mark.usefixtures("both_yaml_paths")


def _problems(text: str | bytes) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "f.yaml")
    return [str(p) for p in caught.value.problems]


def test_yes_and_no_stay_words_and_keys_keep_their_places() -> None:
    doc = parse_yaml("a: yes\nb:\n  c: no\n  d: 2026-11-20\ne: true\n", "f.yaml")
    assert doc.data == {"a": "yes", "b": {"c": "no", "d": date(2026, 11, 20)}, "e": True}
    assert doc.where(("b", "c")) == (3, 6)
    assert doc.where(("b", "c"), key=True) == (3, 3)
    assert doc.where(("b", "missing", "deeper")) == (3, 3)  # nearest ancestor that exists


def test_syntax_error_names_line_and_column() -> None:
    (found,) = _problems("a: 1\nb: [1, 2\nc: 3\n")
    assert found.startswith("f.yaml:3:2: YAML syntax error: while parsing a flow sequence")
    assert found.endswith("; check the indentation and quoting")


def test_duplicate_keys_are_refused_with_both_places() -> None:
    assert _problems("school:\n  name: A\nanswers: {}\nschool: {}\n") == [
        "f.yaml:4:1: duplicate key 'school' (first given at line 1); keep one and delete the "
        "other [school]"
    ]


def test_every_duplicate_in_a_file_is_reported() -> None:
    found = _problems("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert [p.split(": ")[0] for p in found] == ["f.yaml:2:1", "f.yaml:5:3"]


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    found = _problems("\n".join(lines) + "\n")  # 9**10 strings if it were expanded
    assert found == [
        "f.yaml:2:10: anchors and aliases (& and *) are not allowed; write the value out in full"
    ]


def test_not_utf8_names_the_place_of_the_bad_byte() -> None:
    assert _problems("school:\n  name: Caf\xe9\n".encode("latin-1")) == [
        "f.yaml:2:12: the file is not UTF-8 text (byte 0xE9 cannot be read); save it as UTF-8 "
        "(in most editors: Save As, Encoding: UTF-8)"
    ]


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_yaml("\ufeffa: 1\n".encode(), "f.yaml").data == {"a": 1}


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    assert _problems(text) == ["f.yaml:1:1: the file is empty; it should hold a YAML mapping"]


def test_an_impossible_date_is_named() -> None:
    assert _problems("school:\n  review_date: 2026-02-30\n") == [
        "f.yaml:2:16: '2026-02-30' is not a real date (day is out of range for month); "
        "use YYYY-MM-DD [school.review_date]"
    ]


def test_python_tags_are_refused() -> None:
    found = _problems("a: !!python/object/apply:os.system ['echo hi']\n")
    assert found[0].startswith(
        "f.yaml:1:4: the tag tag:yaml.org,2002:python/object/apply:os.system"
    )


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_yaml(tmp_path / "nope.yaml", "nope.yaml")
    assert str(caught.value) == "nope.yaml:1:1: file not found; check the path"


ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted([*ROOT.glob("criteria/*.yaml"), *ROOT.glob("questionnaires/**/*.yaml")], key=str)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_fast_path_reads_every_shipped_file_as_the_careful_one_does(path: Path) -> None:
    from esafety_audit import yamlfile

    text = path.read_text(encoding="utf-8")
    fast = yamlfile._fast_parse(text)
    assert fast is not yamlfile._FELL_BACK
    assert fast == yamlfile._careful_parse(text, "f.yaml").data


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "a: &x 1\nb: *x\n",  # alias
        "a: !!binary aGk=\n",  # tag
        "a: !!python/name:os.system\n",
        "<<: {a: 1}\n",  # merge key
        'a: "\\e[31m"\n',  # control character
        "a: 2026-02-30\n",  # no such date
        "a: " + "9" * 400 + "\n",  # far too long a number
        "? [a]\n: 1\n",  # a list as a key
        "a: [1, 2\n",  # syntax
        "",  # empty
    ],
)
def test_the_fast_path_gives_up_on_every_problem(text: str) -> None:
    from esafety_audit import yamlfile

    assert yamlfile._fast_parse(text) is yamlfile._FELL_BACK


def test_a_file_read_fast_finds_its_places_only_when_asked() -> None:
    doc = parse_yaml("a: yes\nb:\n  c: no\n", "f.yaml")
    if doc.text is None:  # the careful path alone (conftest.py)
        return
    assert doc.value_marks == {}
    assert doc.where(("b", "c")) == (3, 6)
    assert doc.text is None  # read once, then kept
