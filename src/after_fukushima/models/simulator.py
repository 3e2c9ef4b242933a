"""Lesson 04's cooperation simulator: design a nuclear-safety mechanism and see who would join it.

    attrs = course_attributes()                 # the 30 countries with reactors in service on 11 March 2011
    CooperationSimulator(attrs)                 # controls, one ipympl figure, the outcome in words
    table = weights_table(Weights())            # every assumption, editable
    table.loc["kappa", "value"] = 6
    CooperationSimulator(attrs, Weights.from_table(table))
    sensitivity(attrs, Design(), Weights())     # which conclusions survive a weight halved or doubled

The model (``after_fukushima.models.cooperation``) is a model for thinking, not a forecast; its payoffs are
in arbitrary benefit units.
"""

from __future__ import annotations

import html
import statistics
import time

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from after_fukushima.errors import CourseError
from after_fukushima.live import keep_one
from after_fukushima.models.cooperation import (
    COST_RULES,
    DEPTH_LEVELS,
    Design,
    Weights,
    breadth_vs_depth,
    distances_km,
    net_gain,
    payoffs,
    sensitivity,
    stable_memberships,
)
from after_fukushima.plots import PALETTE, SMALLEST_TEXT_PT, FigureBox, fitting, interactive_figure
from after_fukushima.redraw import Blitter

__all__ = ["CooperationSimulator", "weights_table", "checked_weights", "gain_reach", "sensitivity", "timing"]

OUT = "#AAAAAA"
DEPTH_TIPS = {
    0.25: "Members invite peer reviews when they choose to.",
    0.5: "Every member is reviewed regularly and the results are published.",
    0.75: "Members must meet common safety standards.",
    1.0: "Common standards, checked by inspectors, with consequences for a member that falls short.",
}


def weights_table(weights: Weights | None = None) -> pd.DataFrame:
    """Every weight of the model: one row per weight (index: its name), columns symbol, value, meaning.

    Edit the 'value' column (``table.loc["sigma", "value"] = 2``) and pass the table to ``Weights.from_table``
    (or straight to the simulator).
    """
    weights = weights or Weights()
    names = list(Weights.symbols())
    # Every column object, not float or str: a student who types text as a value, or a number over a whole row
    # (table.loc["sigma"] = 2), gets Weights.from_table's sentence, not a pandas error about the column's type.
    return pd.DataFrame(
        {
            "symbol": pd.Series([Weights.symbols()[name] for name in names], index=names, dtype=object),
            "value": pd.Series([getattr(weights, name) for name in names], index=names, dtype=object),
            "meaning": pd.Series([Weights.meanings()[name] for name in names], index=names, dtype=object),
        },
        index=pd.Index(names, name="weight"),
    )


def checked_weights(weights: Weights | pd.DataFrame | None = None) -> Weights:
    """The weights the simulator runs with: a Weights, an edited ``weights_table(...)``, or None (the defaults).

    Raises CourseError with one sentence naming the weight for anything the model cannot use (``Weights`` holds
    the limits: text, a missing or negative value, inf, nan, a number too large for a float such as 10**400, a
    weight above ``LARGEST_WEIGHT`` or a decay length L below ``SHORTEST_DECAY_KM``). Values are refused, never
    clamped, so that the figure never shows a weight other than the one the student typed.
    """
    if weights is None:
        return Weights()
    if isinstance(weights, pd.DataFrame):
        return Weights.from_table(weights)
    if not isinstance(weights, Weights):
        raise CourseError(
            f"The simulator's weights are a Weights(...) or a table from weights_table(...), not a "
            f"{type(weights).__name__}."
        )
    return weights


def gain_reach(attrs: pd.DataFrame, weights: Weights) -> float:
    """Half the width of the simulator's "Who joins" axis, in benefit units a year: 1.1 × the largest |net gain|
    any country can have under any design the controls can make (at least 1.1).

    The net gain is largest with the portal on, every other country a member and no vendor duty, and smallest
    with the portal off and full vendor duty (the weights are never negative), so four depths × two cost rules ×
    these two extremes bound it.
    """
    everyone = np.ones(len(attrs), bool)
    extremes = [1.0]
    for depth in DEPTH_LEVELS:
        for rule in COST_RULES:
            for portal, duty in ((True, 0.0), (False, 1.0)):
                gains = net_gain(attrs, everyone, Design(depth, portal, duty, rule), weights)
                extremes.append(float(np.abs(gains).max()))
    return max(extremes) * 1.1


def _names(countries) -> str:
    return ", ".join(countries) if countries else "none"


