"""Issue 21, fault 4 (last part): the course's JupyterLab extension (labextension/) is installed with the course.

The extension keeps a reopened, unchanged notebook from being marked modified (tests/browser/
test_reopened_and_projected.py shows it in a real JupyterLab). Its built output is committed, so that installing
the course needs no Node.js: pip installs it from pyproject.toml's data-files, and make copies it into .venv for
an editable install, which setuptools installs without data files.
"""

import json
import tomllib
from pathlib import Path, PurePosixPath

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
