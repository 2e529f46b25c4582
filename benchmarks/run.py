"""The benchmarks, in one run, each beside a floor measured in the same run.

    python benchmarks/run.py            # N = 1,000 and 10,000 (about 5 minutes on 2 cores)
    python benchmarks/run.py --quick    # N = 200 and 2,000 (under a minute)

It measures, each command in a fresh process:

1. the roll-up of N generated answers files (benchmarks/generate.py: a seeded mix of
   strong, weak and partly answered schools, from the question bank) on one core,
   against the floor of only loading the same files with PyYAML's C loader in a loop;
2. ``esafety-audit rollup`` on every core, against the same roll-up on one core;
3. the peak resident memory of the roll-ups, at both sizes, and their ratio;
4. ``esafety-audit assess EXAMPLE --format json`` against starting Python and importing
   its libraries (``python -c "import pydantic, yaml, jinja2, markdown, typer"``),
   interleaved, medians;

and, in this process, how long loading the rubric, scoring one school and scoring it
again after one changed answer take; and what ``esafety-audit serve`` does when an
answer is given: check it, change its characters in the file, load the file back,
write it atomically and re-score the school (Riverside), against only reading and
scoring the same file. Every target of issue 13 is printed with "met"
or "not met". Machines here are noisy: compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "oakfield-primary.yaml"
RIVERSIDE = ROOT / "questionnaires" / "examples" / "riverside-academy.yaml"
# Each target: (limit, whether the value must be at most it, unit).
TARGETS = {
    "rollup": (1.5, True, "x"),  # one-core roll-up / C-loader floor, at the largest N
    "cores": (1.6, False, "x"),  # one-core roll-up / roll-up on every core
    "memory": (1.1, True, "x"),  # peak memory at the largest N / at the smallest
    "assess": (1.3, True, "x"),  # assess / import floor
    "score": (10.0, True, " ms"),  # score one school, in process
    "rescore": (20.0, True, " ms"),  # re-score after one changed answer (the web app)
    "save": (100.0, True, " ms"),  # serve: save one answer and re-score (issue 14)
}
IMPORTS = "import pydantic, yaml, jinja2, markdown, typer"
# The same, with pydantic's models loaded: ``import pydantic`` alone loads them lazily, so
# the floor leaves out what any program that defines a model pays. Shown beside
# the floor (not a target), to say how much of the gap is pydantic's.
WITH_MODELS = IMPORTS + "; from pydantic import BaseModel"

FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""

ONE_CORE = """
import io, sys
from pathlib import Path
from esafety_audit.loading import iter_answer_files
from esafety_audit.rollup import Job, roll_up
paths = iter_answer_files([Path(sys.argv[1])])
roll_up(paths, Job(None, None, None), Path(sys.argv[2]), as_json=False,
        out=io.StringIO(), err=sys.stderr, workers=1)
"""


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    peak: int  # KiB, the largest resident set of the process and its children


def measure(command: Sequence[str]) -> Run:
    """Run ``command`` from a fresh wrapper process, which reports its wall time and the
    peak memory of the command and its children (and nothing run before it)."""
    wrapper = [sys.executable, __file__, "--measure", "--", *command]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(data["wall"], data["peak"])


def _measure_main(command: list[str]) -> None:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        sys.exit(done.returncode)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"wall": wall, "peak": peak}))


def as_installed() -> None:
    """Let the commands measured keep their byte-code, as an installed tool does.

    With PYTHONDONTWRITEBYTECODE set (some shells and containers set it), this package's
    modules would be compiled from source on every run, while the floor's libraries,
    compiled when pip installed them, would not: a cost no user of a wheel pays. The
    first, unmeasured run of each command writes the byte-code.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "esafety_audit", *args]


def answers_files(work: Path, count: int) -> Path:
    """A folder of ``count`` generated answers files, made once per work folder."""
    sys.path.insert(0, str(Path(__file__).parent))
    from generate import generate

    folder = work / f"schools-{count}"
    if not folder.is_dir() or len(list(folder.glob("*.yaml"))) != count:
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, count)
    return folder


