"""Refresh the stored outputs of every notebook and worksheet, the same way each time.

    python -m after_fukushima.execute_notebooks            # all of notebooks/ and exercises/
    python -m after_fukushima.execute_notebooks notebooks/00_start_here.ipynb

Each notebook runs top to bottom in a fresh kernel, in its own folder, with an empty progress file, so that
strict nbval passes right after. Widget views are dropped from the stored outputs (their model ids change on
every run and mean nothing without a live kernel); the short text each exercise shows in their place stays.
"""

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
    root = course_root()
    return sorted(root.glob("notebooks/*.ipynb")) + sorted(root.glob("exercises/*.ipynb"))


def strip_widget_views(notebook) -> None:
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


def execute(path: Path) -> None:
    nbformat.write(execute_copy(path), path)


def main(argv=None) -> int:
    paths = [Path(p).resolve() for p in (argv if argv is not None else sys.argv[1:])] or course_notebooks()
    for path in paths:
        print(f"executing {path.relative_to(course_root())}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
