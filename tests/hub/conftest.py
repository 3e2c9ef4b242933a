"""A real JupyterHub (deploy/local/jupyterhub_config.py) with configurable-http-proxy, and the system's Chromium,
for tests/hub.

The hub is the load test's (after_fukushima.maintainers.hub_load.start_local_hub): on 127.0.0.1 on a free port,
in a scratch folder that holds its state and the students' homes; at a student's first start the configuration
copies the course into <home>/after-fukushima, as an nbgitpuller link would leave it. Chromium is the system's
(/usr/bin/chromium or $AFTER_FUKUSHIMA_CHROMIUM); Playwright never downloads a browser. configurable-http-proxy
is looked for on PATH, then in npm's global folder (npm install -g puts it there). Without either, these tests
are skipped with a plain message, unless AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 (set by .ci/run), which turns the
skip into a failure. Every process the hub started (the proxy, each student's server and kernels) is stopped at
the end, also when a test fails. On failure a screenshot of each student's page and the hub's log (which holds
the servers' logs too) are saved in test-artifacts/.
"""

import re
import shutil
from pathlib import Path

import pytest
from chromium import CHROMIUM, NO_BROWSER, REQUIRED

from after_fukushima.maintainers.hub_load import LOCAL_CONFIG as CONFIG
from after_fukushima.maintainers.hub_load import find_proxy, start_local_hub

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts"
STUDENTS = ("ada", "grace")  # the students whose homes get the tests' JupyterLab setting
NO_PROXY = "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"
PROXY = find_proxy()
MISSING = "; ".join(reason for reason, ok in ((NO_BROWSER, CHROMIUM), (NO_PROXY, PROXY)) if not ok)


def _here(item) -> bool:
    return HERE in Path(item.path).parents


def pytest_collection_modifyitems(config, items):
    """Without Chromium or the proxy, skip the hub tests and say so, unless CI requires them."""
    if not MISSING or REQUIRED:
        return
    for item in items:
        if _here(item):
            item.add_marker(pytest.mark.skip(reason=f"JupyterHub tests skipped: {MISSING}"))


def pytest_terminal_summary(terminalreporter):
    if MISSING and not REQUIRED:
        terminalreporter.write_line(f"NOTE: the JupyterHub tests did not run: {MISSING}.", yellow=True)


def _render_every_cell(home: Path) -> None:
    """A JupyterLab setting the tests need in a student's home: render every cell, not only those on screen,
    so that the tests can find each exercise."""
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if MISSING:
        pytest.fail(f"AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 but {MISSING}")
    server = start_local_hub(CONFIG, scratch=tmp_path_factory.mktemp("hub"), proxy=PROXY, timeout=90)
    try:
        for student in STUDENTS:
            _render_every_cell(server.homes / student)
        yield server
    finally:
        server.stop()


class Pages(dict):
    """One browser page per student, each in its own context (its own cookies), recording JavaScript errors
    in page.js_errors."""

    def __init__(self, browser):
        super().__init__()
        self.browser = browser
        self.contexts = []

    def open(self, student: str):
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and page.js_errors.append(message.text))
        self[student] = page
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, hub):
    opened = Pages(browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a hub test fails, keep a screenshot of each student's page and the hub's log, and say where."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or not _here(item) or "hub" not in item.funcargs:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]", "_", f"{item.path.stem}.{item.name}")  # unique across modules
    from playwright.sync_api import Error as PlaywrightError

    saved = [f"{stem}.jupyterhub.log"]
    for student, page in item.funcargs.get("pages", {}).items():
        try:
            page.screenshot(path=f"{stem}.{student}.png")
            saved.append(f"{stem}.{student}.png")
        except (PlaywrightError, OSError) as problem:  # the page may be gone; the log is still worth having
            report.sections.append(("hub artifacts", f"no screenshot of {student}'s page: {problem}"))
    item.funcargs["hub"].log.flush()
    shutil.copy(item.funcargs["hub"].log_path, saved[0])
    report.sections.append(("hub artifacts", "screenshots and hub log: " + ", ".join(saved)))
