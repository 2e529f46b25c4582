"""Read one YAML file safely, keeping the line and column of every key and value.

This is the only module that parses YAML. It:

* uses PyYAML's safe loader (the C one where present) and nothing else;
* reads YAML 1.2 scalars: ``yes``/``no``/``on``/``off`` are text, so that the
  answer ``yes`` stays the answer "yes" and does not become ``True``; numbers are
  decimal only, so ``12:30`` (sexagesimal in YAML 1.1), ``0x1F`` and ``0o17`` are
  text and ``010`` is ten, not eight;
* refuses control characters (NUL, ESC, ...) in text, written as escapes in quotes,
  so that nothing read can act on a terminal or a report;
* refuses anchors and aliases, so an alias bomb is rejected at once rather than
  expanded, and refuses duplicate keys, which PyYAML would silently accept;
* keeps a map from key path to ``(line, column)`` so that a validation error
  found later (by pydantic, say) can still name the place in the file.

Two paths read a file. The fast one composes it with the C loader and builds plain
data with no places kept; at the first thing it does not like (a duplicate key, an
alias, a tag, a control character, a date that is no date, ...) it gives up, and the
careful one reads the file again, collecting every problem with its line and column.
A file that passes the fast path keeps its text, and its places are worked out by
the careful path only when something later asks where a value stands, that is, only
when the file has a problem. Both paths give the same data, and the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .infile import read_input

try:  # the C loader is several times faster; fall back where libyaml is absent
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]
Mark = tuple[int, int]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
# The scalar tags a value may carry, written or implied; others (!!binary, ...) are refused.
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    _BOOL_TAG,
    _INT_TAG,
    _FLOAT_TAG,
}
MAX_DIGITS = 300  # an integer longer than this is no answer: refused, never converted
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_SafeBase):
    """The safe loader with YAML 1.2 booleans: only true and false."""


_REPLACED = (_BOOL_TAG, _INT_TAG, _FLOAT_TAG)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in _SafeBase.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 core schema numbers, decimal only: no sexagesimal (12:30), octal (010 as
# eight, 0o17), hexadecimal (0x1F), binary or digit separators (1_000).
_Loader.add_implicit_resolver(_INT_TAG, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)

# C0 and C1 control characters, and DEL; tab, line feed and carriage return are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+001B``, or None."""
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


@dataclass
class YamlDocument:
    """The plain data of a YAML file and where each piece of it stands.

    A document read on the fast path keeps its ``text`` instead of its places, which
    are found (by reading the text again, carefully) the first time one is asked for.
    """

    name: str
    data: Any
    value_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    key_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    text: str | None = field(default=None, repr=False)

    def _find_marks(self) -> None:
        if self.text is not None:
            careful = _careful_parse(self.text, self.name)
            self.value_marks, self.key_marks, self.text = (
                careful.value_marks,
                careful.key_marks,
                None,
            )

    def where(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """The place of ``path``, or of its nearest ancestor that is in the file."""
        self._find_marks()
        marks = self.key_marks if key else self.value_marks
        path = tuple(path)
        while path:
            if path in marks:
                return marks[path]
            if key and path in self.value_marks:
                return self.value_marks[path]
            path = path[:-1]
        return self.value_marks.get((), (1, 1))

    def problem(self, path: Sequence[str | int], message: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.name, line, column, message, format_path(path))


def format_path(path: Sequence[str | int]) -> str:
    """``('answers', 'x', 'value')`` as ``answers.x.value``; list items as ``[2]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def read_yaml(path: Path, name: str | None = None) -> YamlDocument:
    """Read and parse a YAML file; every problem raises :class:`InputError`."""
    shown = name if name is not None else str(path)
    return parse_yaml(read_input(path, shown), shown)


# Whether to try the fast path first; the tests turn it off to run every bad input
# through the careful path alone, and check that the messages are the same.
FAST_PATH = True


def parse_yaml(raw: bytes | str, name: str) -> YamlDocument:
    """Parse YAML text (bytes must be UTF-8) into a :class:`YamlDocument`."""
    text = decode_text(raw, name) if isinstance(raw, bytes) else raw
    if FAST_PATH:
        data = _fast_parse(text)
        if data is not _FELL_BACK:
            return YamlDocument(name, data, text=text)
    return _careful_parse(text, name)


def _careful_parse(text: str, name: str) -> YamlDocument:
    """Parse with every value's place kept; every problem is collected and raised."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(exc, name)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise InputError([Problem(name, 1, 1, f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError([Problem(name, 1, 1, "the file is empty; it should hold a YAML mapping")])
    builder = _Builder(loader, name)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "the YAML is nested too deeply to read")]) from None
    except _AliasFound:
        raise InputError([_alias_problem(text, name)]) from None
    if builder.problems:
        raise InputError(builder.problems)
    return YamlDocument(name, data, builder.value_marks, builder.key_marks)


