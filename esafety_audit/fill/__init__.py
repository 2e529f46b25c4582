"""``esafety-audit fill``: the questionnaire in the terminal, for people who would
rather not edit YAML.

* ``session``: the walk through the questions, saving after every answer;
* ``answer``: what is typed at the prompt, read as an answer, and answers as words;
* ``edit``: one value changed in the file's text, every other byte kept.
"""

from __future__ import annotations

from .session import (
    Console,
    FileChangedError,
    Outcome,
    Summary,
    Terminal,
    fill_answers,
    questions_for,
)

__all__ = [
    "Console",
    "FileChangedError",
    "Outcome",
    "Summary",
    "Terminal",
    "fill_answers",
    "questions_for",
]
