"""The lessons' figures. Each takes the table it draws, as loaded by load_table, and returns a Figure.

accident = load_table("accident_figures")
figures.tsunami_against_design(accident)
"""

import re
import textwrap

import pandas as pd
from matplotlib.patches import Patch

from after_fukushima.data import source_line
from after_fukushima.plots import PALETTE, new_figure

GREY = "#BBBBBB"


def row_sources(rows: pd.DataFrame) -> str:
    """'Source: …' naming the publishers in a curated table's source column (addresses left out)."""
    names = []
    for text in rows["source"]:
        for part in text.split(";"):
            name = part.split(", http")[0].strip()
            if name and name not in names:
                names.append(name)
    return "Source: " + "; ".join(names)


def listed(items) -> str:
    """'a', 'a and b', 'a, b and c': items in a sentence."""
    items = [str(item) for item in items]
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def the(country: str) -> str:
    """A country's name as a sentence has it: 'the United States', 'France'."""
    return f"the {country}" if country.startswith("United ") or country in ("Netherlands", "Philippines") else country


def metres(low: float, high: float) -> str:
    """'5.7 m' or, for a range, '14-15 m'."""
    return f"{low:g} m" if high == low else f"{low:g}-{high:g} m"


def trend(start: float, end: float) -> str:
    """'rose', 'fell' or 'stayed': how a value went from ``start`` to ``end``, in one word for a sentence."""
    return "rose" if end > start else "fell" if end < start else "stayed"


def tsunami_against_design(accident: pd.DataFrame):
    rows = accident.set_index("quantity").loc[["design_basis", "wave_simulated", "inundation"]]
    fig, ax = new_figure(
        "The tsunami against the plant's design basis (metres)",
        ylabel="",
        xlabel="height (m)",
        source=row_sources(rows),
        figsize=(8, 3),
    )
    labels = ["Designed for", "Wave (TEPCO simulation)", "Flooding at the plant"]
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["vermillion"]]
    for n, (_label, colour, (_, row)) in enumerate(zip(labels, colours, rows.iterrows())):
        ax.barh(n, row["low"], color=colour)
        if row["high"] > row["low"]:  # a range: the uncertain part hatched
            ax.barh(n, row["high"] - row["low"], left=row["low"], color="white", edgecolor=colour, hatch="///")
        shown = f"{row['low']:g}" if row["high"] == row["low"] else f"{row['low']:g}-{row['high']:g}"
        ax.text(row["high"] + 0.2, n, f"{shown} m", va="center")
    ax.set_yticks(range(3), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 17)
    design, wave, flood = (metres(row["low"], row["high"]) for _, row in rows.iterrows())
    return fig.describe(
        f"Three bars in metres: the plant was designed for a tsunami of {design}, the wave was {wave} high in "
        f"TEPCO's simulation, and the flooding at the plant reached {flood}."
    )


def earthquake_energy(quakes: pd.DataFrame, reference: str = "Tōhoku"):
    """Energy released relative to one earthquake: each magnitude step is 10**1.5, about 31.6 times."""
    quakes = quakes.sort_values("magnitude")
    base = quakes.set_index("name").loc[reference, "magnitude"]
    ratio = 10 ** (1.5 * (quakes["magnitude"] - base))
    fig, ax = new_figure(
        f"Energy released, relative to {reference} 2011 (= 1)",
        ylabel="",
        xlabel="energy relative to Tōhoku (times)",
        source=row_sources(quakes),
        figsize=(8, 3),
    )
    labels = [
        f"{name} {date.year} (M{magnitude:.1f})"
        for name, date, magnitude in zip(quakes["name"], quakes["date"], quakes["magnitude"])
    ]
    colours = [PALETTE["vermillion"] if name == reference else PALETTE["blue"] for name in quakes["name"]]
    ax.barh(labels, ratio, color=colours)
    for n, value in enumerate(ratio):
        ax.text(value + 0.05, n, f"{value:.2g}×", va="center")
    big, small = quakes.index[ratio.argmax()], quakes.index[ratio.argmin()]
    return fig.describe(
        f"Bars for {len(quakes)} earthquakes: {labels[quakes.index.get_loc(big)]} released about "
        f"{ratio[big]:.2g} times the energy of {reference} 2011, and {labels[quakes.index.get_loc(small)]} about "
        f"{ratio[small]:.2g} times."
    )


