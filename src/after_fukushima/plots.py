"""One look for every figure: a colour-blind-safe palette, a title with units, a source line underneath.

    fig, ax = new_figure("Nuclear share of electricity", ylabel="% of generation", source=source_line("nuclear_share"))
"""

import html
import io
import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
import pandas as pd
from cycler import cycler

from after_fukushima.datasets.curated import TIMELINE_CATEGORIES
from after_fukushima.live import keep_one

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


class CourseFigure(Figure):
    """A figure that shows itself when a notebook cell returns it, whatever matplotlib backend is active."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

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


def interactive_figure(title: str, *, ylabel: str, source: str, xlabel: str = "", figsize=None):
    """Like new_figure, but drawn by ipympl whatever the notebook's backend: its canvas is a widget."""
    from ipympl.backend_nbagg import Canvas, FigureManager

    use_course_style()
    fig = Figure(figsize=figsize, layout="constrained")
    with warnings.catch_warnings():  # ipympl's toolbar passes traitlets an argument it deprecates; not ours to fix
        warnings.filterwarnings("ignore", r"Passing unrecognized arguments to super\(Toolbar\)", DeprecationWarning)
        FigureManager(Canvas(fig), 0)
    ax = fig.add_subplot()
    decorate(ax, title, ylabel=ylabel, source=source, xlabel=xlabel)
    fig.canvas.header_visible = False
    fig.canvas.toolbar_visible = False
    return fig, ax


def decorate(ax, title: str, *, ylabel: str, source: str, xlabel: str = "") -> None:
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    # Under the tick labels (and the x label, if any); constrained layout keeps room for it.
    ax.annotate(source, xy=(0, 0), xycoords="axes fraction", xytext=(0, -44 if xlabel else -30),
                textcoords="offset points", fontsize=8, color="#555555", ha="left", va="top", wrap=True)


class CountryExplorer(widgets.VBox):
    """A line chart of one column of a country-year table, with a dropdown to pick the country (ipympl)."""

    def __init__(self, table, column: str, *, title: str, ylabel: str, source: str, start: str, unit: str = ""):
        self.table = table
        self.column = column
        self.unit = unit
        countries = sorted(table.loc[table[column].notna(), "country"].unique())
        self.picker = widgets.Dropdown(options=countries, value=start, description="Country")
        self.summary = widgets.HTML()  # the figure in words: for screen readers, and for checking a reading
        self.figure, self.axes = interactive_figure(title, ylabel=ylabel, source=source, figsize=(8, 4))
        (self.line,) = self.axes.plot([], [], marker=".", color=PALETTE["blue"])
        self.picker.observe(lambda change: self.show(change["new"]), names="value")
        super().__init__(children=[self.picker, self.figure.canvas, self.summary])
        keep_one(("CountryExplorer", title), self)  # re-running the cell closes the copy made before
        self.show(start)

    def show(self, country: str) -> None:
        rows = self.table[(self.table["country"] == country) & self.table[self.column].notna()]
        self.line.set_data(rows["year"].astype(float), rows[self.column])
        self.axes.set_xlim(self.table["year"].min() - 1, self.table["year"].max() + 1)
        self.axes.set_ylim(0, max(1.0, float(rows[self.column].max()) * 1.1))
        self.line.set_label(country)
        self.axes.legend(loc="upper left", frameon=False)
        self.figure.canvas.draw_idle()
        self.summary.value = html.escape(self.describe(rows, country))

    def describe(self, rows, country: str) -> str:
        if rows.empty:
            return f"{country}: no data."
        peak = rows.loc[rows[self.column].idxmax()]
        last = rows.iloc[-1]
        return (f"{country}, {rows['year'].min()}-{rows['year'].max()}: highest {peak[self.column]:.1f}{self.unit} "
                f"in {peak['year']}; latest {last[self.column]:.1f}{self.unit} in {last['year']}.")

    def __repr__(self) -> str:
        return f"<Interactive figure: {self.column} by year for {self.picker.value}>"


