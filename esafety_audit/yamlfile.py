"""Read one YAML file safely, keeping the line and column of every key and value.

This is the only module that parses YAML. It:

* uses PyYAML's safe loader (the C one where present) and nothing else;
* reads ``yes``/``no``/``on``/``off`` as text, as YAML 1.2 does, so that the
  answer ``yes`` stays the answer "yes" and does not become ``True``;
* refuses anchors and aliases, so an alias bomb is rejected at once rather than
  expanded, and refuses duplicate keys, which PyYAML would silently accept;
* keeps a map from key path to ``(line, column)`` so that a validation error
  found later (by pydantic, say) can still name the place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

try:  # the C loader is several times faster; fall back where libyaml is absent
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]
Mark = tuple[int, int]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_SafeBase):
    """The safe loader with YAML 1.2 booleans: only true and false."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _SafeBase.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class YamlDocument:
    """The plain data of a YAML file and where each piece of it stands."""

    name: str
    data: Any
    value_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    key_marks: dict[KeyPath, Mark] = field(default_factory=dict)

    def where(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """The place of ``path``, or of its nearest ancestor that is in the file."""
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
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(shown, 1, 1, "file not found; check the path")]) from None
    except IsADirectoryError:
        raise InputError([Problem(shown, 1, 1, "this is a folder, not a YAML file")]) from None
    except OSError as exc:
        raise InputError([Problem(shown, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    return parse_yaml(raw, shown)


def parse_yaml(raw: bytes | str, name: str) -> YamlDocument:
    """Parse YAML text (bytes must be UTF-8) into a :class:`YamlDocument`."""
    text = _decode(raw, name) if isinstance(raw, bytes) else raw
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


def _decode(raw: bytes, name: str) -> str:
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
            return node.value
        try:
            return self.loader.construct_object(node)
        except ValueError as exc:  # an impossible timestamp such as 2026-02-30
            self.fail(node, f"'{node.value}' is not a real date ({exc}); use YYYY-MM-DD", path)
        except yaml.YAMLError:
            self.fail(node, f"the tag {node.tag} is not allowed; write plain values only", path)
        return None

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