def ines_levels(accidents: pd.DataFrame):
    accidents = accidents.sort_values("date")
    fig, ax = new_figure(
        "Major accidents on the INES scale (level 0-7)",
        ylabel="",
        xlabel="INES level (hatched: an unofficial rating, given afterwards by others)",
        source=row_sources(accidents),
        figsize=(8, 3.6),
    )
    # A provisional rating (Fukushima: Japan's of 12 April 2011) says so in its label.
    labels = [
        f"{event} ({date.year}{', provisional' if 'provisional' in rating else ''})"
        for event, date, rating in zip(accidents["event"], accidents["date"], accidents["rating"])
    ]
    for n, (level, rating) in enumerate(zip(accidents["ines_level"], accidents["rating"])):
        colour = PALETTE["vermillion"] if level == 7 else PALETTE["blue"]
        unofficial = rating == "unofficial"
        ax.barh(
            n, level, color="white" if unofficial else colour, edgecolor=colour, hatch="///" if unofficial else None
        )
        ax.text(level + 0.1, n, str(level), va="center", fontsize=9)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xticks(range(8))
    ax.invert_yaxis()
    ax.set_xlim(0, 7.6)
    top = accidents["ines_level"].max()
    highest = [label for label, level in zip(labels, accidents["ines_level"]) if level == top]
    others = accidents[accidents["ines_level"] < top]
    rest = (
        f"; the other {len(others)} are at levels {others['ines_level'].min()}-{others['ines_level'].max()}"
        if len(others)
        else ""
    )
    unofficial = [
        f"{event}'s {level} ({date.year})"
        for event, date, level, rating in zip(others["event"], others["date"], others["ines_level"], others["rating"])
        if rating == "unofficial"
    ]
    given = f" ({listed(unofficial)}: unofficial, rated afterwards)" if unofficial else ""
    return fig.describe(
        f"Bars for {len(accidents)} accidents from {accidents['date'].min().year} to {accidents['date'].max().year}: "
        f"{listed(highest)} {'is' if len(highest) == 1 else 'are'} at level {top}{rest}{given}."
    )


def panels(title: str, source: str, rows: int, columns: int, figsize) -> tuple:
    """A figure of rows x columns panels in the course style: one bold title and one source line for all.

    Returns (figure, list of axes, left to right and top to bottom); each panel gets its own small title.
    """
    fig, ax = new_figure("", ylabel="", xlabel="", source="", figsize=figsize)
    fig.delaxes(ax)
    axes = [fig.add_subplot(rows, columns, n + 1) for n in range(rows * columns)]
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.supxlabel(source, x=0.01, ha="left", fontsize=8, color="#555555", wrap=True)
    return fig, axes


def two_lines(label: str, width: int = 26) -> str:
    """``label`` wrapped at ``width`` characters without splitting a date ('12 April 2011') or a bracket."""
    kept = re.sub(r"\([^)]*\)|(?:\d{1,2} )?[A-Z][a-z]+ \d{4}", lambda part: part[0].replace(" ", "\u00a0"), label)
    return textwrap.fill(kept, width).replace("\u00a0", " ")


def release_estimates(accident: pd.DataFrame):
    rows = accident.set_index("quantity")
    groups = [
        (
            "Iodine-131 equivalent (PBq)",
            ["release_nisa_april", "release_nsc_april", "release_nisa_june", "release_chernobyl"],
        ),
        ("Caesium-137 (PBq)", ["caesium_japan", "caesium_stohl", "caesium_chernobyl"]),
    ]
    used = rows.loc[[name for _, names in groups for name in names]]
    # 7.6 inches at 100 dpi, title and labels on two lines: the PNG fits an 800-pixel notebook column unscaled,
    # so its text stays at the course's sizes (10-12 pt) instead of being shrunk by the browser.
    fig, panes = panels(
        "Estimates of radioactivity released to the air:\nFukushima (red) and Chernobyl (black)",
        row_sources(used),
        2,
        1,
        figsize=(7.6, 6.0),  # tall enough that the two-line labels of neighbouring bars do not touch
    )
    for axes, (title, names) in zip(panes, groups):
        for k, name in enumerate(names):
            low, high = rows.loc[name, ["low", "high"]]
            colour = PALETTE["black"] if "chernobyl" in name else PALETTE["vermillion"]
            axes.barh(
                k, high, color="white" if high > low else colour, edgecolor=colour, hatch="///" if high > low else None
            )
            if high > low:
                axes.barh(k, low, color=colour)
            axes.text(high, k, f"  {low:g}" + (f"-{high:g}" if high > low else ""), va="center")
        axes.set_yticks(range(len(names)), [two_lines(rows.loc[name, "label"].split(", ", 1)[1]) for name in names])
        axes.invert_yaxis()
        axes.set_title(title, loc="left", fontsize=10)
    said = []
    for (_, names), unit in zip(groups, ("PBq of iodine-131 equivalent", "PBq of caesium-137")):
        ours = rows.loc[[name for name in names if "chernobyl" not in name]]
        theirs = rows.loc[[name for name in names if "chernobyl" in name], "high"]
        said.append(
            f"{ours['low'].min():,g} to {ours['high'].max():,g} {unit} against {listed(f'{v:,g}' for v in theirs)}"
        )
    return fig.describe(
        f"Two panels of bars: the estimates for Fukushima run from {said[0]} for Chernobyl, and from {said[1]}."
    )


