"""Generate realistic answers files for benchmarks: many made-up schools, from the question bank.

    python benchmarks/generate.py FOLDER [-n 1000] [--seed 2026]

Each school gets a strength (strong, middling or weak) and a share of questions it
answered, and answers every applicable question of the current question bank in keeping
with them: new questions are covered without changing this script. Some answers are in
the long form, with evidence, notes and an action. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from esafety_audit.loading import load_rubric
from esafety_audit.models import Question, Rubric

FIRST = ["Oak", "Ash", "River", "Hill", "Meadow", "Brook", "Elm", "Cedar", "Holly", "Willow"]
SECOND = ["field", "side", "bank", "gate", "wood", "view", "croft", "ley", "moor", "dale"]
KINDS = {
    "primary": ["Primary School", "Infant and Junior School", "CE Primary School"],
    "secondary": ["Academy", "High School", "Community College"],
    "all-through": ["All-Through School", "Academy (3-18)"],
    "middle": ["Middle School"],
    "special": ["Special School", "School (SEND)"],
}
EVIDENCE = [
    "Minutes of the full governing board",
    "Training register, signed by the DSL",
    "Filtering provider's termly report",
    "Pupil voice survey, summer term",
    "Incident log and CPOMS records",
]


def school_profile(rng: random.Random) -> tuple[float, float]:
    """A strength (0 weak to 1 strong) and the share of questions answered."""
    band = rng.random()
    if band < 0.3:
        strength = rng.uniform(0.8, 1.0)
    elif band < 0.8:
        strength = rng.uniform(0.4, 0.8)
    else:
        strength = rng.uniform(0.0, 0.4)
    spread = rng.random()
    answered = (
        1.0 if spread < 0.7 else rng.uniform(0.7, 0.95) if spread < 0.9 else rng.uniform(0.2, 0.6)
    )
    return strength, answered


def answer_value(question: Question, strength: float, review: date, rng: random.Random) -> Any:
    """A plausible answer: a strong school mostly gives the strongest answers, and only a
    weak one often gives the weakest (the answers behind indicators of inadequate practice)."""
    good = rng.random() < strength
    worst = rng.random() < (1 - strength) ** 3 / 2
    kind = question.type
    if kind in ("yes_partly_no", "yes_no", "single_choice"):
        ids = question.choice_ids()  # weakest first
        if good:
            return ids[-1]
        if worst or len(ids) < 3:
            return ids[0]
        # Just short of the best for most schools, further down for weak ones.
        return ids[len(ids) - 2 - int(rng.random() ** 2 * (1 - strength) * (len(ids) - 2))]
    if kind == "multiple_choice":
        return [c for c in question.choice_ids() if rng.random() < 0.3 + 0.7 * strength]
    if kind == "percentage":
        return round(min(100.0, max(0.0, rng.gauss(45 + 55 * strength, 12))))
    if kind == "number":
        if question.better == "lower":
            return rng.randint(1, 4) if worst else 0
        return rng.randint(2, 8) if good else rng.randint(0, 2)
    if kind == "date":
        if question.future_dates and good:
            return review + timedelta(days=rng.randint(30, 300))
        days = rng.randint(10, 300) if good else rng.randint(200, 1100)
        return review - timedelta(days=days)
    return "Named in the policy; deputy trained" if good else "Not yet decided"


def school_answers(rubric: Rubric, index: int, rng: random.Random) -> dict[str, Any]:
    """One school's answers file as plain data."""
    phase = rng.choice(sorted(rubric.bank.phases))
    stages = frozenset(rubric.bank.phases[phase])
    review = date(2026, 9, 1) + timedelta(days=rng.randint(0, 100))
    strength, answered = school_profile(rng)
    name = f"{rng.choice(FIRST)}{rng.choice(SECOND)} {rng.choice(KINDS[phase])} {index:05d}"
    answers: dict[str, Any] = {}
    for qid, question in rubric.bank.questions().items():
        if not question.applies_to.matches(phase, stages) or rng.random() >= answered:
            continue
        value = answer_value(question, strength, review, rng)
        if rng.random() < 0.25:
            long: dict[str, Any] = {"value": value, "evidence": rng.choice(EVIDENCE)}
            if rng.random() < 0.4:
                long["notes"] = "Followed up at the autumn safeguarding meeting."
                long["action"] = {"owner": "DSL", "due": review + timedelta(days=60)}
            answers[qid] = long
        else:
            answers[qid] = value
    return {
        "school": {
            "name": name,
            "urn": str(100000 + index),
            "phase": phase,
            "review_date": review,
            "completed_by": "A. Example, DSL",
        },
        "question_bank_version": rubric.bank.version,
        "answers": answers,
    }


def generate(folder: Path, count: int, seed: int = 2026) -> list[Path]:
    """Write ``count`` answers files into ``folder``; the same seed gives the same files."""
    rubric = load_rubric()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        data = school_answers(rubric, index, rng)
        path = folder / f"school-{index:05d}.yaml"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(
            yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="how many schools")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.folder, args.n, args.seed)
    print(f"wrote {args.n} answers files to {args.folder}")


if __name__ == "__main__":
    main()
