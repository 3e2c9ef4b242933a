"""A real JupyterLab server and the system's Chromium, driven by Playwright, for the browser tests.

The server runs on 127.0.0.1 with a token and a free port, in a scratch copy of the course (so that
autosave never touches the repository), with its own progress file and Jupyter folders. Chromium is the
system's (/usr/bin/chromium or $AFTER_FUKUSHIMA_CHROMIUM); Playwright never downloads a browser.
When no Chromium is found these tests are skipped with a plain message, unless
AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
On failure a screenshot and the server log are saved in test-artifacts/ and the test output says where.
"""

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from chromium import CHROMIUM, NO_BROWSER, REQUIRED

from after_fukushima.maintainers import site
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"), own_home=False)
    try:
        yield server
    finally:
        server.stop()


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


# The course website for test_site_pages.py and test_accessibility.py: the one `make site` built in _site/html when
# it is newer than everything it is built from (so `make test`, which builds it first, does not build it again);
# otherwise it is built once per session in a scratch folder. AFTER_FUKUSHIMA_SITE=<folder> tests another build
# (for example one made with a remote asset on, to see the tests fail).
def newest_input() -> float:
    """The latest change to anything the site is built from (pages, site/, the build script)."""
    inputs = [site.source_of(page) for page in site.pages()]
    inputs += [site.CHECKOUT / name for name in site.ALSO]
    inputs += [path for path in site.SITE.rglob("*") if path.is_file()]
    inputs.append(Path(site.__file__))
    return max(path.stat().st_mtime for path in inputs)


@pytest.fixture(scope="session")
def site_html(tmp_path_factory) -> Path:
    chosen = os.environ.get("AFTER_FUKUSHIMA_SITE")
    if chosen:
        return Path(chosen)
    built = site.BUILD / "html"
    if (built / "index.html").is_file() and (built / "index.html").stat().st_mtime > newest_input():
        return built
    return site.build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def served(site_html):
    """The built site on http://127.0.0.1:<free port>/, from a thread of this process."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site_html))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