TOLL = {  # quantity in accident_figures -> bar label and colour: what killed people, kept apart
    "deaths_quake_tsunami": ("Dead: earthquake and\ntsunami (all Japan)", PALETTE["blue"]),
    "missing_quake_tsunami": ("Missing: earthquake and\ntsunami (all Japan)", PALETTE["sky"]),
    "disaster_related_deaths": ("Evacuees' disaster-related\ndeaths (Fukushima pref.)", PALETTE["orange"]),
    "acute_radiation_deaths": ("Acute radiation deaths", PALETTE["vermillion"]),
    "radiation_death_recognised": ("Cancer death recognised as\nfrom radiation (a worker)", PALETTE["vermillion"]),
}


def human_toll(accident: pd.DataFrame):
    """The human toll of 11 March 2011 by cause, as people (one bar each), from accident_figures.

    The causes are not added up: they count different things at different dates (see each row's note).
    """
    rows = accident.set_index("quantity").loc[list(TOLL)]
    fig, ax = new_figure(
        "The human toll: five counts kept apart (people)",
        ylabel="",
        xlabel="people",
        source=row_sources(rows),
        figsize=(8, 3.4),
    )
    for n, (quantity, (_label, colour)) in enumerate(TOLL.items()):
        value = rows.loc[quantity, "high"]
        ax.barh(n, value, color=colour)
        ax.text(value + 150, n, f"{value:,.0f}", va="center")
    ax.set_yticks(range(len(TOLL)), [label for label, _ in TOLL.values()])
    ax.invert_yaxis()
    ax.set_xlim(0, rows["high"].max() * 1.15)
    count = {quantity: f"{rows.loc[quantity, 'high']:,.0f}" for quantity in TOLL}
    return fig.describe(
        f"Five separate bars: {count['deaths_quake_tsunami']} dead and {count['missing_quake_tsunami']} missing "
        f"(earthquake and tsunami), {count['disaster_related_deaths']} disaster-related deaths of Fukushima "
        f"evacuees, {count['acute_radiation_deaths']} acute radiation deaths and {count['radiation_death_recognised']} "
        "worker's cancer death recognised for compensation as from radiation."
    )


def opinion_2011(survey: pd.DataFrame):
    survey = survey.sort_values("support_pct")
    fig, ax = new_figure(
        "Support for nuclear electricity, May 2011 (% of adults surveyed online)",
        ylabel="",
        xlabel="% who strongly or somewhat support",
        source=source_line("public_opinion_2011"),
        figsize=(8, 6),
    )
    colours = [PALETTE["vermillion"] if country == "World" else PALETTE["blue"] for country in survey["country"]]
    # The survey's row "World" is the average of its 24 countries, not a worldwide poll: say so on the bar.
    labels = ["Average of the 24" if country == "World" else country for country in survey["country"]]
    ax.barh(labels, survey["support_pct"], color=colours)
    ax.axvline(50, color=GREY, linestyle="--")
    ax.set_xlim(0, 100)
    countries = survey[survey["country"] != "World"]
    low, high = countries.iloc[0], countries.iloc[-1]
    average = survey.loc[survey["country"] == "World", "support_pct"]
    beside = f" and their average ({average.iloc[0]}%)" if len(average) else ""
    return fig.describe(
        f"Bars for {len(countries)} countries{beside}: support runs from {low['support_pct']}% in "
        f"{low['country']} to {high['support_pct']}% in {high['country']}, with a dashed line at 50%."
    )


SITE_COLOURS = {"in service": PALETTE["blue"], "under construction": PALETTE["orange"], "shut down": GREY}


def fill_country(ax, feature: dict, colour: str) -> None:
    """Fill every polygon of one country outline (a GeoJSON feature of country_outlines) in one colour."""
    for polygon in feature["geometry"]["coordinates"]:
        outer = polygon[0]
        ax.fill([x for x, _ in outer], [y for _, y in outer], color=colour, edgecolor="white", linewidth=0.4)


def as_map(ax, longitudes: tuple[float, float], latitudes: tuple[float, float]) -> None:
    """Turn axes into a plain map of the given extent (degrees): equal scale, no grid, no ticks."""
    ax.set_xlim(*longitudes)
    ax.set_ylim(*latitudes)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])


