"""How long a student waits, in the browser, from a control change on an interactive figure to its redrawn
figure: lesson 04's cooperation simulator, lesson 02's country explorer, lesson 03's instrument timeline and
lesson 05's response explorer.

    python -m after_fukushima.maintainers.browser_bench            (or: make bench-browser)
    python -m after_fukushima.maintainers.browser_bench --runs 5 --only simulator

A maintainer's tool, run before and after a change to a figure's code (issue 23 asks for a median of 250 ms at
most); never a timed test, since machines differ. It starts JupyterLab from the running Python (the course's
.venv under make) on a scratch copy of notebooks/, exercises/ and data/, with a fresh HOME, Jupyter folders and
progress file in a temporary folder (as tests/browser/conftest.py does), opens each lesson in the system's
Chromium (headless, driven by Playwright, which never downloads a browser), runs all its cells, then changes one
control of the figure ``--runs`` times (15 by default), alternating between two values.

How a change is timed, all inside the page: a listener on the document (capture phase) takes
``performance.now()`` when the control's own click or change event fires, so Playwright's time to find and
scroll to the control is not counted. From then on a requestAnimationFrame loop looks, once per frame, at

- the figure's pixels: a hash of every pixel of the canvas ipympl draws into (``getImageData`` of the first
  canvas in ``.jupyter-matplotlib-canvas-div``; one read of the canvas per frame, in every run alike), and
- the words: the text of the box's visible HTML widgets (the summary under the figure, the timeline's text).

A MutationObserver cannot see the figure change: ipympl paints new pixels into the same canvas element, which is
no change to the DOM. Hashing every pixel, rather than a few rows, cannot miss a change that touches only part of
the figure (one bar, one marker), and checking once per frame measures when the browser can show it, to the
frame (about 17 ms). Each run records the first frame whose pixels differ ("figure ms"), the last frame whose
pixels differ before they stay still for QUIET_MS ("settled ms": later than "figure ms" when a change is drawn
more than once, by a second draw or a partial image first), how many frames changed ("frames changed"), and the
first frame whose words differ ("words ms"). Before each timed change the figure must have been still for
QUIET_MS, so that nothing left from the run before is credited to it.

It prints a table (figure, control, what, median, min, max, n) and writes the same, with every sample, as JSON to
test-artifacts/browser_bench.json (the folder the browser tests write their artifacts to; not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from after_fukushima.maintainers import CHECKOUT

CHROMIUM_CANDIDATES = [os.environ.get("AFTER_FUKUSHIMA_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
OUTPUT = CHECKOUT / "test-artifacts" / "browser_bench.json"
# The table's "what" column: what each sample is, and its key in the page's result.
MEASURES = {"figure ms": "figure", "settled ms": "settled", "words ms": "words", "frames changed": "changes"}
QUIET_MS = 800  # no pixel change for this long after the last one: the figure has settled
WAIT_MS = 15_000  # longest wait for one change to show

# Installs window.__afBench for one change of the box `box` (the FigureBox's element).
ARM = """
(box) => {
  const canvas = box.querySelector('.jupyter-matplotlib-canvas-div canvas');
  if (!canvas) throw new Error('no ipympl canvas in this box');
  const context = canvas.getContext('2d');
  const pixels = () => {
    if (!canvas.width || !canvas.height) return 'empty';
    const data = new Uint32Array(context.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let h = 0;
    for (let i = 0; i < data.length; i++) h = (Math.imul(h, 31) + data[i]) | 0;
    return `${canvas.width}x${canvas.height}:${h}`;
  };
  const words = () => [...box.querySelectorAll('.widget-html')]
    .filter((element) => element.offsetParent !== null).map((element) => element.textContent).join('\\n');
  const old = window.__afBench;
  if (old) old.stop();
  const state = {
    t0: null, figure: null, settled: null, changes: 0, words: null,
    hash: pixels(), text: words(), stopped: false, lastChange: null, words_now: words, lastAny: performance.now(),
  };
  const start = () => { if (state.t0 === null) state.t0 = performance.now(); };
  const types = ['click', 'change'];
  types.forEach((type) => document.addEventListener(type, start, {capture: true}));
  state.stop = () => {
    state.stopped = true;
    types.forEach((type) => document.removeEventListener(type, start, {capture: true}));
  };
  const frame = () => {
    if (state.stopped) return;
    const now = performance.now();
    const hash = pixels();
    if (hash !== state.hash) {
      state.hash = hash;
      state.lastAny = now;
      if (state.t0 !== null) {
        state.changes += 1;
        state.lastChange = now;
        state.settled = now - state.t0;
        if (state.figure === null) state.figure = now - state.t0;
      }
    }
    if (state.t0 !== null && state.words === null && words() !== state.text) state.words = now - state.t0;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.__afBench = state;
}
"""
RESET = """() => { const s = window.__afBench;
  s.t0 = null; s.changes = 0; s.figure = null; s.settled = null; s.words = null; s.text = s.words_now(); }"""
STILL = f"() => performance.now() - window.__afBench.lastAny > {QUIET_MS}"
SHOWN = "() => window.__afBench.figure !== null && window.__afBench.words !== null"
QUIET = f"() => performance.now() - (window.__afBench.lastChange ?? window.__afBench.t0) > {QUIET_MS}"
RESULT = """() => { const s = window.__afBench; s.stop();
  return {figure: s.figure, settled: s.settled, changes: s.changes, words: s.words}; }"""


# --- the pure parts: samples to a table ------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure's control, what was measured, and the median, min and max of its samples."""

    figure: str
    control: str
    measure: str  # a key of MEASURES: "figure ms" (first changed pixels), "settled ms", "words ms", "frames changed"
    median: float
    low: float
    high: float
    n: int


def summarise(samples: dict[tuple[str, str, str], list[float | None]]) -> list[Row]:
    """Rows of median, min and max (ms) from samples keyed (figure, control, measure), in the keys' order.

    A sample of None (the change never showed within the wait) is left out of the statistics and of n; a key with
    no sample left gives a row of NaN with n = 0.
    """
    rows = []
    for (figure, control, measure), values in samples.items():
        shown = [float(v) for v in values if v is not None]
        if shown:
            rows.append(Row(figure, control, measure, statistics.median(shown), min(shown), max(shown), len(shown)))
        else:
            nan = float("nan")
            rows.append(Row(figure, control, measure, nan, nan, nan, 0))
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a plain-text table with a header: figure, control, what (its unit), median, min, max, n."""
    header = ("figure", "control", "what", "median", "min", "max", "n")
    lines = [header] + [
        (r.figure, r.control, r.measure, f"{r.median:,.0f}", f"{r.low:,.0f}", f"{r.high:,.0f}", str(r.n)) for r in rows
    ]
    widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if k < 3 else cell.rjust(width) for k, (cell, width) in enumerate(zip(line, widths))
        )
        for line in lines
    )


def report(rows: list[Row], samples: dict[tuple[str, str, str], list[float | None]], note: str = "") -> dict:
    """The JSON written to test-artifacts/browser_bench.json: the rows, every sample, and how they were taken."""
    return {
        "what": "control change (its click or change event) to the figure's first changed pixels ('figure ms'), to "
        "its last changed pixels before it stays still ('settled ms'), to changed words under it ('words ms'), "
        "and the number of frames whose pixels changed ('frames changed'), measured in the page once per frame",
        "note": note,
        "rows": [
            {
                "figure": r.figure,
                "control": r.control,
                "what": r.measure,
                "median": None if r.n == 0 else round(r.median, 1),
                "min": None if r.n == 0 else round(r.low, 1),
                "max": None if r.n == 0 else round(r.high, 1),
                "n": r.n,
            }
            for r in rows
        ],
        "samples": [
            {"figure": f, "control": c, "what": m, "values": [None if v is None else round(v, 1) for v in values]}
            for (f, c, m), values in samples.items()
        ],
    }


# --- the figures and their controls --------------------------------------------------------------


@dataclass
class Control:
    """A control of a figure: `prepare(box, k)` sets up run k untimed, `act(box, k)` makes the timed change."""

    name: str
    act: Callable
    prepare: Callable = lambda box, k: None


@dataclass
class Figure:
    name: str
    notebook: str
    box: Callable  # page -> the FigureBox's locator
    controls: list[Control]


def _depth(box, k):
    box.get_by_role("button", name="(0.75)" if k % 2 == 0 else "(0.5)").click()


def _cost(box, k):
    box.get_by_role("button", name="proportion to the fleet" if k % 2 == 0 else "equal shares").click()


def _chip(box):
    return box.get_by_role("button", name="Germany")  # its name also holds the icon glyph


def _without_germany(box, k):
    """Untimed: take Germany off the explorer if it is on, and choose it in the Country list."""
    if _chip(box).count():
        _chip(box).click()
        _chip(box).wait_for(state="detached")
    box.get_by_role("combobox", name="Country").select_option("Germany")


def _with_germany(box, k):
    """Untimed: put Germany on the explorer if it is not on."""
    if not _chip(box).count():
        box.get_by_role("combobox", name="Country").select_option("Germany")
        box.get_by_role("button", name="Add").click()
        _chip(box).wait_for()


def _step(box, k):
    box.get_by_role("button", name="Next" if k % 2 == 0 else "Previous").click()


def _response_country(box, k):
    box.get_by_role("combobox", name="Country").select_option("Germany" if k % 2 == 0 else "Japan")


FIGURES = [
    Figure(
        "simulator (lesson 04)",
        "notebooks/04_the_obstacles.ipynb",
        lambda page: page.locator(".widget-vbox").filter(has=page.get_by_text("Depth of the commitment:")).first,
        [
            Control("depth buttons", _depth),
            Control("portal checkbox", lambda box, k: box.get_by_role("checkbox").first.click()),
            Control("cost rule buttons", _cost),
        ],
    ),
    Figure(
        "country explorer (lesson 02)",
        "notebooks/02_nuclear_power_in_2011.ipynb",
        lambda page: (
            page.locator(".widget-vbox")
            .filter(has=page.get_by_role("button", name="Add"))
            .filter(has=page.locator(".jupyter-matplotlib"))
            .first
        ),
        [
            Control("Add a country", lambda box, k: box.get_by_role("button", name="Add").click(), _without_germany),
            Control("its chip (take off)", lambda box, k: _chip(box).click(), _with_germany),
        ],
    ),
    Figure(
        "instrument timeline (lesson 03)",
        "notebooks/03_the_proposal.ipynb",
        lambda page: page.locator(".widget-vbox").filter(has=page.get_by_role("button", name="Next")).last,
        [Control("Next / Previous", _step)],
    ),
    Figure(
        "response explorer (lesson 05)",
        "notebooks/05_national_responses.ipynb",
        lambda page: (
            page.locator(".widget-vbox")
            .filter(has=page.get_by_label("Country"))
            .filter(has=page.locator(".jupyter-matplotlib"))
            .first
        ),
        [Control("Country list", _response_country)],
    ),
]


# --- JupyterLab and Chromium ---------------------------------------------------------------------


class Lab:
    """JupyterLab on 127.0.0.1 (token, free port) serving a scratch copy of the course (notebooks, exercises,
    data) in ``scratch``, with its own progress file (``progress``) and Jupyter folders, every cell rendered.
    ``own_home``: give it a fresh home folder too. Used by this benchmark and by tests/browser. Raises
    RuntimeError naming the server's log if it stops or does not answer within 90 s."""

    def __init__(self, scratch: Path, own_home: bool = True):
        self.root = scratch / "course"
        for folder in ("notebooks", "exercises", "data"):
            shutil.copytree(CHECKOUT / folder, self.root / folder)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.token = secrets.token_hex(16)
        self.log_path = scratch / "jupyterlab.log"
        self.progress = scratch / "progress.json"
        env = {
            **os.environ,
            **({"HOME": str(scratch / "home")} if own_home else {}),
            "AFTER_FUKUSHIMA_PROGRESS": str(self.progress),
            "AFTER_FUKUSHIMA_ROOT": str(self.root),
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        }
        (scratch / "home").mkdir()
        settings = scratch / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')  # render every cell
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
            *(["--allow-root"] if os.getuid() == 0 else []),
        ]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start-up; its log is {self.log_path}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within 90 s; its log is {self.log_path}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}&reset"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


