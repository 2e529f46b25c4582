"""Every command the README shows runs as written, against the examples.

The commands are read from the README's ``bash`` and ``console`` blocks (a command is
a line that starts with ``esafety-audit``, ``$ esafety-audit`` or, after ``&&``,
``.venv/bin/esafety-audit``; a ``\\`` continues it). They run in order, in a fresh
folder holding the shipped examples and what the README says the reader already has
(last year's answers file, a folder of schools, two rubric copies). For a ``console``
block, every line of output the README shows must be in what the command printed.
"""

from __future__ import annotations

import builtins
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from esafety_audit.cli import run

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
TOOL = re.compile(r"^(?:\.venv/bin/)?esafety-audit(?:\s|$)")


@dataclass(frozen=True)
class Command:
    line: int
    text: str
    output: tuple[str, ...] = ()  # lines shown after it in a console block

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text, comments=True)[1:]


def readme_commands(text: str) -> list[Command]:
    commands: list[Command] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        fence = lines[index].strip()
        index += 1
        if fence not in ("```bash", "```console"):
            continue
        block: list[tuple[int, str]] = []
        while index < len(lines) and lines[index].strip() != "```":
            block.append((index + 1, lines[index]))
            index += 1
        commands.extend(_block_commands(block, console=fence == "```console"))
    return commands


def _block_commands(block: list[tuple[int, str]], *, console: bool) -> list[Command]:
    found: list[Command] = []
    i = 0
    while i < len(block):
        number, line = block[i]
        i += 1
        text = line.removeprefix("$ ") if console else line
        if console and not line.startswith("$ "):
            continue
        while text.endswith("\\") and i < len(block):
            text = text[:-1] + " " + block[i][1].strip()
            i += 1
        parts = [p.strip() for p in text.split("&&")]
        tools = [p for p in parts if TOOL.match(p)]
        if not tools:
            continue
        output: list[str] = []
        while console and i < len(block) and not block[i][1].startswith("$ "):
            output.append(block[i][1])
            i += 1
        found.extend(Command(number, t, tuple(output)) for t in tools)
    return found


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def test_the_readme_shows_the_commands_of_a_schools_year() -> None:
    shown = {c.argv[0] for c in COMMANDS if c.argv and not c.argv[0].startswith("-")}
    assert {
        "serve",
        "init",
        "fill",
        "validate",
        "assess",
        "compare",
        "rollup",
        "letter",
        "criteria",
        "questions",
        "rubric-diff",
        "schema",
    } <= shown


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a reader of the README has it: a clone's examples, and their own files."""
    home = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "questionnaires", home / "questionnaires")
    examples = ROOT / "questionnaires" / "examples"
    shutil.copy(examples / "previous" / "riverside-academy-2025.yaml", home / "answers-2025.yaml")
    (home / "trust-schools").mkdir()
    for school in examples.glob("*.yaml"):
        shutil.copy(school, home / "trust-schools" / school.name)
    for copy in ("rubric-2026", "rubric-2027"):
        shutil.copytree(ROOT / "criteria", home / copy / "criteria")
        shutil.copytree(ROOT / "questionnaires", home / copy / "questionnaires")
    return home


# Output a README block shows that depends on what the reader's own folders hold.
OWN_OUTPUT = {"rubric-diff"}
# Runs until Ctrl-C: tests/test_web_browser.py starts it as a user does and stops it.
UNTIL_STOPPED = {"serve"}


def test_every_readme_command_runs_as_written(
    workplace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(workplace)

    def no_more_input(prompt: str = "") -> str:  # fill: the person closes the terminal
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_more_input)
    failures = []
    for command in COMMANDS:
        if command.argv[0] in UNTIL_STOPPED:
            continue
        code = run(command.argv)
        out, err = capsys.readouterr()
        if code != 0:
            failures.append(f"README line {command.line}: exit {code}: {command.text}\n{err}")
            continue
        if command.argv[0] in OWN_OUTPUT:
            continue
        printed = " ".join((out + err).split())
        for shown in command.output:
            words = " ".join(shown.split())
            if words and "..." not in words and words not in printed:
                failures.append(f"README line {command.line}: not printed: {shown!r}")
    assert not failures, "\n".join(failures)
    assert not (workplace / "reports").exists()  # nothing goes into the shipped samples
