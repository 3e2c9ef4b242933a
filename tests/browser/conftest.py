"""A real JupyterLab server and the system's Chromium, driven by Playwright, for the browser tests.

The server runs on 127.0.0.1 with a token and a free port, in a scratch copy of the course (so that
autosave never touches the repository), with its own progress file and Jupyter folders. Chromium is the
system's (/usr/bin/chromium or $AFTER_FUKUSHIMA_CHROMIUM); Playwright never downloads a browser.
When no Chromium is found these tests are skipped with a plain message, unless
AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
On failure a screenshot and the server log are saved in test-artifacts/ and the test output says where.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from chromium import CHROMIUM, NO_BROWSER, REQUIRED, free_port

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


class Lab:
    """A running JupyterLab server on a scratch copy of the course."""

    def __init__(self, scratch: Path):
        self.root = scratch / "course"
        for folder in ("notebooks", "exercises", "data"):
            shutil.copytree(ROOT / folder, self.root / folder)
        self.progress = scratch / "progress.json"
        self.log_path = scratch / "jupyterlab.log"
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = {
            **os.environ,
            "AFTER_FUKUSHIMA_PROGRESS": str(self.progress),
            "AFTER_FUKUSHIMA_ROOT": str(self.root),
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        }
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if os.getuid() == 0:
            command.append("--allow-root")
        # Render every cell, not only those on screen, so that the tests can find each exercise.
        settings = scratch / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True
        )
        self._wait_until_ready()

    def url(self, path: str) -> str:
        """The address of `path`; `reset` opens a fresh workspace rather than restoring earlier tests' tabs."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}&reset"

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
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
    stem = ARTIFACTS / re.sub(r"[^\w.-]", "_", item.name)
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