def compose(text: str) -> yaml.Node | None:
    """The node graph of YAML text, with the tool's safe loader and its YAML 1.2 rules,
    for code that needs every node's place (the terminal questionnaire edits in place).
    Raises ``yaml.YAMLError`` on a syntax error."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or a problem at the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex().upper()
        message = (
            f"the file is not UTF-8 text (byte 0x{bad} cannot be read); "
            "save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
        )
        raise InputError([Problem(name, line, column, message)]) from None


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "unreadable YAML"
    if exc.context and exc.problem:
        what = f"{exc.context}, {exc.problem}"
    return Problem(
        name, line, column, f"YAML syntax error: {what}; check the indentation and quoting"
    )


def _alias_problem(text: str, name: str) -> Problem:
    """Where the first alias is: the composed graph only knows where its anchor was."""
    message = "anchors and aliases (& and *) are not allowed; write the value out in full"
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            mark = event.start_mark
            return Problem(name, mark.line + 1, mark.column + 1, message)
    return Problem(name, 1, 1, message)  # pragma: no cover - an alias was seen while building


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _AliasFound(Exception):
    """Raised inside the builder at the first alias; reported with its place."""


class _Builder:
    """Turns a composed node graph into plain data, recording marks and problems."""

    def __init__(self, loader: _Loader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.value_marks: dict[KeyPath, Mark] = {}
        self.key_marks: dict[KeyPath, Mark] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def fail(self, node: yaml.Node, message: str, path: KeyPath) -> None:
        line, column = _mark(node)
        self.problems.append(Problem(self.name, line, column, message, format_path(path)))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if id(node) in self._seen:
            # The composer hands back the anchored node again for every alias: stop
            # at the first rather than expand it (an alias bomb would never finish).
            raise _AliasFound
        self._seen.add(id(node))
        self.value_marks[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.fail(node, f"the tag {node.tag} is not allowed", path)
                return None
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if node.tag == _STR_TAG:  # most scalars: the constructor would return the text as is
            bad = control_character(node.value)
            if bad is not None:
                self.fail(node, f"the text holds a control character ({bad}); remove it", path)
                return None
            return node.value
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, f"the tag {node.tag} is not allowed; write plain values only", path)
            return None
        if node.tag == _INT_TAG:
            return self._integer(node, path)
        try:
            return self.loader.construct_object(node)
        except ValueError as exc:  # an impossible timestamp such as 2026-02-30
            self.fail(node, f"'{node.value}' is not a real date ({exc}); use YYYY-MM-DD", path)
        except yaml.YAMLError:
            self.fail(node, f"the tag {node.tag} is not allowed; write plain values only", path)
        return None

    def _integer(self, node: yaml.Node, path: KeyPath) -> int | None:
        """A decimal integer (``010`` is ten: YAML 1.2 has no leading-zero octal)."""
        digits = node.value.lstrip("+-")
        if not re.fullmatch(r"[0-9]+", digits):  # an explicit !!int on something else
            self.fail(node, f"'{node.value}' is not a whole number", path)
            return None
        if len(digits) > MAX_DIGITS:
            self.fail(
                node, f"a number with {len(digits):,} digits is far too large to be an answer", path
            )
            return None
        return int(node.value)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any] | None:
        if node.tag != _MAP_TAG:
            self.fail(node, f"the tag {node.tag} is not allowed", path)
            return None
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a key must be a plain word, not a list or mapping", path)
                continue
            key = self._scalar(key_node, path)
            if isinstance(key, bool | int | float) or key is None:
                key = key_node.value  # keys are names: keep "yes", "1", "null" as written
            if key == "<<":
                self.fail(key_node, "merge keys (<<) are not allowed; write the keys out", path)
                continue
            if key in result:
                first = self.key_marks[(*path, key)]
                self.fail(
                    key_node,
                    f"duplicate key '{key}' (first given at line {first[0]}); "
                    "keep one and delete the other",
                    (*path, key),
                )
                continue
            self.key_marks[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


# --------------------------------------------------------------------------- the fast path

_FELL_BACK: Any = object()  # the fast path gave up: read the file carefully
_NULL_TAG = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DIGITS = re.compile(r"[-+]?[0-9]+")
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _GiveUp(Exception):
    """Something the careful path must look at (and, nearly always, report)."""


def _fast_parse(text: str) -> Any:
    """The file's data, or :data:`_FELL_BACK` if anything in it needs the careful path.

    The C composer never expands an alias (the anchored node is shared), so an alias
    bomb costs no more than its text: the builder stops at the first node seen twice.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return _FELL_BACK
        return _FastBuilder(loader).build(node)
    except (_GiveUp, yaml.YAMLError, RecursionError, ValueError):
        return _FELL_BACK
    finally:
        loader.dispose()


class _FastBuilder:
    """Plain data from a node graph, giving up (:class:`_GiveUp`) wherever the careful
    :class:`_Builder` would record a problem, or could read the file differently."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.seen: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        seen = self.seen
        if id(node) in seen:  # an alias
            raise _GiveUp
        seen.add(id(node))
        kind = node.__class__
        if kind is _ScalarNode:
            return self.scalar(node)
        if kind is _MappingNode and node.tag == _MAP_TAG:
            return self.mapping(node)
        if kind is _SequenceNode and node.tag == _SEQ_TAG:
            return [self.build(item) for item in node.value]
        raise _GiveUp

    def scalar(self, node: yaml.Node) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR_TAG:
            if _CONTROL.search(value):
                raise _GiveUp
            return value
        if tag == _INT_TAG:
            if len(value) > MAX_DIGITS or not _DIGITS.fullmatch(value):
                raise _GiveUp
            return int(value)
        if tag == _NULL_TAG:
            return None
        if tag in (_BOOL_TAG, _FLOAT_TAG, _TIMESTAMP_TAG):
            return self.loader.construct_object(node)  # ValueError: give up
        raise _GiveUp

    def mapping(self, node: yaml.Node) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode or id(key_node) in self.seen:
                raise _GiveUp
            key = self.scalar(key_node)
            if isinstance(key, bool | int | float) or key is None:
                key = key_node.value  # keys are names: "yes", "1", "null" as written
            if key == "<<" or key in result:
                raise _GiveUp
            result[key] = self.build(value_node)
        return result
