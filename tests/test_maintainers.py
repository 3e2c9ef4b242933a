"""The maintainers' room (after_fukushima.maintainers): every `python -m` the Makefile runs exists, the notebook
runner lists before it runs, and the rooms keep apart: import-linter checks pyproject.toml's contracts (make lint)."""

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from after_fukushima.maintainers import execute_notebooks

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "after_fukushima"


def course_imports(path: Path) -> list[str]:
    """The modules of the course (after_fukushima.*) that the file at `path` imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if name.startswith("after_fukushima.")]


def test_every_module_the_makefile_runs_exists():
    modules = re.findall(r"python -m (after_fukushima[\w.]*)", (ROOT / "Makefile").read_text(encoding="utf-8"))
    assert "after_fukushima.maintainers.build_data" in modules
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    assert not missing, f"the Makefile runs modules that do not exist: {missing}"


def test_the_notebook_runner_lists_the_notebooks_and_runs_none(capsys):
    before = {path: path.stat().st_mtime_ns for path in execute_notebooks.course_notebooks()}
    assert execute_notebooks.main(["--list"]) == 0
    listed = capsys.readouterr().out.split()
    assert listed == [str(path.relative_to(ROOT)) for path in before]
    assert listed[0] == "notebooks/00_start_here.ipynb" and any(name.startswith("exercises/") for name in listed)
    assert {path: path.stat().st_mtime_ns for path in before} == before


def test_the_notebook_runner_refuses_a_path_that_is_no_course_notebook(tmp_path, capsys):
    stray = tmp_path / "stray.ipynb"
    stray.write_text("{}", encoding="utf-8")
    for wrong in (str(stray), "notebooks/no_such_lesson.ipynb", "README.md"):
        with pytest.raises(SystemExit) as stopped:
            execute_notebooks.main(["--list", wrong])
        assert stopped.value.code == 2
        assert "is not a notebook of the course" in capsys.readouterr().err


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's verdict on the package under ``root``/src with the contracts of ``root``/pyproject.toml, as
    `make lint` runs it."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_rooms_and_layers_hold():
    """Issue 22: pyproject.toml's import contracts (rooms, layers, the progress store's independence) are kept."""
    verdict = lint_imports(ROOT)
    assert verdict.returncode == 0, verdict.stdout[-3000:]
    assert "3 kept, 0 broken" in verdict.stdout


def test_a_students_module_importing_a_tool_breaks_the_lint_with_a_sentence(tmp_path):
    """Issue 22: the contracts can fail. A copy of the package whose plots (students' runtime) imports a maintainers'
    tool breaks the rooms contract, named, with the chain of imports that breaks it."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "after_fukushima", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plots = tmp_path / "src" / "after_fukushima" / "plots.py"
    plots.write_text(plots.read_text(encoding="utf-8") + "\nfrom after_fukushima.maintainers import benchmark\n")
    verdict = lint_imports(tmp_path)
    assert verdict.returncode != 0
    assert "BROKEN" in verdict.stdout and "What students' notebooks import never reaches" in verdict.stdout
    assert "after_fukushima.plots is not allowed to import after_fukushima.maintainers" in verdict.stdout


def test_the_vocabulary_imports_nothing_of_the_course():
    assert course_imports(PACKAGE / "vocabulary.py") == []


def test_a_lesson_copied_from_the_template_gets_new_cell_ids_and_keeps_them(tmp_path, monkeypatch):
    """CONTRIBUTING's Recipe 2 copies the template; make execute then renews the ids the copy shares."""
    for folder in ("data", "exercises/banks", "notebooks", "templates"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "lesson_template.ipynb", tmp_path / "templates")
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", tmp_path / "notebooks")
    copy = tmp_path / "notebooks" / "07_your_lesson.ipynb"
    shutil.copy(ROOT / "templates" / "lesson_template.ipynb", copy)
    monkeypatch.setenv("AFTER_FUKUSHIMA_ROOT", str(tmp_path))

    notebook = nbformat.read(copy, as_version=4)
    template_ids = [cell.id for cell in notebook.cells]
    execute_notebooks.renew_copied_ids(notebook, copy)
    renewed = [cell.id for cell in notebook.cells]
    assert not set(renewed) & set(template_ids) and len(set(renewed)) == len(renewed)
    assert all(re.fullmatch(r"[0-9a-f]{8}", cell_id) for cell_id in renewed)
    nbformat.validate(notebook)

    nbformat.write(notebook, copy)
    again = nbformat.read(copy, as_version=4)
    execute_notebooks.renew_copied_ids(again, copy)
    assert [cell.id for cell in again.cells] == renewed  # nothing shared any more: nothing changes


def test_the_speed_table_reads_the_browser_and_suite_timings_or_says_which_command_makes_them(tmp_path, monkeypatch):
    from after_fukushima.maintainers import benchmark

    monkeypatch.setattr(benchmark, "ARTIFACTS", tmp_path)
    assert benchmark.browser_rows() == [
        ("interactive figures in Chromium", "not measured: run make bench-browser", "≤ 250 ms median")
    ]
    assert benchmark.suite_row()[1] == "not measured: run make test"
    (tmp_path / "suite_time.json").write_text("{damaged", encoding="utf-8")
    assert benchmark.suite_row()[1] == "not measured: run make test"

    rows = [
        {"figure": "simulator (lesson 04)", "control": "depth buttons", "what": "figure ms", "median": 181.4},
        {"figure": "simulator (lesson 04)", "control": "depth buttons", "what": "words ms", "median": 60.0},
    ]
    rows[0] |= {"min": 150.2, "max": 260.9}
    (tmp_path / "browser_bench.json").write_text(json.dumps({"rows": rows, "note": "load 1.0"}), encoding="utf-8")
    (tmp_path / "suite_time.json").write_text(json.dumps({"seconds": 171.6}), encoding="utf-8")
    figure, when = benchmark.browser_rows()
    assert figure == ("simulator (lesson 04): depth buttons", "181 ms (150-261)", "≤ 250 ms")
    assert "load 1.0" in when[1]
    assert benchmark.suite_row()[1].startswith("2 min 52 s (")
    parts = {"seconds": 1000, "parallel_seconds": 200, "serial_seconds": 800, "exit": 0}
    (tmp_path / "suite_time.json").write_text(json.dumps(parts), encoding="utf-8")
    assert benchmark.suite_row()[1].startswith("16 min 40 s: 3 min 20 s in parallel, 13 min 20 s of browser and hub")
    (tmp_path / "suite_time.json").write_text(json.dumps({**parts, "exit": 2}), encoding="utf-8")
    assert benchmark.suite_row()[1].startswith("FAILED (exit 2) after 16 min 40 s")


def test_the_setup_benchmark_times_jupyterlab_until_it_serves_lesson_00():
    from after_fukushima.maintainers import benchmark

    seconds = benchmark.served_lesson_seconds(Path(sys.executable))
    assert 0 < seconds < 120
