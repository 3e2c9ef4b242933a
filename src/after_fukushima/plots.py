"""One look for every figure: a colour-blind-safe palette, a title with units, a source line underneath.

fig, ax = new_figure("Nuclear share of electricity", ylabel="% of generation", source=source_line("nuclear_share"))

Students' runtime, and the lowest layer of the course's figures: figures (static figures), explorers (interactive
ones), the simulator and the class report draw with it. It also holds FigureBox (an interactive figure that says it
is a saved copy when reopened) and TextTable (a table of text as a reader expects it). It imports nothing of the
course.
"""

import base64
import html
import io
import re
import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

# The colour of each kind of national decision after March 2011, in the explorer and on the maps alike.
RESPONSE_COLOURS = {
    "pause and review": PALETTE["orange"],
    "phase-out": PALETTE["vermillion"],
    "continue": PALETTE["sky"],
    "expand": PALETTE["green"],
    "reversal": PALETTE["purple"],
    "proposed reversal": PALETTE["purple"],  # a bill, not yet law: dashed here, hatched on the map
    "no return": PALETTE["blue"],  # Italy 2011: no reactors since 1990, and a return refused
}

STYLE = {
    "axes.prop_cycle": cycler(color=list(PALETTE.values())),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "svg.hashsalt": "after-fukushima",
}


def use_course_style() -> None:
    plt.rcParams.update(STYLE)


def _sentence(description: str) -> str:
    """``description`` on one line, checked to read as a sentence (a capital or a digit first, a full stop last); a
    ValueError says what is wrong (a slip in the code that draws a figure: descriptions are written by the course,
    never by a student). That it is one sentence only is left to the tests: a name in the data may hold a full
    stop ('St. Lucie'), and a lesson must not stop for it."""
    text = " ".join(str(description).split())
    if not re.fullmatch(r"[A-Z0-9].*[.!?]", text):
        raise ValueError(f"A figure's description is one sentence, capitalised and ending in a full stop: {text!r}")
    return text


class CourseFigure(Figure):
    """A figure that shows itself when a notebook cell returns it, whatever matplotlib backend is active.

    ``description`` is one sentence saying what a sighted reader sees (not the title): set it where the figure is
    drawn, from the data drawn. A described figure's PNG output carries it as metadata, ``{"image/png": {"alt":
    description}}`` (beside the width and height JupyterLab reads there): the course's JupyterLab extension
    (labextension/) makes it the image's alt text, and `make site` the website's. Its plain text is its ``repr``
    and the description. (The PNG is not repeated inside an HTML <img>: that doubled every stored figure and made
    a changed figure 100 KB of git diff again, where nbdime shows a PNG as its checksum.)
    """

    description = ""

    def describe(self, description: str) -> "CourseFigure":
        """Set the figure's description (one sentence, see the class) and return the figure."""
        self.description = _sentence(description)
        return self

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        """(data, metadata): the PNG (base64) and the plain text; if described, the description is the PNG's
        metadata 'alt' and the plain text's second line."""
        bundle = {"image/png": base64.b64encode(self._repr_png_()).decode("ascii"), "text/plain": repr(self)}
        if not self.description:
            return bundle, {}
        bundle["text/plain"] += "\n" + self.description
        return bundle, {"image/png": {"alt": self.description}}

    def __repr__(self) -> str:
        titles = [ax.get_title(loc="left") for ax in self.axes if ax.get_title(loc="left")]
        heading = self.get_suptitle() or (titles[0] if titles else "")
        return f"<Figure: {heading}>"


def new_figure(title: str, *, ylabel: str, source: str, xlabel: str = "", figsize=None):
    """A figure and axes in the course style. ``ylabel`` carries the unit, ``source`` goes under the figure.

    The figure is not registered with pyplot: a notebook shows it once, when a cell returns it.
    """
    use_course_style()
    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    decorate(ax, title, ylabel=ylabel, source=source, xlabel=xlabel)
    return fig, ax


# The smallest text in an interactive figure, in points: 9 pt at the course's 100 dpi is 12.5 px on screen, big
# enough to be read from the back of a room on a 1024x768 projector (the figures are at most 8 inches, 800 px,
# wide, and show at full size in JupyterLab at 1024 px with the file browser closed).
SMALLEST_TEXT_PT = 9
# The smallest text in a static figure (a saved image, at most 9 inches wide): 8 pt is 11 px at full size.
SMALLEST_STATIC_TEXT_PT = 8


def interactive_figure(title: str, *, ylabel: str, source: str, xlabel: str = "", figsize=None):
    """Like new_figure, but drawn by ipympl whatever the notebook's backend: its canvas is a widget."""
    from ipympl.backend_nbagg import Canvas, FigureManager

    use_course_style()
    fig = Figure(figsize=figsize, layout="constrained")
    with warnings.catch_warnings():  # ipympl's toolbar passes traitlets an argument it deprecates; not ours to fix
        warnings.filterwarnings("ignore", r"Passing unrecognized arguments to super\(Toolbar\)", DeprecationWarning)
        FigureManager(Canvas(fig), 0)
    ax = fig.add_subplot()
    decorate(ax, title, ylabel=ylabel, source=source, xlabel=xlabel, source_size=SMALLEST_TEXT_PT)
    fig.canvas.header_visible = False
    fig.canvas.toolbar_visible = False
    return fig, ax


