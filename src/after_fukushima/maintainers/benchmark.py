"""How long the things students wait for take: loading each table, pressing Check with a long saved history,
lesson 04's cooperation simulator (one breadth-against-depth curve, and each control change to the redrawn
figure), and running each notebook against a notebook that only imports the course's libraries; then issue 23's
speed table (setup, figures in the browser, the suite, notebooks), each row measured or read from where it was.

    python -m after_fukushima.maintainers.benchmark                 (or: make bench)
    python -m after_fukushima.maintainers.benchmark --setup uv      (also: a fresh venv to a served lesson, with uv)
    python -m after_fukushima.maintainers.benchmark --setup both    (uv, then pip: minutes; downloads from PyPI)

Prints the median of a few runs. Timings are measured here, never asserted in tests: machines differ. A
maintainer's tool, run by `make bench` before and after a change that could slow a lesson down. The figures in
the browser come from `make bench-browser` (test-artifacts/browser_bench.json) and the suite's time from the last
full pytest run (test-artifacts/suite_time.json); where either is missing the table says which command makes it.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from after_fukushima.data import load_table, table_names
from after_fukushima.exercises.bank import load_bank
from after_fukushima.maintainers import CHECKOUT
from after_fukushima.maintainers.execute_notebooks import course_notebooks, execute_copy
from after_fukushima.models.cooperation import Design, Weights, breadth_vs_depth, course_attributes
from after_fukushima.models.simulator import CooperationSimulator, timing
from after_fukushima.paths import course_root
from after_fukushima.progress import ProgressStore, _row

ARTIFACTS = CHECKOUT / "test-artifacts"  # where make bench-browser and the suite write their timings


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def simulator_rows() -> list[tuple[str, float]]:
    """(what, median seconds) for lesson 04's simulator on the course data."""
    attrs = course_attributes()
    rows = [
        (
            "breadth_vs_depth (30 countries, 101 depths)",
            median_seconds(lambda: breadth_vs_depth(attrs, Design(), Weights()), 21),
        )
    ]
    for control, seconds in timing(CooperationSimulator(attrs), runs=11).items():
        rows.append((f"simulator: {control} change to redrawn figure", seconds))
    return rows


def check_to_saved_rows(histories=(10, 1_000, 100_000), runs: int = 41) -> list[tuple[str, float]]:
    """(what, median seconds) from pressing Check on a number exercise to its attempt being saved, with a
    progress database that already holds each number of attempts (spread over 50 exercises)."""
    rows = []
    bank = load_bank("00_start_here")
    for history in histories:
        with tempfile.TemporaryDirectory() as scratch:
            store = ProgressStore(Path(scratch) / "progress.sqlite")
            earlier = [
                _row(
                    {
                        "lesson": "00_start_here",
                        "exercise": f"earlier-{n % 50}",
                        "kind": "reflection",
                        "attempt": 1 + n // 50,
                        "correct": None,
                        "answer": "A saved reflection. " * 10,
                    }
                )
                for n in range(history)
            ]
            store._run(
                lambda connection, earlier=earlier: connection.executemany(
                    "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, saved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    earlier,
                )
            )
            exercise = bank.exercise("days-after-quake", store=store)
            rows.append(
                (
                    f"Check to saved, {history:,} attempts saved before",
                    median_seconds(lambda exercise=exercise: exercise.submit("70"), runs),
                )
            )
    return rows


def notebook_rows(runs: int = 3) -> list[tuple[str, float, float]]:
    """(notebook, median seconds, median ÷ the plain notebook's median) for every lesson and worksheet, run as
    nbval runs them (a fresh kernel, top to bottom, nbclient), interleaved with a notebook that only imports
    pandas, matplotlib and ipywidgets, so that a busy moment of the machine slows both alike."""
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "plain.ipynb"
        cells = [nbformat.v4.new_code_cell("import ipywidgets\nimport matplotlib.pyplot\nimport pandas")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), plain)
        times: dict[Path, list[float]] = {}
        for _ in range(runs):
            for path in [plain, *course_notebooks()]:
                start = time.perf_counter()
                execute_copy(path)
                times.setdefault(path, []).append(time.perf_counter() - start)
        baseline = statistics.median(times.pop(plain))
    return [
        (str(path.relative_to(course_root())), statistics.median(t), statistics.median(t) / baseline)
        for path, t in times.items()
    ]


def served_lesson_seconds(python: Path) -> float:
    """Seconds from starting JupyterLab with ``python`` (a venv's) to its answering for lesson 00's page, with a
    scratch home and Jupyter folders. Raises RuntimeError if it does not answer within 120 s."""
    with tempfile.TemporaryDirectory() as scratch, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        token = secrets.token_hex(16)
        env = {**os.environ, "HOME": scratch, "JUPYTER_CONFIG_DIR": scratch, "JUPYTER_RUNTIME_DIR": scratch}
        command = [str(python), "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}"]
        command += [
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={CHECKOUT}",
            "--ServerApp.port_retries=0",
        ]
        command += ["--allow-root"] if os.getuid() == 0 else []
        start = time.perf_counter()
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb?token={token}"
            while time.perf_counter() - start < 120:
                try:
                    with urllib.request.urlopen(url, timeout=2) as answer:
                        if answer.status == 200:
                            return time.perf_counter() - start
                except OSError:
                    time.sleep(0.2)
            raise RuntimeError("JupyterLab did not serve lesson 00 within 120 s")
        finally:
            server.terminate()
            server.wait(15)