class CooperationSimulator(FigureBox):
    """Four controls for the mechanism, a breadth-against-depth figure with who joins, and the outcome in words.

    ``weights``: a Weights, an edited ``weights_table``, or None for the defaults (see ``checked_weights`` for
    the values it refuses, with a CourseError in one sentence). ``design`` sets the
    controls' starting values; its depth must be one of the four levels (0.25, 0.5, 0.75, 1). ``source`` is
    the figure's source line (by default the one ``course_attributes`` stored with the attributes).
    """

    def __init__(
        self,
        attrs: pd.DataFrame,
        weights: Weights | pd.DataFrame | None = None,
        *,
        design: Design | None = None,
        source: str | None = None,
    ):
        self.weights = checked_weights(weights)
        self.attrs = attrs
        design = design or Design()
        if design.depth not in DEPTH_LEVELS:
            levels = ", ".join(f"{depth:g}" for depth in DEPTH_LEVELS)
            raise CourseError(f"The simulator's depth is one of the four levels {levels}, not {design.depth:g}.")
        self.depths = np.linspace(0, 1, 101)
        self._distances = distances_km(attrs)  # once: the summary's world gain needs it at every change
        self._total = int(attrs["reactors"].sum())
        self._all = np.ones(len(attrs), bool)

        wide = {"description_width": "initial"}
        self.depth = widgets.ToggleButtons(
            options=[(f"{label} ({depth:g})", depth) for depth, label in DEPTH_LEVELS.items()],
            value=design.depth,
            description="Depth of the commitment:",
            tooltip="How much a member must change",
            tooltips=[DEPTH_TIPS[depth] for depth in DEPTH_LEVELS],
            style=wide | {"button_width": "auto"},
        )
        self.portal = widgets.Checkbox(
            value=design.portal,
            description="Shared portal for operating experience and accident information (members only)",
            indent=False,
            style=wide,
            layout=widgets.Layout(width="auto"),
            tooltip="A channel open to members only: the more reactors its members run, the more it is worth",
        )
        self.vendor_duty = widgets.FloatSlider(
            value=design.vendor_duty,
            min=0,
            max=1,
            step=0.05,
            readout_format=".2f",
            continuous_update=False,
            description="Vendor duty (0 = none, 1 = all safety-relevant design information):",
            style=wide,
            tooltip="How far reactor vendors must share safety-relevant design information",
            layout=widgets.Layout(width="95%"),
        )
        self.cost_rule = widgets.ToggleButtons(
            options=[(label, rule) for rule, label in COST_RULES.items()],
            value=design.cost_rule,
            description="Secretariat cost shared in:",
            tooltip="Who pays for the secretariat",
            tooltips=["Every member pays the same", "Each member pays in proportion to its reactors"],
            style=wide | {"button_width": "auto"},
        )

        self.figure, self.axes = interactive_figure(
            "Breadth against depth",
            ylabel="% of the reactors in service",
            xlabel="depth D\n(0 = no commitment, 1 = binding standards with inspection)",
            source="",
            figsize=(7.6, 6.6),  # room for 30 country names at the smallest text a projector shows
        )
        # Two panels: the source goes under both, as in figures.release_estimates.
        self.figure.supxlabel(
            source or attrs.attrs.get("source", "Source: the course's tables in data/"),
            x=0.01,
            ha="left",
            fontsize=SMALLEST_TEXT_PT,
            color="#555555",
            wrap=True,
        )
        self._draw_static()
        # A control changes only the curves, the markers and the bars, on fixed axes: they are redrawn over a saved
        # picture of the rest (the 30 names, the legend, the labels), which only a full draw makes again.
        self.blitter = Blitter(
            self.figure,
            [
                self.band,
                self.coverage_line,
                self.coverage_low,
                self.protection_line,
                self.protection_low,
                self.depth_line,
                self.marker,
                *self.bars,
                self.marks,
                self.zero_line,  # over the bars, as in a figure drawn at once
            ],
        )
        # Nothing a control changes moves the panels, so lay the figure out once and again only after a resize:
        # about a third of the time of a full draw.
        canvas = self.figure.canvas
        canvas.mpl_connect("draw_event", lambda event: self.figure.set_layout_engine("none"))
        canvas.mpl_connect("resize_event", lambda event: self.figure.set_layout_engine("constrained"))
        self.summary = widgets.HTML()  # the figure in words: for screen readers, and for checking a reading
        for control in (self.depth, self.portal, self.vendor_duty, self.cost_rule):
            control.observe(self.update, names="value")
        super().__init__(
            children=[
                self.depth,
                self.portal,
                self.vendor_duty,
                self.cost_rule,
                *fitting(self.figure.canvas),
                self.summary,
            ],
            description="Left: coverage (% of reactors in service held by members) and protection (depth × "
            "coverage, on the same 0-100 scale) against depth of commitment, 0 to 1, dashed where the outcome "
            f"starting from nobody differs; right: a bar for each of the {len(attrs)} countries, its net gain of "
            "joining, blue if it joins, orange if it joins only when all start in, grey if it stays out.",
        )
        keep_one(("CooperationSimulator", repr(design), repr(self.weights)), self)  # a re-run closes the copy before
        self.update()

    # --- figure ---------------------------------------------------------------------------------

    def _draw_static(self) -> None:
        ax = self.axes
        grid = self.figure.add_gridspec(1, 2, width_ratios=[3, 2])
        ax.set_subplotspec(grid[0])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 105)
        ax.set_axisbelow(True)  # the grid under the band, as under the curves drawn over the saved background
        zeros = np.zeros_like(self.depths)
        self.band = ax.fill_between(
            self.depths, zeros, zeros, color=PALETTE["orange"], alpha=0.3, linewidth=0, label="two stable outcomes"
        )
        (self.coverage_line,) = ax.plot(
            self.depths, zeros, color=PALETTE["blue"], lw=2, label="coverage (from everybody)"
        )
        (self.coverage_low,) = ax.plot(
            self.depths, zeros, color=PALETTE["blue"], lw=1.2, ls="--", label="coverage (from nobody)"
        )
        (self.protection_line,) = ax.plot(
            self.depths, zeros, color=PALETTE["vermillion"], lw=2, label="protection = depth × coverage"
        )
        (self.protection_low,) = ax.plot(
            self.depths, zeros, color=PALETTE["vermillion"], lw=1.2, ls="--", label="protection (from nobody)"
        )
        self.depth_line = ax.axvline(0.5, color="#555555", lw=1, ls=":")
        (self.marker,) = ax.plot([], [], "o", color="black", markersize=6, zorder=4)

        order = self.attrs["reactors"].sort_values(ascending=False, kind="stable").index
        self.order = [self.attrs.index.get_loc(name) for name in order]
        self.bars_axes = self.figure.add_subplot(grid[1])
        bars = self.bars_axes
        positions = np.arange(len(order))
        self.bars = bars.barh(positions, np.zeros(len(order)), color=OUT, height=0.7)
        # A mark at zero in the bar's colour: a net gain near 0 draws no visible bar, but member or not still shows.
        self.marks = bars.scatter(np.zeros(len(order)), positions, marker="D", s=22, color=OUT, zorder=3)
        bars.set_yticks(
            positions, [f"{name} ({self.attrs.at[name, 'reactors']})" for name in order], fontsize=SMALLEST_TEXT_PT
        )
        bars.invert_yaxis()
        # One scale for every design the controls can make, so that bars compare across designs and a change
        # never needs new tick labels (a full draw): see gain_reach.
        self.reach = gain_reach(self.attrs, self.weights)
        bars.set_xlim(-self.reach, self.reach)
        bars.set_axisbelow(True)  # the grid under the bars
        self.zero_line = bars.axvline(0, color="#555555", lw=0.8)
        bars.grid(axis="y", visible=False)
        bars.set_title("Who joins, and why", loc="left")
        bars.set_xlabel("net gain of joining\n(benefit units a year; arbitrary)", fontsize=9)
        handles = [  # by column: coverage, protection, the bars
            self.coverage_line,
            self.coverage_low,
            self.band,
            self.protection_line,
            self.protection_low,
            Patch(color=OUT, label="stays out"),
            Patch(color=PALETTE["blue"], label="member"),
            Patch(color=PALETTE["orange"], label="member only if all start in"),
        ]
        # three columns: four do not fit the canvas, which an interactive figure shows as it is (no tight box)
        self.figure.legend(
            handles=handles, loc="outside upper center", ncols=3, fontsize=SMALLEST_TEXT_PT, frameon=False
        )

    def design(self) -> Design:
        """The mechanism the controls describe now."""
        return Design(
            depth=self.depth.value,
            portal=self.portal.value,
            vendor_duty=self.vendor_duty.value,
            cost_rule=self.cost_rule.value,
        )

    def update(self, change=None) -> None:
        """Recompute the outcome, update the figure's artists in place and show them (a blit over the saved
        background once the figure has been drawn; see after_fukushima.redraw), then the summary."""
        design = self.design()
        curve = breadth_vs_depth(self.attrs, design, self.weights, self.depths)
        result = stable_memberships(self.attrs, design, self.weights)
        self.curve, self.result = curve, result

        low, high = curve["coverage_smallest"].to_numpy() * 100, curve["coverage_largest"].to_numpy() * 100
        self.coverage_line.set_ydata(high)
        self.coverage_low.set_ydata(low)
        self.protection_line.set_ydata(curve["protection_largest"].to_numpy() * 100)
        self.protection_low.set_ydata(curve["protection_smallest"].to_numpy() * 100)
        self.band.set_data(self.depths, low, high, where=low != high)
        covered = self._coverage(result.largest)
        self.depth_line.set_xdata([design.depth, design.depth])
        self.marker.set_data([design.depth, design.depth], [covered * 100, design.depth * covered * 100])

        gains = net_gain(self.attrs, list(result.largest), design, self.weights)
        inside, always = set(result.largest), set(result.smallest)
        colours = []
        for bar, index in zip(self.bars, self.order):
            name = self.attrs.index[index]
            bar.set_width(gains[index])
            colours.append(PALETTE["blue"] if name in always else PALETTE["orange"] if name in inside else OUT)
            bar.set_color(colours[-1])
        self.marks.set_facecolor(colours)
        self.marks.set_edgecolor("#333333")
        reach = float(np.abs(gains).max()) * 1.1
        wider = reach > self.reach  # not expected (gain_reach bounds every design); if it happens, one full draw
        if wider:
            self.reach = reach
            self.bars_axes.set_xlim(-reach, reach)
        self.blitter.update(full=wider)
        self.summary.value = self.describe(design, result)

    def _coverage(self, members) -> float:
        return float(self.attrs.loc[list(members), "reactors"].sum() / self._total)

    # --- words ----------------------------------------------------------------------------------

    def describe(self, design: Design, result) -> str:
        """The outcome in words, as HTML with every piece of text escaped."""
        n = len(self.attrs)
        day = self.attrs.attrs.get("day_text", "")
        reactors = f"the {self._total} reactors in service" + (f" on {day}" if day else "")
        heading = (
            f"Depth {design.depth:g} ({design.level}); portal {'on' if design.portal else 'off'}; vendor "
            f"duty {design.vendor_duty:.2f}; secretariat cost shared in {COST_RULES[design.cost_rule]}."
        )
        covered = self._coverage(result.largest)
        if result.unique:
            outcome = (
                f"{len(result.largest)} of {n} countries join, holding {covered:.0%} of {reactors}; "
                f"protection (depth × coverage) is {design.depth * covered:.2f}. There is one stable outcome."
            )
        else:
            low = self._coverage(result.smallest)
            outcome = (
                f"There are two stable outcomes. Starting from nobody, {len(result.smallest)} of {n} "
                f"countries join, holding {low:.0%} of {reactors}; starting from everybody, "
                f"{len(result.largest)} join, holding {covered:.0%}. They differ on: "
                f"{_names(result.differ)}."
            )
        outside = [name for name in self.attrs.index if name not in set(result.largest)]
        world = payoffs(self.attrs, list(result.largest), design, self.weights, self._distances).sum()
        everyone = payoffs(self.attrs, self._all, design, self.weights, self._distances).sum()
        gains = (
            f"Staying out{' even when everybody starts in' if not result.unique else ''}: {_names(outside)}. "
            f"Together the {n} countries gain {world:.1f} benefit units a year, against {everyone:.1f} if "
            f"every country joined (benefit units are arbitrary: compare them only with each other)."
        )
        return "<br>".join(
            f"<b>{html.escape(heading)}</b>" if k == 0 else html.escape(text)
            for k, text in enumerate((heading, outcome, gains))
        )

    def __repr__(self) -> str:
        design, result, n = self.design(), self.result, len(self.attrs)
        joined = (
            f"{len(result.largest)} of {n} countries join"
            if result.unique
            else f"{len(result.smallest)} or {len(result.largest)} of {n} countries join"
        )
        return f"<Cooperation simulator: depth {design.depth:g}, portal {'on' if design.portal else 'off'}, {joined}>"


