"""The web app in the tests: a client that came through the printed address, and the
forms a page would post (the shipped rubric, copies of the example schools)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from esafety_audit.fill import questions_for
from esafety_audit.loading import load_answers
from esafety_audit.models import Rubric
from esafety_audit.rollup import Job
from esafety_audit.web.app import create_app
from esafety_audit.web.security import Secrets
from esafety_audit.web.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


class App:
    """One start of the app over a folder, with a client holding its cookie."""

    def __init__(self, rubric: Rubric, folder: Path) -> None:
        self.folder = folder
        self.keys = Secrets(PORT)
        self.workspace = Workspace(rubric, Job(None, None, None), folder=folder)
        self.asgi = create_app(self.workspace, self.keys)
        self.client = TestClient(self.asgi, base_url=BASE, follow_redirects=False)
        answer = self.client.get("/", params={"token": self.keys.token})
        assert answer.status_code == 303, answer.text

    def stranger(self) -> TestClient:
        """A client without the cookie."""
        return TestClient(self.asgi, base_url=BASE, follow_redirects=False)

    def key(self, name: str) -> str:
        return self.workspace.open(self.folder / name).key

    def part(self, name: str, qid: str) -> str:
        """The address of the part of ``name`` that asks ``qid``."""
        number = part_of(self.workspace.rubric, self.folder / name, qid)
        return f"/f/{self.key(name)}/part/{number}"

    def page(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, answer.text
        return answer.text

    def version(self, name: str) -> str:
        found = re.search(r'name="version" value="([0-9a-f]+)"', self.page(f"/f/{self.key(name)}"))
        assert found
        return found.group(1)

    def save(self, name: str, fields: dict[str, Any], **extra: Any) -> Any:
        """What the page's script posts to save one question."""
        data = {"csrf": self.keys.csrf, "version": self.version(name), **fields}
        data.update(extra)
        return self.client.post(f"/f/{self.key(name)}/save", data=data)


def part_of(rubric: Rubric, path: Path, qid: str) -> int:
    """The number of the questionnaire's part that asks ``qid`` of the school in ``path``
    (the question bank grows: no test counts on a part's number)."""
    answers = load_answers(path, rubric)
    for number, (_, questions) in enumerate(questions_for(rubric, answers), start=1):
        if any(q.id == qid for q in questions):
            return number
    raise AssertionError(f"{qid} is not asked of {path.name}")


def examples_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "schools"
    shutil.copytree(EXAMPLES, folder)
    return folder
