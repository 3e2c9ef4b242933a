"""Issue 14: Binder's install steps (environment.yml's packages, then postBuild) in a fresh environment give a
course whose lesson 00 runs: the package is installed (not editable) and finds data/ from the notebook's folder,
and JupyterLab gets the course's settings."""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIRST_CELL = """
import json, sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read("00_start_here.ipynb", as_version=4)
notebook.cells = [next(cell for cell in notebook.cells if cell.cell_type == "code")]
NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
print(json.dumps(notebook.cells[0].outputs[-1]["data"]["text/plain"]))
"""


def test_binder_files_name_the_course_packages_and_postbuild_is_executable():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["name"] and "pip" in environment["dependencies"]
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "repo2docker runs postBuild only if it is executable"
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()  # they would hide the files at the root


def test_the_binder_install_steps_give_a_working_lesson_00(tmp_path):
    checkout = tmp_path / "repository"
    for name in ("src", "data", "exercises", "notebooks", "labextension"):
        ignored = shutil.ignore_patterns("__pycache__", "*.egg-info", "node_modules")
        shutil.copytree(ROOT / name, checkout / name, ignore=ignored)
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT", "lab-overrides.json", "postBuild"):
        shutil.copy2(ROOT / name, checkout / name)
    environment = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = environment / "bin" / "python"
    # What Binder installs from environment.yml that the lesson needs: the course's runtime packages.
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    # Binder installs them with conda; here uv (beside this Python, as make test installs it) or pip stands in.
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        installer = [str(uv), "pip", "install", "--python", str(python)]
    else:
        installer = [str(python), "-m", "pip", "install"]
    subprocess.run([*installer, "--quiet", "-c", str(ROOT / "constraints.txt"), *runtime], check=True)
    shell = {"PATH": f"{environment / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    subprocess.run(["bash", "postBuild"], cwd=checkout, env=shell, check=True)
    settings = environment / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(settings.read_text(encoding="utf-8")) == json.loads((ROOT / "lab-overrides.json").read_text())
    # The course's JupyterLab extension (labextension/: a reopened lesson is not marked modified) comes with pip.
    extension = environment / "share" / "jupyter" / "labextensions" / "after-fukushima-lab" / "package.json"
    assert json.loads(extension.read_text(encoding="utf-8"))["name"] == "after-fukushima-lab"
    shown = subprocess.run(
        [str(python), "-c", FIRST_CELL],
        cwd=checkout / "notebooks",
        capture_output=True,
        text=True,
        check=False,
        env={**shell, "AFTER_FUKUSHIMA_PROGRESS": str(tmp_path / "p.sqlite")},
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert json.loads(shown.stdout.strip().splitlines()[-1]).startswith("<Question bank '00_start_here': ")
    installed = subprocess.run(
        [str(python), "-c", "import after_fukushima; print(after_fukushima.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert str(environment) in installed  # a real install, not the checkout's src/
