"""Hostile inputs, measured: time, peak memory and exit code of each, in a fresh process.

    python benchmarks/stress.py [--schools 400]

It makes, in a temporary folder: a 33 MB flow list of 3 million items, a file of 1.3
million unknown question ids, a named pipe, a FIFO named ``x.yaml`` in a folder, the
largest file the tool reads (1 MB) full of unknown ids and full of one long list; and it
runs ``validate`` on each and on ``/dev/zero`` and ``/dev/urandom``. Then it times
``assess`` of N generated schools, with the peak memory, against ``assess`` of one.
Each is expected to return within seconds with exit code 2 (0 for assess). This script
measures; it does not judge (see README, Benchmarks).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HEAD = "school:\n  name: Stress\n  phase: primary\n  review_date: 2026-11-20\nanswers:\n"
LIMIT = 1_000_000  # infile.MAX_BYTES


def inputs(work: Path) -> list[str]:
    """The hostile inputs, made in ``work``: the paths to give ``validate``."""
    with open(work / "list-33mb.yaml", "w", encoding="utf-8") as f:
        f.write(HEAD + "  aup_agreed_by: [" + ", ".join(["volunteers"] * 3_000_000) + "]\n")
    with open(work / "ids-1.3m.yaml", "w", encoding="utf-8") as f:
        f.write(HEAD + "".join(f"  q{n}: yes\n" for n in range(1_300_000)))
    with open(work / "ids-1mb.yaml", "w", encoding="utf-8") as f:
        f.write(HEAD)
        n = 0
        while f.tell() < LIMIT - 40:
            f.write(f"  q{n}: yes\n")
            n += 1
    with open(work / "list-1mb.yaml", "w", encoding="utf-8") as f:
        f.write(HEAD + "  aup_agreed_by: [" + ", ".join(["pupils"] * (LIMIT // 9)) + "]\n")
    paths = [str(work / n) for n in ("list-33mb.yaml", "ids-1.3m.yaml", "ids-1mb.yaml")]
    paths.append(str(work / "list-1mb.yaml"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(work / "fifo")
        (work / "folder").mkdir()
        os.mkfifo(work / "folder" / "x.yaml")
        paths += [str(work / "fifo"), str(work / "folder")]
    paths += [p for p in ("/dev/zero", "/dev/urandom") if Path(p).exists()]
    return paths


def measure(command: list[str]) -> dict[str, float]:
    """Wall time, peak memory (MiB) and exit code of ``command`` in a fresh process."""
    code = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL, timeout=300)\n"
        "print(json.dumps({'wall': time.perf_counter() - t, 'exit': done.returncode, "
        "'peak': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=400)
    options = parser.parse_args()
    tool = [sys.executable, "-m", "esafety_audit"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print(f"{'input':<28} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
        for path in inputs(work):
            found = measure([*tool, "validate", path])
            name = Path(path).name
            print(f"{name:<28} {found['wall']:>8.2f} {found['peak']:>9.0f} {found['exit']:>5.0f}")
        sys.path.insert(0, str(Path(__file__).parent))
        from generate import generate

        for count in (1, options.schools):
            schools = work / f"schools-{count}"
            generate(schools, count)
            found = measure([*tool, "assess", str(schools), "-o", str(work / f"out-{count}")])
            name = f"assess {count} schools"
            print(f"{name:<28} {found['wall']:>8.2f} {found['peak']:>9.0f} {found['exit']:>5.0f}")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
