"""A real JupyterHub (deploy/local/jupyterhub_config.py) with configurable-http-proxy, and the system's Chromium,
for tests/hub.

The hub runs on 127.0.0.1 on a free port, in a scratch folder that holds its state and the students' homes,
each with a copy of the course as an nbgitpuller link would leave it (<home>/after-fukushima). Chromium is
the system's (/usr/bin/chromium or $AFTER_FUKUSHIMA_CHROMIUM); Playwright never downloads a browser.
configurable-http-proxy is looked for on PATH, then in npm's global folder (npm install -g puts it there).
Without either, these tests are skipped with a plain message, unless AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 (set
by .ci/run), which turns the skip into a failure. Every process the hub started (the proxy, each student's
server and kernels) is stopped at the end, also when a test fails. On failure a screenshot of each student's
page and the hub's log (which holds the servers' logs too) are saved in test-artifacts/.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONFIG = ROOT / "deploy" / "local" / "jupyterhub_config.py"
ARTIFACTS = ROOT / "test-artifacts"
COURSE_FOLDER = "after-fukushima"  # where nbgitpuller puts the course (targetpath), as the config expects
NO_PROXY = "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"


def _find_proxy() -> str | None:
    """configurable-http-proxy on PATH, else in npm's global bin folder."""
    found = shutil.which("configurable-http-proxy")
    if found or not shutil.which("npm"):
        return found
    try:
        prefix = subprocess.run(
            ["npm", "prefix", "--global"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return shutil.which("configurable-http-proxy", path=str(Path(prefix) / "bin")) if prefix else None


PROXY = _find_proxy()
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


class Hub:
    """A running JupyterHub with the course's local configuration and a copy of the course in each home."""

    def __init__(self, scratch: Path, students: list[str]):
        import psutil  # in the test extra

        self._psutil = psutil
        self.homes = scratch / "homes"
        self.state = scratch / "hub"
        self.state.mkdir(parents=True)
        for student in students:
            self._prepare_home(self.homes / student)
        self.log_path = self.state / "jupyterhub.log"
        self.port, self.password = free_port(), secrets.token_urlsafe(12)
        env = {
            **os.environ,
            "AFTER_FUKUSHIMA_HUB_PASSWORD": self.password,
            "AFTER_FUKUSHIMA_HUB_HOMES": str(self.homes),
            "AFTER_FUKUSHIMA_HUB_PORT": str(self.port),
            # The hub starts the proxy by name, and the servers by this Python (see the configuration).
            "PATH": os.pathsep.join(
                [str(Path(PROXY).parent), str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]
            ),
        }
        self.tracked = {}  # pid -> psutil.Process: every process the hub started, to stop them all at the end
        self.log = self.log_path.open("w")
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=self.state,
            start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started

    @staticmethod
    def _prepare_home(home: Path) -> None:
        """The course where an nbgitpuller link would put it, and a JupyterLab setting the tests need."""
        for folder in ("notebooks", "exercises", "data"):
            shutil.copytree(
                ROOT / folder,
                home / COURSE_FOLDER / folder,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
        # Render every cell, not only those on screen, so that the tests can find each exercise.
        settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def _wait_until_ready(self, timeout: float = 90) -> None:
        """Until the hub answers through the proxy: both are up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped at start-up; see {self.log_path}")
            self.track()
            try:
                with urllib.request.urlopen(self.url("hub/health"), timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s; see {self.log_path}")

    def track(self) -> None:
        """Remember every process below the hub, and every one working in a student's home (a server whose
        hub has died is no longer below it), so that stop() ends them all and nothing else."""
        psutil = self._psutil
        try:
            for process in psutil.Process(self.process.pid).children(recursive=True):
                self.tracked.setdefault(process.pid, process)
        except psutil.Error:
            pass
        for process in psutil.process_iter(["cwd"]):
            cwd = process.info.get("cwd")
            if cwd and (cwd == str(self.homes) or cwd.startswith(str(self.homes) + os.sep)):
                self.tracked.setdefault(process.pid, process)

    def server_start_seconds(self, student: str) -> float:
        """How long the hub says the student's server took to start."""
        found = re.search(rf"User {re.escape(student)} took ([\d.]+) seconds to start", self.log_path.read_text())
        return float(found.group(1)) if found else float("nan")

    def stop(self) -> None:
        """The hub stops the servers and the proxy itself; whatever is left after it is ended here."""
        psutil = self._psutil
        self.track()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(45)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.track()
        left = [process for process in self.tracked.values() if process.is_running()]
        for process in left:
            try:
                process.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(left, timeout=10)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=5)
        self.log.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if MISSING:
        pytest.fail(f"AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 but {MISSING}")
    server = Hub(tmp_path_factory.mktemp("hub"), students=["ada", "grace"])
    try:
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
    stem = ARTIFACTS / re.sub(r"[^\w.-]", "_", item.name)
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