def setup_seconds(installer: str) -> tuple[float, float]:
    """(install seconds, served-lesson seconds) for what `make lab` does on a fresh clone: a new venv, the course
    installed with ``installer`` ('uv' or 'pip') from constraints.txt with an empty cache, then JupyterLab started
    until it serves lesson 00. Downloads from PyPI."""
    with tempfile.TemporaryDirectory() as scratch:
        venv = Path(scratch) / "venv"
        python = venv / "bin" / "python"
        env = {**os.environ, "UV_CACHE_DIR": f"{scratch}/uv-cache", "PIP_NO_CACHE_DIR": "1"}
        quiet = {"check": True, "env": env, "stdout": subprocess.DEVNULL}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], **quiet)
        install = ["-c", str(CHECKOUT / "constraints.txt"), "-e", str(CHECKOUT)]
        if installer == "uv":
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "uv"], **quiet)
            subprocess.run(
                [str(venv / "bin" / "uv"), "pip", "install", "--quiet", "--python", str(python), *install], **quiet
            )
        else:
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *install], **quiet)
        installed = time.perf_counter() - start
        return installed, served_lesson_seconds(python)


def artifact(name: str) -> dict | None:
    """test-artifacts/<name> as JSON, with its age, or None if it is missing or unreadable."""
    path = ARTIFACTS / name
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found["written"] = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return found


def browser_rows() -> list[tuple[str, str, str]]:
    """Issue 23's figure rows from the last `make bench-browser`: (what, median ms (min-max), goal)."""
    found = artifact("browser_bench.json")
    if found is None:
        return [("interactive figures in Chromium", "not measured: run make bench-browser", "≤ 250 ms median")]
    return [
        (
            f"{row['figure']}: {row['control']}",
            f"{row['median']:.0f} ms ({row['min']:.0f}-{row['max']:.0f})",
            "≤ 250 ms",
        )
        for row in found["rows"]
        if row["what"] == "figure ms"
    ] + [("  (browser figures measured", f"{found['written']}; {found.get('note', '')})", "")]


def suite_row() -> tuple[str, str, str]:
    """Issue 23's suite row, from the last full pytest run (test-artifacts/suite_time.json)."""
    found = artifact("suite_time.json")
    if found is None:
        return ("the whole suite (make test)", "not measured: run make test", "≤ 3 min of tests")
    took = _minutes(found["seconds"])
    if {"parallel_seconds", "serial_seconds"} <= found.keys():
        took += (
            f": {_minutes(found['parallel_seconds'])} in parallel, "
            f"{_minutes(found['serial_seconds'])} of browser and hub tests"
        )
    if found.get("exit"):
        took = f"FAILED (exit {found['exit']}) after {took}"
    return ("the whole suite (make test)", f"{took} ({found['written']})", "≤ 3 min of tests")


def _minutes(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m after_fukushima.maintainers.benchmark", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--setup", choices=["uv", "pip", "both"], help="also time a fresh venv to a served lesson")
    parser.add_argument("--runs", type=int, default=3, help="runs of each notebook (default 3)")
    options = parser.parse_args(argv)
    print(f"{'what':<48} {'median':>9}")
    for name in table_names():
        seconds = median_seconds(lambda name=name: load_table(name), 5)
        print(f"{'load_table(' + repr(name) + ')':<48} {seconds * 1000:>7.1f} ms", flush=True)
    for label, seconds in check_to_saved_rows() + simulator_rows():
        print(f"{label:<48} {seconds * 1000:>7.1f} ms", flush=True)
    print(f"\n{'run (a fresh kernel, as nbval runs it)':<48} {'median':>9}  ÷ a notebook that only imports")
    notebooks = notebook_rows(options.runs)
    for name, seconds, ratio in notebooks:
        print(f"{name:<48} {seconds:>7.2f} s  {ratio:.2f}×")

    speed = []
    for installer in {"uv": ["uv"], "pip": ["pip"], "both": ["uv", "pip"]}.get(options.setup, []):
        installed, served = setup_seconds(installer)
        speed.append((f"fresh venv to a served lesson ({installer})", f"{installed + served:.0f} s", "≤ 40 s"))
    if not options.setup:
        speed.append(("fresh venv to a served lesson", "not measured: add --setup uv", "≤ 40 s"))
    speed += browser_rows()
    speed.append(suite_row())
    ratios = [ratio for _, _, ratio in notebooks]
    speed.append(("a notebook ÷ one that only imports", f"{min(ratios):.2f}-{max(ratios):.2f}×", "≤ 1.2×"))
    print(f"\nIssue 23's speed table (load average now {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)")
    print(f"{'what':<52} {'now':<44} goal")
    for what, now, goal in speed:
        print(f"{what:<52} {now:<44} {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
