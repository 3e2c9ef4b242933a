"""Who would join an international nuclear-safety mechanism? A small model for lesson 04.

A model for thinking, not a forecast: every number comes either from the course's tables in data/ or from a
weight the student can see and change (``Weights``), and its payoffs are in arbitrary "benefit units" per
country and year, only comparable with each other.

It rests on two standard ideas from the study of international agreements:

- the interest-based explanation (Sprinz and Vaahtoranta, "The interest-based explanation of international
  environmental policy", International Organization 48(1), 1994): a state's position follows from its
  vulnerability and its cost of compliance (``positions``);
- self-enforcing agreements (Barrett, "Self-enforcing international environmental agreements", Oxford Economic
  Papers 46, 1994, with the stability test of d'Aspremont, Jacquemin, Gabszewicz and Weymark, Canadian Journal of
  Economics 16(1), 1983): no authority can force a state to join, so a membership is stable only if no member
  gains by leaving and no outsider gains by joining (``stable_memberships``, ``is_stable``). Deeper agreements
  tend to be narrower (Downs, Rocke and Barsoom, "Managing the Evolution of Multilateralism", International
  Organization 52(2), 1998: ``breadth_vs_depth``).

The countries (``country_attributes``): those with at least one reactor in service on 11 March 2011, with
n_i reactors in service, s_i the nuclear share of their electricity in 2010, x_i their exposure to other
countries' reactors, e_i = 1 for a reactor exporter and o_i = 1 for a country that decided to leave nuclear
power in 2011. "Exporter" is a rule on reactors, not on orders: a design of the country's vendors was in service
or under construction in another country on 11 March 2011. An order won but not yet being built does not count:
South Korea won the UAE's order in December 2009, but Barakah 1 was begun only in July 2012, so e_i = 0 for it.

The mechanism (``Design``): depth D in [0, 1], a members-only portal S (0 or 1), a vendor duty V in [0, 1] and a
rule for sharing the secretariat's cost. For a member set M, the net gain of joining for country i is

    Δ_i(M) = β·D·n_i^α·(1 + γ·s_i)                      home safety
           + κ·S·Σ_{j∈M, j≠i} n_j / Σ_j n_j              the portal, a club good
           − D²·(σ + c·n_i·(1 − φ·o_i))                   sovereignty and compliance
           − π·V·e_i                                      intellectual property (exporters)
           − F·a_i                                        its assessed share a_i of the secretariat

and every country, member or not, gains β·D·Σ_{j∈M, j≠i} n_j·exp(−d_ij/L) from its neighbours' safer plants
whatever it does itself: the free-rider's gain (``payoffs``). Δ_i never falls when M grows, so simultaneous best
responses from nobody climb to the smallest stable membership and from everybody fall to the largest
(Tarski's fixed-point theorem); countries with Δ_i = 0 stay out, so results are deterministic.

Where this departs from the design note (shared/design/cooperation-model.md), and why:

- The secretariat is an assessed contribution: F is its yearly cost if every country joined and each member
  pays a fixed share of it, a_i = 1/N (rule 'equal') or n_i/Σ_j n_j (rule 'fleet'), as under a UN-style scale
  of assessment. Splitting F among the members only would make joining cheaper the more others join, and
  then even without the portal there could be two stable outcomes; the note wants one answer without it.
- ``positions`` measures the cost of compliance at D = 1 including the exporters' cost of the vendor duty
  (π·V·e_i at the design's V), as the note's prototype did; the secretariat is left out of it.
- The 2010 share and the 2011 phase-outs follow ``day``: the share is that of the year before ``day`` and a
  phase-out counts if it was decided in the year of ``day``.

Defaults (``Weights``) follow the note's prototype (L = 500 km, α = 0.5, β = γ = σ = 1, c = 0.15, φ = 0.7,
π = 3, V = 0.5), with κ = 3 and F = 3 added so that each effect can be seen on the course data:

- breadth against depth: without the portal, membership falls from 27 countries (90% of reactors) at D = 0.5
  to 25 (62%) at D = 1; with the fleet cost rule protection (D x coverage) peaks below D = 1;
- the portal brings in nearly everyone up to D = 0.75 (κ = 6 brings everyone in almost everywhere);
- the cost rule: at D = 0.25 shares in proportion to the fleet keep the largest fleets out (56% against 79%);
- two stable outcomes appear with the portal on where a group of exporters each joins only if the others do:
  at very shallow depths with the default vendor duty, and at D = 0.25 (24 or 30 countries) with vendor
  duty 1 and the fleet rule.

Japan sits on a knife-edge at D = 1 (net gain +0.007 at the defaults). The note's prototype found 24 members
(50%) there, which is what this model gives if Japan counts as an exporter; in lesson 04's vendor table the ABWR
being built in Taiwan is a General Electric (United States) design, so Japan is not one, hence 25 (62%).
``sensitivity`` shows how much each conclusion depends on the weights.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from numbers import Real
from typing import NamedTuple

import numpy as np
import pandas as pd

from after_fukushima.errors import CourseError

DAY = "2011-03-11"
EARTH_RADIUS_KM = 6371.0
TABLES = ("reactor_units", "reactor_sites", "nuclear_share", "national_responses", "reactor_vendors")
ATTRIBUTES = ("reactors", "share", "exposure", "exporter", "phase_out")

DEPTH_LEVELS = {
    0.25: "voluntary peer review",
    0.5: "regular peer review, results published",
    0.75: "binding common standards",
    1.0: "binding standards with inspection and consequences",
}
COST_RULES = {"equal": "equal shares", "fleet": "proportion to the fleet"}


# --- the weights and the design ------------------------------------------------------------------

# The model's limits on its weights: above a million (the defaults are 0.15 to 500) a weight no longer changes who
# joins, it only pushes the model's sums towards what a float can hold (near 1e308 they turn into inf and nan); a
# decay length below 1 km makes every neighbour count for nothing, as 1 km already does.
LARGEST_WEIGHT = 1e6
SHORTEST_DECAY_KM = 1.0


def _weight(
    default: float,
    symbol: str,
    meaning: str,
    *,
    low: float = 0.0,
    high: float = LARGEST_WEIGHT,
    unit: str = "",
):
    return field(
        default=default,
        metadata={"symbol": symbol, "meaning": meaning, "low": low, "high": high, "unit": unit},
    )


def _finite(value: Real | Decimal) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float, like 10**400
        return False


@dataclass(frozen=True)
class Weights:
    """Every assumption of the model that is not data, in benefit units per country and year.

    Out-of-range values raise CourseError with one sentence, e.g. Weights(alpha=2), Weights(beta=10**400): every
    weight lies between its low bound (0; 1 km for L) and its high bound (1 for α and φ, else LARGEST_WEIGHT).
    """

    beta: float = _weight(1.0, "β", "What a member gains at home from full-depth cooperation, per (reactors)^α.")
    gamma: float = _weight(
        1.0,
        "γ",
        "How much more home safety is worth the more a country depends on nuclear electricity (times its 2010 share).",
    )
    alpha: float = _weight(
        0.5,
        "α",
        "Diminishing returns: a large, experienced regulator learns less per reactor "
        "from outside review (0 = fleet size does not matter, 1 = every reactor "
        "counts fully).",
        high=1.0,
    )
    kappa: float = _weight(
        3.0, "κ", "What the members-only portal is worth to a member when it covers all the world's other reactors."
    )
    sigma: float = _weight(1.0, "σ", "The sovereignty cost of a full-depth commitment, the same for every country.")
    c: float = _weight(
        0.15, "c", "The compliance cost per reactor of a full-depth commitment: bigger fleets have more to change."
    )
    phi: float = _weight(
        0.7,
        "φ",
        "The part of that compliance cost a phasing-out country saves on plants it is closing (0 = none, 1 = all).",
        high=1.0,
    )
    pi: float = _weight(3.0, "π", "What an exporter loses by sharing all its design information (vendor duty 1).")
    decay_km: float = _weight(
        500.0,
        "L",
        "The distance over which a neighbour's reactors matter less by a factor of e (about 2.7).",
        low=SHORTEST_DECAY_KM,
        unit=" km",
    )
    secretariat: float = _weight(
        3.0, "F", "The secretariat's yearly cost if every country joined; each member pays its share by the cost rule."
    )

    def __post_init__(self):
        for spec in fields(self):
            value = getattr(self, spec.name)
            meta = spec.metadata
            name = f"{meta['symbol']} ({spec.name})"
            if isinstance(value, bool) or not isinstance(value, (Real, Decimal)) or not _finite(value):
                shown = repr(value) if len(repr(value)) <= 40 else "a number too large for a computer's numbers"
                raise CourseError(f"The weight {name} must be a finite number, not {shown}.")
            if value != 0 and float(value) == 0:  # Fraction(1, 10**400) would become 0.0 without a word
                raise CourseError(f"The weight {name} is too small for a computer's numbers: give 0 or a larger one.")
            low, high, unit = meta["low"], meta["high"], meta["unit"]
            if value < low or value > high:
                raise CourseError(
                    f"The weight {name} must be between {low:,.15g} and {high:,.15g}{unit}; it is {value:g}{unit}."
                )
            object.__setattr__(self, spec.name, float(value))

    @classmethod
    def symbols(cls) -> dict[str, str]:
        """{'beta': 'β', ...}: the symbol of each weight, as in the lesson's formulas."""
        return {spec.name: spec.metadata["symbol"] for spec in fields(cls)}

    @classmethod
    def meanings(cls) -> dict[str, str]:
        """{'beta': 'What a member gains ...', ...}: one sentence on what each weight stands for."""
        return {spec.name: spec.metadata["meaning"] for spec in fields(cls)}

    @classmethod
    def bounds(cls) -> dict[str, tuple[float, float]]:
        """{'alpha': (0.0, 1.0), ...}: the range each weight may take."""
        return {spec.name: (spec.metadata["low"], spec.metadata["high"]) for spec in fields(cls)}

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Weights:
        """Weights from an edited copy of ``simulator.weights_table(...)``: one row per weight, a 'value' column.

        Rows are found by the weight's name in the index ('kappa') or, failing that, by its 'symbol' ('κ').
        A missing row, an unknown row or a value that is not a number gives a CourseError in one sentence.
        """
        if not isinstance(table, pd.DataFrame) or "value" not in table.columns:
            raise CourseError("The table of weights needs a 'value' column: start from weights_table(...).")
        names = {*cls.symbols(), *cls.symbols().values()}
        added = [str(column) for column in table.columns if column in names]  # other columns are notes: ignored
        by_symbol = {symbol: name for name, symbol in cls.symbols().items()}
        if added:  # table["sigma"] = 2 adds a column named sigma; the weight's row is unchanged
            column = added[0]
            row = by_symbol.get(column, column)
            raise CourseError(
                f"The table of weights has a new column '{column}' (table['{column}'] = ... adds a column, and "
                f"leaves the weight as it was). Start again from weights_table(...) and set the weight's value "
                f"alone: table.loc['{row}', 'value'] = {quoted_value(table[column].iloc[0])}."
            )
        symbols = table["symbol"] if "symbol" in table.columns else pd.Series(None, index=table.index)
        values: dict[str, float] = {}
        for key, symbol, raw in zip(table.index, symbols, table["value"]):
            name = key if key in by_symbol.values() else by_symbol.get(symbol)
            if name is None:
                raise CourseError(
                    f"The table of weights has a row '{key}' that is not a weight of the model; "
                    f"the weights are {', '.join(cls.symbols())}."
                )
            label = f"{cls.symbols()[name]} ({name})"
            if key == name and "symbol" in table.columns and _same(symbol, raw) and symbol != cls.symbols()[name]:
                raise CourseError(  # table.loc["sigma"] = 2, without a column, writes 2 over the whole row
                    f"The row for {label} holds {quoted_value(raw)} in every column, symbol included: "
                    f"table.loc['{name}'] = ... without a column writes over the whole row. Start again from "
                    f"weights_table(...) and set the value alone: table.loc['{name}', 'value'] = {quoted_value(raw)}."
                )
            if name in values:
                raise CourseError(f"The table of weights has two rows for {label}; keep one.")
            try:
                number = math.nan if raw is None else float(raw)
            except (TypeError, ValueError):
                raise CourseError(f"The value of {label} in the table must be a number, not {raw!r}.") from None
            except OverflowError:  # an integer like 10**400
                raise CourseError(
                    f"The value of {label} in the table is too large for a computer's numbers; the model takes "
                    f"weights up to {LARGEST_WEIGHT:,.0f}."
                ) from None
            if math.isnan(number):
                raise CourseError(f"The value of {label} in the table is missing; give it a number.")
            values[name] = number
        missing = [f"{symbol} ({name})" for name, symbol in cls.symbols().items() if name not in values]
        if missing:
            raise CourseError(f"The table of weights has no row for {', '.join(missing)}; put it back with a value.")
        return cls(**values)


