"""A real JupyterLab server and the system's Chromium, driven by Playwright, for the browser tests.

The server runs on 127.0.0.1 with a token and a free port, in a scratch copy of the course (so that
autosave never touches the repository), with its own progress file and Jupyter folders. One server serves all the
browser tests of a test process (of each pytest-xdist worker); before each module it is made as good as new (see
``fresh_start``), so that a module's tests find what they would find in a server started for them alone. Chromium is the
system's (/usr/bin/chromium or $AFTER_FUKUSHIMA_CHROMIUM); Playwright never downloads a browser.
When no Chromium is found these tests are skipped with a plain message, unless
AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
On failure a screenshot and the server log are saved in test-artifacts/ and the test output says where.
"""

import json
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from chromium import CHROMIUM, NO_BROWSER, REQUIRED

from after_fukushima.maintainers.browser_bench import Lab  # the benchmark's JupyterLab, the same for both

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Without a Chromium, skip the browser tests and say so, unless CI requires them."""
    if CHROMIUM or REQUIRED:
        return
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {NO_BROWSER}"))


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM and not REQUIRED:
        terminalreporter.write_line(f"NOTE: the browser tests did not run: {NO_BROWSER}.", yellow=True)


# What fresh_start puts back as it was when the server started: the scratch course, and the user settings and
# workspaces folders (a test may change the theme, a server setting that the next page would load).
AS_STARTED = ("course", "settings", "workspaces")


def _api(lab: Lab, method: str, path: str, body: dict | None = None):
    """A call to the server's REST API with `body` as JSON; its JSON answer, or None for an empty one."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{lab.port}/{path}",
        method=method,
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode(),
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def fresh_start(lab: Lab, pristine: Path) -> None:
    """Make the running server as good as a new one: every session and kernel shut down (so no kernel holds a
    notebook's widgets or writes progress), the scratch course, user settings and workspaces as they were at the
    start (kept in `pristine`: notebooks a test saved with outputs, files it added, a theme it chose), and no
    progress file (the next kernel starts an empty one)."""
    for session in _api(lab, "GET", "api/sessions"):
        _api(lab, "DELETE", f"api/sessions/{session['id']}")  # shuts its kernel down too, and waits for it
    for kernel in _api(lab, "GET", "api/kernels"):
        _api(lab, "DELETE", f"api/kernels/{kernel['id']}")
    scratch = lab.root.parent
    for name in AS_STARTED:
        folder = scratch / name
        folder.mkdir(exist_ok=True)
        for child in folder.iterdir():  # the folder itself stays: the server runs in it
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        if (pristine / name).is_dir():
            shutil.copytree(pristine / name, folder, symlinks=True, dirs_exist_ok=True)
    for file in lab.progress.parent.glob(f"{lab.progress.name}*"):  # the store and SQLite's journal files
        file.unlink()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """The JupyterLab of this test process (of this xdist worker), started once, and a copy of its scratch
    folders as they were at its start."""
    server = Lab(tmp_path_factory.mktemp("lab"), own_home=False)
    try:
        pristine = tmp_path_factory.mktemp("lab-as-started")
        for name in AS_STARTED:
            if (server.root.parent / name).is_dir():
                shutil.copytree(server.root.parent / name, pristine / name, symlinks=True)
        yield server, pristine
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lab(lab_server):
    """A JupyterLab as a module's tests would find one started for them alone (see fresh_start)."""
    server, pristine = lab_server
    fresh_start(server, pristine)
    return server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a screenshot and the server log, and say where in the report."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or "page" not in item.funcargs:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]", "_", f"{item.path.stem}.{item.name}")  # unique across modules
    try:
        item.funcargs["page"].screenshot(path=f"{stem}.png")
    except Exception as problem:  # the page may be gone; the log is still worth having
        report.sections.append(("browser artifacts", f"no screenshot: {problem}"))
    shutil.copy(item.funcargs["lab"].log_path, f"{stem}.jupyterlab.log")
    report.sections.append(("browser artifacts", f"screenshot and server log: {stem}.png, {stem}.jupyterlab.log"))


@pytest.fixture
def page(browser, lab):
    """A fresh browser page that records JavaScript errors in page.js_errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.js_errors.append(message.text))
    try:
        yield page
    finally:
        context.close()
