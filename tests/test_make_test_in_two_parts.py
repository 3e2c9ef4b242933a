"""Issue 23, item 3: make test runs the suite in two parts: everything but the browser and hub tests in parallel
(pytest-xdist, --dist loadfile: a notebook's cells share one kernel and run in order in one worker; loadgroup's marks
did not reach the tests here), then the browser and hub tests in one process (two JupyterLabs, or a JupyterLab and a
hub, at once on two cores made timing-sensitive browser tests fail)."""

import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def planned_test_run() -> str:
    """What make test would run (make's dry run), with the install and lint steps taken as done."""
    return subprocess.run(
        ["make", "-n", "-o", ".venv/.installed-test", "-o", "lint", "-o", "site", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    ).stdout


def test_make_test_runs_the_suite_in_parallel_then_the_browser_and_hub_tests_in_one_process():
    steps = planned_test_run()
    parallel = "-m pytest -n auto --dist loadfile --ignore=tests/browser --ignore=tests/hub"
    assert parallel in steps and "-m pytest tests/browser tests/hub" in steps
    assert steps.index(parallel) < steps.index("-m pytest tests/browser tests/hub")
    assert "test-artifacts/suite_time.json" in steps  # make bench's speed table reads it


def test_plain_pytest_runs_in_one_process():
    """`pytest` alone (make test-latest, test-oldest, a contributor) runs everything in order, in one process."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "-n" not in options["addopts"].split() and "--dist" not in options["addopts"]
