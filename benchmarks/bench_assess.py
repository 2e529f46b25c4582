"""How long one assessment takes, against the cost of merely starting Python with
the libraries it needs. Machines here are noisy, so both are measured in the same
run, interleaved, and the table reports medians and their ratio.

    python benchmarks/bench_assess.py [--runs 15] [EXAMPLE.yaml]

Also reports in-process timings (no interpreter start-up): loading the rubrics
and evaluating one school.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXAMPLE = ROOT / "questionnaires" / "examples" / "oakfield-primary.yaml"


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process(example: Path, runs: int) -> tuple[float, float]:
    from esafety_audit.engine import evaluate
    from esafety_audit.loading import load_answers, load_rubric

    start = time.perf_counter()
    rubric = load_rubric()
    load_time = time.perf_counter() - start
    answers = load_answers(example, rubric)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate(rubric, answers)
        times.append(time.perf_counter() - start)
    return load_time, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", type=Path, default=DEFAULT_EXAMPLE)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    floor_cmd = [sys.executable, "-c", "import pydantic, yaml, typer"]
    assess_cmd = [
        sys.executable,
        "-m",
        "esafety_audit",
        "assess",
        str(args.example),
        "--format",
        "json",
    ]
    wall(assess_cmd)  # warm the file cache and byte-code once
    floors, assesses = [], []
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        floors.append(wall(floor_cmd))
        assesses.append(wall(assess_cmd))
    floor, assess = statistics.median(floors), statistics.median(assesses)
    load_time, eval_time = in_process(args.example, args.runs)

    rows = [
        ('python -c "import pydantic, yaml, typer" (floor)', f"{floor * 1000:.0f} ms"),
        ("esafety-audit assess EXAMPLE --format json", f"{assess * 1000:.0f} ms"),
        ("ratio assess / floor", f"{assess / floor:.2f}x"),
        ("in process: load and check rubrics + questions", f"{load_time * 1000:.1f} ms"),
        ("in process: evaluate one school", f"{eval_time * 1000:.2f} ms"),
    ]
    print(f"runs: {args.runs} each, interleaved; example: {args.example.name}")
    for name, value in rows:
        print(f"{name:<52} {value:>10}")


if __name__ == "__main__":
    main()