def sites_map(outlines: dict, sites: pd.DataFrame):
    """Nuclear power plant sites on 11 March 2011 over the world's countries."""
    fig, ax = new_figure(
        "Nuclear power plant sites on 11 March 2011",
        ylabel="",
        xlabel="",
        source=source_line("reactor_sites", "country_outlines"),
        figsize=(10, 5.2),
    )
    for feature in outlines["features"]:
        fill_country(ax, feature, "#EEEEEE")
    for status, colour in SITE_COLOURS.items():
        chosen = sites[sites["status_2011"] == status]
        sizes = 8 + chosen["capacity_in_service_2011_mw"] / 80 if status == "in service" else 12
        ax.scatter(
            chosen["longitude"],
            chosen["latitude"],
            s=sizes,
            color=colour,
            alpha=0.8,
            edgecolor="white",
            linewidth=0.3,
            label=f"{status} ({len(chosen)} sites)",
            zorder=3,
        )
    as_map(ax, (-180, 180), (-60, 85))
    # In the South Pacific, clear of South America: tests/test_figure_layout.py checks that no map legend covers land.
    ax.legend(loc="lower left", frameon=False, title="Site on 11 March 2011\n(area: capacity)", alignment="left")
    drawn = sites[sites["status_2011"].isin(list(SITE_COLOURS))]  # a site with nothing built by then has no dot
    counts = [f"{(drawn['status_2011'] == status).sum()} {status}" for status in SITE_COLOURS]
    per_country = drawn.groupby("country").size()
    first, second = sorted(set(per_country), reverse=True)[:2]

    def having(count: int) -> str:
        named = [the(country) for country in sorted(per_country[per_country == count].index)]
        return f"{listed(named)} ({count}{' each' if len(named) > 1 else ''})"

    return fig.describe(
        f"A world map with a dot for each of {len(drawn)} nuclear power plant sites on 11 March 2011 "
        f"({listed(counts)}); {having(first)} {'has' if (per_country == first).sum() == 1 else 'have'} the most, "
        f"then {having(second)}."
    )


def largest_fleets(fleet: pd.DataFrame, year: int = 2010, top: int = 15):
    chosen = fleet[(fleet["year"] == year) & (fleet["country"] != "World")].nlargest(top, "reactors")
    chosen = chosen.sort_values("reactors")
    fig, ax = new_figure(
        f"Reactors in service on 31 December {year}: the {top} largest fleets",
        ylabel="",
        xlabel="reactors",
        source=source_line("reactor_fleet"),
        figsize=(8, 5),
    )
    ax.barh(chosen["country"], chosen["reactors"], color=PALETTE["blue"])
    for n, count in enumerate(chosen["reactors"]):
        ax.text(count + 1, n, str(count), va="center")
    first, *next_ones = (
        f"{the(row['country'])} ({row['reactors']})" for _, row in chosen.iloc[::-1].head(3).iterrows()
    )
    smallest = chosen.iloc[0]
    that_year = fleet[(fleet["year"] == year) & (fleet["country"] != "World")]
    tied = that_year[(that_year["reactors"] == smallest["reactors"]) & ~that_year["country"].isin(chosen["country"])]
    also = f", as {'does' if len(tied) == 1 else 'do'} {listed(map(the, sorted(tied['country'])))} (not shown)"
    return fig.describe(
        f"Bars for {len(chosen)} countries: {first} has the most reactors in service at the end of {year}"
        + (f", then {listed(next_ones)}" if next_ones else "")
        + f"; the smallest shown, {the(smallest['country'])}, has {smallest['reactors']}{also if len(tied) else ''}."
    )


def world_buildout(fleet: pd.DataFrame):
    world = fleet[fleet["country"] == "World"]
    fig, ax = new_figure(
        "Reactors in service in the world at each year end",
        ylabel="reactors",
        xlabel="",
        source=source_line("reactor_fleet"),
    )
    ax.plot(world["year"], world["reactors"], color=PALETTE["blue"])
    for year, label in [(1979, "Three Mile Island"), (1986, "Chernobyl"), (2011, "Fukushima")]:
        count = world.set_index("year").loc[year, "reactors"]
        ax.annotate(
            label,
            (year, count),
            xytext=(-10, 18),
            textcoords="offset points",
            ha="right",
            arrowprops={"arrowstyle": "-", "color": "#555555"},
            fontsize=9,
        )
    ax.set_ylim(0, world["reactors"].max() * 1.15)
    first, last = world.iloc[0], world.iloc[-1]
    peak = world.loc[world["reactors"].idxmax()]
    return fig.describe(
        f"A line of the world's reactors in service from {first['reactors']} in {first['year']} to "
        f"{last['reactors']} in {last['year']} (the most up to {last['year']}, {peak['reactors']}, in {peak['year']}), "
        "with Three Mile Island, Chernobyl and Fukushima marked."
    )


def in_use_on(instruments: pd.DataFrame, day: str) -> pd.DataFrame:
    """The instruments at work on ``day``: adopted by then (or undated) and working since that year or before.

    Rows without a ``since`` year (IRRS, WANO peer reviews) are kept: both were at work before March 2011, but
    the table gives no year they began.
    """
    when = pd.Timestamp(day)
    adopted = instruments["adopted"].isna() | (instruments["adopted"] <= when)
    started = instruments["since"].isna() | (instruments["since"] <= when.year)
    return instruments[adopted & started & (instruments["binding"] != "not applicable")]


