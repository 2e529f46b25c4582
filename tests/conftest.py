from __future__ import annotations

import pytest

from esafety_audit.loading import load_rubric
from esafety_audit.models import Rubric


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric()