def _same(a, b) -> bool:
    """Whether two cells of a table hold the same value (False for values that cannot be compared)."""
    try:
        return bool(a == b)
    except Exception:
        return False


def quoted_value(value) -> str:
    """A value from a student's table as a sentence may show it: short, and a number as typed."""
    text = repr(value) if isinstance(value, str) else f"{value}"
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True)
class Design:
    """The mechanism a student designs.

    depth:        D in [0, 1]; the lesson's four levels are DEPTH_LEVELS (0.25 voluntary peer review ...
                  1.0 binding standards with inspection and consequences).
    portal:       a shared channel for operating experience and accident information, open to members only.
    vendor_duty:  V in [0, 1], how far vendors must share safety-relevant design information.
    cost_rule:    'equal' (equal shares of the secretariat) or 'fleet' (in proportion to the fleet).
    """

    depth: float = 0.5
    portal: bool = False
    vendor_duty: float = 0.5
    cost_rule: str = "equal"

    def __post_init__(self):
        for name in ("depth", "vendor_duty"):
            value = getattr(self, name)
            label = name.replace("_", " ")
            if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
                raise CourseError(f"The {label} must be a number between 0 and 1, not {value!r}.")
            object.__setattr__(self, name, float(value))
        if not isinstance(self.portal, (bool, np.bool_)):
            raise CourseError(f"The portal is either on (True) or off (False), not {self.portal!r}.")
        object.__setattr__(self, "portal", bool(self.portal))
        if self.cost_rule not in COST_RULES:
            raise CourseError(f"The cost rule must be 'equal' or 'fleet', not {self.cost_rule!r}.")

    @property
    def level(self) -> str:
        """The lesson's name for this depth, or '' between the four levels."""
        return DEPTH_LEVELS.get(self.depth, "")