# How a need of the course's list is named where students see it (grid columns, lesson 03's options). The data
# code "safety standards" counts only standards shared across countries (the IAEA's standards, SF-1, the EU's
# safety objective): every party to the Convention on Nuclear Safety must already set its own national
# requirements (Art. 7) and rules for siting, design and operation (Arts 17-19), which the column does not count.
NEED_LABELS = {"safety standards": "common international safety standards"}


def need_label(need: str) -> str:
    """The name a student sees for ``need``, one of ``vocabulary.SAFETY_NEEDS`` (see ``NEED_LABELS``)."""
    return NEED_LABELS.get(need, need)


def needs_addressed(instruments: pd.DataFrame, day: str = "2011-05-25"):
    """A grid of the instruments at work on ``day`` (rows) against the safety needs the course lists (columns):
    needs named in the report or at the 2011 conferences.

    A filled square: the instrument's text obliges the states it binds to act on that need (column ``obliges``);
    a hollow one: it addresses the need without obliging anyone to act on it, either because it binds no one or
    because its text creates no duty there (the Assistance Convention lets a party ask for help but obliges no
    party to give it). The row label gives the instrument's scope, and says "binding" for a binding instrument.
    """
    from after_fukushima.vocabulary import SAFETY_NEEDS

    rows = in_use_on(instruments, day).sort_values("since", na_position="last")
    fig, ax = new_figure(
        f"What the instruments at work on {pd.Timestamp(day):%d %B %Y} addressed",
        ylabel="",
        xlabel="",
        source=source_line("safety_instruments"),
        figsize=(9, 0.3 * len(rows) + 2.8),
    )
    # The title over the whole figure, from its left edge: over the axes alone it began right of the long row
    # labels and looked adrift.
    fig.suptitle(ax.get_title(loc="left"), x=0.01, ha="left", fontweight="bold", fontsize=ax.title.get_fontsize())
    ax.set_title("", loc="left")
    for y, (_, row) in enumerate(rows.iterrows()):
        addressed = set(row["addresses"].split("; ")) if pd.notna(row["addresses"]) else set()
        obliged = set(row["obliges"].split("; ")) if pd.notna(row["obliges"]) else set()
        for x, need in enumerate(SAFETY_NEEDS):
            if need in addressed:
                bound = row["binding"] == "yes" and need in obliged
                ax.scatter(
                    x,
                    y,
                    marker="s",
                    s=120,
                    color=PALETTE["blue"] if bound else "white",
                    edgecolor=PALETTE["blue"],
                    linewidth=2,
                )
    ax.set_xticks(range(len(SAFETY_NEEDS)), [need_label(need) for need in SAFETY_NEEDS], fontsize=9)
    ax.xaxis.tick_top()
    for label in ax.get_xticklabels():
        label.set(rotation=35, ha="left", rotation_mode="anchor")
    ax.set_yticks(
        range(len(rows)),
        [
            f"{name} ({scope}{', binding' if binding == 'yes' else ''})"
            for name, scope, binding in zip(rows["short_name"], rows["scope"], rows["binding"])
        ],
        fontsize=9,
    )
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-0.5, len(SAFETY_NEEDS) - 0.5)
    ax.scatter([], [], marker="s", color=PALETTE["blue"], label="its text obliges the states it binds")
    ax.scatter(
        [], [], marker="s", color="white", edgecolor=PALETTE["blue"], linewidth=2, label="addresses it, obliges no one"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2, frameon=False, fontsize=9)
    return fig.describe(needs_sentence(rows, day))


def needs_sentence(rows: pd.DataFrame, day: str) -> str:
    """needs_addressed's figure in one sentence: how many squares of each kind, and the needs no one obliges."""
    from after_fukushima.vocabulary import SAFETY_NEEDS

    filled = hollow = 0
    obliging = set()
    for _, row in rows.iterrows():
        addressed = set(row["addresses"].split("; ")) if pd.notna(row["addresses"]) else set()
        obliged = set(row["obliges"].split("; ")) if pd.notna(row["obliges"]) and row["binding"] == "yes" else set()
        for need in addressed & set(SAFETY_NEEDS):
            filled, hollow = (filled + 1, hollow) if need in obliged else (filled, hollow + 1)
            obliging |= {need} & obliged
    unbound = [need_label(need) for need in SAFETY_NEEDS if need not in obliging]
    rest = f"; none obliges states on {' or '.join(unbound)}" if unbound else ""
    return (
        f"A grid of {len(rows)} instruments ({pd.Timestamp(day):%d %B %Y}) by {len(SAFETY_NEEDS)} safety needs: "
        f"{filled} filled squares where a text obliges states, {hollow} hollow{rest}."
    )


