"""Shared fixtures: exercises that save to a throw-away progress file, and a scratch copy of the course."""

import shutil
from pathlib import Path

import pytest

from after_fukushima import load_table
from after_fukushima.exercises.kinds import KINDS
from after_fukushima.progress import ProgressStore

COURSE = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.sqlite")


@pytest.fixture
def make_exercise(store):
    """make_exercise(spec) -> a widget of spec['kind'] saving to the temporary store."""

    def make(spec: dict, lesson: str = "99_test"):
        return KINDS[spec["kind"]](spec, lesson=lesson, store=store)

    return make


@pytest.fixture
def course_copy(tmp_path, monkeypatch) -> Path:
    """A copy of data/ and exercises/banks/ that a test may damage; the package is pointed at it."""
    root = tmp_path / "course"
    shutil.copytree(COURSE / "data", root / "data")
    shutil.copytree(COURSE / "exercises" / "banks", root / "exercises" / "banks")
    monkeypatch.setenv("AFTER_FUKUSHIMA_ROOT", str(root))
    return root


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium, driven by Playwright (never a downloaded browser), for tests/browser and tests/hub.
    Module scope, not session: Playwright's sync API keeps an asyncio loop running in the main thread while it is
    started, and a later test of the same worker that calls asyncio.run() would then fail."""
    from chromium import ARGUMENTS, CHROMIUM, NO_BROWSER
    from playwright.sync_api import sync_playwright

    if not CHROMIUM:
        pytest.fail(f"AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 but {NO_BROWSER}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGUMENTS)
        try:
            yield chromium
        finally:
            chromium.close()


# Tables the accuracy tests of lessons 05 and 06 recompute from, indexed as they look them up.
@pytest.fixture(scope="session")
def responses():
    return load_table("national_responses")


@pytest.fixture(scope="session")
def shares():
    return load_table("nuclear_share").set_index(["country", "year"])


@pytest.fixture(scope="session")
def mix():
    return load_table("electricity_mix").set_index(["country", "year"])
