"""Reading a result JSON written by ``assess``: as strictly as an answers file is read.

A result JSON given to ``compare`` or ``assess --previous`` is untrusted input. It is
read through :func:`~esafety_audit.infile.read_input` (a regular file of sane size),
parsed without NaN or Infinity and with a bounded depth, checked for numbers too
large to mean anything and for control characters, and then validated against the
:class:`~esafety_audit.models.Result` model in pydantic's strict JSON mode, so that
the checks follow the model as it changes. Every problem is located
(``file:line:col``) by walking the JSON text to the key the problem names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pydantic_core
from pydantic import ValidationError

from .errors import InputError, Problem
from .infile import read_input, shown_path
from .models import SCHEMA_VERSION, Result
from .yamlfile import control_character, decode_text

# Larger than any count or score a review holds; a bigger number is not a result's.
MAX_NUMBER = 10**15
KeyPath = Sequence[str | int]

_AT = re.compile(r"^(?P<what>.*) at line (?P<line>\d+) column (?P<col>\d+)$")
_PLAIN_TYPES = {
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "an ordinary number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object ({...})",
    "model_type": "an object ({...})",
    "model_attributes_type": "an object ({...})",
    "date_type": "a date, YYYY-MM-DD",
    "date_parsing": "a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "a date, YYYY-MM-DD",
    "date_from_datetime_inexact": "a date, YYYY-MM-DD",
    "none_required": "null",
}


def load_result(path: Path) -> Result:
    """A result JSON written by ``assess`` (a review scored as it was, with its rubric)."""
    shown = shown_path(path)
    text = decode_text(read_input(path, shown), shown)
    data = _parse(text, shown)
    problems = list(_value_problems(text, shown, data))
    if problems:
        raise InputError(problems)
    version = data.get("schema_version") if isinstance(data, dict) else None
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(
            [
                Problem(
                    shown,
                    1,
                    1,
                    f"not a result JSON this tool can read (schema_version {_short(version)}; "
                    f"this tool writes {SCHEMA_VERSION}); give the answers file instead, "
                    "or a result JSON written by 'esafety-audit assess'",
                )
            ]
        )
    try:
        return Result.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise InputError([_model_problem(text, shown, error) for error in exc.errors()]) from None


def _parse(text: str, shown: str) -> Any:
    try:
        return pydantic_core.from_json(text, allow_inf_nan=False)
    except ValueError as exc:
        found = _AT.match(str(exc))
        if found is None:  # pragma: no cover - jiter always says where
            raise InputError([Problem(shown, 1, 1, f"not valid JSON: {exc}")]) from None
        line, column = int(found["line"]), int(found["col"])
        raise InputError([Problem(shown, line, column, _parse_message(found["what"]))]) from None


def _parse_message(what: str) -> str:
    if what == "recursion limit exceeded":
        return "not valid JSON for a result: it is nested too deeply"
    if what == "number out of range":
        return "not valid JSON for a result: a number far too large"
    if what in ("expected value", "invalid number"):
        return "not valid JSON: expected a value here (NaN and Infinity are not numbers in JSON)"
    return f"not valid JSON: {what}"


Place = tuple[str | int, ...]


def _walk(data: Any) -> Iterator[tuple[Place, Any]]:
    """Every value in ``data`` with its path, without recursion."""
    stack: list[tuple[Place, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        yield where, value
        if isinstance(value, dict):
            stack.extend(((*where, str(k)), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(value))))


def _value_problems(text: str, shown: str, data: Any) -> Iterator[Problem]:
    """Numbers no result holds, and text with control characters in it."""
    for where, value in _walk(data):
        message = None
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and abs(value) > MAX_NUMBER:
            message = f"a number with {len(str(abs(value))):,} digits is far too large"
        elif isinstance(value, float) and not math.isfinite(value):
            message = "a number too large to hold"
        elif isinstance(value, str) and (bad := control_character(value)) is not None:
            message = f"the text holds a control character ({bad}); remove it"
        if message is not None:
            line, column = locate(text, where)
            yield Problem(shown, line, column, f"result JSON '{_dotted(where)}': {message}")


def _model_problem(text: str, shown: str, error: Any) -> Problem:
    where = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        line, column = locate(text, where[:-1])
        message = "is missing"
    else:
        line, column = locate(text, where)
        if kind in _PLAIN_TYPES:
            message = f"should be {_PLAIN_TYPES[kind]}, not {_short(error.get('input'))}"
        elif kind == "literal_error":
            message = f"{_short(error.get('input'))} is not allowed; use one of: " + str(
                error["ctx"]["expected"]
            )
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
    return Problem(shown, line, column, f"result JSON '{_dotted(where)}' {message}")


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text or "(the whole file)"


def _short(value: Any) -> str:
    """A value as JSON would show it, cut short."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    shown = json.dumps(value, ensure_ascii=False) if _jsonable(value) else str(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


# --------------------------------------------------------------------------- locating


_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009  (untyped in typeshed)
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_ETC = re.compile(r"[^,\]\}\s]*")


def locate(text: str, path: KeyPath) -> tuple[int, int]:
    """The line and column where the value at ``path`` starts in JSON ``text``.

    ``text`` has already parsed; a path that is not in it gives the place of its
    nearest ancestor that is.
    """
    index = _skip_space(text, 1 if text.startswith("\ufeff") else 0)
    for part in path:
        found = _child(text, index, part)
        if found is None:
            break
        index = found
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def _skip_space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _child(text: str, index: int, part: str | int) -> int | None:
    """Where the member ``part`` of the object or array starting at ``index`` starts."""
    opener = text[index : index + 1]
    if opener not in "{[" or not opener:
        return None
    index = _skip_space(text, index + 1)
    position = 0
    while index < len(text) and text[index] not in "}]":
        if opener == "{":
            key, index = _scanstring(text, index + 1)
            index = _skip_space(text, index)
            index = _skip_space(text, index + 1)  # past the colon
            if key == part:
                return index
        elif position == part:
            return index
        index = _skip_space(text, _skip_value(text, index))
        if text[index : index + 1] == ",":
            index = _skip_space(text, index + 1)
        position += 1
    return None


def _skip_value(text: str, index: int) -> int:
    """Where the JSON value starting at ``index`` ends."""
    char = text[index]
    if char == '"':
        return int(_scanstring(text, index + 1)[1])
    if char in "{[":
        depth = 0
        while index < len(text):
            char = text[index]
            if char == '"':
                index = int(_scanstring(text, index + 1)[1])
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return index
    match = _NUMBER_ETC.match(text, index)
    return match.end() if match else index + 1
