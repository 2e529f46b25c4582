"""The sample reports in reports/ are what the code produces for the example schools.

When one of these fails, the code or a rubric changed the reports: look at the
difference, and if it is intended, regenerate the samples with the one command
below and commit them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from esafety_audit.engine import evaluate
from esafety_audit.loading import load_answers
from esafety_audit.models import Rubric
from esafety_audit.reports import render_reports, report_stem

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
ENDINGS = (".md", ".html", "-summary.html", ".json", "-actions.csv")
REGENERATE = "esafety-audit assess questionnaires/examples/ -o reports"


def expected_files(rubric: Rubric, example: Path) -> dict[str, bytes]:
    result = evaluate(rubric, load_answers(example, rubric))
    stem = report_stem(result)
    return {
        f"{stem}{ending}": data.encode("utf-8") if isinstance(data, str) else data
        for ending, data in render_reports(result, rubric).items()
    }


def test_there_are_example_schools() -> None:
    assert EXAMPLES, "questionnaires/examples/ has no example answers files"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_sample_reports_are_up_to_date(rubric: Rubric, example: Path) -> None:
    files = expected_files(rubric, example)
    assert [any(name.endswith(e) for e in ENDINGS) for name in files] == [True] * len(ENDINGS)
    for name, data in files.items():
        path = REPORTS / name
        assert path.exists(), f"reports/{name} is missing; regenerate with: {REGENERATE}"
        assert path.read_bytes() == data, (
            f"reports/{name} is out of date with the code; check the difference, "
            f"then regenerate with: {REGENERATE}"
        )


def test_reports_folder_holds_only_the_current_samples(rubric: Rubric) -> None:
    expected = {"README.md"}
    for example in EXAMPLES:
        expected.update(expected_files(rubric, example))
    found = {p.name for p in REPORTS.iterdir()} if REPORTS.is_dir() else set()
    assert found == expected, (
        f"reports/ should hold exactly the example schools' reports; "
        f"stale: {sorted(found - expected)}, missing: {sorted(expected - found)}; "
        f"remove the folder's reports and regenerate with: {REGENERATE}"
    )
