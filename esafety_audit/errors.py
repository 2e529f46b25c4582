"""Problems found in input files, and the one exception that carries them.

A :class:`Problem` is a small, sortable finding that prints as
``file:line:col: message`` (the shape yamllint uses). Loading collects every
problem in a file before it stops, so a headteacher fixing a file sees the
whole list at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it
EXIT_BROKEN_PIPE = 141  # the reader of our output went away (| head): 128 + SIGPIPE
EXIT_TERMINATED = 143  # SIGTERM: 128 + SIGTERM

# Problems shown for one file before "... and N more": a file with thousands of
# problems is the wrong file, and a list that long helps nobody.
MAX_PROBLEMS_PER_FILE = 50


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


def problem_lines(
    problems: Iterable[Problem], per_file: int = MAX_PROBLEMS_PER_FILE
) -> Iterator[str]:
    """Each problem as a line, at most ``per_file`` for one file, then how many more.

    ``problems`` come sorted (as :class:`InputError` holds them), a file's together.
    """
    file, shown, more = None, 0, 0
    for problem in problems:
        if problem.file != file:
            if more:
                yield _more(file, more)
            file, shown, more = problem.file, 0, 0
        if shown < per_file:
            shown += 1
            yield str(problem)
        else:
            more += 1
    if more:
        yield _more(file, more)


def _more(file: str | None, more: int) -> str:
    return f"{file}: ... and {more:,} more problem{'s' if more != 1 else ''} in this file"
