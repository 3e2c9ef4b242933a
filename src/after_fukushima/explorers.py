"""The course's interactive figures, each a widget with its controls (ipympl): what lessons 02, 03, 05 and 06 call
to explore a table by hand. Students' runtime: lessons and worksheets import these; the style they share (palette,
titles, source lines, the saved-copy sentence, FigureBox) comes from after_fukushima.plots.

- CountryExplorer: one column of a country-year table (for example the nuclear share), chosen countries on one scale.
- TimelineExplorer: the events of a timeline (lesson 01's Fukushima days) stepped through one at a time.
- InstrumentTimeline: the international safety instruments, 1957 onwards, with the accidents that preceded them.
- ResponseExplorer: one country's fleet, nuclear share and decisions after March 2011.
"""

import html
from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from after_fukushima.live import close_all, keep_one
from after_fukushima.plots import (
    PALETTE,
    RESPONSE_COLOURS,
    SMALLEST_TEXT_PT,
    FigureBox,
    fitting,
    interactive_figure,
)
from after_fukushima.redraw import Blitter
from after_fukushima.vocabulary import TIMELINE_CATEGORIES

# The colours of the country explorer's lines, in the order they are given out: the Okabe-Ito palette without
# sky blue and yellow, the two that stand out least from a white background.
EXPLORER_COLOURS = [PALETTE[name] for name in ("blue", "vermillion", "green", "orange", "purple", "black")]


