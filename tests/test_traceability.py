"""The traceability table (docs/traceability.md): every bullet of NAHT's advice and the
criteria that answer it, generated from the YAML, never edited by hand.

* The file in docs/ is what ``esafety-audit criteria --traceability`` prints now: a
  change to the criteria or the bullets that is not regenerated fails here.
* Every criterion citing a document NAHT quotes traces at least one bullet, and every
  bullet is traced (a bullet left untraced must carry a `note` saying why).
* A bullet nobody traces shows as a gap; a criterion tracing an unknown bullet is an
  error that names its file, line and column; a bullet id used twice is an error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import copy_rubric

from esafety_audit.cli import run
from esafety_audit.errors import InputError
from esafety_audit.loading import data_dir, load_rubric
from esafety_audit.models import Rubric
from esafety_audit.traceability import (
    BulletList,
    bullets_file,
    check_traces,
    load_bullets,
    render,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "traceability.md"
REGENERATE = "esafety-audit criteria --traceability > docs/traceability.md"


@pytest.fixture(scope="module")
def bullets() -> BulletList:
    return load_bullets(bullets_file())


def test_the_table_in_docs_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["criteria", "--traceability"]) == 0
    printed = capsys.readouterr().out
    assert DOC.read_text(encoding="utf-8") == printed, (
        f"docs/traceability.md is out of date; regenerate with: {REGENERATE}"
    )


def test_every_criterion_citing_the_naht_document_traces_a_bullet(
    rubric: Rubric, bullets: BulletList
) -> None:
    bare = [
        c.id
        for c in rubric.criteria()
        if c.source.document in bullets.quoted_documents and not c.traces
    ]
    assert not bare, "criteria citing NAHT's document but tracing no bullet: " + ", ".join(bare)


def test_every_bullet_is_traced_unless_its_note_says_why(
    rubric: Rubric, bullets: BulletList
) -> None:
    traced = {t for c in rubric.criteria() for t in c.traces}
    untraced = [b for p in bullets.parts for b in p.bullets if b.id not in traced]
    assert [b.id for b in untraced if not b.note] == []
    # Today every bullet has its criteria, the Appendix 3 letter's included.
    assert untraced == []


def test_the_table_names_each_bullet_its_criteria_and_its_gaps(
    rubric: Rubric, bullets: BulletList
) -> None:
    table = render(bullets, rubric)
    assert (
        "| `staff.no_friend_requests` | Staff do not accept friend requests from past or "
        "present pupils. | `ofsted.personal_data.professional_boundaries`, "
        "`naht.staff_conduct.no_pupil_friend_requests` |"
    ) in table
    assert (
        "| `letter.note_taker` | A named colleague attends as note-taker. | "
        "`naht.parent_meeting.fair_meeting` |"
    ) in table
    # The second part: a criterion citing a source the NAHT advice does not quote.
    assert "| `naht.sharing_images.staff_know_response` | Sharing nudes and semi-nudes" in table
    assert "| `ofsted.staff.regular_training` |" not in table.split("## Criteria citing")[1]


def test_a_bullet_nobody_traces_is_a_gap(rubric: Rubric, bullets: BulletList) -> None:
    extra = bullets.parts[0].model_copy(
        update={
            "bullets": [
                *bullets.parts[0].bullets,
                bullets.parts[0]
                .bullets[0]
                .model_copy(update={"id": "overview.new_point", "text": "A new point."}),
            ]
        }
    )
    grown = bullets.model_copy(update={"parts": [extra, *bullets.parts[1:]]})
    table = render(grown, rubric)
    assert "| `overview.new_point` | A new point. | **gap: no criterion** |" in table
    assert "1 with no criterion (a gap)" in table


def test_an_unknown_bullet_is_an_error_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    criteria, questions = copy_rubric(tmp_path, data_dir("criteria"), data_dir("questionnaires"))
    path = criteria / "naht-guidance.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("traces: [staff.passcode]", "traces: [staff.passcodes]", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("staff.passcodes")].count("\n") + 1
    code = run(
        ["--criteria", str(criteria), "--questions", str(questions), "criteria", "--traceability"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"naht-guidance.yaml:{line}:" in err
    assert "unknown bullet 'staff.passcodes'" in err
    assert "did you mean 'staff.passcode'" in err
    assert "Traceback" not in err
    with pytest.raises(InputError):
        check_traces(
            load_bullets(bullets_file(criteria)), load_rubric(criteria, questions), criteria
        )


def test_a_bullet_id_used_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "naht-bullets.yaml"
    shutil.copy(bullets_file(), path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("{id: staff.passcode,", "{id: staff.not_logged_in,", 1), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_bullets(path)
    assert "bullet id 'staff.not_logged_in' is used twice" in str(caught.value)
