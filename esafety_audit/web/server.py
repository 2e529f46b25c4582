"""Start the app on 127.0.0.1, print its address, open the browser, stop on Ctrl-C.

It listens on the loopback address only: there is no option to listen elsewhere.
The port is the one asked for, or a free one the system gives.
"""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from ..models import Rubric
from ..rollup.collect import Job
from .app import create_app
from .security import Secrets
from .workspace import Workspace

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: any free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, port))
    sock.listen(128)
    return sock


def serve(
    rubric: Rubric,
    job: Job,
    target: Path | None,
    *,
    port: int,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve until Ctrl-C; ``target`` is an answers file, a folder, or None."""
    folder = target if target is not None and target.is_dir() else None
    # New reviews are made in the folder given, beside the file given, or here.
    new_in = target.parent if target is not None and folder is None else None
    workspace = Workspace(rubric, job, folder=folder, new_in=new_in)
    first = None
    if target is not None and folder is None:
        first = workspace.open(target)
    sock = bind(port)
    keys = Secrets(sock.getsockname()[1])
    app = create_app(workspace, keys)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    address = keys.address()
    say(f"esafety-audit is running at {address}")
    say("It listens on this computer only (127.0.0.1); nothing is sent anywhere.")
    if first is not None:
        say(f"Answers are saved in {first.shown} as soon as they are given.")
    elif folder is not None:
        say(f"Answers files in {folder} can be opened; new reviews are made there.")
    say("Keep this window open while you work; press Ctrl-C to stop.")
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, address), daemon=True).start()
    try:
        # Ctrl-C (or SIGTERM): uvicorn finishes the requests under way, then raises the
        # signal again, so the command line ends as any other command does: it says what
        # was written (each file whole) and exits 130 (143).
        server.run(sockets=[sock])
    finally:
        sock.close()


def _open_when_started(server: uvicorn.Server, address: str) -> None:
    for _ in range(200):
        if server.started:
            webbrowser.open(address)
            return
        time.sleep(0.05)