def stepper(labels: list[str], name: str, show):
    """A slider over ``labels`` with Previous and Next buttons; ``show(n)`` runs whenever position n is chosen.

    Returns (slider, previous, next, HBox of the two buttons). The buttons disable themselves at either end.
    """
    slider = widgets.SelectionSlider(options=list(zip(labels, range(len(labels)))), value=0, description=name,
                                     continuous_update=True, layout=widgets.Layout(width="95%"))
    previous = widgets.Button(description="Previous", icon="arrow-left", tooltip=f"Previous {name.lower()}")
    following = widgets.Button(description="Next", icon="arrow-right", tooltip=f"Next {name.lower()}")
    previous.on_click(lambda _: step(slider, -1))
    following.on_click(lambda _: step(slider, +1))

    def changed(change):
        previous.disabled = change["new"] == 0
        following.disabled = change["new"] == len(labels) - 1
        show(change["new"])

    slider.observe(changed, names="value")
    previous.disabled = True
    following.disabled = len(labels) == 1
    return slider, previous, following, widgets.HBox([previous, following])


def step(slider: widgets.SelectionSlider, by: int) -> None:
    """Move a stepper's slider by ``by`` positions, staying within its ends."""
    slider.value = min(max(slider.value + by, 0), len(slider.options) - 1)


class TimelineExplorer(widgets.VBox):
    """Step through the accident one event at a time: a slider and buttons, an ipympl chart, the event in words."""

    LANES = TIMELINE_CATEGORIES  # one lane per kind of event, in this order from the bottom

    def __init__(self, timeline, *, source: str, until: str = "2011-03-16"):
        events = timeline[timeline["date"] <= until].reset_index(drop=True)
        self.events = events
        start = events["time"].dropna().iloc[0]
        # Events known only by their day are drawn at noon of that day, hollow, and said to be so.
        self.hours = [((moment if moment is not None else _noon(day, start)) - start).total_seconds() / 3600
                      for moment, day in zip(events["time"], events["date"])]
        self.figure, self.axes = interactive_figure(
            "Fukushima Daiichi, 11-16 March 2011", ylabel="", xlabel="hours after the earthquake (14:46 JST, 11 March)",
            source=source, figsize=(8, 3.6))
        lanes = [lane for lane in self.LANES if lane in set(events["category"])]
        self.lane_of = {lane: n for n, lane in enumerate(lanes)}
        self.axes.set_yticks(range(len(lanes)), lanes)
        self.axes.set_ylim(-0.7, len(lanes) - 0.3)
        self.axes.set_xlim(-3, max(self.hours) + 6)
        for n, (hour, category) in enumerate(zip(self.hours, events["category"])):
            hollow = events["time"].iloc[n] is None
            self.axes.plot(hour, self.lane_of[category], "o", markersize=6, color="#999999",
                           markerfacecolor="white" if hollow else "#999999")
        (self.marker,) = self.axes.plot([], [], "o", markersize=14, color=PALETTE["vermillion"], zorder=3)
        labels = [_label(moment, day) for moment, day in zip(events["time"], events["date"])]
        self.slider, self.previous, self.next, buttons = stepper(labels, "Event", self.show)
        self.text = widgets.HTML()
        super().__init__(children=[buttons, self.slider, self.figure.canvas, self.text])
        keep_one(("TimelineExplorer", until), self)
        self.show(0)

    def step(self, by: int) -> None:
        step(self.slider, by)

    def show(self, n: int) -> None:
        row = self.events.iloc[n]
        self.marker.set_data([self.hours[n]], [self.lane_of[row["category"]]])
        self.figure.canvas.draw_idle()
        when = _label(row["time"], row["date"])
        sure = "" if row["confidence"] == "verified" else " Sources differ on the exact time or detail."
        where = "whole site" if row["unit"] == "site" else f"unit {row['unit']}"
        self.text.value = (f"<b>{html.escape(when)}</b> · {html.escape(where)} · "
                           f"{html.escape(row['category'])}<br>{html.escape(row['event'])}{html.escape(sure)}"
                           f"<br><small>Source: {html.escape(row['source'])}</small>")

    def __repr__(self) -> str:
        return f"<Timeline: {len(self.events)} events; showing {_label(*self.events.iloc[self.slider.value][['time', 'date']])}>"