def _on(colour: str) -> str:
    """Black or white, whichever reads better (higher WCAG contrast) on ``colour`` ('#RRGGBB')."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[n : n + 2], 16) for n in (1, 3, 5))
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def _names(countries: list[str]) -> str:
    """'France', 'France and Japan', 'France, Germany and Japan'."""
    return " and ".join([", ".join(countries[:-1]), countries[-1]] if len(countries) > 1 else countries)


class CountryExplorer(FigureBox):
    """Compare countries on one fixed scale: a line chart of one column of a country-year table (ipympl).

    ``table`` has one row per country and year, with columns ``country`` (str), ``year`` (int) and ``column``
    (a number in ``unit``; NaN where the source has no value), for example load_table("nuclear_share") and its
    ``nuclear_share_pct``, the share of a country's electricity generation that was nuclear, in %, from Our
    World in Data (``source`` is the line printed under the figure, e.g. source_line("nuclear_share")).

    Controls: a Country list and an Add button put a country on the figure, one line each in its own colour of
    the course palette; each country shown has a button in its colour that takes it off again. At most
    ``most`` countries (6) are shown at once. ``start`` is one country name or a list of names.

    The scale never changes, so that heights compare across countries: the y-axis runs from 0 to just above
    (5%) the highest value of ``column`` for any country in ``table``, never above 100 for a percentage
    (``unit="%"`` or a column ending in ``_pct``); the x-axis from the first to the last year that has a value.
    ``summary`` gives the figure in words: each country's highest and latest value, with their years; a name
    that is not in the table, too many names or none get a sentence saying so.
    """

    def __init__(
        self,
        table,
        column: str,
        *,
        title: str,
        ylabel: str,
        source: str,
        start=None,
        unit: str = "",
        most: int = len(EXPLORER_COLOURS),
    ):
        self.table = table
        self.column = column
        self.unit = unit
        self.most = min(max(most, 1), len(EXPLORER_COLOURS))
        known = table[table[column].notna()]
        self.countries = sorted(known["country"].unique())
        self.first_year, self.last_year = (int(known["year"].min()), int(known["year"].max())) if len(known) else (0, 1)
        highest = float(known[column].max()) if len(known) else 0.0
        top = highest * 1.05 if highest > 0 else 1.0
        self.top = min(top, 100.0) if self._percent() else top
        self.chosen: list[str] = []
        self.lines: dict[str, Line2D] = {}
        self.message = ""  # a sentence about the last request that could not be done as asked
        self.picker = widgets.Dropdown(
            options=self.countries, description="Country", value=self.countries[0] if self.countries else None
        )
        self.add_button = widgets.Button(description="Add", icon="plus", tooltip="Add this country to the figure")
        self.add_button.on_click(lambda _: self.add(self.picker.value))
        self.chips = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))  # one button per country shown
        self.chip_label = widgets.Label("In the figure (press a name to take it off):")
        self.chip_of: dict[str, widgets.Button] = {}
        self.summary = widgets.HTML()  # the figure in words: for screen readers, and for checking a reading
        self.figure, self.axes = interactive_figure(title, ylabel=ylabel, source=source, figsize=(8, 4))
        # Fixed margins, the legend in the right one: the axes keep their place as countries come and go.
        self.figure.set_layout_engine("none")
        self.axes.set_position((0.1, 0.22, 0.65, 0.69))  # left, bottom, width, height: figure fractions
        self.axes.set_xlim(self.first_year - (self.first_year == self.last_year), self.last_year)
        self.axes.set_ylim(0, self.top)
        # The countries' lines and the legend are all a change alters (the scale is fixed): they are drawn over a
        # saved picture of the rest (see after_fukushima.redraw).
        self.blitter = Blitter(self.figure)
        super().__init__(
            children=[
                widgets.HBox([self.picker, self.add_button]),
                self.chips,
                *fitting(self.figure.canvas),
                self.summary,
            ],
            description=f"One line per country chosen (up to {self.most}): {title[:1].lower() + title[1:]} by year, "
            f"{self.first_year}-{self.last_year}, on one scale from 0 to {self.top:.0f}{unit} for every country.",
        )
        keep_one(("CountryExplorer", title), self)  # re-running the cell closes the copy made before
        self.show(start)

    def _percent(self) -> bool:
        return self.unit.strip() == "%" or self.column.endswith("_pct")

    def show(self, countries) -> None:
        """Show ``countries`` (one name or a list of names) and no others."""
        if countries is None:
            wanted = []
        elif isinstance(countries, str) or not isinstance(countries, Iterable):
            wanted = [countries]
        else:
            wanted = list(countries)
        self.chosen, unknown, over = [], [], []
        for country in dict.fromkeys(c if isinstance(c, str) else str(c) for c in wanted):  # in order, each once
            if country not in self.countries:
                unknown.append(str(country))
            elif len(self.chosen) < self.most:
                self.chosen.append(country)
            else:
                over.append(country)
        notes = []
        if unknown:
            notes.append(self._unknown(unknown))
        if over:
            notes.append(
                f"The figure shows at most {self.most} countries at once, so {_names(over)} "
                f"{'is' if len(over) == 1 else 'are'} left out."
            )
        self.message = " ".join(notes)
        self.redraw()

    def add(self, country: str) -> None:
        """Put ``country`` on the figure (after the ones already there), or say why not."""
        if country not in self.countries:
            self.message = self._unknown([str(country)])
        elif country in self.chosen:
            self.message = f"{country} is already in the figure."
        elif len(self.chosen) >= self.most:
            self.message = (
                f"The figure shows at most {self.most} countries at once: remove one (press its "
                f"button above the figure) to add {country}."
            )
        else:
            self.chosen.append(country)
            self.message = (
                f"That makes {self.most} countries, the most the figure shows at once."
                if len(self.chosen) == self.most
                else ""
            )
        self.redraw()

    def remove(self, country: str) -> None:
        """Take ``country`` off the figure."""
        if country in self.chosen:
            self.chosen.remove(country)
        self.message = ""
        self.redraw()

    def _unknown(self, names: list[str]) -> str:
        return f"No data for {_names(names)} in this figure's table: choose a country from the Country list."

    def rows(self, country: str):
        """The table's rows for ``country`` that have a value, by year."""
        rows = self.table[(self.table["country"] == country) & self.table[self.column].notna()]
        return rows.sort_values("year")

    def redraw(self) -> None:
        for country in [c for c in self.lines if c not in self.chosen]:
            line = self.lines.pop(country)
            line.remove()
            self.blitter.discard(line)
        for country in self.chosen:  # a country keeps its colour while it is shown
            if country not in self.lines:
                taken = {line.get_color() for line in self.lines.values()}
                colour = next(c for c in EXPLORER_COLOURS if c not in taken)
                rows = self.rows(country)
                (self.lines[country],) = self.axes.plot(
                    rows["year"].astype(float),
                    rows[self.column],
                    marker=".",
                    color=colour,
                    label=country,
                    clip_on=False,
                )
                self.blitter.add(self.lines[country])
        handles = [self.lines[country] for country in self.chosen]
        if self.axes.get_legend() is not None:
            self.blitter.discard(self.axes.get_legend())
        self.blitter.add(self.axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False))
        for country in [c for c in self.chip_of if c not in self.chosen]:
            close_all(self.chip_of.pop(country))  # with its style and layout
        chips = [self.chip_of.get(country) or self._chip(country) for country in self.chosen]
        self.chips.children = [self.chip_label, *chips]  # the label always held, so that closing closes it
        self.chip_label.layout.display = None if chips else "none"
        self.blitter.update()
        self.summary.value = self.describe()

    def _chip(self, country: str) -> widgets.Button:
        colour = self.lines[country].get_color()
        chip = widgets.Button(
            description=country,
            icon="times",
            tooltip=f"Remove {country} from the figure",
            style={"button_color": colour, "text_color": _on(colour)},
            layout=widgets.Layout(width="auto"),
        )
        chip.on_click(lambda _: self.remove(country))
        self.chip_of[country] = chip
        return chip

    def describe(self) -> str:
        """The figure in words (HTML): a sentence per country shown, and any message about the last request."""
        parts = [html.escape(self.message, quote=False)] if self.message else []
        if not self.chosen:
            parts.append("No country is shown: choose one in the Country list and press Add.")
        for country in self.chosen:
            rows = self.rows(country)
            peak = rows.loc[rows[self.column].idxmax()]
            last = rows.iloc[-1]
            parts.append(
                html.escape(
                    f"{country}, {rows['year'].min()}-{rows['year'].max()}: highest {peak[self.column]:.1f}{self.unit} "
                    f"in {peak['year']}; latest {last[self.column]:.1f}{self.unit} in {last['year']}.",
                    quote=False,
                )
            )
        return "<br>".join(parts)

    def __repr__(self) -> str:
        shown = _names(self.chosen) if self.chosen else "no country yet"
        return (
            f"<Interactive figure: {self.column} by year, {self.first_year}-{self.last_year}, for {shown}; "
            f"y-axis 0-{self.top:.0f}{self.unit} for every country>"
        )