# On a narrow screen (a 1024-pixel projector with the file browser open) a figure is shrunk to the notebook's
# width instead of being cut off: its controls are widgets, so nothing depends on where the mouse is on it.
# A saved copy (a notebook reopened without running it: JupyterLab marks each widget restored from the saved state
# "jupyter-widgets-disconnected") has no kernel behind it: its figure cannot be drawn and its controls do nothing,
# so the figure says so, as an exercise does. The chosen one of a figure's toggle buttons (the simulator's depth
# and cost rule) has a tick and a strong colour, at least 3:1 against the others in the light and dark themes; a
# slider with a long description puts it on a line of its own rather than squeezing the track away (150 % zoom).
SAVED_COPY = "A saved copy: run this cell (Shift+Enter), or Run All, to use this interactive figure."
_FIGURE_BOX = ".widget-box:has(> .af-figure)"
FIGURE_CSS = (
    "<style>.af-figure, .af-figure .jupyter-matplotlib-figure, .af-figure .jupyter-matplotlib-canvas-container, "
    ".af-figure .jupyter-matplotlib-canvas-div { max-width: 100%; } "
    ".af-figure canvas { max-width: 100%; height: auto !important; } "
    ".af-figure.jupyter-widgets-disconnected > * { display: none !important; } "
    ".af-figure.jupyter-widgets-disconnected::before { display: block; "
    f'content: "{SAVED_COPY}"; '
    "font-weight: 600; font-family: var(--jp-ui-font-family, sans-serif); padding: 4px 8px; margin: 4px 0; "
    "border-left: 4px solid #E69F00; background: var(--jp-layout-color2, #eeeeee); "
    "color: var(--jp-content-font-color1, #1a1a1a); } "
    f"{_FIGURE_BOX}.jupyter-widgets-disconnected > :not(.af-figure) {{ opacity: 0.6; pointer-events: none; }} "
    f"{_FIGURE_BOX}.jupyter-widgets-disconnected::before, "  # one sentence, not a broken-link icon per control
    f"{_FIGURE_BOX} .jupyter-widgets-disconnected:not(.af-figure)::before {{ display: none; }} "
    f"{_FIGURE_BOX} .widget-toggle-button.mod-active {{ background: #0d47a1; color: #ffffff; font-weight: 700; "
    "box-shadow: inset 0 0 0 2px #000000; } "
    f'{_FIGURE_BOX} .widget-toggle-button.mod-active::before {{ content: "\\2714\\00a0"; }} '
    f'body[data-jp-theme-light="false"] {_FIGURE_BOX} .widget-toggle-button.mod-active {{ background: #ffd54f; '
    "color: #000000; box-shadow: inset 0 0 0 2px #ffffff; } "
    f"{_FIGURE_BOX} .widget-hslider {{ flex-wrap: wrap; height: auto; }} "
    f"{_FIGURE_BOX} .widget-hslider > .widget-label {{ white-space: normal; max-width: 100%; height: auto; }} "
    f"{_FIGURE_BOX} .widget-hslider > .slider-container {{ flex: 1 1 12em; min-width: 12em; }} "
    # a timeline's readout names the event or instrument chosen: whole, not cut at ipywidgets' 148 px
    f"{_FIGURE_BOX} .widget-hslider > .widget-readout {{ max-width: none; }}</style>"
)


class FigureBox(widgets.VBox):
    """A box holding an interactive figure and its controls (the explorers, the timelines, the simulator).

    ``description`` (keyword, or ``set_description`` later) is one sentence saying what the figure shows, as for a
    static figure (``CourseFigure``): it is shown as a line of text above the controls, where a screen reader
    reads it before the figure (a canvas has no text of its own) and a reader with a magnifier sees it too.

    Where the widget cannot be shown (a notebook saved without its widgets and reopened, GitHub, nbviewer, the
    course's website) the output shows, in HTML, the description, the sentence SAVED_COPY and the figure's
    ``repr`` instead of a dead figure.
    """

    def __init__(self, children=(), *, description: str = "", **kwargs):
        self.caption = widgets.HTML(layout=widgets.Layout(display="none"))
        self.caption.add_class("af-description")
        super().__init__(children=[self.caption, *children], **kwargs)
        self.description = ""
        if description:
            self.set_description(description)

    def set_description(self, description: str) -> None:
        """Set the sentence saying what the figure shows (see the class); shown above the figure's controls."""
        self.description = _sentence(description)
        self.caption.value = f"<p style='margin:0 0 4px 0'>{html.escape(self.description)}</p>"
        self.caption.layout.display = None

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            described = f"<p style='margin:0 0 4px 0'>{html.escape(self.description)}</p>" if self.description else ""
            bundle["text/html"] = described + (
                "<div class='af-saved-copy' style='border-left:4px solid #E69F00;padding:4px 8px;"
                f"font-weight:600'>{html.escape(SAVED_COPY)}<br>"
                f"<code style='font-weight:normal'>{html.escape(repr(self))}</code></div>"
            )
        return bundle


