"""environment.yml (conda) and pyproject.toml (pip) must name the same packages with the same minimums."""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import nbformat
import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
CONDA_ONLY = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    versions = r"(>=\s*[\w.]+(?:\s*,\s*<\s*[\w.]+)?)?"  # a minimum, and for a few an upper bound
    name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*" + versions, requirement.strip()).groups()
    return name.lower().replace("_", "-"), (version or "").replace(" ", "")


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    every = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
    return dict(_split(r) for r in every)


def conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    named = [d for d in environment["dependencies"] if isinstance(d, str)]
    return {name: version for name, version in map(_split, named) if name not in CONDA_ONLY}


def test_conda_and_pip_name_the_same_packages_and_versions():
    assert conda_requirements() == pip_requirements()


def test_both_ask_for_python_3_11_or_newer():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python>=3.11" in environment["dependencies"]


def test_the_lab_settings_that_make_writes_are_ones_jupyterlab_knows():
    """`make lab` installs lab-overrides.json: no news or update checks, widget state saved with notebooks. A
    renamed setting would silently do nothing."""
    import json
    import sys

    assert "cp lab-overrides.json $@" in (ROOT / "Makefile").read_text(encoding="utf-8")
    overrides = json.loads((ROOT / "lab-overrides.json").read_text(encoding="utf-8"))
    share = Path(sys.prefix) / "share" / "jupyter"
    for plugin, settings in overrides.items():
        package, name = plugin.split(":")
        schema = [
            path
            for path in (
                share / "lab" / "schemas" / package / f"{name}.json",
                share / "labextensions" / package / "schemas" / package / f"{name}.json",
            )
            if path.exists()
        ]
        assert schema, f"no JupyterLab schema for {plugin}"
        properties = json.loads(schema[0].read_text(encoding="utf-8"))["properties"]
        for key, value in settings.items():
            allowed = [choice["const"] for choice in properties[key].get("oneOf", [])] or properties[key].get("enum")
            assert value in allowed if allowed else isinstance(value, bool), (plugin, key, value)


def test_constraints_pin_every_dependency_within_its_range():
    """make lab and make test install with constraints.txt: the versions the tests passed with."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    for name, minimum in pip_requirements().items():
        assert name in pins, f"{name} is not pinned in constraints.txt (run make constraints)"
        assert pins[name] in SpecifierSet(minimum), (name, pins[name], minimum)
    assert "-c constraints.txt" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_make_help_lists_every_target():
    """CONTRIBUTING.md sends newcomers to `make help`: every command must be there, with one line each."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE).group(1).split()
    listed = re.findall(r'^\t@echo "make ([a-z-]+) ', makefile, re.MULTILINE)
    assert sorted(listed) == sorted(targets) and len(listed) == len(set(listed))


def planned(venv: Path, target: str, *variables: str) -> str:
    """What make would run to build ``target`` in a fresh venv at ``venv`` (a dry run: nothing is installed)."""
    return subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={venv}", *variables, f"{venv}/{target}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_fresh_venv_installs_with_uv_and_the_tested_versions_or_with_pip_saying_so(tmp_path):
    """Issue 23, item 1: make lab and make test install with uv (18-24 s against pip's 155-172 s), from the same
    constraints.txt; where uv cannot be had, pip installs the same packages and the message says it takes longer."""
    for target, extras in ((".installed", '-e "."'), (".installed-test", '-e ".[test]"')):
        steps = planned(tmp_path / "venv", target)
        assert f"{tmp_path}/venv/bin/python -m pip install --quiet --disable-pip-version-check uv" in steps
        assert "uv could not be installed, so pip installs the course instead" in steps
        uv = f"{tmp_path}/venv/bin/uv pip install --quiet --python {tmp_path}/venv/bin/python -c constraints.txt"
        pip = f"{tmp_path}/venv/bin/python -m pip install --quiet -c constraints.txt"
        assert f"if [ -x {tmp_path}/venv/bin/uv ]" in steps
        assert f"{uv} {extras}" in steps and f"{pip} {extras}" in steps
        assert re.search(r"with uv \(about \d+ seconds", steps) and re.search(r"with pip \(about \w+ minutes", steps)


def test_git_diff_shows_a_changed_figure_in_a_notebook_in_lines_not_kilobytes(tmp_path):
    """Issue 24, item 4: notebooks store their outputs, so a changed figure is a new base64 image: about 100 KB of
    JSON in a plain git diff. With .gitattributes and make nbdime's driver, git diff shows it cell by cell."""
    lesson = "01_fukushima_accident.ipynb"
    shutil.copy(ROOT / ".gitattributes", tmp_path)
    shutil.copy(ROOT / "notebooks" / lesson, tmp_path)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=Course", "-c", "user.email=course@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "lesson"], check=True)
    venv = ROOT / ".venv"
    make = ["make", "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"), f"VENV={venv}", "nbdime"]
    subprocess.run(make, check=True)

    notebook = nbformat.read(tmp_path / lesson, as_version=4)
    figures = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(figures) >= 2, "the lesson should draw at least two figures"
    figures[0]["data"] = dict(figures[1]["data"])  # one figure redrawn differently, as a changed argument would
    nbformat.write(notebook, tmp_path / lesson)

    plain = subprocess.run([*git, "diff", "--no-ext-diff"], capture_output=True, check=True).stdout
    cell_by_cell = subprocess.run([*git, "diff"], capture_output=True, check=True).stdout
    assert len(plain) > 20_000, len(plain)
    assert b"nbdiff" in cell_by_cell and len(cell_by_cell) < 2_000, cell_by_cell[:3000].decode(errors="replace")
