from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from esafety_audit import yamlfile
from esafety_audit.loading import load_rubric
from esafety_audit.models import Rubric

# The rubric cache of the tests' own (commands run as subprocesses inherit it): never
# the user's, and fresh for every run of the tests.
os.environ["ESAFETY_AUDIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="esafety-cache-")

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(params=["fast path", "careful path"])
def both_yaml_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once with the fast YAML path tried first, once with the careful
    path alone: a bad input must give the same messages on both."""
    monkeypatch.setattr(yamlfile, "FAST_PATH", request.param == "fast path")
    return str(request.param)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric()


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's) for the whole test session: Playwright's sync API
    allows one running instance per thread, so every browser test shares this one.

    The browser tests skip, with the reason, only when Chromium is absent and the CI
    variable is not set; in CI a missing browser is a failure, never a skip.
    """
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; in CI the browser tests must run, so .ci/run must install it")
        pytest.skip(f"{reason}; these browser tests run in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
