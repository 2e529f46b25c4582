"""Nothing lost, nothing hangs, no internal errors: what a stress test and a hostile
tester found (issue 12), each kept fixed by a test that failed before the fix."""

from __future__ import annotations

import errno
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import MINI_CRITERIA, MINI_QUESTIONS

import esafety_audit.cli as cli
from esafety_audit import io as safe_io
from esafety_audit.cli import run

# Every case runs on the fast YAML path and on the careful one alone (conftest.py).
pytestmark = pytest.mark.usefixtures("both_yaml_paths")

MINI = ["--criteria", str(MINI_CRITERIA), "--questions", str(MINI_QUESTIONS)]
ROOT = Path(__file__).parent.parent


# How many files assess writes for each school (the report, summary, Markdown, JSON, CSV).
FILES_PER_SCHOOL = 5


def school(name: str = "Oak Primary", urn: str = "123456", date: str = "2026-11-20") -> str:
    return (
        f"school:\n  name: {name}\n  urn: {urn}\n  phase: primary\n  review_date: {date}\n"
        "  completed_by: J. Smith, DSL\nanswers:\n  policy: yes\n  reviewed: 2025-09-01\n"
        "  trained_pct: 95\n  shared_logins: 0\n  filtering: managed\n  lead_name: J. Smith\n"
    )


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run([*MINI, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _schools(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"school-{n:03d}.yaml"
        path.write_text(school(f"School {n:03d}", urn=str(100000 + n)), encoding="utf-8")
        paths.append(path)
    return paths


def _subprocess(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esafety_audit", *MINI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,  # type: ignore[arg-type]
    )


def _no_temporaries(folder: Path) -> None:
    left = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert not left, left


# --------------------------------------------------------------------------- 1. Ctrl-C


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("command", ["validate", "assess", "compare"])
def test_ctrl_c_exits_130_and_says_nothing_was_written(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    path = tmp_path / "oak.yaml"
    path.write_text(school(), encoding="utf-8")
    monkeypatch.setattr(cli, "load_answers", _interrupt)
    args = [str(path)] * (2 if command == "compare" else 1)
    output = [] if command == "validate" else ["-o", str(tmp_path / "out")]
    code, _, err = _cli(capsys, command, *args, *output)
    assert code == 130
    assert err.strip().endswith("Stopped. Nothing was written.")
    assert not (tmp_path / "out").exists()


def test_ctrl_c_in_a_rollup_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _schools(tmp_path / "in", 3)
    collect = importlib.import_module("esafety_audit.rollup.collect")
    monkeypatch.setattr(collect, "load_answers", _interrupt)
    code, _, err = _cli(capsys, "rollup", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 130 and "Stopped. Nothing was written." in err


def test_ctrl_c_while_loading_the_rubric_for_fill_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "load_rubric", _interrupt)
    code, _, err = _cli(capsys, "fill", str(tmp_path / "new.yaml"), "--phase", "primary")
    assert code == 130 and "Stopped. Nothing was written." in err


def test_ctrl_c_during_many_schools_says_what_was_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _schools(tmp_path / "in", 3)
    real = cli.evaluate
    seen: list[str] = []

    def evaluate(rubric, answers, frameworks=None):  # type: ignore[no-untyped-def]
        seen.append(answers.school.name)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(rubric, answers, frameworks)

    monkeypatch.setattr(cli, "evaluate", evaluate)
    out_dir = tmp_path / "out"
    code, _, err = _cli(capsys, "assess", str(tmp_path / "in"), "-o", str(out_dir))
    assert code == 130
    assert (
        f"Stopped. Wrote {FILES_PER_SCHOOL} files in {out_dir}" in err
        and "nothing else was written" in err
    )
    assert sorted(p.name for p in out_dir.iterdir())[0].startswith("school-000-")
    assert len(list(out_dir.iterdir())) == FILES_PER_SCHOOL
    _no_temporaries(out_dir)


# --------------------------------------------------------------------------- 6. temporaries


def test_sigterm_during_many_schools_exits_143_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    _schools(tmp_path / "in", 60)
    out_dir = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "esafety_audit",
            *MINI,
            "assess",
            str(tmp_path / "in"),
            "-o",
            str(out_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "wrote" in line:
                break
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, err
    assert "Stopped. Wrote" in err and "Traceback" not in err
    _no_temporaries(out_dir)
    assert (
        len(list(out_dir.iterdir())) % FILES_PER_SCHOOL == 0
    )  # each school's files whole, or none


def test_stale_temporary_files_of_the_tool_are_removed_by_the_next_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead = int(gone.stdout)  # a process that has ended
    stale = out_dir / f".oak-primary-2026-11-20.md.~esafety-{dead}-abc123.tmp"
    old = out_dir / f".report.md.~esafety-{os.getppid()}-def456.tmp"
    live = out_dir / f".report.html.~esafety-{os.getppid()}-ghi789.tmp"
    mine = out_dir / ".notes.txt.tmp"  # not the tool's: never touched
    for path in (stale, old, live, mine):
        path.write_text("half a report", encoding="utf-8")
    hours_ago = time.time() - 2 * safe_io.STALE_AFTER
    os.utime(old, (hours_ago, hours_ago))
    safe_io._swept.clear()
    path = tmp_path / "oak.yaml"
    path.write_text(school(), encoding="utf-8")
    assert _cli(capsys, "assess", str(path), "-o", str(out_dir))[0] == 0
    assert not stale.exists() and not old.exists()
    assert live.exists() and mine.exists()


def test_temporary_files_are_named_as_the_tools_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names: list[str] = []
    real = os.replace

    def spy(src: str, dst: object) -> None:
        names.append(Path(src).name)
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    safe_io.atomic_write(tmp_path / "a.txt", "a")
    assert safe_io._TMP_NAME.match(names[0]) and f"~esafety-{os.getpid()}-" in names[0]


# --------------------------------------------------------------------------- 2. symlink loops


@pytest.fixture
def loop(tmp_path: Path) -> Path:
    path = tmp_path / "loop.yaml"
    path.symlink_to(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{loop}"],
        ["assess", "{loop}", "-o", "{tmp}/out"],
        ["compare", "{loop}", "{good}"],
        ["assess", "{good}", "--previous", "{loop}", "-o", "{tmp}/out"],
        ["fill", "{loop}"],
        [
            "letter",
            "--parent",
            "P",
            "--colleague",
            "C",
            "--colleague-role",
            "R",
            "--sender",
            "S",
            "--sender-role",
            "R",
            "--platform-name",
            "X",
            "--answers",
            "{loop}",
            "-o",
            "{tmp}/l",
        ],
    ],
)
def test_a_symlink_loop_is_a_located_problem_not_an_internal_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, loop: Path, args: list[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(school(date="2026-11-21"), encoding="utf-8")
    filled = [a.format(loop=loop, good=good, tmp=tmp_path) for a in args]
    code, _, err = _cli(capsys, *filled)
    assert code == 2, err
    assert "loops back on itself" in err and "internal error" not in err
    assert loop.is_symlink()  # never replaced by a file


def test_a_looping_rubric_folder_is_a_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "criteria"
    folder.symlink_to(folder)
    code = run(["--criteria", str(folder), "criteria"])
    _, err = capsys.readouterr()
    assert code == 2 and "internal error" not in err


def test_a_looping_file_in_a_rollup_folder_is_skipped_and_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _schools(tmp_path / "in", 2)
    bad = tmp_path / "in" / "x.yaml"
    bad.symlink_to(bad)
    code, out, err = _cli(capsys, "rollup", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "x.yaml:1:1: this is a symbolic link that loops back on itself" in err
    assert "Rolled up 2 schools" in out and (tmp_path / "out" / "rollup.html").exists()


# --------------------------------------------------------------------------- 3. size, kind


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.yaml"
    limit = importlib.import_module("esafety_audit.infile").MAX_BYTES
    big.write_text(school() + "#" * limit, encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(big))
    assert code == 2
    assert f"{big}:1:1: the file is too large (1.00 MB); input files of more than 1 MB" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_refused_and_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    done = _subprocess("validate", str(fifo))  # a hang would fail on the timeout
    assert done.returncode == 2
    assert f"{fifo}:1:1: this is a named pipe (FIFO), not a file" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_named_yaml_in_a_rollup_folder_is_skipped(tmp_path: Path) -> None:
    _schools(tmp_path / "in", 2)
    os.mkfifo(tmp_path / "in" / "x.yaml")
    done = _subprocess("rollup", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "x.yaml:1:1: this is a named pipe (FIFO)" in done.stderr
    assert "Rolled up 2 schools" in done.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    done = _subprocess("validate", device)  # in a process of its own: a hang times out
    assert done.returncode == 2
    assert f"{device}:1:1: this is a device, not a file" in done.stderr


def test_problems_are_capped_per_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(school() + "".join(f"  q{n}: yes\n" for n in range(5000)), encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(path))
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 52
    assert lines[-2] == f"{path}: ... and 4,950 more problems in this file"
    assert lines[-1] == "5,000 problems found; fix them and run again."


def test_assess_writes_one_school_before_scoring_the_next(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Memory stays flat: no school's result or reports wait for the others."""
    _schools(tmp_path / "in", 3)
    out_dir = tmp_path / "out"
    real = cli.evaluate
    written_before: list[int] = []

    def evaluate(rubric, answers, frameworks=None):  # type: ignore[no-untyped-def]
        written_before.append(len(list(out_dir.glob("*"))) if out_dir.exists() else 0)
        return real(rubric, answers, frameworks)

    monkeypatch.setattr(cli, "evaluate", evaluate)
    assert _cli(capsys, "assess", str(tmp_path / "in"), "-o", str(out_dir))[0] == 0
    assert written_before == [0, FILES_PER_SCHOOL, 2 * FILES_PER_SCHOOL]


def test_two_files_of_one_school_still_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / "in" / name).write_text(school("St Mary's"), encoding="utf-8")
    (tmp_path / "in" / "c.yaml").write_text(school("St Marys", urn="654321"), encoding="utf-8")
    code, _, err = _cli(capsys, "assess", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 2 and "would both write" in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- 4. result JSON


@pytest.fixture
def result_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "new.yaml"
    path.write_text(school(), encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text(school(date="2025-11-20"), encoding="utf-8")
    code, out, _ = _cli(capsys, "assess", str(old), "--format", "json")
    assert code == 0
    return out, path


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        ('"coverage": ', '"coverage": ' + "9" * 5000 + ', "x": ', "a number far too large"),
        (
            '"unanswered": [',
            '"unanswered": ' + "[" * 100_000 + "]" * 100_000 + ', "y": [',
            "nested too deeply",
        ),
        ('"score": ', '"score": NaN, "z": ', "NaN and Infinity are not numbers"),
        ('"score": ', '"score": Infinity, "z": ', "NaN and Infinity are not numbers"),
        ('"coverage": ', '"coverage": 1e999, "w": ', "'frameworks[0].coverage': a number too"),
        ('"coverage": ', '"coverage": 123456789012345678, "w": ', "far too large"),
        ('"name": "', '"name": "\\u001b[2J', "'school.name': the text holds a control"),
        ('"coverage": ', '"coverage": "lots", "w": ', "coverage' should be a number, not"),
    ],
)
def test_result_json_is_read_strictly_with_a_location(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    result_json: tuple[str, Path],
    find: str,
    replace: str,
    message: str,
) -> None:
    text, new = result_json
    broken = tmp_path / "old-result.json"
    broken.write_text(text.replace(find, replace, 1), encoding="utf-8")
    for args in (
        ["compare", str(broken), str(new)],
        ["assess", str(new), "--previous", str(broken), "-o", str(tmp_path / "out")],
    ):
        code, out, err = _cli(capsys, *args)
        assert code == 2, err
        assert message in err and "internal error" not in err and "nan" not in out
        line = err.splitlines()[0]
        assert line.startswith(f"{broken}:") and not line.startswith(f"{broken}:1:1:")


def test_a_valid_result_json_still_compares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, result_json: tuple[str, Path]
) -> None:
    text, new = result_json
    good = tmp_path / "old-result.json"
    good.write_text(text, encoding="utf-8")
    code, out, err = _cli(capsys, "compare", str(good), str(new), "--format", "json")
    assert code == 0, err
    json.loads(out)


def test_a_missing_key_in_a_result_json_is_located_at_its_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, result_json: tuple[str, Path]
) -> None:
    text, new = result_json
    data = json.loads(text)
    del data["school"]["review_date"]
    broken = tmp_path / "old-result.json"
    broken.write_text(json.dumps(data, indent=2), encoding="utf-8")
    code, _, err = _cli(capsys, "compare", str(broken), str(new))
    assert code == 2
    assert f"{broken}:3:13: result JSON 'school.review_date' is missing" in err


# --------------------------------------------------------------------------- 7. the console


def test_a_console_that_cannot_show_a_name_gets_a_replacement(tmp_path: Path) -> None:
    path = tmp_path / "wang.yaml"
    path.write_text(school("王 Primary"), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = _subprocess("assess", str(path), "-o", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    assert "? Primary: Good" in done.stdout  # the policy review is 445 days old


class _ClosedPipe(io.StringIO):
    """stdout after the reader went away (``| head -1``): every write fails."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


@pytest.mark.parametrize("args", [["criteria"], ["criteria", "--format", "json"], ["rollup"]])
def test_a_closed_pipe_ends_quietly_with_141(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
) -> None:
    if args == ["rollup"]:
        _schools(tmp_path / "in", 2)
        args = ["rollup", str(tmp_path / "in"), "--format", "json"]
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = run([*MINI, *args])
    err = capsys.readouterr().err
    assert code == 141
    assert "internal error" not in err and "Traceback" not in err


def test_version_on_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.startswith("esafety-audit ")


# --------------------------------------------------------------------------- 10. smaller items


def test_the_same_school_twice_in_a_rollup_is_warned_about(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.yaml", "copy-of-a.yaml"):
        (tmp_path / "in" / name).write_text(school(), encoding="utf-8")
    (tmp_path / "in" / "b.yaml").write_text(school("Elm", urn="654321"), encoding="utf-8")
    code, _, err = _cli(capsys, "rollup", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "warning: Oak Primary is in 2 files and is counted 2 times" in err
    assert "Elm" not in err


def test_a_review_date_in_the_future_is_noted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "future.yaml"
    path.write_text(school(date="2999-01-01"), encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 0
    assert f"{path}: note: the review date 2999-01-01 is in the future" in err


def test_validate_notes_the_placeholder_school_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.yaml"
    assert _cli(capsys, "init", "--phase", "primary", "-o", str(path))[0] == 0
    code, out, err = _cli(capsys, "validate", str(path))
    assert code == 0 and "valid" in out
    assert f"{path}: note: school.name is still 'Your school name', as init wrote it" in err


def test_help_is_plain_and_every_option_says_what_it_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    commands = [c.name for c in cli.app.registered_commands] or []
    names = [
        c or c_fn
        for c, c_fn in zip(
            commands, [c.callback.__name__ for c in cli.app.registered_commands], strict=True
        )
    ]
    for command in [None, *[n.replace("_", "-") for n in names]]:
        code = run([command, "--help"] if command else ["--help"])
        out = capsys.readouterr().out
        assert code == 0
        for bad in ("<bool>", "<list[", "<path>", "{", "}"):
            assert bad not in out, (command, bad, out)
        assert all(len(line) <= 80 for line in out.splitlines()), out
        options = out.split("Options:")[1].splitlines()[1:] if "Options:" in out else []
        flags = [line for line in options if line.startswith("  -")]
        for line in flags:  # each option line has its description beside or below it
            assert len(line.split("  ")) > 2 or options[options.index(line) + 1].startswith(
                " " * 10
            ), (command, line)
    code = run(["init", "--help"])
    assert "primary, secondary, all-through," in capsys.readouterr().out


def test_criteria_text_shows_the_crosswalk(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["criteria", "--framework", "ofsted-esafety-2014"]) == 0
    out = capsys.readouterr().out
    assert "      related: kcsie.parents.reinforce_online_safety" in out


def test_a_multiple_choice_error_shows_how_to_write_a_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "sec.yaml"
    text = school().replace("phase: primary", "phase: secondary")
    path.write_text(text + "  ks4_topics: privacy reporting\n", encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 2
    assert "write several as a list, for example [privacy, reporting]" in err


def test_a_letter_refuses_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "letter",
            "--parent",
            "Mr \x1b[2JJones",
            "--colleague",
            "C",
            "--colleague-role",
            "R",
            "--sender",
            "S",
            "--sender-role",
            "R",
            "--platform-name",
            "X",
            "--school",
            "Oak",
            "--format",
            "md",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2 and "--parent holds a control character (U+001B)" in err