# --- the countries, from data/ -------------------------------------------------------------------


def _need(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise CourseError(f"The {name} table must be a pandas DataFrame, as load_table('{name}') gives.")
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise CourseError(f"The {name} table has no column '{missing[0]}': load it with load_table('{name}').")


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def in_service(units: pd.DataFrame, day=DAY) -> pd.Series:
    """True for each unit in service on ``day``: commercial operation on or before it, no permanent shutdown by then."""
    day = pd.Timestamp(day)
    shutdown = _dates(units["permanent_shutdown"])
    return ((_dates(units["commercial_operation"]) <= day) & (shutdown.isna() | (shutdown > day))).fillna(False)


def under_construction(units: pd.DataFrame, day=DAY) -> pd.Series:
    """True for each unit being built on ``day``: started, not yet in commercial operation, not shut down.

    The table has no cancellation dates, so units whose status in 2024 is 'Cancelled Construction' or
    'Never Commissioned' are left out.
    """
    day = pd.Timestamp(day)
    started = _dates(units["construction_start"]) <= day
    operating = _dates(units["commercial_operation"])
    shutdown = _dates(units["permanent_shutdown"])
    abandoned = units["status_2024"].isin(["Cancelled Construction", "Never Commissioned"])
    return (
        started & (operating.isna() | (operating > day)) & (shutdown.isna() | (shutdown > day)) & ~abandoned
    ).fillna(False)


UNIT_ROW = re.compile(r"^(?P<model>.+?) \[units: (?P<units>[^\]]+)\]$")


def unit_vendors(
    units: pd.DataFrame, vendors: pd.DataFrame, columns: Iterable[str] = ("design_family", "vendor_country")
) -> pd.DataFrame:
    """``units`` with the ``columns`` of reactor_vendors (by default design_family and vendor_country) for each unit.

    Most rows of reactor_vendors are keyed by a model string of reactor_units and apply to every unit that
    carries it. A row keyed 'MODEL [units: A, B]' applies to the units named A and B only, and for them it
    overrides the row of MODEL: a model label shared by designs of different vendors (Doel 3 and Tihange 2
    carry the label 'WH 3LP' but are Framatome designs). Returns a copy of ``units`` (same index and order)
    with those of ``columns`` that ``vendors`` has added; a unit whose model has no row gets NaN in them.
    """
    _need(units, "reactor_units", ("unit", "reactor_model"))
    _need(vendors, "reactor_vendors", ("reactor_model", "vendor_country"))
    columns = [name for name in columns if name in vendors.columns]
    by_model = vendors.set_index("reactor_model")[columns]
    overrides = {}
    for key, row in by_model.iterrows():
        match = UNIT_ROW.match(str(key))
        if match:
            for unit in (name.strip() for name in match["units"].split(",")):
                overrides[(match["model"], unit)] = row
    plain = by_model[[not UNIT_ROW.match(str(key)) for key in by_model.index]]
    out = units.copy()
    for name in columns:
        values = out["reactor_model"].map(plain[name])
        for (model, unit), row in overrides.items():
            values[(out["reactor_model"] == model) & (out["unit"] == unit)] = row[name]
        out[name] = values
    return out


def _great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km between points given in degrees; numpy broadcasting."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distances_km(attrs: pd.DataFrame) -> pd.DataFrame:
    """Great-circle distances (km) between the countries' reactor centres: an N x N table indexed by country."""
    _need(attrs, "country attributes", ("latitude", "longitude"))
    lat = attrs["latitude"].to_numpy(float)
    lon = attrs["longitude"].to_numpy(float)
    matrix = _great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    return pd.DataFrame(matrix, index=attrs.index, columns=attrs.index)


def exposure(reactors: np.ndarray, distances: np.ndarray, decay_km: float) -> np.ndarray:
    """x_i = Σ_{j≠i} n_j·exp(−d_ij/L): other countries' reactors, each counted less the farther away it is."""
    kernel = np.exp(-np.asarray(distances, float) / decay_km)
    np.fill_diagonal(kernel, 0.0)
    return kernel @ np.asarray(reactors, float)


def country_attributes(
    units: pd.DataFrame,
    sites: pd.DataFrame,
    shares: pd.DataFrame,
    responses: pd.DataFrame,
    vendors: pd.DataFrame,
    day=DAY,
    decay_km: float = 500,
) -> pd.DataFrame:
    """One row per country with at least one reactor in service on ``day``, indexed by country, sorted by name.

    Takes the tables load_table gives for reactor_units, reactor_sites, nuclear_share, national_responses and
    reactor_vendors (``course_attributes`` loads them). Columns:

    - reactors (n_i): units in service on ``day`` (``in_service``);
    - share (s_i): nuclear share of electricity in the year before ``day`` (2010), as a fraction;
    - exposure (x_i): Σ_{j≠i} n_j·exp(−d_ij/decay_km), d_ij the great-circle distance in km between the
      capacity-weighted centres of the sites of i and j (capacity: the net MW of each site's units in service);
    - exporter (e_i): 1 if a reactor model whose vendor_country is i was in service or under construction on
      ``day`` in another country (units whose model is not in the vendor table count for no one);
    - phase_out (o_i): 1 if national_responses has a 'phase-out' decision of i in the year of ``day``;
    - iso_code, latitude, longitude: the country and its reactor centre (degrees).

    Raises CourseError (one sentence) for a missing column, a site without coordinates, a country without a
    share, or a decay length that is not positive.
    """
    _need(
        units,
        "reactor_units",
        (
            "unit",
            "site",
            "country",
            "iso_code",
            "reactor_model",
            "net_capacity_mw",
            "construction_start",
            "commercial_operation",
            "permanent_shutdown",
            "status_2024",
        ),
    )
    _need(sites, "reactor_sites", ("site", "country", "latitude", "longitude"))
    _need(shares, "nuclear_share", ("country", "year", "nuclear_share_pct"))
    _need(responses, "national_responses", ("country", "year", "category"))
    _need(vendors, "reactor_vendors", ("reactor_model", "vendor_country"))
    if isinstance(decay_km, bool) or not isinstance(decay_km, Real) or not decay_km > 0:
        raise CourseError(f"The decay length must be a positive number of km, not {decay_km!r}.")
    day = pd.Timestamp(day)

    running = units[in_service(units, day)]
    if running.empty:
        raise CourseError(f"No reactor was in service on {day:%d %B %Y} in the reactor_units table.")
    reactors = running.groupby("country").size().astype(int).sort_index()
    countries = reactors.index

    # Reactor centres: capacity-weighted mean of the sites' positions, averaged as 3D unit vectors.
    capacity = running.groupby(["country", "site"])["net_capacity_mw"].sum().astype(float).rename("mw")
    located = capacity.reset_index().merge(
        sites[["country", "site", "latitude", "longitude"]], on=["country", "site"], how="left"
    )
    lost = located[located["latitude"].isna() | located["longitude"].isna()]
    if not lost.empty:
        raise CourseError(
            f"The site '{lost['site'].iloc[0]}' ({lost['country'].iloc[0]}) has no coordinates "
            f"in the reactor_sites table."
        )
    lat, lon = np.radians(located["latitude"].to_numpy(float)), np.radians(located["longitude"].to_numpy(float))
    xyz = pd.DataFrame({"x": np.cos(lat) * np.cos(lon), "y": np.cos(lat) * np.sin(lon), "z": np.sin(lat)})
    mw = located["mw"].to_numpy(float)
    mw = np.where(np.isfinite(mw) & (mw > 0), mw, 1.0)  # a unit without a capacity still marks its site
    centre = (xyz.mul(mw, axis=0)).groupby(located["country"].to_numpy()).sum().reindex(countries)
    latitude = np.degrees(np.arctan2(centre["z"], np.hypot(centre["x"], centre["y"])))
    longitude = np.degrees(np.arctan2(centre["y"], centre["x"]))

    year = day.year - 1
    share = (
        shares[shares["year"] == year]
        .drop_duplicates("country")
        .set_index("country")["nuclear_share_pct"]
        .reindex(countries)
        .astype(float)
    )
    if share.isna().any():
        raise CourseError(f"The nuclear_share table has no {year} share for {share[share.isna()].index[0]}.")

    phased = responses[(responses["category"] == "phase-out") & (responses["year"] == day.year)]["country"]
    phase_out = countries.isin(set(phased)).astype(int)

    built = units[in_service(units, day) | under_construction(units, day)]
    made = unit_vendors(built, vendors[["reactor_model", "vendor_country"]]).dropna(subset=["vendor_country"])
    abroad = set(made.loc[made["vendor_country"] != made["country"], "vendor_country"])
    exporter = countries.isin(abroad).astype(int)

    iso = running.drop_duplicates("country").set_index("country")["iso_code"].reindex(countries)
    attrs = pd.DataFrame(
        {
            "reactors": reactors.to_numpy(),
            "share": share.to_numpy() / 100,
            "exposure": 0.0,
            "exporter": exporter,
            "phase_out": phase_out,
            "iso_code": iso.to_numpy(),
            "latitude": latitude.to_numpy(),
            "longitude": longitude.to_numpy(),
        },
        index=pd.Index(countries, name="country"),
    )
    attrs["exposure"] = exposure(attrs["reactors"].to_numpy(), distances_km(attrs).to_numpy(), decay_km)
    attrs.attrs["day_text"] = f"{day.day} {day:%B %Y}"  # for sentences such as the simulator's summary
    return attrs


def course_attributes(day=DAY, decay_km: float = 500) -> pd.DataFrame:
    """``country_attributes`` from the course's own tables in data/ (needs reactor_vendors, lesson 04)."""
    from after_fukushima.data import load_table, source_line  # here: the model itself needs numpy and pandas only

    attrs = country_attributes(*(load_table(name) for name in TABLES), day=day, decay_km=decay_km)
    attrs.attrs["source"] = source_line(*TABLES)
    return attrs


def interests_2011(attrs: pd.DataFrame, stances: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """The countries of ``attrs`` side by side: what they had at stake in 2011 and what they did and said.

    One row per country (index: country), sorted by fleet: reactors in service, nuclear share of electricity in
    2010 (%), reactor exporter (yes/no), their first decision of 2011 in national_responses (its category, or
    'not in the course table'), and the stance reported while the IAEA Action Plan was negotiated
    (positions_2011, or 'none reported'). Data: reactor_units, nuclear_share, reactor_vendors,
    national_responses, positions_2011.
    """
    _need(stances, "positions_2011", ("country", "stance"))
    _need(responses, "national_responses", ("country", "year", "date", "category"))
    first = (
        responses[responses["year"] == 2011]
        .sort_values("date", na_position="last")
        .groupby("country")["category"]
        .first()
    )
    table = pd.DataFrame(
        {
            "reactors": attrs["reactors"].astype(int),
            "share_2010_pct": (attrs["share"] * 100).round(1),
            "exporter": np.where(attrs["exporter"] == 1, "yes", "no"),
            "first_response_2011": first.reindex(attrs.index).fillna("not in the course table"),
            "stance_2011": stances.set_index("country")["stance"].reindex(attrs.index).fillna("none reported"),
        },
        index=attrs.index,
    )
    return table.sort_values(["reactors", "share_2010_pct"], ascending=False)


# --- the payoffs ---------------------------------------------------------------------------------


class _Countries(NamedTuple):
    names: pd.Index
    n: np.ndarray  # reactors
    s: np.ndarray  # share, fraction
    e: np.ndarray  # exporter 0/1
    o: np.ndarray  # phase-out 0/1


def _countries(attrs: pd.DataFrame) -> _Countries:
    _need(attrs, "country attributes", ATTRIBUTES)
    if attrs.empty:
        raise CourseError("The country attributes have no countries.")
    n = attrs["reactors"].to_numpy(float)
    s = attrs["share"].to_numpy(float)
    e = attrs["exporter"].to_numpy(float)
    o = attrs["phase_out"].to_numpy(float)
    if not (np.all(np.isfinite(n)) and np.all(n > 0)):
        raise CourseError("Every country in the model needs at least one reactor (column 'reactors').")
    if not (np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))):
        raise CourseError("The column 'share' must hold fractions between 0 and 1.")
    for name, values in (("exporter", e), ("phase_out", o)):
        if not np.all(np.isin(values, (0.0, 1.0))):
            raise CourseError(f"The column '{name}' must hold 0 or 1 for every country.")
    return _Countries(attrs.index, n, s, e, o)


