"""The ratio targets counted in instructions, not seconds: for a busy, shared machine.

    python benchmarks/instructions.py            # needs valgrind; about 10 minutes

Wall-clock ratios swing with whatever else the machine runs; the number of
instructions a run executes (valgrind's callgrind, "Collected") does not. This counts:

1. ``assess EXAMPLE --format json`` against the issue's import floor, and against the
   floor with ``pydantic.BaseModel`` loaded (``import pydantic`` alone loads it lazily);
2. the one-core roll-up against the C-loader floor, per file: each is run at two sizes
   and the difference divided by the difference in files, so start-up drops out and the
   ratio is the one a large N tends to;
3. how much of a roll-up's work is the scoring of files, which the process pool shares
   out, and so the most that a second core can give (Amdahl's law; the pool's own costs,
   sending work and rows between processes, are not counted, so it is an upper bound).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import (
    EXAMPLE,
    FLOOR,
    IMPORTS,
    ONE_CORE,
    TARGETS,
    WITH_MODELS,
    answers_files,
    as_installed,
    tool,
)

# Parsing and scoring each file, and nothing else: the work the pool shares out.
SCORING = """
import sys
from pathlib import Path
from esafety_audit.loading import iter_answer_files
from esafety_audit.rollup import Job
from esafety_audit.rollup.collect import Shape
job = Job(None, None, None)
rubric = job.rubric()
shape = Shape.of(rubric)
for path in iter_answer_files([Path(sys.argv[1])]):
    job(path, rubric, shape)
"""


def instructions(command: list[str]) -> int:
    """The instructions ``command`` executes, counted by callgrind."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 300], metavar="N")
    parser.add_argument("--schools", type=int, default=10000, help="N for the 2-core bound")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    as_installed()
    py = sys.executable
    assess_cmd = tool("assess", str(EXAMPLE), "--format", "json")
    subprocess.run(assess_cmd, capture_output=True, check=True)  # fill the rubric cache
    floor = instructions([py, "-c", IMPORTS])
    models = instructions([py, "-c", WITH_MODELS])
    assess = instructions(assess_cmd)
    rows = [
        ("assess / import floor", assess / floor, "assess"),
        ("assess / floor with pydantic.BaseModel loaded (not a target)", assess / models, ""),
    ]
    small, large = args.sizes
    with tempfile.TemporaryDirectory(prefix="esafety-instr-") as tmp:
        work = Path(tmp)
        counts: dict[str, dict[int, int]] = {"floor": {}, "one": {}, "scoring": {}}
        for n in (small, large):
            folder = answers_files(work, n)
            out = str(work / f"rollup-{n}")
            counts["floor"][n] = instructions([py, "-c", FLOOR, str(folder)])
            counts["one"][n] = instructions([py, "-c", ONE_CORE, str(folder), out])
            counts["scoring"][n] = instructions([py, "-c", SCORING, str(folder)])
    per = {k: (v[large] - v[small]) / (large - small) for k, v in counts.items()}
    fixed = counts["one"][small] - small * per["one"]
    n = args.schools
    one = fixed + n * per["one"]
    two = fixed + n * (per["one"] - per["scoring"]) + n * per["scoring"] / 2
    rows += [
        ("one-core rollup / floor, per file", per["one"] / per["floor"], "rollup"),
        (f"share of a roll-up of {n:,} that the pool shares out", n * per["scoring"] / one, ""),
        (f"one core / 2 cores at most, N = {n:,} (Amdahl)", one / two, "cores"),
    ]
    print(
        f"instructions (callgrind): floor {floor / 1e6:,.0f} M, with models {models / 1e6:,.0f} M, "
        f"assess {assess / 1e6:,.0f} M; per file: floor {per['floor'] / 1e6:.1f} M, "
        f"one-core rollup {per['one'] / 1e6:.1f} M, parse and score {per['scoring'] / 1e6:.1f} M"
    )
    for name, value, target in rows:
        shown = f"{value:.0%}" if name.startswith("share") else f"{value:.2f}x"
        verdict = ""
        if target:
            limit, at_most, unit = TARGETS[target]
            met = value <= limit if at_most else value >= limit
            verdict = f"{'<=' if at_most else '>='} {limit:g}{unit}: {'met' if met else 'not met'}"
        print(f"{name:<62} {shown:>7}  {verdict}".rstrip())


if __name__ == "__main__":
    main()
