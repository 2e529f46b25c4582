from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from esafety_audit.loading import load_rubric  # noqa: E402
from esafety_audit.models import Rubric  # noqa: E402


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric()
