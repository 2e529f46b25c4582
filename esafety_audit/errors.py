"""Problems found in input files, and the one exception that carries them.

A :class:`Problem` is a small, sortable finding that prints as
``file:line:col: message`` (the shape yamllint uses). Loading collects every
problem in a file before it stops, so a headteacher fixing a file sees the
whole list at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, with where it is."""

    file: str
    line: int
    column: int
    message: str
    key: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f" [{self.key}]" if self.key else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{where}"


class EsafetyError(Exception):
    """Base class of every error the tool reports to a user without a traceback."""


class InputError(EsafetyError):
    """One or more problems in the files the user gave us."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(EsafetyError):
    """A command was called with arguments that cannot work together."""
