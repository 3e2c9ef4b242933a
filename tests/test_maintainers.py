"""The maintainers' room (after_fukushima.maintainers): every `python -m` the Makefile runs exists, the notebook
runner lists before it runs, and the rooms keep apart (the students' runtime imports none of the tools)."""

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from after_fukushima.maintainers import execute_notebooks

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "after_fukushima"
# The teachers' and the maintainers' tools, by their package and by each module's name, old place included: what
# no module of the students' runtime (every other module of the package) may import.
TOOLS = {"teacher", "answer_key", "role_play", "class_report", "class_links"}
TOOLS |= {"maintainers", "datasets", "build_data", "report_audit", "execute_notebooks", "benchmark", "hub_load"}


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


def test_the_students_runtime_imports_no_tool_of_another_room():
    runtime = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0].removesuffix(".py") not in TOOLS]
    assert PACKAGE / "plots.py" in runtime and PACKAGE / "vocabulary.py" in runtime
    wrong = {
        str(path.relative_to(PACKAGE)): name
        for path in runtime
        for name in course_imports(path)
        if name.split(".")[1] in TOOLS
    }
    assert not wrong, f"students' runtime modules import tools of another room: {wrong}"


def test_the_vocabulary_imports_nothing_of_the_course():
    assert course_imports(PACKAGE / "vocabulary.py") == []