def stepper(labels: list[str], name: str, show):
    """A slider over ``labels`` with Previous and Next buttons; ``show(n)`` runs whenever position n is chosen.

    Returns (slider, previous, next, HBox of the two buttons). The buttons disable themselves at either end.
    """
    slider = widgets.SelectionSlider(
        options=list(zip(labels, range(len(labels)))),
        value=0,
        description=name,
        continuous_update=True,
        layout=widgets.Layout(width="95%"),
    )
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


class TimelineExplorer(FigureBox):
    """Step through the accident one event at a time: a slider and buttons, an ipympl chart, the event in words."""

    LANES = TIMELINE_CATEGORIES  # one lane per kind of event, in this order from the bottom

    def __init__(self, timeline, *, source: str, until: str = "2011-03-16"):
        events = timeline[timeline["date"] <= until].reset_index(drop=True)
        self.events = events
        start = events["time"].dropna().iloc[0]
        # Events known only by their day are drawn at noon of that day, hollow, and said to be so.
        self.hours = [
            ((moment if moment is not None else _noon(day, start)) - start).total_seconds() / 3600
            for moment, day in zip(events["time"], events["date"])
        ]
        self.figure, self.axes = interactive_figure(
            f"Fukushima Daiichi, {_days(events['date'].iloc[0], events['date'].iloc[-1])}",
            ylabel="",
            xlabel="hours after the earthquake (14:46 JST, 11 March)",
            source=source,
            figsize=(8, 3.6),
        )
        lanes = [lane for lane in self.LANES if lane in set(events["category"])]
        self.lane_of = {lane: n for n, lane in enumerate(lanes)}
        self.axes.set_yticks(range(len(lanes)), lanes)
        self.axes.set_ylim(-0.7, len(lanes) - 0.3)
        self.axes.set_xlim(-3, max(self.hours) + 6)
        for n, (hour, category) in enumerate(zip(self.hours, events["category"])):
            hollow = events["time"].iloc[n] is None
            self.axes.plot(
                hour,
                self.lane_of[category],
                "o",
                markersize=6,
                color="#999999",
                markerfacecolor="white" if hollow else "#999999",
            )
        (self.marker,) = self.axes.plot([], [], "o", markersize=14, color=PALETTE["vermillion"], zorder=3)
        labels = [_label(moment, day) for moment, day in zip(events["time"], events["date"])]
        self.slider, self.previous, self.next, buttons = stepper(labels, "Event", self.show)
        self.text = widgets.HTML()
        self.blitter = Blitter(self.figure, [self.marker])  # only the marker moves (see after_fukushima.redraw)
        super().__init__(
            children=[buttons, self.slider, *fitting(self.figure.canvas), self.text],
            description=f"A dot for each of {len(events)} events from {_day(events['date'].iloc[0])} to "
            f"{_day(events['date'].iloc[-1])}, placed by hours after the earthquake (across) in lanes by kind of "
            "event; a large red dot marks the event chosen.",
        )
        keep_one(("TimelineExplorer", until), self)
        self.show(0)

    def step(self, by: int) -> None:
        step(self.slider, by)

    def show(self, n: int) -> None:
        row = self.events.iloc[n]
        self.marker.set_data([self.hours[n]], [self.lane_of[row["category"]]])
        self.blitter.update()
        when = _label(row["time"], row["date"])
        sure = "" if row["confidence"] == "verified" else " Sources differ on the exact time or detail."
        where = "whole site" if row["unit"] == "site" else f"unit {row['unit']}"
        self.text.value = (
            f"<b>{html.escape(when)}</b> · {html.escape(where)} · "
            f"{html.escape(row['category'])}<br>{html.escape(row['event'])}{html.escape(sure)}"
            f"<br><small>Source: {html.escape(row['source'])}</small>"
        )

    def __repr__(self) -> str:
        shown = _label(*self.events.iloc[self.slider.value][["time", "date"]])
        return f"<Timeline: {len(self.events)} events; showing {shown}>"


