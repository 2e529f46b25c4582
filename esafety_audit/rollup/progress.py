"""A one-line progress bar for long runs, shown only on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
EVERY = 0.1  # seconds between redraws


class Progress:
    """``Scoring answers files [#####.....] 1,234 of 10,000`` on one line of ``stream``.

    Silent unless ``stream`` is a terminal, so that logs and pipes stay clean.
    """

    def __init__(self, stream: TextIO, total: int, label: str = "Scoring answers files") -> None:
        self.stream = stream
        self.total = total
        self.label = label
        self.enabled = total > 1 and _is_terminal(stream)
        self.shown = False
        self._last = 0.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < self.total and now - self._last < EVERY:
            return
        self._last = now
        filled = WIDTH * done // self.total
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done:,} of {self.total:,}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Take the bar off its line, so that a message can be printed there."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
            self._last = 0.0  # redraw at the next update


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
