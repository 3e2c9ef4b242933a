"""Issue 21, fault 4 (last part): the course's JupyterLab extension (labextension/) is installed with the course.

The extension keeps a reopened, unchanged notebook from being marked modified (tests/browser/
test_reopened_and_projected.py shows it in a real JupyterLab). Its built output is committed, so that installing
the course needs no Node.js: pip installs it from pyproject.toml's data-files, and make copies it into .venv for
an editable install, which setuptools installs without data files.
"""

import json
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "labextension" / "built"
NAME = "after-fukushima-lab"
DESTINATION = PurePosixPath("share/jupyter/labextensions") / NAME


def installed_files() -> dict[PurePosixPath, Path]:
    """Where pip installs each file pyproject.toml's data-files names: {path under the prefix: source file}."""
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    installed = {}
    for folder, patterns in data_files["data-files"].items():
        for pattern in patterns:
            for source in ROOT.glob(pattern):
                installed[PurePosixPath(folder) / source.name] = source
    return installed


def test_every_built_file_of_the_extension_is_installed_with_the_package():
    built = {DESTINATION / path.relative_to(BUILT).as_posix(): path for path in BUILT.rglob("*") if path.is_file()}
    assert built, f"{BUILT} is empty: run make labextension and commit labextension/built/"
    assert {place: source for place, source in installed_files().items() if DESTINATION in place.parents} == built


def test_the_built_extension_is_complete_and_names_itself():
    package = json.loads((BUILT / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == NAME
    entry = BUILT / package["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), f"{entry} is missing: the build in labextension/built/ is incomplete"
    install = json.loads((BUILT / "install.json").read_text(encoding="utf-8"))
    assert (
        install["packageName"]
        == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    )
    # The source it was built from is kept beside it, and Node's packages are not.
    assert (ROOT / "labextension" / "src" / "index.js").is_file()
    assert "node_modules" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_make_copies_the_extension_into_an_editable_venv():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"LAB_EXTENSION := $(VENV)/share/jupyter/labextensions/{NAME}" in makefile
    assert "cp -R labextension/built $@" in makefile


@pytest.mark.parametrize("target", ["lab", "test"])
def test_make_lab_and_make_test_install_the_extension_before_they_start(target, tmp_path):
    """Without it, a fresh clone's make lab opened JupyterLab with no extension (an editable install skips
    data-files), and reopened lessons asked to be saved again."""
    venv = tmp_path / "venv"
    planned = subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={venv}", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    copy = next(n for n, line in enumerate(planned) if line.startswith("cp -R labextension/built "))
    assert planned[copy].endswith(f"{venv}/share/jupyter/labextensions/{NAME}")
    start = next(n for n, line in enumerate(planned) if "jupyter lab " in line or "-m pytest" in line)
    assert copy < start
