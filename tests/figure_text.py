"""Finds text on text, and text cut off, in every matplotlib figure a notebook draws.

Loaded inside a notebook's kernel by tests/test_every_figure.py: `watch()` (first cell) records each figure made
and, each time a figure is drawn, the text it actually drew (tick labels out of view are not drawn, so they are
not counted); `report()` (last cell) draws every figure once more as saving it does and prints, as JSON, the
problems found: text cut by the figure's edge, two texts overlapping, and a legend covering another text or a
data marker; and, for a figure shown as a picture, its description and the alt text its PNG output carries.
"""

import json
import weakref

import numpy as np
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

SLACK = 1.0  # px: anti-aliasing may spill a pixel over an edge or into a neighbour without anyone seeing it
_figures: list = []
_drawn: dict = {}  # id(figure) -> {id(text): (text, bbox)} for the latest draw
_in_legend = False  # whether a legend is being drawn
_handles: dict = {}  # id(figure) -> [(x, y, radius)] of the markers its legends drew in the latest draw


def watch() -> None:
    """Record every figure made from now on, and the text each draw puts on it (once: a second call does nothing)."""
    if getattr(Figure, "_watched", False):
        return
    Figure._watched = True
    original_init, original_draw = Figure.__init__, Text.draw
    figure_draw = Figure.draw

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        _figures.append(weakref.ref(self))

    def draw_text(self, renderer):
        original_draw(self, renderer)
        figure = self.get_figure(root=True) if hasattr(self, "get_figure") else self.figure
        if figure is None or not self.get_visible() or not self.get_text().strip():
            return
        box = self.get_window_extent(renderer).frozen()
        angle = self.get_rotation() % 180
        if angle:  # the size of the text before it was turned, for telling turned neighbours apart
            self.set_rotation(0)
            flat = self.get_window_extent(renderer)
            self.set_rotation(angle)
            box.turned = (np.radians(angle), flat.width, flat.height)
        _drawn.setdefault(id(figure), {})[id(self)] = (self, box)

    def draw_figure(self, renderer):
        _drawn[id(self)], _handles[id(self)] = {}, []
        figure_draw(self, renderer)

    def draw_handle(self, renderer, original):
        original(self, renderer)
        figure = self.get_figure(root=True) if hasattr(self, "get_figure") else self.figure
        if figure is not None and _in_legend and self.get_visible():
            _handles.setdefault(id(figure), []).extend(_marker_circles(self, renderer))

    def draw_legend(self, renderer):
        global _in_legend
        _in_legend = True
        try:
            legend_draw(self, renderer)
        finally:
            _in_legend = False

    collection_draw, line_draw, legend_draw = Collection.draw, Line2D.draw, Legend.draw
    Legend.draw = draw_legend
    Collection.draw = lambda self, renderer: draw_handle(self, renderer, collection_draw)
    Line2D.draw = lambda self, renderer: draw_handle(self, renderer, line_draw)
    Figure.__init__, Text.draw, Figure.draw = init, draw_text, draw_figure


def _marker_circles(artist, renderer) -> list[tuple[float, float, float]]:
    """(x, y, radius) in px of each marker a legend draws, a marker taken as the circle its size and outline
    give."""
    points_to_px = renderer.points_to_pixels(1.0)
    if isinstance(artist, Line2D):
        if artist.get_marker() in (None, "None", "", " "):
            return []
        radius = (artist.get_markersize() + artist.get_markeredgewidth()) * points_to_px / 2
        centres = artist.get_transform().transform(np.column_stack(artist.get_data()).astype(float))
    else:
        sizes = artist.get_sizes() if hasattr(artist, "get_sizes") else []
        if not len(sizes) or not len(artist.get_offsets()):
            return []
        edge = max(artist.get_linewidths(), default=0)  # the outline, half of it outside the marker
        radius = (np.sqrt(max(sizes)) + edge) * points_to_px / 2  # a marker's size is its area in points squared
        centres = artist.get_offset_transform().transform(artist.get_offsets())
    return [(float(x), float(y), float(radius)) for x, y in centres]


def _name(text: Text) -> str:
    return repr(text.get_text()[:40])


def _inside_legend(text: Text, legends: list) -> Legend | None:
    for legend in legends:
        if text in legend.get_texts() or text is legend.get_title():
            return legend
    return None