def _secretariat_share(c: _Countries, rule: str) -> np.ndarray:
    if rule == "fleet":
        return c.n / c.n.sum()
    return np.full(c.n.shape, 1.0 / len(c.n))


def _gain(c: _Countries, members: np.ndarray, depth, design: Design, w: Weights) -> np.ndarray:
    """Δ_i for member masks of shape (..., N) and a depth broadcastable against them."""
    n = c.n
    home = w.beta * depth * n**w.alpha * (1 + w.gamma * c.s)
    cost = (
        depth**2 * (w.sigma + w.c * n * (1 - w.phi * c.o))
        + w.pi * design.vendor_duty * c.e
        + w.secretariat * _secretariat_share(c, design.cost_rule)
    )
    gain = home - cost
    if design.portal and w.kappa:
        covered = members * n
        others = covered.sum(axis=-1, keepdims=True) - covered
        gain = gain + w.kappa * others / n.sum()
    return gain


def _mask(attrs: pd.DataFrame, members) -> np.ndarray:
    """A boolean mask over attrs' countries from a mask, a boolean Series or a collection of country names."""
    if isinstance(members, pd.Series) and pd.api.types.is_bool_dtype(members.dtype):
        unknown = members.index.difference(attrs.index)
        if len(unknown):
            raise CourseError(f"The model has no country called '{unknown[0]}'.")
        return members.reindex(attrs.index, fill_value=False).fillna(False).to_numpy(bool)
    if isinstance(members, np.ndarray) and members.dtype == bool:
        if members.shape[-1] != len(attrs):
            raise CourseError(f"A membership mask needs one value per country ({len(attrs)}), not {members.shape[-1]}.")
        return members
    if isinstance(members, str):
        members = [members]
    names = list(members)
    unknown = [name for name in names if name not in attrs.index]
    if unknown:
        raise CourseError(f"The model has no country called '{unknown[0]}'.")
    return attrs.index.isin(names)