def years_to_force(instruments: pd.DataFrame):
    """Years from adoption to entry into force, for every instrument that has both dates (bars)."""
    rows = instruments.dropna(subset=["adopted", "in_force"]).copy()
    rows["years"] = (rows["in_force"] - rows["adopted"]).dt.days / 365.25
    rows = rows.sort_values("years")
    fig, ax = new_figure(
        "From adoption to entry into force (years)",
        ylabel="",
        xlabel="years",
        source=source_line("safety_instruments"),
        figsize=(8, 0.45 * len(rows) + 1.8),
    )
    ax.barh(range(len(rows)), rows["years"], color=PALETTE["blue"])
    for n, (years, adopted) in enumerate(zip(rows["years"], rows["adopted"])):
        ax.text(years + 0.05, n, f"{years:.1f} (adopted {adopted.year})", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), rows["short_name"], fontsize=9)
    ax.set_xlim(0, rows["years"].max() * 1.45)
    quick, slow = rows.iloc[0], rows.iloc[-1]
    return fig.describe(
        f"Bars for {len(rows)} instruments: from adoption to entry into force took from {quick['years']:.1f} years "
        f"({quick['short_name']}) to {slow['years']:.1f} years ({slow['short_name']})."
    )


def designed_abroad(units: pd.DataFrame, vendors: pd.DataFrame, day: str = "2011-03-11") -> pd.DataFrame:
    """The reactors in service on ``day`` with their design's vendor country (one row per unit).

    Columns: unit, country, reactor_model, design_family, vendor_country, abroad (True where the vendor's home
    country is not the country running the unit). Data: reactor_units (GeoNuclearData) and reactor_vendors,
    whose rows keyed 'MODEL [units: ...]' give the vendor of the units they name (``unit_vendors``).
    """
    from after_fukushima.models.cooperation import in_service, unit_vendors

    running = units[in_service(units, day)]
    joined = unit_vendors(running, vendors[["reactor_model", "design_family", "vendor_country"]])
    joined = joined.reset_index(drop=True)
    joined["abroad"] = joined["vendor_country"] != joined["country"]
    return joined[["unit", "country", "reactor_model", "design_family", "vendor_country", "abroad"]]


def foreign_designs(units: pd.DataFrame, vendors: pd.DataFrame, day: str = "2011-03-11"):
    """Bars: reactors in service abroad on ``day``, by the home country of their design's vendor."""
    abroad = designed_abroad(units, vendors, day).query("abroad")
    by_vendor = abroad.groupby("vendor_country").agg(units=("unit", "size"), countries=("country", "nunique"))
    by_vendor = by_vendor.sort_values("units")
    fig, ax = new_figure(
        f"Reactors in service abroad on {pd.Timestamp(day):%d %B %Y}, by the vendor's home country",
        ylabel="",
        xlabel="reactors in service in other countries",
        source=source_line("reactor_units", "reactor_vendors"),
        figsize=(8, 3.6),
    )
    ax.barh(by_vendor.index, by_vendor["units"], color=PALETTE["blue"])
    for n, (count, countries) in enumerate(zip(by_vendor["units"], by_vendor["countries"])):
        ax.text(count + 0.8, n, f"{count} in {countries} {'country' if countries == 1 else 'countries'}", va="center")
    ax.set_xlim(0, by_vendor["units"].max() * 1.35)
    leaders = [
        f"designs from {the(vendor)} run {row['units']} in {row['countries']} "
        f"{'country' if row['countries'] == 1 else 'countries'}"
        for vendor, row in by_vendor.iloc[::-1].head(2).iterrows()
    ]
    return fig.describe(
        f"Bars for {len(by_vendor)} vendor countries, {by_vendor['units'].sum()} reactors running abroad in all: "
        f"{listed(leaders)}."
    )


POSITION_COLOURS = {
    "pusher": PALETTE["green"],
    "dragger": PALETTE["vermillion"],
    "intermediate": PALETTE["purple"],
    "bystander": PALETTE["sky"],
}
STANCE_MARKERS = {
    "for stronger commitments": "^",
    "against mandatory inspection": "v",
    "against more IAEA authority": "D",
}