def rollup_rows(work: Path, sizes: list[int], repeats: int, one_core: bool) -> list[Row]:
    rows: list[Row] = []
    peaks: dict[int, int] = {}
    for n, count in enumerate(sizes):
        folder = answers_files(work, count)
        out = work / f"rollup-{count}"
        floors, rollups, singles = [], [], []
        for _ in range(repeats):  # interleaved, so that drift hits all alike
            floors.append(measure([sys.executable, "-c", FLOOR, str(folder)]))
            rollups.append(measure(tool("rollup", str(folder), "-o", str(out))))
            if one_core:
                singles.append(measure([sys.executable, "-c", ONE_CORE, str(folder), str(out)]))
        floor = min(r.wall for r in floors)
        best = min(r.wall for r in rollups)
        single = min((r.wall for r in singles), default=best)
        peaks[count] = min(r.peak for r in rollups)
        last = n == len(sizes) - 1
        size = sum(p.stat().st_size for p in folder.glob("*.yaml")) / count / 1024
        rows += [
            Row(f"N = {count:,} answers files ({size:.1f} KiB each)", "", ""),
            Row("  floor: yaml.load(CSafeLoader) in a loop", _seconds(floor), ""),
            *([Row("  rollup on one core", _seconds(single), "")] if one_core else []),
            Row(f"  esafety-audit rollup ({_cores()} cores)", _seconds(best), ""),
            Row(
                "  one-core rollup / floor",
                f"{single / floor:.2f}x",
                _target(single / floor, "rollup") if last else "",
            ),
            Row(
                f"  one core / {_cores()} cores",
                f"{single / best:.2f}x",
                _target(single / best, "cores") if last and one_core else "",
            ),
            Row("  peak memory of rollup", f"{peaks[count] / 1024:.0f} MiB", ""),
        ]
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        ratio = peaks[large] / peaks[small]
        rows.append(
            Row(
                f"peak memory N = {large:,} / N = {small:,}",
                f"{ratio:.2f}x",
                _target(ratio, "memory"),
            )
        )
    return rows


def assess_rows(example: Path, runs: int) -> list[Row]:
    floor_cmd = [sys.executable, "-c", IMPORTS]
    models_cmd = [sys.executable, "-c", WITH_MODELS]
    assess_cmd = tool("assess", str(example), "--format", "json")
    measure(assess_cmd)  # warm the file cache and byte-code once
    floors, models, assesses = [], [], []
    for _ in range(runs):  # interleaved, so that drift hits all alike
        floors.append(measure(floor_cmd).wall)
        models.append(measure(models_cmd).wall)
        assesses.append(measure(assess_cmd).wall)
    floor, assess = statistics.median(floors), statistics.median(assesses)
    with_models = statistics.median(models)
    return [
        Row(f"assess {example.name} --format json (median of {runs})", _ms(assess), ""),
        Row(f'  floor: python -c "{IMPORTS}"', _ms(floor), ""),
        Row("  the floor with pydantic.BaseModel loaded (not a target)", _ms(with_models), ""),
        Row("  assess / floor", f"{assess / floor:.2f}x", _target(assess / floor, "assess")),
    ]


def in_process_rows(example: Path) -> list[Row]:
    from esafety_audit.engine import evaluate, outline
    from esafety_audit.loading import check_value, load_answers, load_rubric

    load_rubric.cache_clear()  # generating the files loaded it already
    start = time.perf_counter()
    rubric = load_rubric()
    loaded = time.perf_counter() - start
    answers = load_answers(example, rubric)
    times, again, outlines = [], [], []
    qid, answer = next(iter(answers.answers.items()))
    for _ in range(20):
        start = time.perf_counter()
        evaluate(rubric, answers)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        outline(rubric, answers)  # what the roll-up works out of each school
        outlines.append(time.perf_counter() - start)
        # The web app's path: one answer changes, its value is checked, all is re-scored.
        start = time.perf_counter()
        value, _trouble = check_value(rubric.bank.questions()[qid], answer.value)
        changed = {**answers.answers, qid: answer.model_copy(update={"value": value})}
        evaluate(rubric, answers.model_copy(update={"answers": changed}))
        again.append(time.perf_counter() - start)
    criteria = len(rubric.criteria())
    score, rescore = statistics.median(times), statistics.median(again)
    return [
        Row("in process: load and check rubrics + questions (cached)", _ms(loaded), ""),
        Row(f"in process: score one school ({criteria} criteria)", _ms(score), ""),
        Row("  target", "", _target(score * 1000, "score")),
        Row(
            "in process: outline one school (the roll-up's path)",
            _ms(statistics.median(outlines)),
            "",
        ),
        Row("in process: re-score after one changed answer", _ms(rescore), ""),
        Row("  target", "", _target(rescore * 1000, "rescore")),
    ]