def net_gain(attrs: pd.DataFrame, members, design: Design, weights: Weights) -> np.ndarray:
    """Δ_i(M): what each country gains by being a member of M rather than staying out, in benefit units a year.

    ``members`` is a boolean mask of shape (N,) or (K, N) in the order of attrs' rows (K memberships at once),
    a boolean Series indexed by country, or a collection of country names. Returns an array of the mask's
    shape; for a member the portal counts the other members, for an outsider the members it would join.
    """
    c = _countries(attrs)
    return _gain(c, _mask(attrs, members).astype(float), design.depth, design, weights)


def payoffs(
    attrs: pd.DataFrame, members, design: Design, weights: Weights, distances: pd.DataFrame | None = None
) -> pd.Series:
    """Each country's whole yearly payoff (benefit units) when M are the members, members or not.

    u_i(M) = β·D·Σ_{j∈M, j≠i} n_j·exp(−d_ij/L)  (neighbours' safer plants, for everyone)
             + [i ∈ M]·Δ_i(M)                   (what membership adds).
    ``distances`` (from ``distances_km``) may be passed to avoid computing it again.
    """
    c = _countries(attrs)
    mask = _mask(attrs, members)
    if mask.ndim != 1:
        raise CourseError("payoffs takes one membership at a time.")
    d = distances_km(attrs) if distances is None else distances.reindex(index=attrs.index, columns=attrs.index)
    kernel = np.exp(-d.to_numpy(float) / weights.decay_km)
    np.fill_diagonal(kernel, 0.0)
    spillover = weights.beta * design.depth * kernel @ (mask * c.n)
    own = np.where(mask, _gain(c, mask.astype(float), design.depth, design, weights), 0.0)
    return pd.Series(spillover + own, index=attrs.index, name="payoff")


