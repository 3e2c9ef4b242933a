"""Issue 24, item 2, in a real JupyterLab: each figure a lesson stores has its description as its image's alt text.

JupyterLab's own image renderer gives an output <img> no alt text. A described figure stores its sentence in the
output's metadata (metadata['image/png'].alt, after_fukushima.plots.CourseFigure), and the course's JupyterLab
extension (labextension/) makes it the alt text: checked here on a lesson opened as stored, without running it,
against the sentences in the notebook file.
"""

from pathlib import Path

import nbformat
from test_lesson00_in_jupyterlab import IDLE

ROOT = Path(__file__).resolve().parents[2]
LESSON = "notebooks/01_fukushima_accident.ipynb"


def stored_descriptions(path: Path) -> list[str]:
    """The alt text each stored figure output of the notebook at ``path`` carries, in order."""
    notebook = nbformat.read(path, as_version=4)
    return [
        output.metadata["image/png"]["alt"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {}) and "alt" in output.get("metadata", {}).get("image/png", {})
    ]


def test_each_stored_figure_shows_its_description_as_alt_text(page, lab):
    described = stored_descriptions(ROOT / LESSON)
    assert len(described) >= 5, "lesson 01's figures are stored with their descriptions (make execute)"
    page.goto(lab.url(f"lab/tree/{LESSON}"))
    page.wait_for_function(IDLE, timeout=90_000)
    images = page.locator(".jp-OutputArea-output img")
    images.nth(len(described) - 1).wait_for(state="attached", timeout=30_000)
    assert images.evaluate_all("nodes => nodes.map(node => node.alt)") == described