def pushers_and_draggers(positions: pd.DataFrame, stances: pd.DataFrame):
    """The model's positions (vulnerability against cost of compliance), with the stances reported in 2011.

    ``positions`` is models.cooperation.positions(...) (index: country); ``stances`` is positions_2011. Dots are
    coloured by the model's position; a marker shows a country whose stance was reported (triangle up: wanted
    stronger commitments; down: resisted mandatory inspection; diamond: opposed more IAEA authority), and only those
    are named (the others are in the table of
    positions). Dotted lines are the medians that split the positions.
    """
    from after_fukushima.models.cooperation import TABLES as MODEL_TABLES

    fig, ax = new_figure(
        "Pushers and draggers: the model's positions and the stances reported in 2011",
        ylabel="vulnerability: share of reactor risk from abroad",
        xlabel="cost of a binding commitment (benefit units a year)",
        source=source_line(*MODEL_TABLES, "positions_2011"),  # every table the model's positions come from
        figsize=(8, 5.6),
    )
    stance = stances.set_index("country")["stance"]
    for position, colour in POSITION_COLOURS.items():
        chosen = positions[positions["position"] == position]
        ax.scatter(chosen["cost"], chosen["vulnerability"], s=30, color=colour, label=position, zorder=3)
    for marker_stance, marker in STANCE_MARKERS.items():
        reported = positions[positions.index.isin(stance[stance == marker_stance].index)]
        ax.scatter(
            reported["cost"],
            reported["vulnerability"],
            s=160,
            marker=marker,
            facecolor="none",
            edgecolor=PALETTE["black"],
            linewidth=1.2,
            label=f"reported: {marker_stance}",
            zorder=4,
        )
    for country, row in positions[positions.index.isin(stance.index)].iterrows():  # the rest: see the table
        ax.annotate(country, (row["cost"], row["vulnerability"]), xytext=(7, 4), textcoords="offset points", fontsize=8)
    ax.axvline(positions["cost"].median(), color=GREY, linestyle=":")
    ax.axhline(positions["vulnerability"].median(), color=GREY, linestyle=":")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper right", fontsize=8, frameon=False, labelspacing=1.2)  # room for the large markers
    counts = [f"{(positions['position'] == p).sum()} {p}s" for p in POSITION_COLOURS]
    named = positions.index.isin(stance.index).sum()
    return fig.describe(
        f"Dots for {len(positions)} countries by cost of a binding commitment (across) and vulnerability (up): "
        f"{', '.join(counts)}; the {named} with a reported 2011 stance are named."
    )


MIX_LINES = {
    "nuclear_share_pct": ("nuclear", PALETTE["vermillion"]),
    "fossil_share_pct": ("fossil fuels (coal, gas, oil)", PALETTE["black"]),
    "renewables_share_pct": ("renewables", PALETTE["green"]),
}


def what_replaced_nuclear(mix: pd.DataFrame, countries=("Germany", "Japan"), first: int = 2000, last: int = 2024):
    """Shares of electricity generation (%) by source, one panel per country, from electricity_mix (OWID).

    ``last`` defaults to 2024, the last full year (2025 is preliminary in the data). A dotted line marks 2011.
    """
    fig, panes = panels(
        f"What generated the electricity, {first}-{last} (% of generation)",
        source_line("electricity_mix"),
        1,
        len(countries),
        figsize=(8, 3.8),
    )
    for n, (axes, country) in enumerate(zip(panes, countries)):
        rows = mix[(mix["country"] == country) & mix["year"].between(first, last)]
        for column, (label, colour) in MIX_LINES.items():
            axes.plot(rows["year"], rows[column], color=colour, label=label, linewidth=2)
        axes.axvline(2011, color=GREY, linestyle=":")
        axes.set_ylim(0, 100)
        axes.set_title(country, loc="left", fontsize=11)
        axes.set_ylabel("% of electricity generated" if n == 0 else "")
    panes[0].legend(loc="upper left", fontsize=8, frameon=True, framealpha=0.9)
    said = []
    for country in countries:
        rows = mix[(mix["country"] == country) & mix["year"].between(first, last)].set_index("year")
        start = 2010 if 2010 in rows.index else rows.index.min()  # the last year before the accident
        before, after = rows.loc[start, "nuclear_share_pct"], rows.loc[rows.index.max(), "nuclear_share_pct"]
        low = rows.loc[start:, "nuclear_share_pct"].idxmin()  # a fall and a recovery: say both
        if rows.loc[low, "nuclear_share_pct"] < min(before, after) - 1:
            went = f"fell from {before:.1f}% ({start}) to {rows.loc[low, 'nuclear_share_pct']:.0f}% ({low}), then rose"
        elif before == after:
            went = f"stayed at {before:.1f}% from {start}"
        else:
            went = f"{trend(before, after)} from {before:.1f}% ({start})"
        end = f"{after:.0f}% ({rows.index.max()})" if before != after else str(rows.index.max())
        said.append(f"in {country} {went} to {end}")
    return fig.describe(
        "Lines of the nuclear, fossil and renewable shares of electricity, one panel a country: nuclear "
        f"{listed(said)}."
    )