def world_gain(
    attrs: pd.DataFrame, members, design: Design, weights: Weights, distances: pd.DataFrame | None = None
) -> float:
    """The sum of all countries' payoffs (benefit units a year) when M are the members."""
    return float(payoffs(attrs, members, design, weights, distances).sum())


# --- stable memberships --------------------------------------------------------------------------


class Memberships(NamedTuple):
    """The smallest (reached from nobody) and largest (from everybody) stable memberships, in attrs' order."""

    smallest: tuple[str, ...]
    largest: tuple[str, ...]

    @property
    def unique(self) -> bool:
        """True when there is one stable outcome."""
        return self.smallest == self.largest

    @property
    def differ(self) -> tuple[str, ...]:
        """The countries that are members of the largest outcome only."""
        inside = set(self.smallest)
        return tuple(name for name in self.largest if name not in inside)


def _best_response(c: _Countries, depths: np.ndarray, design: Design, w: Weights, start: bool) -> np.ndarray:
    """Simultaneous best responses for K depths at once, from nobody (False) or everybody (True): (K, N) masks."""
    depth = depths[:, None]
    members = np.full((len(depths), len(c.n)), start)
    for _ in range(len(c.n) + 1):
        joined = _gain(c, members, depth, design, w) > 0  # ties stay out
        if np.array_equal(joined, members):
            return members
        members = joined
    raise AssertionError("Best responses did not settle: the net gain is not monotone in the membership.")


