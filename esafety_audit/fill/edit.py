"""Change one value in the text of a YAML file and leave every other byte as it was.

The terminal questionnaire saves after every answer. Rewriting the whole file from
data would lose the school's comments, key order and layout, so instead this module
finds the value's place with the YAML node marks (``yaml.compose``, through the
tool's safe loader) and replaces only those characters. The caller checks that the
edited text still loads and holds the intended value (see ``session.py``); these
functions only place the text.

A value is written in the first of :func:`yaml_forms` that reads back as intended:
plain where that is safe, otherwise double-quoted; dates as YYYY-MM-DD; lists in flow
style, ``[a, b]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from ..rules import Absent
from ..yamlfile import compose  # the tool's safe loader: one set of YAML rules

_NULL_TAG = "tag:yaml.org,2002:null"
# Text that may stand unquoted; the caller still checks that it reads back the same.
_PLAIN = re.compile(r"^[^\W_][\w .,;'()/&+!?-]*$")


def yaml_forms(value: Any) -> list[str]:
    """Ways to write ``value`` in YAML, the plainest first; ``None`` clears it."""
    if value is None:
        return ["", "null"]
    if isinstance(value, Absent):
        return [value.kind]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, bool):  # pragma: no cover - no answer type holds a bool
        raise TypeError("booleans are not answers")
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        return [_decimal(value)]
    if isinstance(value, list):
        forms = [[yaml_forms(item)[0] for item in value], [yaml_forms(i)[-1] for i in value]]
        return ["[" + ", ".join(items) + "]" for items in forms]
    text = str(value)
    quoted = [_quoted(text, ascii_only=False), _quoted(text, ascii_only=True)]
    return [text, *quoted] if _PLAIN.match(text) and not text.endswith(" ") else quoted


def _quoted(text: str, *, ascii_only: bool) -> str:
    """A YAML double-quoted scalar: what YAML cannot hold as it is, escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F or (not ascii_only and _printable(code)):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _printable(code: int) -> bool:
    """Characters YAML keeps as they are inside double quotes (not line breaks)."""
    if code in (0x2028, 0x2029, 0xFEFF) or 0xD800 <= code <= 0xDFFF:
        return False
    return 0xA0 <= code <= 0xFFFD or code >= 0x10000


def _decimal(value: float) -> str:
    """A float without exponent (YAML reads ``1e-05`` as text)."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def set_value(text: str, path: Sequence[str], form: str) -> str:
    """``text`` with the value at ``path`` (keys of nested mappings) written as ``form``.

    A missing key is added to its mapping (at the end); a missing or empty parent
    mapping is made. ``form == ""`` leaves the value empty.
    """
    root = _compose(text)
    parent: yaml.Node = root
    for depth, key in enumerate(path[:-1]):
        child = _child(parent, key)
        if child is None:
            return set_value(_add_entry(text, parent, key, ""), path, form)
        if _is_empty(child):
            filled = _fill_empty(text, child, _indent_below(parent), path[depth + 1])
            return set_value(filled, path, form)
        if not isinstance(child, yaml.MappingNode):
            where = ".".join(path[: depth + 1])
            raise ValueError(f"{where} is not a mapping")
        parent = child
    entry = _entry(parent, path[-1])
    if entry is None:
        return _add_entry(text, parent, path[-1], form)
    return _replace(text, *entry, form)


def set_first_entry(text: str, path: Sequence[str], key: str, form: str) -> str:
    """Add ``key: form`` as the first entry of the block or flow mapping at ``path``."""
    mapping = _find(_compose(text), path)
    if not isinstance(mapping, yaml.MappingNode) or not mapping.value:
        raise ValueError(f"{'.'.join(path)} is not a mapping with entries")
    entry = f"{key}: {form}" if form else f"{key}:"
    if mapping.flow_style:
        at = mapping.start_mark.index + 1
        return f"{text[:at]}{entry}, {text[at:]}"
    first = mapping.value[0][0].start_mark
    line_start = text.rfind("\n", 0, first.index) + 1
    indent = " " * first.column
    return f"{text[:line_start]}{indent}{entry}{_newline(text)}{text[line_start:]}"


def node_at(text: str, path: Sequence[str]) -> yaml.Node | None:
    """The node at ``path``, or None when it is not in the file."""
    return _find(_compose(text), path)


# --------------------------------------------------------------------------- helpers


def _compose(text: str) -> yaml.MappingNode:
    node = compose(text)
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("the file is not a YAML mapping")
    return node


def _find(root: yaml.Node, path: Sequence[str]) -> yaml.Node | None:
    node: yaml.Node | None = root
    for key in path:
        node = _child(node, key) if node is not None else None
    return node


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    pair = _entry(node, key)
    return pair[1] if pair else None


def _entry(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _is_empty(node: yaml.Node) -> bool:
    """An empty value: nothing at all, ``null`` or ``~`` (not a quoted empty string)."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _replace(text: str, key: yaml.Node, node: yaml.Node, form: str) -> str:
    start, end = node.start_mark.index, _content_end(text, node)
    if _is_block_collection(node) and "#" not in text[key.end_mark.index : start]:
        start = text.index(":", key.end_mark.index) + 1  # a block list joins its key's line
    before = text[:start]
    if not form:
        return before.rstrip(" ") + text[end:]  # `key: yes` cleared is `key:`, not `key: `
    gap = "" if before.endswith((" ", "\t")) else " "
    return f"{before}{gap}{form}{text[end:]}"


def _is_block_collection(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style


def _content_end(text: str, node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection at its last entry, a block
    scalar (``|``, ``>``) before the line breaks that close it."""
    if _is_block_collection(node):
        last = node.value[-1]
        if isinstance(last, tuple):
            return max(_content_end(text, last[0]), _content_end(text, last[1]))
        return _content_end(text, last)
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        end = start + len(text[start:end].rstrip())
    return int(end)


def _line_after(text: str, index: int) -> int:
    """The start of the line after the one holding ``index``; a final line gains a break."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _indent_below(mapping: yaml.Node) -> int:
    """The indentation for entries one level inside ``mapping``'s entries."""
    if isinstance(mapping, yaml.MappingNode) and mapping.value:
        return int(mapping.value[0][0].start_mark.column) + 2
    return 2


def _add_entry(text: str, mapping: yaml.Node, key: str, form: str) -> str:
    if not isinstance(mapping, yaml.MappingNode):
        raise ValueError("cannot add a key outside a mapping")
    entry = f"{key}: {form}" if form else f"{key}:"
    if mapping.flow_style:
        close = mapping.end_mark.index - 1  # the closing brace
        body = text[mapping.start_mark.index + 1 : close].strip()
        entry = f", {entry}" if body else entry
        head = text[:close].rstrip(" ") if body else text[:close]
        return f"{head}{entry}{text[close:]}"
    indent = " " * mapping.value[0][0].start_mark.column
    end = max(_content_end(text, n) for pair in mapping.value for n in pair)
    at = _line_after(text, end)
    nl = _newline(text)
    head = text[:at] if text[:at].endswith("\n") else text[:at] + nl
    return f"{head}{indent}{entry}{nl}{text[at:]}"


def _fill_empty(text: str, node: yaml.Node, indent: int, key: str) -> str:
    """An empty value (``answers:``) made a block mapping holding an empty ``key:``."""
    start, end = node.start_mark.index, node.end_mark.index
    return f"{text[:start].rstrip(' ')}{_newline(text)}{' ' * indent}{key}:{text[end:]}"