def _overlap(a, b) -> bool:
    """Whether two drawn texts overlap. Two texts turned by the same angle (slanted tick labels) are compared
    as the turned rectangles they are; any other pair by the upright boxes around them."""
    turned_a, turned_b = getattr(a, "turned", None), getattr(b, "turned", None)
    if turned_a and turned_b and np.isclose(turned_a[0], turned_b[0]):
        angle = turned_a[0]
        shift = np.array([b.x0 + b.x1 - a.x0 - a.x1, b.y0 + b.y1 - a.y0 - a.y1]) / 2
        along = abs(shift @ [np.cos(angle), np.sin(angle)])
        across = abs(shift @ [-np.sin(angle), np.cos(angle)])
        return (turned_a[1] + turned_b[1]) / 2 - along > SLACK and (turned_a[2] + turned_b[2]) / 2 - across > SLACK
    return min(a.x1, b.x1) - max(a.x0, b.x0) > SLACK and min(a.y1, b.y1) - max(a.y0, b.y0) > SLACK


def _markers(ax) -> np.ndarray:
    """Display coordinates of the axes' data markers (points of scatter plots, markers of lines)."""
    points = []
    for line in ax.get_lines():
        if line.get_visible() and line.get_marker() not in (None, "None", "", " "):
            points.append(ax.transData.transform(np.column_stack(line.get_data()).astype(float)))
    for collection in ax.collections:
        if isinstance(collection, Collection) and collection.get_visible() and len(collection.get_offsets()):
            points.append(collection.get_offset_transform().transform(collection.get_offsets()))
    return np.concatenate(points) if points else np.empty((0, 2))


def problems(figure: Figure) -> list[str]:
    """What is cut off or covered in `figure`, laid out as saving it lays it out: a list of sentences."""
    figure.draw_without_rendering()
    drawn = list(_drawn.get(id(figure), {}).values())
    edge = figure.bbox
    legends = [a.get_legend() for a in figure.axes if a.get_legend()] + list(figure.legends)
    found = []
    # A figure shown as a picture is saved with the tight box (the course style), which grows to hold all its
    # text; an interactive figure shows its canvas as it is, so text past the canvas's edge is cut off there.
    cut = type(figure.canvas).__module__.startswith("ipympl")
    for text, box in drawn:
        outside = min(box.x0 - edge.x0, box.y0 - edge.y0, edge.x1 - box.x1, edge.y1 - box.y1) < -SLACK
        if cut and outside:
            found.append(f"{_name(text)} is cut by the figure's edge")
    for i, (a, box_a) in enumerate(drawn):
        for b, box_b in drawn[i + 1 :]:
            if _overlap(box_a, box_b):
                found.append(f"{_name(a)} overlaps {_name(b)}")
    for legend in legends:
        frame = legend.get_window_extent()
        for text, box in drawn:
            if _inside_legend(text, [legend]) is None and _overlap(frame, box):
                found.append(f"the legend covers {_name(text)}")
        ax = legend.axes if legend.axes is not None and legend in [a.get_legend() for a in figure.axes] else None
        if ax is not None:
            inside = [(x, y) for x, y in _markers(ax) if frame.x0 < x < frame.x1 and frame.y0 < y < frame.y1]
            if inside:
                found.append(f"the legend of {ax.get_title(loc='left')[:40]!r} covers {len(inside)} data marker(s)")
    handles = _handles.get(id(figure), [])
    for i, (x, y, r) in enumerate(handles):
        for x2, y2, r2 in handles[i + 1 :]:
            if np.hypot(x2 - x, y2 - y) < r + r2 - SLACK:
                found.append("two markers of a legend overlap")
    return found


def _title(figure: Figure) -> str:
    titles = [a.get_title(loc="left") or a.get_title() for a in figure.axes]
    return figure.get_suptitle() or next((t for t in titles if t), "(untitled)")


def described(figure: Figure) -> dict:
    """A figure shown as a picture (not ipympl's canvas): its description, and the alt text its PNG output
    carries in its metadata (what the course's JupyterLab extension and the website give the <img>), None where
    either is missing."""
    if type(figure.canvas).__module__.startswith("ipympl"):
        return {"interactive": True}
    bundle, metadata = figure._repr_mimebundle_() if hasattr(figure, "_repr_mimebundle_") else ({}, {})
    return {
        "interactive": False,
        "description": getattr(figure, "description", None) or None,
        "alt": metadata.get("image/png", {}).get("alt") if "image/png" in bundle else None,
    }


def report() -> None:
    """Print, as one JSON line, each figure still alive with its problems."""
    figures = [f() for f in _figures]
    seen = [f for f in figures if f is not None and f.axes]
    print(json.dumps([{"figure": _title(f), "problems": problems(f), **sizes(f), **described(f)} for f in seen]))


def sizes(figure: Figure) -> dict:
    """The smallest text the figure drew, in points (after its latest draw), and its width in pixels as drawn:
    what a projector shows depends on both (a wide figure is shrunk to the notebook's width)."""
    drawn = [text.get_fontsize() for text, _ in _drawn.get(id(figure), {}).values()]
    return {"smallest_pt": min(drawn) if drawn else None, "width_px": figure.get_figwidth() * figure.dpi}