def _day(moment) -> str:
    """'5 September 1997': a day without a leading zero."""
    return f"{moment.day} {moment:%B %Y}"


def _days(first, last) -> str:
    """'11-15 March 2011', or '28 February 2011 to 2 March 2011' across months: the days a timeline covers."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{_day(last)}" if first.day != last.day else _day(last)
    return f"{_day(first)} to {_day(last)}"


def _noon(day, like):
    return like.replace(year=day.year, month=day.month, day=day.day, hour=12, minute=0)


def _label(moment, day) -> str:
    if moment is not None:
        return f"{moment.day} March {moment:%H:%M} JST" if moment.month == 3 else f"{moment:%d %B %H:%M} JST"
    return f"{day.day} {day:%B} (time not given)"


SCOPE_COLOURS = {
    "worldwide": PALETTE["blue"],
    "European Union": PALETTE["orange"],
    "plant operators": PALETTE["green"],
    "OECD": PALETTE["sky"],
    "G8": PALETTE["purple"],
}


class InstrumentTimeline(FigureBox):
    """The international safety instruments by the year they began to work, one lane per kind (ipympl).

    ``instruments`` is load_table("safety_instruments"), ``accidents`` load_table("nuclear_accidents") (for the
    crises named in ``preceded_by``). ``until`` (a date) leaves out what was adopted later or began to work in a
    later year (a treaty adopted before but in force only later); ``start`` (a short name) opens the stepper at
    that instrument. A filled marker binds
    states in law, a hollow one does not; the colour is the scope. Rows with no ``since`` year are listed in the
    stepper's text but cannot be placed on the time axis.
    """

    def __init__(self, instruments, accidents, *, source: str, until: str | None = None, start: str | None = None):
        chosen = instruments
        if until is not None:
            day = pd.Timestamp(until)
            chosen = chosen[chosen["adopted"].isna() | (chosen["adopted"] <= day)]
            chosen = chosen[chosen["since"].isna() | (chosen["since"] <= day.year)]
        self.rows = (
            chosen.assign(placed=chosen["since"].notna())
            .sort_values(["placed", "since", "adopted"], ascending=[False, True, True], kind="stable")  # by date
            .reset_index(drop=True)
        )
        placed = self.rows[self.rows["placed"]]
        lanes = [kind for kind in dict.fromkeys(placed["kind"])]
        self.lane_of = {kind: n for n, kind in enumerate(lanes)}
        last = int(placed["since"].max())
        self.figure, self.axes = interactive_figure(
            f"International nuclear safety instruments,\n{int(placed['since'].min())}-{last}",  # fits 5.8 inches
            ylabel="",
            xlabel="year it began to work",
            source=source,
            figsize=(5.8, 4.2),
        )
        self.axes.set_yticks(range(len(lanes)), lanes)
        self.axes.set_ylim(-0.7, len(lanes) - 0.3)
        self.axes.set_xlim(int(placed["since"].min()) - 3, last + 3)
        for crisis in sorted({c for c in self.rows["preceded_by"].dropna()}):
            when = accidents[accidents["event"].str.startswith(crisis)]["date"]
            if len(when):
                year = _year_fraction(when.iloc[0], None)
                self.axes.axvline(year, color=PALETTE["vermillion"], linestyle="--", linewidth=1)
                self.axes.text(
                    year,
                    -0.6,
                    f"{crisis} ",
                    color=PALETTE["vermillion"],
                    fontsize=SMALLEST_TEXT_PT,
                    ha="right",
                    va="bottom",
                )
        # An instrument adopted in its 'since' year sits at its day (so 2011's fall after the accident's line).
        self.x_of = {
            index: _year_fraction(row["adopted"], row["since"])
            if pd.notna(row["adopted"]) and row["adopted"].year == row["since"]
            else row["since"]
            for index, row in placed.iterrows()
        }
        self.y_of = {}  # points within two years of the previous one in their lane are nudged up, to stay visible
        last: dict[str, tuple[float, float]] = {}  # lane -> (year, y) of the latest point drawn in it
        for index, row in placed.iterrows():
            lane = self.lane_of[row["kind"]]
            year, y = last.get(row["kind"], (-100, lane))
            self.y_of[index] = lane + 0.22 if row["since"] - year < 2 and y == lane else lane
            last[row["kind"]] = (row["since"], self.y_of[index])
            colour = SCOPE_COLOURS[row["scope"]]
            self.axes.plot(
                self.x_of[index],
                self.y_of[index],
                "o",
                markersize=7,
                color=colour,
                markerfacecolor=colour if row["binding"] == "yes" else "white",
            )
        (self.marker,) = self.axes.plot(
            [],
            [],
            "o",
            markersize=15,
            markerfacecolor="none",
            markeredgecolor=PALETTE["black"],
            markeredgewidth=2,
            zorder=3,
        )
        handles = [
            self.axes.plot([], [], "o", color=c, label=s)[0]
            for s, c in SCOPE_COLOURS.items()
            if s in set(placed["scope"])
        ]
        handles += [
            self.axes.plot([], [], "o", color="#555555", label="binds states")[0],
            self.axes.plot([], [], "o", color="#555555", markerfacecolor="white", label="does not bind")[0],
        ]
        self.axes.legend(handles=handles, loc="upper left", fontsize=SMALLEST_TEXT_PT, frameon=False, ncols=2)
        labels = [
            f"{'' if pd.isna(since) else int(since)} {name}".strip()
            for since, name in zip(self.rows["since"], self.rows["short_name"])
        ]
        self.slider, self.previous, self.next, buttons = stepper(labels, "Instrument", self.show)
        self.text = widgets.HTML()
        self.blitter = Blitter(self.figure, [self.marker])  # only the ring moves (see after_fukushima.redraw)
        super().__init__(
            children=[buttons, self.slider, *fitting(self.figure.canvas), self.text],
            description=f"A dot for each of {len(placed)} instruments by the year it began to work, "
            f"{int(placed['since'].min())}-{int(placed['since'].max())}, in lanes by kind: colour for scope, filled "
            "if it binds states; dashed red lines mark crises, a black ring the instrument chosen.",
        )
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
        self.blitter.update()
        founded = "founded" if row["kind"] == "organisation" else "adopted"
        dates = [
            f"{founded} {_day(row['adopted'])}" if pd.notna(row["adopted"]) else "",
            f"in force {_day(row['in_force'])}" if pd.notna(row["in_force"]) else "",
            f"working since {int(row['since'])}" if row["placed"] else "start year not in our sources",
        ]
        binding = {
            "yes": "binds states in law",
            "no": "does not bind states",
            "not applicable": "an organisation, not a rule",
        }[row["binding"]]
        crisis = f" · came after {row['preceded_by']}" if pd.notna(row["preceded_by"]) else ""
        if pd.notna(row["addresses"]):
            needs = row["addresses"]
            if row["binding"] == "yes":
                duties = row["obliges"] if pd.notna(row["obliges"]) else "none of them"
                needs += f" (its text obliges its parties on: {duties})"
        elif row["kind"] == "organisation":
            needs = "counted through the instruments it runs or hosts, listed separately"
        else:
            needs = "none of the needs in the course's list"
        self.text.value = (
            f"<b>{html.escape(row['name'])}</b> · {html.escape(row['kind'])} · {html.escape(row['scope'])}"
            f"<br>{html.escape('; '.join(d for d in dates if d))} · <b>{binding}</b>{html.escape(crisis)}"
            f"<br>{html.escape(row['what_it_does'])}<br>Addresses: {html.escape(needs)}"
            f"<br><small>Source: {html.escape(row['source'])}</small>"
        )

    def __repr__(self) -> str:
        return (
            f"<Instrument timeline: {len(self.rows)} instruments; showing {self.rows.iloc[self.slider.value]['name']}>"
        )


# Line styles that keep two categories of one colour apart, and a decision apart from a proposal.
RESPONSE_LINESTYLES = {"proposed reversal": "--", "no return": ":"}


class ResponseExplorer(FigureBox):
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
        # The axis runs to the last year of the data or of a decision, whichever is later: lesson 05 leaves out the
        # preliminary 2025 shares, yet Taiwan decided twice after mid-2025.
        last_year = int(max(fleet["year"].max(), shares["year"].max(), responses["year"].max()))
        self.figure, self.axes = interactive_figure(
            "Reactors in service, nuclear share, decisions",
            ylabel="reactors in service",
            source=source,
            figsize=(5.8, 5.0),
        )
        self.share_axes = self.axes.twinx()
        self.share_axes.set_ylabel("nuclear share of electricity (%)")
        self.share_axes.set_ylim(0, 100)
        for side, spine in self.share_axes.spines.items():  # its right spine only: the others are the left axes'
            spine.set_visible(side == "right")
        self.axes.set_xlim(first_year - 0.5, last_year + 1.5)  # room for decisions late in the last year
        self.axes.set_axisbelow(True)  # the year grid under the bars
        # The left scale changes with the country. Its tick labels all take three digits' width (padded with figure
        # spaces), so that the layout made at the first draw fits every country; then a change redraws only the
        # left axis, its spines, the bars, the share line and the decisions, over a saved picture of the rest (see
        # after_fukushima.redraw), instead of the whole figure.
        self.axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        self.axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}".rjust(3, "\u2007")))
        self.first_year = first_year
        self.bars = None
        (self.line,) = self.share_axes.plot([], [], color=PALETTE["black"], marker=".", label="nuclear share (%)")
        self.marks = []
        self.blitter = Blitter(self.figure, [self.axes.yaxis, *self.axes.spines.values(), self.line])
        handles = [
            Line2D([], [], color=colour, linewidth=2, linestyle=RESPONSE_LINESTYLES.get(category, "-"), label=category)
            for category, colour in RESPONSE_COLOURS.items()
        ]
        handles += [Patch(color=PALETTE["blue"], alpha=0.5, label="reactors in service"), self.line]
        # Below the axes, not on them: inside, it hid the decisions of 2011-2015 and the tops of the bars.
        self.figure.legend(
            handles=handles, loc="outside lower center", fontsize=SMALLEST_TEXT_PT, ncols=3, frameon=False
        )
        self.summary = widgets.HTML()
        self.picker.observe(lambda change: self.show(change["new"]), names="value")
        super().__init__(
            children=[self.picker, *fitting(self.figure.canvas), self.summary],
            description="For the country chosen: bars of reactors in service at each year end (left scale), a line "
            "of nuclear share of electricity (right scale, 0-100%) and a vertical line per decision or proposal after "
            "March 2011, coloured by kind (dashed: a proposed reversal; dotted: no return).",
        )
        keep_one(("ResponseExplorer", first_year), self)
        self.show(start)

    def show(self, country: str) -> None:
        fleet = self.fleet[(self.fleet["country"] == country) & (self.fleet["year"] >= self.first_year)]
        shares = self.shares[
            (self.shares["country"] == country)
            & (self.shares["year"] >= self.first_year)
            & self.shares["nuclear_share_pct"].notna()
        ]
        decisions = self.responses[self.responses["country"] == country].sort_values(["year", "date"])
        if self.bars is not None:
            self.bars.remove()
            self.blitter.discard(*self.bars)
        for mark in self.marks:
            mark.remove()
        self.blitter.discard(*self.marks)
        self.bars = self.axes.bar(fleet["year"], fleet["reactors"], color=PALETTE["blue"], alpha=0.5, width=0.8)
        self.axes.set_ylim(0, max(5, int(fleet["reactors"].max() if len(fleet) else 0) * 1.75))
        self.line.set_data(shares["year"].astype(float), shares["nuclear_share_pct"])
        self.marks = [
            self.axes.axvline(
                _year_fraction(day, year),
                color=RESPONSE_COLOURS[category],
                linestyle=RESPONSE_LINESTYLES.get(category, "-"),
                linewidth=2,
            )
            for day, year, category in zip(decisions["date"], decisions["year"], decisions["category"])
        ]
        self.blitter.add(*self.bars, *self.marks)
        self.blitter.update()
        self.summary.value = self.describe(country, fleet, shares, decisions)

    def describe(self, country, fleet, shares, decisions) -> str:
        def at(table, column, year):
            rows = table[table["year"] == year]
            return rows[column].iloc[0] if len(rows) else None

        latest_fleet, latest_share = int(fleet["year"].max()), int(shares["year"].max())
        parts = [
            f"<b>{html.escape(country)}</b>: {at(fleet, 'reactors', 2010)} reactors in service at the end of "
            f"2010 and {at(fleet, 'reactors', latest_fleet)} at the end of {latest_fleet}; nuclear share "
            f"{at(shares, 'nuclear_share_pct', 2010):.1f}% in 2010 and "
            f"{at(shares, 'nuclear_share_pct', latest_share):.1f}% in {latest_share}."
        ]
        for day, year, category, action in zip(
            decisions["date"], decisions["year"], decisions["category"], decisions["action"]
        ):
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