def _day(moment) -> str:
    """'5 September 1997': a day without a leading zero."""
    return f"{moment.day} {moment:%B %Y}"


def _noon(day, like):
    return like.replace(year=day.year, month=day.month, day=day.day, hour=12, minute=0)


def _label(moment, day) -> str:
    if moment is not None:
        return f"{moment.day} March {moment:%H:%M} JST" if moment.month == 3 else f"{moment:%d %B %H:%M} JST"
    return f"{day.day} {day:%B} (time not given)"


SCOPE_COLOURS = {"worldwide": PALETTE["blue"], "European Union": PALETTE["orange"], "plant operators": PALETTE["green"],
                 "OECD": PALETTE["sky"], "G8": PALETTE["purple"]}


class InstrumentTimeline(widgets.VBox):
    """The international safety instruments by the year they began to work, one lane per kind (ipympl).

    ``instruments`` is load_table("safety_instruments"), ``accidents`` load_table("nuclear_accidents") (for the
    crises named in ``preceded_by``). ``until`` (a date) leaves out what was adopted later; ``start`` (a short
    name) opens the stepper at that instrument. A filled marker binds
    states in law, a hollow one does not; the colour is the scope. Rows with no ``since`` year are listed in the
    stepper's text but cannot be placed on the time axis.
    """

    def __init__(self, instruments, accidents, *, source: str, until: str | None = None, start: str | None = None):
        chosen = instruments
        if until is not None:
            day = pd.Timestamp(until)
            chosen = chosen[chosen["adopted"].isna() | (chosen["adopted"] <= day)]
        self.rows = chosen.assign(placed=chosen["since"].notna()).sort_values(["placed", "since"], ascending=[False, True],
                                                                           kind="stable").reset_index(drop=True)
        placed = self.rows[self.rows["placed"]]
        lanes = [kind for kind in dict.fromkeys(placed["kind"])]
        self.lane_of = {kind: n for n, kind in enumerate(lanes)}
        last = int(placed["since"].max())
        self.figure, self.axes = interactive_figure(
            f"International nuclear safety instruments, {int(placed['since'].min())}-{last}", ylabel="",
            xlabel="year it began to work", source=source, figsize=(5.8, 4.2))
        self.axes.set_yticks(range(len(lanes)), lanes)
        self.axes.set_ylim(-0.7, len(lanes) - 0.3)
        self.axes.set_xlim(int(placed["since"].min()) - 3, last + 3)
        for crisis in sorted({c for c in self.rows["preceded_by"].dropna()}):
            when = accidents[accidents["event"].str.startswith(crisis)]["date"]
            if len(when):
                year = _year_fraction(when.iloc[0], None)
                self.axes.axvline(year, color=PALETTE["vermillion"], linestyle="--", linewidth=1)
                self.axes.text(year, -0.6, f"{crisis} ", color=PALETTE["vermillion"], fontsize=8, ha="right", va="bottom")
        # An instrument adopted in its 'since' year sits at its day (so 2011's fall after the accident's line).
        self.x_of = {index: _year_fraction(row["adopted"], row["since"])
                     if pd.notna(row["adopted"]) and row["adopted"].year == row["since"] else row["since"]
                     for index, row in placed.iterrows()}
        self.y_of = {}  # points within two years of the previous one in their lane are nudged up, to stay visible
        last: dict[str, tuple[float, float]] = {}  # lane -> (year, y) of the latest point drawn in it
        for index, row in placed.iterrows():
            lane = self.lane_of[row["kind"]]
            year, y = last.get(row["kind"], (-100, lane))
            self.y_of[index] = lane + 0.22 if row["since"] - year < 2 and y == lane else lane
            last[row["kind"]] = (row["since"], self.y_of[index])
            colour = SCOPE_COLOURS[row["scope"]]
            self.axes.plot(self.x_of[index], self.y_of[index], "o", markersize=7, color=colour,
                           markerfacecolor=colour if row["binding"] == "yes" else "white")
        (self.marker,) = self.axes.plot([], [], "o", markersize=15, markerfacecolor="none",
                                        markeredgecolor=PALETTE["black"], markeredgewidth=2, zorder=3)
        handles = [self.axes.plot([], [], "o", color=c, label=s)[0] for s, c in SCOPE_COLOURS.items()
                   if s in set(placed["scope"])]
        handles += [self.axes.plot([], [], "o", color="#555555", label="binds states")[0],
                    self.axes.plot([], [], "o", color="#555555", markerfacecolor="white", label="does not bind")[0]]
        self.axes.legend(handles=handles, loc="upper left", fontsize=8, frameon=False, ncols=2)
        labels = [f"{'' if pd.isna(since) else int(since)} {name}".strip() for since, name
                  in zip(self.rows["since"], self.rows["short_name"])]
        self.slider, self.previous, self.next, buttons = stepper(labels, "Instrument", self.show)
        self.text = widgets.HTML()
        super().__init__(children=[buttons, self.slider, self.figure.canvas, self.text])
        keep_one(("InstrumentTimeline", until, start), self)
        self.show(0)
        if start is not None:  # open at one instrument (its short name), for example the first after an event
            self.slider.value = int(self.rows.index[self.rows["short_name"] == start][0])

    def show(self, n: int) -> None:
        row = self.rows.iloc[n]
        if row["placed"]:
            self.marker.set_data([self.x_of[n]], [self.y_of[n]])
        else:
            self.marker.set_data([], [])
        self.figure.canvas.draw_idle()
        founded = "founded" if row["kind"] == "organisation" else "adopted"
        dates = [f"{founded} {_day(row['adopted'])}" if pd.notna(row["adopted"]) else "",
                 f"in force {_day(row['in_force'])}" if pd.notna(row["in_force"]) else "",
                 f"working since {int(row['since'])}" if row["placed"] else "start year not in our sources"]
        binding = {"yes": "binds states in law", "no": "does not bind states",
                   "not applicable": "an organisation, not a rule"}[row["binding"]]
        crisis = f" · came after {row['preceded_by']}" if pd.notna(row["preceded_by"]) else ""
        if pd.notna(row["addresses"]):
            needs = row["addresses"]
        elif row["kind"] == "organisation":
            needs = "counted through the instruments it runs or hosts, listed separately"
        else:
            needs = "none of the needs in the course's list"
        self.text.value = (
            f"<b>{html.escape(row['name'])}</b> · {html.escape(row['kind'])} · {html.escape(row['scope'])}"
            f"<br>{html.escape('; '.join(d for d in dates if d))} · <b>{binding}</b>{html.escape(crisis)}"
            f"<br>{html.escape(row['what_it_does'])}<br>Addresses: {html.escape(needs)}"
            f"<br><small>Source: {html.escape(row['source'])}</small>")

    def __repr__(self) -> str:
        return f"<Instrument timeline: {len(self.rows)} instruments; showing {self.rows.iloc[self.slider.value]['name']}>"