def stable_memberships(attrs: pd.DataFrame, design: Design, weights: Weights) -> Memberships:
    """The smallest and largest stable memberships for this design (simultaneous best responses).

    From nobody, each round every country joins if its net gain Δ_i is positive; the membership only grows
    and stops at the smallest stable one. From everybody it only shrinks, to the largest. If the two are equal
    the outcome is unique; with the portal off it always is.
    """
    c = _countries(attrs)
    depths = np.array([design.depth])
    low = _best_response(c, depths, design, weights, False)[0]
    high = _best_response(c, depths, design, weights, True)[0]
    return Memberships(tuple(c.names[low]), tuple(c.names[high]))


def is_stable(attrs: pd.DataFrame, members, design: Design, weights: Weights) -> bool:
    """The test of d'Aspremont et al. (1983), country by country, on the whole payoffs u_i (``payoffs``).

    Internal stability: every member is strictly better off in than out (a country that gains nothing leaves).
    External stability: no outsider is strictly better off joining.
    """
    mask = _mask(attrs, members).copy()
    distances = distances_km(attrs)
    now = payoffs(attrs, mask, design, weights, distances).to_numpy()
    for i in range(len(mask)):
        switched = mask.copy()
        switched[i] = not mask[i]
        then = payoffs(attrs, switched, design, weights, distances).to_numpy()[i]
        if mask[i] and not now[i] > then:
            return False
        if not mask[i] and then > now[i]:
            return False
    return True


