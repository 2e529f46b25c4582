"""Rule behaviour as data: every criterion's cases in tests/cases/<framework>/*.yaml.

A case gives answers (and optionally school details) and the status the
criterion must then have. For an inadequate indicator, ``triggered`` means the
indicator is present (status not_met) and ``clear`` that it is not (met).
Every shipped criterion must have at least one case that meets it and one that
does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import make_answers

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_rubric
from esafety_audit.yamlfile import read_yaml

CASES = Path(__file__).parent / "cases"
ALIASES = {"triggered": "not_met", "clear": "met"}


def _load_cases() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted(CASES.glob("*/*.yaml")):
        data = read_yaml(path).data or {}  # the tool's own loader: yes/no stay words
        for criterion_id, cases in data.items():
            for i, case in enumerate(cases):
                found.append((f"{path.parent.name}/{path.name}", criterion_id, {**case, "_n": i}))
    return found


ALL_CASES = _load_cases()


@pytest.mark.parametrize(
    ("where", "criterion_id", "case"),
    ALL_CASES,
    ids=[f"{c}[{case['_n']}]" for _, c, case in ALL_CASES],
)
def test_case(rubric, where: str, criterion_id: str, case: dict[str, Any]) -> None:
    answers = make_answers(rubric, case.get("answers") or {}, **(case.get("school") or {}))
    result = evaluate(rubric, answers)
    statuses = {c.id: c for c in result.criteria}
    assert criterion_id in statuses, f"{where}: no criterion {criterion_id}"
    expected = ALIASES.get(case["expect"], case["expect"])
    got = statuses[criterion_id]
    assert got.status == expected, f"{where} case {case['_n']}: {got.status}; reasons {got.reasons}"
    assert got.reasons, "every status carries its reasons"


def test_every_criterion_has_a_meeting_and_a_failing_case() -> None:
    expected: dict[str, set[str]] = {}
    for _, criterion_id, case in ALL_CASES:
        expected.setdefault(criterion_id, set()).add(ALIASES.get(case["expect"], case["expect"]))
    missing = []
    for criterion in load_rubric().criteria():
        got = expected.get(criterion.id, set())
        if "met" not in got or "not_met" not in got:
            missing.append(f"{criterion.id} (has: {', '.join(sorted(got)) or 'no cases'})")
    assert not missing, "criteria without a met and a not-met case:\n" + "\n".join(missing)
