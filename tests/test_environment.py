"""environment.yml (conda) and pyproject.toml (pip) must name the same packages with the same minimums."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_ONLY = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(>=\s*[\w.]+)?", requirement.strip()).groups()
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