def responses_map(outlines: dict, responses: pd.DataFrame, *, latest: bool = False):
    """The countries of national_responses coloured by their earliest decision in the table (or their latest).

    The legend lists the categories in the order of RESPONSE_CATEGORIES with the number of countries in each
    (``responses_map_categories`` gives the same counts as a table). A 'proposed reversal' (a government's
    proposal, not law or done on its date) is hatched so that it is not read as a decision already in force.
    """
    from after_fukushima.plots import RESPONSE_COLOURS
    from after_fukushima.vocabulary import RESPONSE_CATEGORIES

    hatched = {"proposed reversal"}
    pick = responses_map_categories(responses, latest=latest)
    when = "latest decision in the course table" if latest else "earliest decision in the course table"
    fig, ax = new_figure(
        f"National responses: each country's {when}",
        ylabel="",
        xlabel="",
        source=source_line("national_responses", "country_outlines"),
        figsize=(9, 4.6),
    )
    by_name = {feature["properties"]["name"]: feature for feature in outlines["features"]}
    names = {"United States": "United States of America", "Taiwan": "Taiwan", "South Korea": "South Korea"}
    for feature in outlines["features"]:
        fill_country(ax, feature, "#EEEEEE")
    for country, category in pick.items():
        feature = by_name.get(names.get(country, country))
        if feature is None:
            continue
        fill_country(ax, feature, RESPONSE_COLOURS[category])
        if category in hatched:
            for polygon in feature["geometry"]["coordinates"]:
                outer = polygon[0]
                ax.fill(
                    [x for x, _ in outer],
                    [y for _, y in outer],
                    fill=False,
                    hatch="////",
                    edgecolor="white",
                    linewidth=0,
                )
    # The legend's swatches drawn as the map draws the countries, hatching included (a swatch made by ax.fill lost
    # its hatch: 'reversal' and 'proposed reversal' looked the same).
    swatches = [
        Patch(
            facecolor=RESPONSE_COLOURS[category],
            edgecolor="white",
            linewidth=0,
            hatch="////" if category in hatched else None,
            label=f"{category} ({(pick == category).sum()})",
        )
        for category in RESPONSE_CATEGORIES
        if (pick == category).any()
    ]
    as_map(ax, (-160, 150), (-40, 72))  # room in the Pacific for a legend of up to seven kinds
    ax.legend(handles=swatches, loc="lower left", fontsize=8, frameon=True, framealpha=0.9)
    counts = [swatch.get_label() for swatch in swatches]  # "category (countries)", as the legend says
    # The table begins in March 2011, but not every country's first row is of 2011: say which, with its year.
    years = responses.sort_values(["year", "date"], na_position="last").groupby("country")["year"].first()
    later = [f"{the(country)}'s of {year}" for country, year in years.items() if year > 2011 and not latest]
    note = f" ({listed(later)}: the table has no earlier row for them)" if later else ""
    return fig.describe(f"A world map with {len(pick)} countries coloured by their {when}: {', '.join(counts)}{note}.")


def responses_map_categories(responses: pd.DataFrame, *, latest: bool = False) -> pd.Series:
    """Country -> the category responses_map colours it by: its first row (or its latest) in national_responses,
    ordered by year then day, rows without a day last within their year."""
    ordered = responses.sort_values(["year", "date"], na_position="last")
    grouped = ordered.groupby("country")["category"]
    return grouped.last() if latest else grouped.first()


def after_2011(shares: pd.DataFrame, fleet: pd.DataFrame, countries=("China", "Germany", "Japan", "United States")):
    """Two panels: the world's nuclear share of electricity (OWID, to its last year for World) and reactors in
    service at each year end for a few countries (GeoNuclearData), with 2011 marked."""
    fig, (left, right) = panels(
        "After 2011: the world's nuclear share and four fleets",
        source_line("nuclear_share", "reactor_fleet"),
        1,
        2,
        figsize=(8, 3.8),
    )
    world = shares[(shares["country"] == "World") & shares["nuclear_share_pct"].notna() & (shares["year"] >= 1990)]
    left.plot(world["year"], world["nuclear_share_pct"], color=PALETTE["vermillion"], linewidth=2)
    left.set_ylim(0, 20)
    left.set_title("World: nuclear share of electricity (%)", loc="left", fontsize=10)
    for colour, country in zip([PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]], countries):
        rows = fleet[(fleet["country"] == country) & (fleet["year"] >= 2000)]
        right.plot(rows["year"], rows["reactors"], color=colour, linewidth=2, label=country)
        last = rows.iloc[-1]
        right.annotate(
            country,
            (last["year"], last["reactors"]),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=colour,
        )
    right.set_xlim(2000, fleet["year"].max() + 9)
    right.set_title("Reactors in service at each year end", loc="left", fontsize=10)
    for axes in (left, right):
        axes.axvline(2011, color=GREY, linestyle=":")
    share = world.set_index("year")["nuclear_share_pct"]
    fleets = []
    for country in countries:
        rows = fleet[(fleet["country"] == country) & (fleet["year"] >= 2011)].set_index("year")["reactors"]
        fleets.append(f"{country} {rows.iloc[0]} to {rows.iloc[-1]}")
    return fig.describe(
        f"Two panels of lines: the world's nuclear share {trend(share[2011], share.iloc[-1])} from {share[2011]:.1f}% "
        f"in 2011 to {share.iloc[-1]:.1f}% in {share.index[-1]}; reactors in service from 2011 to "
        f"{fleet['year'].max()}: {', '.join(fleets)}."
    )