def fitting(canvas) -> list:
    """An interactive figure's canvas, and the (hidden) style sheet that shrinks it to the notebook's width."""
    canvas.add_class("af-figure")
    return [canvas, widgets.HTML(FIGURE_CSS, layout=widgets.Layout(display="none"))]


def decorate(ax, title: str, *, ylabel: str, source: str, xlabel: str = "", source_size: float = 8) -> None:
    """Title (left), y label (with its unit), optional x label and the source line (``source_size`` points)."""
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    # Under the tick labels (and the x label, if any); constrained layout keeps room for it.
    ax.annotate(
        source,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -44 if xlabel else -30),
        textcoords="offset points",
        fontsize=source_size,
        color="#555555",
        ha="left",
        va="top",
        wrap=True,
    )


def _plain_number(value) -> str:
    """A number as a table cell: whole numbers without '.0', others to six significant digits, no exponent for
    years or counts; a missing value (NaN, NA, None) as an empty cell; anything else as its own text."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{value:.0f}"
    return f"{value:.6g}"


class TextTable:
    """A table whose cells are mostly text, shown as a reader expects: text left-aligned, numbers right-aligned
    (JupyterLab right-aligns every cell of a DataFrame), missing values as empty cells, not 'NaN'.

    ``frame``: any DataFrame; its plain-text form is the DataFrame's own. ``formats``: optional format per
    column, a format string such as ``"{:.0%}"`` or a function of one value, e.g. ``{"share": "{:.0%}"}`` shows
    0.130435 as 13%. ``index``: whether to show the row labels; by default they are shown unless they are only
    0, 1, 2... (a RangeIndex), which tells a reader nothing.
    """

    def __init__(self, frame: pd.DataFrame, formats: dict | None = None, index: bool | None = None):
        self.frame = frame
        self.formats = dict(formats or {})
        self.index = not isinstance(frame.index, pd.RangeIndex) if index is None else index

    def _cell(self, column, values: pd.Series):
        """The function that writes one cell of ``column`` (its ``values``) as text, escaped later by the Styler.
        A column of decimal numbers without a format gets one number of decimals for all its cells (the most any
        needs, at most three), so that 30 and 25.3 read 30.0 and 25.3."""
        chosen = self.formats.get(column)
        if chosen is None and pd.api.types.is_float_dtype(values.dtype):
            shown = [_plain_number(v) for v in values if _plain_number(v) and "e" not in _plain_number(v)]
            places = min(3, max((len(text.partition(".")[2]) for text in shown), default=0))
            if places:
                chosen = f"{{:.{places}f}}"
        if chosen is None:
            return _plain_number
        write = chosen.format if isinstance(chosen, str) else chosen
        return lambda value: "" if _plain_number(value) == "" else write(value)

    def _repr_html_(self) -> str:
        """The table as HTML, every cell, row label and column label escaped: a Styler, unlike a DataFrame's own
        HTML, does not escape, and these tables show what students wrote (the class report's reflections). The
        table is also marked not to be typeset (classes tex2jax_ignore and mathjax_ignore): JupyterLab's MathJax
        would otherwise show '$…$' in a student's text as a formula."""
        names = {  # the names of the row and column labels: the Styler shows them without escaping
            axis: [None if name is None else html.escape(str(name)) for name in getattr(self.frame, axis).names]
            for axis in ("index", "columns")
        }
        frame = self.frame.rename_axis(**names)
        if self.index and frame.index.nlevels == frame.columns.nlevels == 1 and frame.columns.name is None:
            # The row labels' name in the top-left heading, as a spreadsheet has it: the Styler would give it a
            # second header row of its own, with an empty heading over every column (empty to a screen reader).
            frame = frame.rename_axis(index=None, columns=frame.index.name)
        columns = list(frame.columns)
        numeric = [i for i in range(len(columns)) if pd.api.types.is_numeric_dtype(frame.dtypes.iloc[i])]
        cells = pd.DataFrame(  # every cell written as text first (by position: labels may repeat)
            {i: frame.iloc[:, i].map(self._cell(columns[i], frame.iloc[:, i])) for i in range(len(columns))},
            index=frame.index,
        )
        cells.columns = frame.columns
        left = [("vertical-align", "top"), ("text-align", "left")]
        right = [("text-align", "right")]  # a number column's cells and heading
        # The page's tables share one style sheet: the id names which columns are right-aligned, so that a table
        # never takes another's alignment, and a notebook's stored output stays the same from run to run.
        places = "-".join(map(str, numeric)) or "text"
        style = cells.style.set_uuid(f"text-table-{places}").set_table_styles(
            [{"selector": "th, td", "props": left}] + [{"selector": f".col{i}", "props": right} for i in numeric]
        )
        style = style.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
        if not self.index:
            style = style.hide(axis="index")
        with pd.option_context("styler.html.mathjax", False):
            return style.to_html()

    def __repr__(self) -> str:
        return repr(self.frame)