def run_all(page, lab: Lab, notebook: str) -> None:
    """Open `notebook` and run all its cells; return when every code cell has run and the kernel is idle."""
    idle = "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"
    page.goto(lab.url(f"lab/tree/{notebook}"))
    page.wait_for_function(f"() => {idle}", timeout=120_000)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        f"() => {idle} && document.querySelectorAll('.jp-CodeCell .jp-InputPrompt').length > 0 && "
        "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every(p => /\\[\\d+\\]/.test(p.textContent))",
        timeout=180_000,
    )


def measure(page, box, control: Control, runs: int) -> list[dict]:
    """`runs` timed changes of `control` in `box`: for each, the ms to figure, settled, words, and the changes."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box.scroll_into_view_if_needed()
    results = []
    for k in range(runs):
        control.prepare(box, k)
        box.evaluate(ARM)
        page.wait_for_function(STILL, timeout=WAIT_MS)  # what the preparation changed is not credited to the change
        page.evaluate(RESET)
        control.act(box, k)
        try:
            page.wait_for_function(SHOWN, timeout=WAIT_MS)
            page.wait_for_function(QUIET, timeout=WAIT_MS)
        except PlaywrightTimeout:  # a change that never shows is a sample of None, not the end of the run
            pass
        results.append(page.evaluate(RESULT))
    return results


def bench(runs: int, only: str = "") -> tuple[list[Row], dict]:
    """Start JupyterLab and Chromium, measure every figure (or those whose name contains `only`)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = next((path for path in CHROMIUM_CANDIDATES if path and Path(path).is_file()), None)
    if chromium is None:
        raise SystemExit("No Chromium found: install the 'chromium' package, or set AFTER_FUKUSHIMA_CHROMIUM.")
    samples: dict[tuple[str, str, str], list[float | None]] = {}
    with tempfile.TemporaryDirectory(prefix="af-browser-bench-") as scratch:
        try:
            lab = Lab(Path(scratch))
        except RuntimeError as problem:
            raise SystemExit(str(problem)) from None
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium,
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
                )
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.set_default_timeout(WAIT_MS)  # a control that is not there fails in seconds, not 30
                for figure in FIGURES:
                    if only and only not in figure.name:
                        continue
                    print(f"{figure.name}: running {figure.notebook}...", flush=True)
                    try:
                        run_all(page, lab, figure.notebook)
                        box = figure.box(page)
                        for control in figure.controls:
                            results = measure(page, box, control, runs)
                            for what, key in MEASURES.items():
                                samples[(figure.name, control.name, what)] = [r[key] for r in results]
                            shown = ", ".join("-" if r["figure"] is None else f"{r['figure']:.0f}" for r in results)
                            print(f"  {control.name}: {shown} ms", flush=True)
                        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
                    except PlaywrightError as problem:  # the other figures are still worth measuring
                        shot = OUTPUT.with_name(f"browser_bench_{figure.notebook.split('/')[-1][:2]}.png")
                        OUTPUT.parent.mkdir(exist_ok=True)
                        page.screenshot(path=shot)
                        print(
                            f"  {figure.name} could not be measured ({str(problem).splitlines()[0]}); "
                            f"screenshot {shot.relative_to(CHECKOUT)}, server log {lab.log_path}",
                            flush=True,
                        )
                browser.close()
        finally:
            lab.stop()
    return summarise(samples), samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed changes per control (default 15)")
    parser.add_argument("--only", default="", help="only the figures whose name contains this, e.g. simulator")
    parser.add_argument("--note", default="", help="a note stored with the JSON, e.g. 'with a CI run beside it'")
    options = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    rows, samples = bench(options.runs, options.only)
    loads = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} CPUs"
    note = f"{options.note}; {loads}" if options.note else loads
    print()
    print(table(rows))
    print(f"({note}: other work on the machine slows every figure.)")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(report(rows, samples, note), indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {OUTPUT.relative_to(CHECKOUT)}.")


if __name__ == "__main__":
    main()