RESPONSE_COLOURS = {"pause and review": PALETTE["orange"], "phase-out": PALETTE["vermillion"],
                    "continue": PALETTE["sky"], "expand": PALETTE["green"], "reversal": PALETTE["purple"]}


class ResponseExplorer(widgets.VBox):
    """One country's nuclear power over time and its decisions after March 2011, on one time axis (ipympl).

    ``fleet`` is load_table("reactor_fleet") (reactors in service at each year end), ``shares``
    load_table("nuclear_share") and ``responses`` load_table("national_responses"). Bars: reactors in service
    (left axis); line: nuclear share of electricity generation in % (right axis, always 0-100 so that
    countries compare); vertical lines: the country's decisions, coloured by category.
    """

    def __init__(self, fleet, shares, responses, *, source: str, start: str = "Japan", first_year: int = 1990):
        self.fleet, self.shares, self.responses = fleet, shares, responses
        countries = sorted(responses["country"].unique())
        self.picker = widgets.Dropdown(options=countries, value=start, description="Country")
        last_year = int(max(fleet["year"].max(), shares["year"].max()))
        self.figure, self.axes = interactive_figure(
            "Reactors in service, nuclear share, decisions", ylabel="reactors in service",
            source=source, figsize=(5.8, 4.2))
        self.share_axes = self.axes.twinx()
        self.share_axes.set_ylabel("nuclear share of electricity (%)")
        self.share_axes.set_ylim(0, 100)
        self.share_axes.spines["right"].set_visible(True)
        self.axes.set_xlim(first_year - 0.5, last_year + 1.5)  # room for decisions late in the last year
        self.first_year = first_year
        self.bars = None
        (self.line,) = self.share_axes.plot([], [], color=PALETTE["black"], marker=".", label="nuclear share (%)")
        self.marks = []
        handles = [Line2D([], [], color=colour, linewidth=2, label=category)
                   for category, colour in RESPONSE_COLOURS.items()]
        handles += [Patch(color=PALETTE["blue"], alpha=0.5, label="reactors in service"), self.line]
        self.axes.legend(handles=handles, loc="upper left", fontsize=8, ncols=2, frameon=True, framealpha=0.9)
        self.summary = widgets.HTML()
        self.picker.observe(lambda change: self.show(change["new"]), names="value")
        super().__init__(children=[self.picker, self.figure.canvas, self.summary])
        keep_one(("ResponseExplorer", first_year), self)
        self.show(start)

    def show(self, country: str) -> None:
        fleet = self.fleet[(self.fleet["country"] == country) & (self.fleet["year"] >= self.first_year)]
        shares = self.shares[(self.shares["country"] == country) & (self.shares["year"] >= self.first_year)
                             & self.shares["nuclear_share_pct"].notna()]
        decisions = self.responses[self.responses["country"] == country].sort_values(["year", "date"])
        if self.bars is not None:
            self.bars.remove()
        for mark in self.marks:
            mark.remove()
        self.bars = self.axes.bar(fleet["year"], fleet["reactors"], color=PALETTE["blue"], alpha=0.5, width=0.8)
        self.axes.set_ylim(0, max(5, int(fleet["reactors"].max() if len(fleet) else 0) * 1.75))
        self.line.set_data(shares["year"].astype(float), shares["nuclear_share_pct"])
        self.marks = [self.axes.axvline(_year_fraction(day, year), color=RESPONSE_COLOURS[category], linewidth=2)
                      for day, year, category in zip(decisions["date"], decisions["year"], decisions["category"])]
        self.figure.canvas.draw_idle()
        self.summary.value = self.describe(country, fleet, shares, decisions)

    def describe(self, country, fleet, shares, decisions) -> str:
        def at(table, column, year):
            rows = table[table["year"] == year]
            return rows[column].iloc[0] if len(rows) else None

        latest_fleet, latest_share = int(fleet["year"].max()), int(shares["year"].max())
        parts = [f"<b>{html.escape(country)}</b>: {at(fleet, 'reactors', 2010)} reactors in service at the end of "
                 f"2010 and {at(fleet, 'reactors', latest_fleet)} at the end of {latest_fleet}; nuclear share "
                 f"{at(shares, 'nuclear_share_pct', 2010):.1f}% in 2010 and "
                 f"{at(shares, 'nuclear_share_pct', latest_share):.1f}% in {latest_share}."]
        for day, year, category, action in zip(decisions["date"], decisions["year"], decisions["category"],
                                               decisions["action"]):
            when = _day(day) if pd.notna(day) else str(year)
            parts.append(f"{html.escape(when)} ({html.escape(category)}): {html.escape(action)}")
        return "<br>".join(parts)

    def __repr__(self) -> str:
        return f"<Country explorer: reactors, nuclear share and decisions for {self.picker.value}>"


def _year_fraction(day, year) -> float:
    """A decision's place on a yearly axis: its day as a fraction of the year, or mid-year if only the year is known."""
    if pd.isna(day):
        return year + 0.5
    return day.year + (day.day_of_year - 1) / 365