def save_rows(example: Path, work: Path) -> list[Row]:
    """serve's save of one answer and the results after it, against reading and scoring."""
    from esafety_audit.engine import evaluate
    from esafety_audit.loading import load_answers, load_rubric
    from esafety_audit.rollup import Job
    from esafety_audit.web.workspace import Change, Workspace

    rubric = load_rubric()
    path = work / example.name
    shutil.copyfile(example, path)
    workspace = Workspace(rubric, Job(None, None, None), folder=work)
    opened = workspace.open(path)
    qid = next(q for q, a in load_answers(path, rubric).answers.items() if isinstance(a.value, int))
    floors, saves = [], []
    for n in range(21):
        start = time.perf_counter()
        evaluate(rubric, load_answers(path, rubric))
        floors.append(time.perf_counter() - start)
        version = workspace.load(opened).version  # as the page carries it
        start = time.perf_counter()
        saved = workspace.save(opened, version, [Change(qid, "value", n % 7)])
        evaluate(rubric, saved.loaded.answers)
        saves.append(time.perf_counter() - start)
        assert saved.written or n == 0  # the first may give the value it had
    floor, save = statistics.median(floors), statistics.median(saves)
    return [
        Row(f"in process: read and score {example.name} (floor)", _ms(floor), ""),
        Row("in process: serve saves one answer and re-scores", _ms(save), ""),
        Row("  save / floor", f"{save / floor:.2f}x", ""),
        Row("  target", "", _target(save * 1000, "save")),
    ]


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    target: str


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def _target(value: float, name: str) -> str:
    limit, at_most, unit = TARGETS[name]
    met = value <= limit if at_most else value >= limit
    return f"{'<=' if at_most else '>='} {limit:g}{unit}: {'met' if met else 'not met'}"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(handle.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:  # pragma: no cover - not on Linux
        return "unknown memory"


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        _measure_main(sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 2,000, fewer repeats")
    parser.add_argument("--smoke", action="store_true", help="N = 20 and 40, once: checks it runs")
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers of schools")
    parser.add_argument("--repeats", type=int, help="runs of each roll-up (best is kept)")
    parser.add_argument("--work", type=Path, help="folder for the generated files (kept)")
    args = parser.parse_args()
    sizes, repeats, runs = [1000, 10000], 3, 15
    if args.quick:
        sizes, repeats, runs = [200, 2000], 2, 7
    if args.smoke:
        sizes, repeats, runs = [20, 40], 1, 1
    sizes = args.sizes or sizes
    repeats = args.repeats or repeats
    work = args.work or Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    as_installed()
    started = time.perf_counter()
    try:
        rows = [
            *rollup_rows(work, sizes, repeats, one_core=not args.smoke),
            *assess_rows(EXAMPLE, runs),
            *in_process_rows(EXAMPLE),
            *save_rows(RIVERSIDE, work),
        ]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"machine: {_cores()} cores, {_memory()}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; roll-ups: best of {repeats}; "
        f"took {time.perf_counter() - started:.0f} s"
    )
    width = max(len(r.measure) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}  target")
    for row in rows:
        print(f"{row.measure:<{width}}  {row.value:>10}  {row.target}".rstrip())


if __name__ == "__main__":
    main()