# --- speed ---------------------------------------------------------------------------------------


def timing(simulator: CooperationSimulator | None = None, runs: int = 15) -> dict[str, float]:
    """Median seconds from a control change to the redrawn figure, for each control.

    The figure is drawn in full once first, as when it is shown; then each run sets the control's value, and
    its observer recomputes the model, redraws the changed artists over the saved background and blits them
    (what a student waits for, less the browser's part: see ``make bench-browser``). The controls are put back
    as they were.
    """
    if simulator is None:
        from after_fukushima.models.cooperation import course_attributes

        simulator = CooperationSimulator(course_attributes())
    controls = {
        "depth": (simulator.depth, [0.75, 0.5]),
        "portal": (simulator.portal, [True, False]),
        "vendor duty": (simulator.vendor_duty, [0.75, 0.5]),
        "cost rule": (simulator.cost_rule, ["fleet", "equal"]),
    }
    simulator.figure.canvas.draw()
    medians = {}
    for label, (control, values) in controls.items():
        before = control.value
        times = []
        for run in range(runs):
            value = values[run % 2] if values[run % 2] != control.value else values[(run + 1) % 2]
            start = time.perf_counter()
            control.value = value
            times.append(time.perf_counter() - start)
        control.value = before
        medians[label] = statistics.median(times)
    return medians