def breadth_vs_depth(attrs: pd.DataFrame, design: Design, weights: Weights, depths=None) -> pd.DataFrame:
    """Breadth against depth (Downs, Rocke and Barsoom 1998): the stable memberships for each depth.

    The design's portal, vendor duty and cost rule are kept; its depth is replaced by each of ``depths``
    (default 0, 0.01, ..., 1). Returns a DataFrame indexed by depth with, for the smallest and the largest
    stable membership: members (count), coverage (share of the reactors in service in attrs' countries that
    the members hold, 0-1) and protection (depth x coverage).
    """
    c = _countries(attrs)
    grid = np.linspace(0, 1, 101) if depths is None else np.asarray(depths, float).ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)) or grid.min() < 0 or grid.max() > 1:
        raise CourseError("The depths must be numbers between 0 and 1.")
    table = {}
    for label, start in (("smallest", False), ("largest", True)):
        members = _best_response(c, grid, design, weights, start)
        coverage = members @ c.n / c.n.sum()
        table[f"members_{label}"] = members.sum(axis=1)
        table[f"coverage_{label}"] = coverage
        table[f"protection_{label}"] = grid * coverage
    return pd.DataFrame(table, index=pd.Index(grid, name="depth"))


# --- positions -----------------------------------------------------------------------------------

POSITIONS = {
    (True, False): "pusher",
    (False, True): "dragger",
    (True, True): "intermediate",
    (False, False): "bystander",
}


def positions(attrs: pd.DataFrame, weights: Weights, design: Design | None = None) -> pd.DataFrame:
    """Sprinz and Vaahtoranta's (1994) positions: vulnerability against the cost of compliance.

    vulnerability = x_i / (n_i + x_i): the part of the reactor risk a country faces that comes from abroad
    (exposure recomputed at the weights' decay length L); cost = σ + c·n_i·(1 − φ·o_i) + π·V·e_i, the cost of
    a full-depth (D = 1) commitment in benefit units a year, with V the design's vendor duty (default 0.5).
    Each is high when above the median of the countries: high vulnerability and low cost make a 'pusher', the
    reverse a 'dragger', high-high an 'intermediate', low-low a 'bystander'.
    """
    design = design or Design()
    c = _countries(attrs)
    x = exposure(c.n, distances_km(attrs).to_numpy(), weights.decay_km)
    vulnerability = x / (c.n + x)
    cost = weights.sigma + weights.c * c.n * (1 - weights.phi * c.o) + weights.pi * design.vendor_duty * c.e
    high_v = vulnerability > np.median(vulnerability)
    high_c = cost > np.median(cost)
    return pd.DataFrame(
        {
            "reactors": c.n.astype(int),
            "exposure": x,
            "vulnerability": vulnerability,
            "cost": cost,
            "position": [POSITIONS[(bool(v), bool(k))] for v, k in zip(high_v, high_c)],
        },
        index=attrs.index,
    )


# --- sensitivity ---------------------------------------------------------------------------------


def sensitivity(attrs: pd.DataFrame, design: Design, weights: Weights) -> pd.DataFrame:
    """Which conclusions survive? Each weight halved and doubled (capped at its upper bound), one at a time.

    One row for the defaults, then two per weight: weight, symbol, change ('as set', 'halved', 'doubled'),
    value (the weight's new value, a number; NaN on the 'as set' row, where no weight changed: show the table
    with plots.TextTable, which leaves that cell empty), members_smallest,
    members_largest, coverage (of the largest stable membership, 0-1), and joins /
    leaves: the countries that enter or leave the largest membership compared with the weights as set.
    """
    base = stable_memberships(attrs, design, weights)
    total = attrs["reactors"].sum()
    rows = []

    def row(name, symbol, change, value, result):
        rows.append(
            {
                "weight": name,
                "symbol": symbol,
                "change": change,
                "value": value,
                "members_smallest": len(result.smallest),
                "members_largest": len(result.largest),
                "coverage": float(attrs.loc[list(result.largest), "reactors"].sum() / total),
                "joins": ", ".join(sorted(set(result.largest) - set(base.largest))),
                "leaves": ", ".join(sorted(set(base.largest) - set(result.largest))),
            }
        )

    row("", "", "as set", np.nan, base)  # no one weight changed: no value (TextTable shows an empty cell)
    for name, symbol in Weights.symbols().items():
        low, high = Weights.bounds()[name]
        for change, factor in (("halved", 0.5), ("doubled", 2.0)):
            value = min(max(getattr(weights, name) * factor, low), high)  # kept within the model's limits
            row(name, symbol, change, value, stable_memberships(attrs, design, replace(weights, **{name: value})))
    return pd.DataFrame(rows)
