"""Refresh the stored outputs of every notebook and worksheet, the same way each time (`make execute`).

    python -m after_fukushima.maintainers.execute_notebooks            # all of notebooks/ and exercises/
    python -m after_fukushima.maintainers.execute_notebooks notebooks/00_start_here.ipynb
    python -m after_fukushima.maintainers.execute_notebooks --list     # which it would run, running none

Each notebook runs top to bottom in a fresh kernel, in its own folder, with an empty progress file, so that
strict nbval passes right after. Widget views are dropped from the stored outputs (their model ids change on
every run and mean nothing without a live kernel); the short text each exercise shows in their place stays.
A maintainer's tool: `make execute` runs it after a change to a lesson or to what a lesson shows; the
benchmark (`make bench`) and tests/test_every_figure.py use its ``execute_copy`` and ``course_notebooks``.
"""

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from after_fukushima.paths import course_root
from after_fukushima.progress import PROGRESS_VARIABLE

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def course_notebooks() -> list[Path]:
    """Every lesson (notebooks/*.ipynb) then every worksheet (exercises/*.ipynb), each sorted by name."""
    root = course_root()
    return sorted(root.glob("notebooks/*.ipynb")) + sorted(root.glob("exercises/*.ipynb"))


def strip_widget_views(notebook) -> None:
    """Drop, in place, the widget views and per-cell timings that would differ on every run."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def execute_copy(path: Path):
    """The notebook at `path`, run top to bottom in a fresh kernel with an empty progress file (not saved)."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ[PROGRESS_VARIABLE] = str(Path(scratch) / "progress.sqlite")
        client = NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            record_timing=False,
            store_widget_state=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    strip_widget_views(notebook)
    return notebook


def ids_elsewhere(path: Path) -> set[str]:
    """The cell ids of every other notebook of the course (lessons, worksheets, teacher/, templates/)."""
    root = course_root()
    others = {*course_notebooks(), *root.glob("teacher/*.ipynb"), *root.glob("templates/*.ipynb")} - {path}
    return {cell.id for other in others for cell in nbformat.read(other, as_version=4).cells}


def renew_copied_ids(notebook, path: Path) -> None:
    """Give, in place, a new id to each cell whose id another course notebook has (a notebook copied from the
    template or from another lesson keeps its cells' ids, which confuses nbdime and the website's anchors). The new
    id is eight hex digits from the notebook's path and the old id, so running it again changes nothing."""
    taken = ids_elsewhere(path)
    name = path.relative_to(course_root()).as_posix()
    for cell in notebook.cells:
        if cell.id in taken:
            cell.id = hashlib.sha1(f"{name}:{cell.id}".encode()).hexdigest()[:8]


def execute(path: Path) -> None:
    """Run the notebook at `path` as execute_copy does and write it back with its new outputs (and, for cells
    copied from another notebook of the course, new ids: renew_copied_ids)."""
    notebook = execute_copy(path)
    renew_copied_ids(notebook, path)
    nbformat.write(notebook, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m after_fukushima.maintainers.execute_notebooks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: every course notebook)")
    parser.add_argument("--list", action="store_true", help="only list the notebooks it would run, in order")
    args = parser.parse_args(argv)
    paths = [path.resolve() for path in args.notebooks] or course_notebooks()
    root = course_root()
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file() or not path.is_relative_to(root):
            parser.error(f"{path} is not a notebook of the course in {root}: name an .ipynb file there, or none")
    for path in paths:
        if args.list:
            print(path.relative_to(root))
            continue
        print(f"executing {path.relative_to(root)}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
