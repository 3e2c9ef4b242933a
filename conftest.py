"""Every test run saves progress to fresh temporary files, never to the student's own
~/.after_fukushima/progress.sqlite; each notebook that nbval runs starts with an empty one, as under
`make execute`, so that stored outputs compare exactly.

make test runs most of the suite in parallel with pytest-xdist (-n auto --dist loadfile: each file, a notebook's
cells or a module's tests, in one worker, in order); each worker is a process of its own, with its own temporary
folders and progress files."""

import os
import tempfile
from pathlib import Path

import pytest

VARIABLE = "AFTER_FUKUSHIMA_PROGRESS"
_scratch = Path(tempfile.mkdtemp(prefix="after-fukushima-test-"))


def pytest_configure(config):
    os.environ[VARIABLE] = str(_scratch / "progress.sqlite")
    # Kernels started by nbval inherit this: a warning that would reach a student as stderr fails strict nbval.
    os.environ.setdefault("PYTHONWARNINGS", "default")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel (at its first cell), point it at a new progress file."""
    if item.path.suffix == ".ipynb":
        fresh = _scratch / f"{item.path.stem}.progress.sqlite"
        if os.environ.get(VARIABLE) != str(fresh):
            os.environ[VARIABLE] = str(fresh)
