"""Issue 21, fault 2: no figure a lesson, worksheet or the class report draws has text on text or text cut off.

Each notebook runs top to bottom in a fresh kernel (as `make execute` runs it), with tests/figure_text.py
watching every figure it makes; at the end every figure is laid out as saving it lays it out, and each text cut
by the figure's edge, each two texts that overlap and each legend that covers text or a data marker is a failure,
and so is text smaller than the course's smallest size for a static figure (issue 21: the class report's heat map
had 6 pt exercise names, 5 px on a 1024x768 projector).

Issue 24, item 2: every figure shown as a picture has a description, one sentence that is not its title, which
its PNG output carries as its alt text (metadata).
"""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from after_fukushima.maintainers.execute_notebooks import course_notebooks
from after_fukushima.paths import course_root
from after_fukushima.plots import SMALLEST_STATIC_TEXT_PT
from after_fukushima.progress import PROGRESS_VARIABLE

HERE = Path(__file__).resolve().parent
NOTEBOOKS = course_notebooks() + [course_root() / "teacher" / "class_report.ipynb"]


def figures_drawn(path: Path, scratch: Path) -> list[dict]:
    """Each figure the notebook at `path` makes: its title and the problems tests/figure_text.py finds."""
    notebook = nbformat.read(path, as_version=4)
    first = nbformat.v4.new_code_cell(
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import figure_text; figure_text.watch()"
    )
    last = nbformat.v4.new_code_cell("figure_text.report()")
    notebook.cells = [first, *notebook.cells, last]
    os.environ[PROGRESS_VARIABLE] = str(scratch / "progress.sqlite")
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    return json.loads(printed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_figure_has_text_on_text_or_cut_off(path, tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_VARIABLE, str(tmp_path / "progress.sqlite"))
    drawn = figures_drawn(path, tmp_path)
    assert all(f["figure"] for f in drawn)
    found = {f["figure"]: f["problems"] for f in drawn if f["problems"]}
    assert found == {}
    small = {f["figure"]: f["smallest_pt"] for f in drawn if f["smallest_pt"] < SMALLEST_STATIC_TEXT_PT}
    assert small == {}, f"text under {SMALLEST_STATIC_TEXT_PT} pt (11 px at full size): {small}"
    pictures = [f for f in drawn if not f["interactive"]]
    undescribed = [f["figure"] for f in pictures if not f["description"]]
    assert undescribed == [], "figures without a description (CourseFigure.describe)"
    for figure in pictures:
        description = figure["description"]
        assert one_sentence(description), description
        assert description.strip(" .") != figure["figure"].strip(" .") and figure["figure"] not in description
        assert figure["alt"] == description, figure["figure"]


def one_sentence(text: str) -> bool:
    """One plain sentence: a capital first, a full stop last, no other sentence begun inside, one line."""
    return bool(re.fullmatch(r"[A-Z0-9][^\n]*[.!?]", text)) and not re.search(r"[.!?] [A-Z]", text)


def test_the_check_finds_text_on_text_a_cut_title_and_legend_markers_that_touch():
    """The check itself, on a figure made to fail it in each way (so that a green run means something)."""
    import matplotlib

    matplotlib.use("Agg")
    import figure_text
    from ipympl.backend_nbagg import Canvas, FigureManager
    from matplotlib.figure import Figure

    figure_text.watch()
    fig = Figure(figsize=(3, 2))
    FigureManager(Canvas(fig), 0)  # an interactive figure: shown at its size, so text past its edge is cut
    ax = fig.add_subplot()
    ax.set_title("a title far too long for a figure three inches wide", loc="left")
    ax.text(0.5, 0.5, "here")
    ax.text(0.5, 0.5, "and here")
    ax.scatter([0, 1], [0, 1], s=400, label="big")
    ax.scatter([0, 1], [1, 0], s=400, marker="^", label="bigger")
    ax.legend(labelspacing=0, fontsize=6)
    found = figure_text.problems(fig)
    assert any("cut by the figure's edge" in p for p in found)
    assert "'here' overlaps 'and here'" in found
    assert "two markers of a legend overlap" in found
