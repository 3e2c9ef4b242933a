"""Issue 23, item 3: the suite runs in parallel (pytest-xdist), and what must run in one process, in order, does.

The root conftest.py gives each test an xdist group (group_of): a notebook's cells share one kernel and run in order,
a browser module's tests share one JupyterLab and run in order, and the JupyterHub tests run one after the other.
pyproject.toml's addopts must ask for --dist loadfile (xdist's loadgroup did not keep nbval's cells together), or a
notebook's cells are spread over workers (each cell then runs in a kernel that never ran the cells above it)."""

import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_notebooks_cells_run_together_and_apart_from_other_notebooks():
    group_of = root_conftest().group_of
    lesson, worksheet = ROOT / "notebooks" / "00_start_here.ipynb", ROOT / "exercises" / "01_worksheet.ipynb"
    assert group_of(lesson, ROOT) == "notebooks/00_start_here.ipynb"
    assert group_of(worksheet, ROOT) == "exercises/01_worksheet.ipynb"


def test_browser_modules_each_run_together_and_every_hub_test_runs_in_one_group():
    group_of = root_conftest().group_of
    first, second = (group_of(ROOT / "tests" / "browser" / name, ROOT) for name in ("test_a.py", "test_b.py"))
    assert first and second and first != second
    hub = {group_of(ROOT / "tests" / "hub" / name, ROOT) for name in ("test_a.py", "test_b.py")}
    assert hub == {"tests/hub"}


def test_other_tests_may_run_in_any_worker():
    group_of = root_conftest().group_of
    assert group_of(ROOT / "tests" / "test_text.py", ROOT) is None
    assert group_of(Path("/elsewhere/tests/hub/test_a.py"), ROOT) is None  # only the checkout's tests/hub


def test_a_notebook_outside_the_checkout_still_runs_in_one_group():
    assert root_conftest().group_of(Path("/elsewhere/notebook.ipynb"), ROOT) == "/elsewhere/notebook.ipynb"


def test_the_suite_asks_xdist_to_keep_the_groups():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    words = shlex.split(options["addopts"])
    assert "-n" in words and words[words.index("--dist") + 1] == "loadfile", words


def test_a_whole_run_writes_its_time_for_make_bench_and_a_partial_run_does_not(tmp_path):
    shutil.copy(ROOT / "conftest.py", tmp_path)
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    subprocess.run([*run, "test_one.py"], cwd=tmp_path, check=True, capture_output=True)
    assert not (tmp_path / "test-artifacts" / "suite_time.json").exists()
    subprocess.run(run, cwd=tmp_path, check=True, capture_output=True)
    written = json.loads((tmp_path / "test-artifacts" / "suite_time.json").read_text(encoding="utf-8"))
    assert written["tests"] == 1 and written["exit"] == 0 and written["seconds"] > 0
