"""Every test run saves progress to fresh temporary files, never to the student's own
~/.after_fukushima/progress.sqlite; each notebook that nbval runs starts with an empty one, as under
`make execute`, so that stored outputs compare exactly.

The suite runs in parallel with pytest-xdist (``-n auto --dist loadfile`` in pyproject.toml's addopts; ``-n 0``
runs it in one process). Each worker is a process of its own, with its own temporary folders and progress files.
Tests that must run in one process, one after the other, share an xdist group (see ``group_of``); every other test
may run in any worker."""

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

VARIABLE = "AFTER_FUKUSHIMA_PROGRESS"
_scratch = Path(tempfile.mkdtemp(prefix="after-fukushima-test-"))


def pytest_configure(config):
    config.started = time.monotonic()
    os.environ[VARIABLE] = str(_scratch / "progress.sqlite")
    # Kernels started by nbval inherit this: a warning that would reach a student as stderr fails strict nbval.
    os.environ.setdefault("PYTHONWARNINGS", "default")


def group_of(path: Path, root: Path) -> str | None:
    """The xdist group of a test in file `path` (`root` is the checkout), or None for a test that may run anywhere.

    - a notebook's cells (nbval): the notebook, so that one kernel runs them all, in order;
    - tests/browser: the test's module, so that a module's tests run in order, against one JupyterLab (each worker
      starts at most one, see tests/browser/conftest.py);
    - tests/hub: one group, so that only one real JupyterHub runs at a time (they choose student ports from one
      range, and each starts several servers).
    """
    path = path.resolve()
    relative = path.relative_to(root) if path.is_relative_to(root) else path
    if relative.suffix == ".ipynb":
        return relative.as_posix()
    if relative.parts[:2] == ("tests", "hub"):
        return "tests/hub"
    if relative.parts[:2] == ("tests", "browser"):
        return relative.as_posix()
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = group_of(Path(item.path), config.rootpath.resolve())
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel (at its first cell), point it at a new progress file."""
    if item.path.suffix == ".ipynb":
        fresh = _scratch / f"{item.path.stem}.progress.sqlite"
        if os.environ.get(VARIABLE) != str(fresh):
            os.environ[VARIABLE] = str(fresh)


def pytest_sessionfinish(session, exitstatus):
    """After a whole run (no paths given, as make test runs it), write its time to test-artifacts/suite_time.json
    for make bench's speed table; xdist's workers and partial runs write nothing."""
    config = session.config
    given = config.args_source == pytest.Config.ArgsSource.ARGS  # paths named on the command line
    if hasattr(config, "workerinput") or given or not hasattr(config, "started"):
        return
    artifacts = config.rootpath / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    timing = {"seconds": round(time.monotonic() - config.started, 3), "tests": session.testscollected}
    (artifacts / "suite_time.json").write_text(json.dumps(timing | {"exit": int(exitstatus)}) + "\n", encoding="utf-8")
