"""The serve command's own checks, before anything listens: the web extra missing, a
path that is not there, an answers file with problems, a port that is taken."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from esafety_audit import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "questionnaires" / "examples"


def test_without_the_web_extra_one_line_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "esafety_audit.web.server", raising=False)
    assert cli.run(["serve", "--no-browser"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "esafety-audit: serve needs the web extra (uvicorn is not installed); install it "
        'with: pipx install "esafety-audit[web]"  (or pip install "esafety-audit[web]")\n'
    )


def test_a_missing_path_and_a_file_with_problems_stop_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["serve", str(tmp_path / "nowhere.yaml"), "--no-browser"]) == 2
    assert "nowhere.yaml does not exist" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    text = (EXAMPLE / "riverside-academy.yaml").read_text("utf-8")
    broken.write_text(text.replace("    value: 58\n", "    value: lots\n", 1), "utf-8")
    assert cli.run(["serve", str(broken), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml:" in err and "staff_trained_pct: 'lots' is not" in err
    assert "1 problem found; fix them and run again." in err


def test_a_port_in_use_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        assert cli.run(["serve", "--no-browser", "--port", str(port)]) == 2
    finally:
        taken.close()
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1 port {port}" in err and "choose another --port" in err
    assert cli.run(["serve", "--port", "70000"]) == 2


def test_there_is_no_option_to_listen_elsewhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["serve", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "127.0.0.1" in help_text
    assert "--host" not in help_text and "--bind" not in help_text
    assert cli.run(["serve", "--host", "0.0.0.0"]) == 2
