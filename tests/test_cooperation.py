"""Lesson 04's cooperation model and simulator: attributes from data/, stable memberships, the widget."""

import math
import re
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import product

import matplotlib
import numpy as np
import pandas as pd
import pytest

from after_fukushima import CourseError, load_table, paths
from after_fukushima.models import cooperation as model
from after_fukushima.models.cooperation import (
    DEPTH_LEVELS,
    Design,
    Weights,
    breadth_vs_depth,
    country_attributes,
    is_stable,
    net_gain,
    payoffs,
    positions,
    sensitivity,
    stable_memberships,
)
from after_fukushima.models.simulator import CooperationSimulator, timing, weights_table

matplotlib.use("Agg")

DAY = pd.Timestamp("2011-03-11")

# A small stand-in for lesson 04's vendor table: five models built abroad by 2011, one only at home.
VENDORS = pd.DataFrame(
    {
        "reactor_model": ["CANDU 6", "VVER V-213", "WH 2LP", "CP1", "CNP-300", "OPR-1000"],
        "design_family": ["CANDU", "VVER", "Westinghouse PWR", "CP", "CNP", "OPR"],
        "vendor": ["AECL", "Atomenergoproekt", "Westinghouse", "Framatome", "CNNC", "KEPCO"],
        "vendor_country": ["Canada", "Russia", "United States", "France", "China", "South Korea"],
    }
)
SYNTHETIC_EXPORTERS = {"Canada", "Russia", "United States", "France", "China"}

DESIGNS = [
    Design(depth, portal, duty, rule)
    for depth, portal, duty, rule in product(
        [0.1, 0.25, 0.5, 0.75, 1.0], [False, True], [0.0, 0.5, 1.0], ["equal", "fleet"]
    )
]


@pytest.fixture(scope="module")
def tables():
    return [load_table(name) for name in ("reactor_units", "reactor_sites", "nuclear_share", "national_responses")]


@pytest.fixture(scope="module")
def attrs(tables):
    return country_attributes(*tables, VENDORS)


def in_service(units, day=DAY):
    """Counted here without the model's code: started commercial operation by the day, not shut down by then."""
    return units[
        (units["commercial_operation"] <= day)
        & (units["permanent_shutdown"].isna() | (units["permanent_shutdown"] > day))
    ]


def one_sentence(error) -> str:
    message = str(error.value)
    assert "\n" not in message and message[0].isupper() and message.endswith(".") and "Traceback" not in message
    return message


# --- attributes from data/ -------------------------------------------------------------------------


def test_thirty_countries_had_reactors_in_service_on_the_day(attrs, tables):
    running = in_service(tables[0])
    assert len(attrs) == running["country"].nunique() == 30
    assert attrs["reactors"].sum() == len(running) == 443
    assert attrs.at["Japan", "reactors"] == (running["country"] == "Japan").sum() == 54
    assert attrs.at["United States", "reactors"] == 103
    assert "Italy" not in attrs.index and "Lithuania" not in attrs.index  # no reactor in service that day
    assert list(attrs.index) == sorted(attrs.index)


def test_shares_phase_outs_and_exporters(attrs, tables):
    shares = tables[2].query("year == 2010").set_index("country")["nuclear_share_pct"]
    assert attrs.at["France", "share"] == pytest.approx(shares["France"] / 100)
    assert attrs["share"].between(0, 1).all()
    assert set(attrs.index[attrs["phase_out"] == 1]) == {"Germany", "Switzerland"}  # Italy runs no reactor
    assert set(attrs.index[attrs["exporter"] == 1]) == SYNTHETIC_EXPORTERS  # OPR-1000 ran only at home


def test_exposure_follows_neighbours(attrs):
    # The Netherlands' one reactor sits among Belgium's, France's and Germany's; India's are far from others'.
    assert attrs.at["Netherlands", "exposure"] > 40 > 1 > attrs.at["India", "exposure"]
    # Recomputed from the stored centres with the distance table.
    d = model.distances_km(attrs)
    assert d.at["France", "Belgium"] == pytest.approx(d.at["Belgium", "France"]) and d.at["France", "France"] == 0
    recomputed = sum(
        attrs.at[j, "reactors"] * math.exp(-d.at["Netherlands", j] / 500) for j in attrs.index if j != "Netherlands"
    )
    assert attrs.at["Netherlands", "exposure"] == pytest.approx(recomputed)


def synthetic_tables(**changes):
    """Three countries on the equator, one reactor model each; sites at known places."""
    units = pd.DataFrame(
        {
            "unit": ["A-1", "A-2", "B-1", "C-1", "C-2", "D-1", "A-3"],
            "site": ["A west", "A east", "B", "C", "C", "D", "A east"],
            "country": ["Aland", "Aland", "Bland", "Cland", "Cland", "Dland", "Aland"],
            "iso_code": ["AAA", "AAA", "BBB", "CCC", "CCC", "DDD", "AAA"],
            "reactor_type": ["PWR"] * 7,
            "reactor_model": ["A-model", "A-model", "A-model", "C-model", "C-model", "A-model", "C-model"],
            "net_capacity_mw": [100, 300, 500, 500, 500, 500, 500],
            "construction_start": pd.to_datetime(["1970-01-01"] * 5 + ["2009-01-01", "1980-01-01"]),
            "commercial_operation": pd.to_datetime(["1975-01-01"] * 5 + [None, "1985-01-01"]),
            "permanent_shutdown": pd.to_datetime([None] * 6 + ["2000-01-01"]),
            "status_2024": ["Operational"] * 5 + ["Under Construction", "Shutdown"],
            "pris_id": range(7),
        }
    )
    sites = pd.DataFrame(
        {
            "site": ["A west", "A east", "B", "C", "D"],
            "country": ["Aland", "Aland", "Bland", "Cland", "Dland"],
            "latitude": [0.0, 0.0, 0.0, 0.0, 0.0],
            "longitude": [0.0, 4.0, 10.0, 20.0, 40.0],
        }
    )
    shares = pd.DataFrame(
        {
            "country": ["Aland", "Bland", "Cland", "Aland"],
            "year": [2010, 2010, 2010, 2011],
            "nuclear_share_pct": [50.0, 10.0, 20.0, 99.0],
        }
    )
    responses = pd.DataFrame(
        {"country": ["Bland", "Cland"], "year": [2011, 2012], "category": ["phase-out", "phase-out"]}
    )
    vendors = pd.DataFrame({"reactor_model": ["A-model", "C-model"], "vendor_country": ["Aland", "Cland"]})
    frames = {"units": units, "sites": sites, "shares": shares, "responses": responses, "vendors": vendors}
    frames.update(changes)
    return frames


def test_synthetic_attributes_follow_each_rule():
    attrs = country_attributes(**synthetic_tables())
    assert list(attrs.index) == ["Aland", "Bland", "Cland"]  # Dland's unit was still being built
    assert list(attrs["reactors"]) == [2, 1, 2]  # A-3 shut down in 2000
    assert list(attrs["share"]) == [0.5, 0.1, 0.2]  # 2010, not 2011
    assert list(attrs["phase_out"]) == [0, 1, 0]  # Cland decided in 2012
    # Aland's A-model runs in Bland and is built in Dland; Cland's C-model ran abroad only until 2000.
    assert list(attrs["exporter"]) == [1, 0, 0]
    # Aland's centre is capacity-weighted: 100 MW at 0°E, 300 MW at 4°E.
    assert attrs.at["Aland", "longitude"] == pytest.approx(3.0, abs=0.01)
    assert attrs.at["Aland", "latitude"] == pytest.approx(0.0, abs=1e-9)
    km_per_degree = 2 * math.pi * model.EARTH_RADIUS_KM / 360
    d_ab = (10 - attrs.at["Aland", "longitude"]) * km_per_degree
    d_bc = 10 * km_per_degree
    assert attrs.at["Bland", "exposure"] == pytest.approx(2 * math.exp(-d_ab / 500) + 2 * math.exp(-d_bc / 500))
    later = country_attributes(**synthetic_tables(), day="2011-06-01", decay_km=1000)
    assert list(later["exporter"]) == [1, 0, 0] and later.at["Bland", "exposure"] > attrs.at["Bland", "exposure"]


def test_cancelled_construction_does_not_make_an_exporter():
    frames = synthetic_tables()
    frames["units"] = frames["units"].assign(
        status_2024=lambda t: t["status_2024"].replace("Under Construction", "Cancelled Construction")
    )
    frames["units"].loc[frames["units"]["unit"] == "B-1", "reactor_model"] = "C-model"
    assert list(country_attributes(**frames)["exporter"]) == [0, 0, 1]


@pytest.mark.parametrize(
    "change, words",
    [
        ({"sites": synthetic_tables()["sites"].drop(columns="latitude")}, "no column 'latitude'"),
        ({"sites": synthetic_tables()["sites"].iloc[1:]}, "'A west' (Aland) has no coordinates"),
        ({"shares": synthetic_tables()["shares"].iloc[1:]}, "no 2010 share for Aland"),
        ({"vendors": "not a table"}, "must be a pandas DataFrame"),
        ({"decay_km": 0}, "decay length must be a positive number"),
        ({"day": "1950-01-01"}, "No reactor was in service on 01 January 1950"),
    ],
)
def test_bad_tables_give_a_sentence(change, words):
    frames = synthetic_tables()
    extra = {key: change.pop(key) for key in ("decay_km", "day") if key in change}
    frames.update(change)
    with pytest.raises(CourseError) as error:
        country_attributes(**frames, **extra)
    assert words in one_sentence(error)


def test_the_real_vendor_table(tables):
    if not (paths.data_dir() / "reactor_vendors.csv").exists():
        pytest.skip("data/reactor_vendors.csv is not there yet: lesson 04's vendor table is still being written")
    attrs = country_attributes(*tables, load_table("reactor_vendors"))
    exporters = set(attrs.index[attrs["exporter"] == 1])
    assert {"United States", "France", "Russia", "Canada"} <= exporters
    assert not exporters & {"Armenia", "Slovenia", "Netherlands", "Mexico", "Bulgaria"}
    weights = Weights()
    for design in DESIGNS[::7]:
        result = stable_memberships(attrs, design, weights)
        assert is_stable(attrs, result.smallest, design, weights) and is_stable(attrs, result.largest, design, weights)
    course = model.course_attributes()  # what the lesson uses: the same table, and the sources for the figure
    pd.testing.assert_frame_equal(course, attrs)
    simulator = CooperationSimulator(course)
    assert simulator.figure._supxlabel.get_text() == load_source_line()
    assert re.fullmatch(r"<Cooperation simulator: depth 0\.5, portal off, \d+ of 30 countries join>", repr(simulator))


def load_source_line():
    from after_fukushima.data import source_line

    return source_line(*model.TABLES)


# --- the model -------------------------------------------------------------------------------------


def test_every_reported_membership_is_stable(attrs):
    weights = Weights()
    for design in DESIGNS:
        result = stable_memberships(attrs, design, weights)
        assert is_stable(attrs, result.smallest, design, weights), design
        assert is_stable(attrs, result.largest, design, weights), design


def test_the_stability_check_can_say_no(attrs):
    weights, design = Weights(), Design(depth=1.0)
    result = stable_memberships(attrs, design, weights)
    assert "United States" not in result.largest
    assert not is_stable(attrs, list(result.largest) + ["United States"], design, weights)  # would rather leave
    assert not is_stable(attrs, [name for name in result.largest if name != "Slovenia"], design, weights)


def test_with_no_costs_every_country_joins(attrs):
    free = Weights(sigma=0, c=0, pi=0, secretariat=0)
    for design in DESIGNS:
        result = stable_memberships(attrs, design, free)
        assert result.smallest == result.largest == tuple(attrs.index), design


def test_without_the_portal_there_is_one_answer(attrs):
    for weights in (Weights(), Weights(kappa=10), Weights(secretariat=20)):
        for design in DESIGNS:
            if not design.portal:
                assert stable_memberships(attrs, design, weights).unique, design
        curve = breadth_vs_depth(attrs, Design(portal=False), weights)
        assert (curve["members_smallest"] == curve["members_largest"]).all()


def two_neighbours(names=("East", "West")) -> pd.DataFrame:
    """Two identical countries far apart, as country_attributes would give them."""
    return pd.DataFrame(
        {
            "reactors": [10, 10],
            "share": [0.0, 0.0],
            "exposure": [0.0, 0.0],
            "exporter": [0, 0],
            "phase_out": [0, 0],
            "latitude": [0.0, 0.0],
            "longitude": [0.0, 90.0],
        },
        index=pd.Index(list(names), name="country"),
    )


# No home gain, no compliance cost: each gains only through the portal, so each joins if and only if the other does.
PORTAL_ONLY = Weights(beta=0, sigma=0, c=0, pi=0, secretariat=1, kappa=4)


def test_the_portal_can_make_two_stable_outcomes():
    attrs = two_neighbours()
    on = stable_memberships(attrs, Design(portal=True), PORTAL_ONLY)
    assert on.smallest == () and on.largest == ("East", "West") and on.differ == ("East", "West")
    assert is_stable(attrs, [], Design(portal=True), PORTAL_ONLY)
    assert is_stable(attrs, on.largest, Design(portal=True), PORTAL_ONLY)
    assert not is_stable(attrs, ["East"], Design(portal=True), PORTAL_ONLY)
    assert stable_memberships(attrs, Design(portal=False), PORTAL_ONLY).largest == ()


def test_the_smallest_stable_membership_is_inside_the_largest(attrs):
    two = 0
    for kappa in (1, 3, 6):
        for design in DESIGNS:
            result = stable_memberships(attrs, design, Weights(kappa=kappa))
            assert set(result.smallest) <= set(result.largest)
            two += not result.unique
    assert two > 0  # the check above met some designs with two outcomes


def test_raising_pi_never_brings_an_exporter_in(attrs):
    exporters = set(attrs.index[attrs["exporter"] == 1])
    pushed_out = set()
    for design in DESIGNS:
        before = stable_memberships(attrs, design, Weights(pi=1))
        for pi in (2, 3, 6, 12):
            after = stable_memberships(attrs, design, Weights(pi=pi))
            for old, new in zip(before, after):
                assert set(new) & exporters <= set(old), (design, pi)
                assert set(new) <= set(old)  # nor anyone else
                pushed_out |= (set(old) - set(new)) & exporters
            before = after
    assert pushed_out  # the property was tested where π mattered


def test_raising_sigma_never_brings_anyone_in(attrs):
    left = 0
    for design in DESIGNS:
        before = stable_memberships(attrs, design, Weights(sigma=0.5))
        for sigma in (1, 2, 4, 8):
            after = stable_memberships(attrs, design, Weights(sigma=sigma))
            for old, new in zip(before, after):
                assert set(new) <= set(old), (design, sigma)
                left += len(set(old) - set(new))
            before = after
    assert left > 0


def test_the_same_inputs_give_the_same_outputs(attrs, tables):
    pd.testing.assert_frame_equal(attrs, country_attributes(*tables, VENDORS.sample(frac=1, random_state=1)))
    design, weights = Design(0.75, True, 1.0, "fleet"), Weights()
    assert stable_memberships(attrs, design, weights) == stable_memberships(attrs.copy(), design, weights)
    pd.testing.assert_frame_equal(breadth_vs_depth(attrs, design, weights), breadth_vs_depth(attrs, design, weights))
    pd.testing.assert_frame_equal(sensitivity(attrs, design, weights), sensitivity(attrs, design, weights))


def test_net_gain_is_the_difference_joining_makes_to_a_payoff(attrs):
    rng = np.random.default_rng(4)
    design, weights = Design(0.75, True, 0.5, "fleet"), Weights()
    masks = rng.random((6, len(attrs))) < 0.5
    gains = net_gain(attrs, masks, design, weights)
    assert gains.shape == masks.shape
    for mask, row in zip(masks, gains):
        assert np.array_equal(net_gain(attrs, mask, design, weights), row)
        for i in (0, 7, 29):
            inside, outside = mask.copy(), mask.copy()
            inside[i], outside[i] = True, False
            difference = (
                payoffs(attrs, inside, design, weights).iloc[i] - payoffs(attrs, outside, design, weights).iloc[i]
            )
            assert row[i] == pytest.approx(difference)
    named = net_gain(attrs, ["France", "Germany"], design, weights)
    assert np.array_equal(named, net_gain(attrs, attrs.index.isin(["France", "Germany"]), design, weights))


def test_the_payoffs_follow_the_formulas_by_hand(attrs):
    w = Weights()
    design = Design(depth=0.75, portal=True, vendor_duty=0.5, cost_rule="fleet")
    members = ["France", "Germany", "Belgium"]
    n, total = attrs["reactors"], attrs["reactors"].sum()
    d = model.distances_km(attrs)

    def gain(i):
        others = sum(n[j] for j in members if j != i)
        return (
            w.beta * 0.75 * n[i] ** w.alpha * (1 + w.gamma * attrs.at[i, "share"])
            + w.kappa * others / total
            - 0.75**2 * (w.sigma + w.c * n[i] * (1 - w.phi * attrs.at[i, "phase_out"]))
            - w.pi * 0.5 * attrs.at[i, "exporter"]
            - w.secretariat * n[i] / total
        )

    def spillover(i):
        return w.beta * 0.75 * sum(n[j] * math.exp(-d.at[i, j] / w.decay_km) for j in members if j != i)

    gains = pd.Series(net_gain(attrs, members, design, w), attrs.index)
    assert gains["France"] == pytest.approx(gain("France"))  # a member
    assert gains["Japan"] == pytest.approx(gain("Japan"))  # an outsider, counting all three members
    u = payoffs(attrs, members, design, w)
    assert u["Germany"] == pytest.approx(spillover("Germany") + gain("Germany"))
    assert u["Netherlands"] == pytest.approx(spillover("Netherlands"))  # the free rider's gain
    assert u["Netherlands"] > 1
    assert model.world_gain(attrs, members, design, w) == pytest.approx(u.sum())


def test_ties_stay_out(attrs):
    free = Weights(sigma=0, c=0, pi=0, secretariat=0)
    assert stable_memberships(attrs, Design(depth=0.0), free) == ((), ())  # every net gain is exactly 0
    assert stable_memberships(attrs, Design(depth=0.0, portal=True), free) == ((), tuple(attrs.index))
    assert is_stable(attrs, [], Design(depth=0.0), free)
    assert not is_stable(attrs, attrs.index, Design(depth=0.0), free)  # a member that gains nothing leaves


def test_in_service_counts_the_day_itself_but_not_a_shutdown_that_day():
    units = pd.DataFrame(
        {
            "commercial_operation": pd.to_datetime(["2011-03-11", "2011-03-12", "1990-01-01", "1990-01-01", None]),
            "permanent_shutdown": pd.to_datetime([None, None, "2011-03-11", "2011-03-12", None]),
        }
    )
    assert list(model.in_service(units, "2011-03-11")) == [True, False, False, True, False]


def test_the_curve_agrees_with_the_stable_memberships(attrs):
    weights = Weights()
    total = attrs["reactors"].sum()
    for design in (Design(portal=False), Design(portal=True, vendor_duty=1.0, cost_rule="fleet")):
        curve = breadth_vs_depth(attrs, design, weights, [0, 0.25, 0.5, 0.75, 1.0])
        for depth, row in curve.iterrows():
            result = stable_memberships(attrs, replace(design, depth=depth), weights)
            assert row["members_smallest"] == len(result.smallest) and row["members_largest"] == len(result.largest)
            covered = attrs.loc[list(result.largest), "reactors"].sum() / total
            assert row["coverage_largest"] == pytest.approx(covered)
            assert row["protection_largest"] == pytest.approx(depth * covered)
    default = breadth_vs_depth(attrs, Design(), weights)
    assert len(default) == 101 and default.index[0] == 0 and default.index[-1] == 1
    # Breadth against depth: the deepest agreement is narrower than a middle one.
    assert default.at[1.0, "coverage_largest"] < default.at[0.5, "coverage_largest"]


def test_positions_split_at_the_medians(attrs):
    table = positions(attrs, Weights())
    high_v = table["vulnerability"] > table["vulnerability"].median()
    high_c = table["cost"] > table["cost"].median()
    expected = np.select(
        [high_v & ~high_c, ~high_v & high_c, high_v & high_c], ["pusher", "dragger", "intermediate"], "bystander"
    )
    assert list(table["position"]) == list(expected)
    assert table.at["Netherlands", "position"] == "pusher" and table.at["United States", "position"] == "dragger"
    assert table["vulnerability"].between(0, 1).all()
    assert table.at["France", "cost"] == pytest.approx(1 + 0.15 * 58 + 3 * 0.5)  # σ + c·n + π·V (an exporter)
    assert table.at["Germany", "cost"] == pytest.approx(1 + 0.15 * 17 * (1 - 0.7))  # phasing out, no vendor here
    # A country exactly at the median counts as low: the middle one of three is a bystander.
    three = positions(
        pd.DataFrame(
            {
                "reactors": [1, 2, 3],
                "share": 0.0,
                "exposure": 0.0,
                "exporter": 0,
                "phase_out": 0,
                "latitude": 0.0,
                "longitude": [0.0, 5.0, 30.0],
            },
            index=pd.Index(["X", "Y", "Z"], name="country"),
        ),
        Weights(),
    )
    assert three["cost"].rank().tolist() == [1, 2, 3] and three["vulnerability"].rank().tolist() == [3, 2, 1]
    assert three["position"].tolist() == ["pusher", "bystander", "dragger"]
    # A longer decay length makes neighbours count more.
    assert (positions(attrs, Weights(decay_km=1000))["exposure"] >= table["exposure"]).all()


def test_a_weight_may_be_any_real_number_a_student_types():
    assert Weights(beta=Decimal("1.5"), kappa=Fraction(1, 2), sigma=2).beta == 1.5


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Weights(alpha=2), "α (alpha) must be between 0 and 1; it is 2."),
        (lambda: Weights(kappa=-1), "κ (kappa) must be between 0 and 1,000,000; it is -1."),
        (lambda: Weights(kappa=1e308), "κ (kappa) must be between 0 and 1,000,000; it is 1e+308."),
        (lambda: Weights(beta=10**400), "β (beta) must be a finite number, not a number too large"),
        (lambda: Weights(decay_km=0), "L (decay_km) must be between 1 and 1,000,000 km; it is 0 km."),
        (lambda: Weights(kappa=Fraction(1, 10**400)), "κ (kappa) is too small for a computer's numbers"),
        (lambda: Weights(beta="a lot"), "β (beta) must be a finite number, not 'a lot'."),
        (lambda: Weights(phi=float("nan")), "φ (phi) must be a finite number"),
        (lambda: Weights(sigma=True), "σ (sigma) must be a finite number"),
        (lambda: Design(depth=1.5), "The depth must be a number between 0 and 1, not 1.5."),
        (lambda: Design(vendor_duty=-0.1), "The vendor duty must be a number between 0 and 1"),
        (lambda: Design(cost_rule="by GDP"), "The cost rule must be 'equal' or 'fleet', not 'by GDP'."),
        (lambda: Design(portal="yes"), "The portal is either on (True) or off (False)"),
    ],
)
def test_out_of_range_inputs_give_a_sentence(make, words):
    with pytest.raises(CourseError) as error:
        make()
    assert words in one_sentence(error)


def test_bad_calls_on_the_model_give_a_sentence(attrs):
    for call, words in [
        (lambda: net_gain(attrs, ["Atlantis"], Design(), Weights()), "The model has no country called 'Atlantis'."),
        (lambda: net_gain(attrs, np.ones(3, bool), Design(), Weights()), "one value per country (30), not 3."),
        (lambda: breadth_vs_depth(attrs, Design(), Weights(), [0.5, 2]), "depths must be numbers between 0 and 1"),
        (lambda: stable_memberships(attrs.drop(columns="share"), Design(), Weights()), "no column 'share'"),
        (
            lambda: stable_memberships(attrs.assign(share=attrs["share"] * 100), Design(), Weights()),
            "fractions between 0 and 1",
        ),
    ]:
        with pytest.raises(CourseError) as error:
            call()
        assert words in one_sentence(error)


# --- weights as a table, sensitivity -------------------------------------------------------------------


def test_the_weights_table_round_trips_and_checks_edits():
    table = weights_table(Weights())
    assert list(table.columns) == ["symbol", "value", "meaning"] and len(table) == 10
    assert table["meaning"].str.endswith(".").all() and table.at["kappa", "symbol"] == "κ"
    assert Weights.from_table(table) == Weights()
    edited = table.copy()
    edited.loc["kappa", "value"] = 6
    assert Weights.from_table(edited) == Weights(kappa=6)
    assert Weights.from_table(edited.reset_index(drop=True)) == Weights(kappa=6)  # found by symbol
    for change, words in [
        (
            lambda t: t.assign(value=t["value"].astype(object)).replace({0.15: "cheap"}),
            "The value of c (c) in the table must be a number, not 'cheap'.",
        ),
        (lambda t: t.drop(index="phi"), "no row for φ (phi)"),
        (lambda t: t.assign(value=t["value"].where(t.index != "alpha", 1.5)), "α (alpha) must be between 0 and 1"),
        (
            lambda t: t.assign(value=t["value"].where(t.index != "pi", None)),
            "The value of π (pi) in the table is missing",
        ),
        (lambda t: t.rename(index={"gamma": "delta"}).assign(symbol="?"), "a row 'delta' that is not a weight"),
        (lambda t: t.drop(columns="value"), "needs a 'value' column"),
    ]:
        with pytest.raises(CourseError) as error:
            Weights.from_table(change(table.copy()))
        assert words in one_sentence(error)


def test_sensitivity_halves_and_doubles_every_weight(attrs):
    design, weights = Design(depth=1.0), Weights()
    table = sensitivity(attrs, design, weights)
    assert len(table) == 1 + 2 * 10
    base = stable_memberships(attrs, design, weights)
    assert table.iloc[0]["members_largest"] == len(base.largest) and table.iloc[0]["change"] == "as set"
    row = table[(table["weight"] == "sigma") & (table["change"] == "doubled")].iloc[0]
    assert row["value"] == 2.0 and row["members_largest"] <= len(base.largest) and row["joins"] == ""
    phi = table[(table["weight"] == "phi") & (table["change"] == "doubled")].iloc[0]
    assert phi["value"] == 1.0  # capped at its upper bound
    cheaper = table[(table["weight"] == "c") & (table["change"] == "halved")].iloc[0]
    assert "United States" in cheaper["joins"].split(", ")  # half the cost per reactor brings the largest fleet in
    assert set(table.loc[table["change"] != "as set", "weight"]) == set(Weights.symbols())


# --- the simulator ---------------------------------------------------------------------------------


def lines(simulator):
    return {
        name: np.array(getattr(simulator, name).get_ydata(), float).copy()
        for name in ("coverage_line", "coverage_low", "protection_line", "protection_low")
    }


def widths(simulator):
    return [bar.get_width() for bar in simulator.bars]


@pytest.fixture
def simulator(attrs):
    return CooperationSimulator(attrs, source="Source: test tables")


def test_the_simulator_starts_from_the_model(simulator, attrs):
    result = stable_memberships(attrs, Design(), Weights())
    assert (
        repr(simulator) == f"<Cooperation simulator: depth 0.5, portal off, {len(result.largest)} of 30 countries join>"
    )
    curve = breadth_vs_depth(attrs, Design(), Weights())
    assert np.allclose(simulator.coverage_line.get_ydata(), curve["coverage_largest"] * 100)
    assert f"{len(result.largest)} of 30 countries join" in simulator.summary.value
    assert "There is one stable outcome." in simulator.summary.value
    assert simulator.figure._supxlabel.get_text() == "Source: test tables"
    assert "benefit units" in simulator.bars_axes.get_xlabel()
    for control in (simulator.depth, simulator.portal, simulator.vendor_duty, simulator.cost_rule):
        assert control.description and control.tooltip


@pytest.mark.parametrize(
    "control, value", [("depth", 1.0), ("portal", True), ("vendor_duty", 1.0), ("cost_rule", "fleet")]
)
def test_each_control_updates_the_same_artists_and_the_words(simulator, control, value):
    figure, axes, artists = simulator.figure, list(simulator.figure.axes), list(simulator.axes.lines)
    before_lines, before_bars, before_words = lines(simulator), widths(simulator), simulator.summary.value
    before_marker = list(simulator.marker.get_xdata())
    getattr(simulator, control).value = value
    assert simulator.figure is figure and simulator.figure.axes == axes and list(simulator.axes.lines) == artists
    assert widths(simulator) != before_bars
    assert simulator.summary.value != before_words
    if control == "depth":
        assert list(simulator.marker.get_xdata()) == [1.0, 1.0] != before_marker
        assert all(np.array_equal(before_lines[k], v) for k, v in lines(simulator).items())  # same curve
    else:
        assert not np.array_equal(before_lines["coverage_line"], lines(simulator)["coverage_line"])


def test_two_stable_outcomes_are_shaded_and_named():
    simulator = CooperationSimulator(
        two_neighbours(), PORTAL_ONLY, design=Design(depth=0.25, portal=True), source="Source: test"
    )
    assert repr(simulator) == "<Cooperation simulator: depth 0.25, portal on, 0 or 2 of 2 countries join>"
    assert "There are two stable outcomes." in simulator.summary.value
    assert "Starting from nobody, 0 of 2 countries join" in simulator.summary.value
    assert "They differ on: East, West." in simulator.summary.value
    assert len(simulator.band.get_paths()) > 0
    assert list(simulator.coverage_low.get_ydata()) == [0.0] * 101
    assert list(simulator.coverage_line.get_ydata()) == [100.0] * 101
    simulator.portal.value = False
    assert len(simulator.band.get_paths()) == 0 and "There is one stable outcome." in simulator.summary.value
    assert repr(simulator) == "<Cooperation simulator: depth 0.25, portal off, 0 of 2 countries join>"


def test_the_summary_is_escaped_and_the_table_of_weights_is_accepted():
    attrs = pd.DataFrame(
        {
            "reactors": [3, 1],
            "share": [0.5, 0.1],
            "exposure": [0.0, 0.0],
            "exporter": [0, 0],
            "phase_out": [0, 0],
            "latitude": [0.0, 0.0],
            "longitude": [0.0, 1.0],
        },
        index=pd.Index(["Big <b>Land</b>", "Small & Co"], name="country"),
    )
    table = weights_table()
    table.loc["sigma", "value"] = 100  # nobody can afford to join
    simulator = CooperationSimulator(attrs, table, source="Source: test")
    assert simulator.weights.sigma == 100 and repr(simulator).endswith("0 of 2 countries join>")
    assert "Big &lt;b&gt;Land&lt;/b&gt;, Small &amp; Co" in simulator.summary.value
    assert "<b>Land" not in simulator.summary.value


def test_the_simulator_refuses_a_depth_between_its_levels(attrs):
    with pytest.raises(CourseError) as error:
        CooperationSimulator(attrs, design=Design(depth=0.6))
    assert "one of the four levels 0.25, 0.5, 0.75, 1" in one_sentence(error)
    assert set(DEPTH_LEVELS) == {0.25, 0.5, 0.75, 1.0}


def test_timing_measures_every_control_and_puts_them_back(simulator):
    before = simulator.design()
    medians = timing(simulator, runs=2)
    assert set(medians) == {"depth", "portal", "vendor duty", "cost rule"}
    assert all(0 < seconds < 60 for seconds in medians.values())
    assert simulator.design() == before and re.match(r"<Cooperation simulator: depth 0\.5, portal off", repr(simulator))


def test_the_layout_is_computed_once_and_again_after_a_resize(simulator):
    def engine():
        return type(simulator.figure.get_layout_engine()).__name__

    assert engine() == "ConstrainedLayoutEngine"
    simulator.figure.canvas.draw()
    assert engine() == "PlaceHolderLayoutEngine"  # controls redraw without laying the figure out again
    left = simulator.axes.get_position().bounds
    simulator.depth.value = 1.0
    simulator.figure.canvas.draw()
    assert simulator.axes.get_position().bounds == left
    simulator.figure.canvas.handle_resize({"width": 700, "height": 420})
    assert engine() == "ConstrainedLayoutEngine"
    simulator.figure.canvas.draw()
    assert engine() == "PlaceHolderLayoutEngine" and simulator.axes.get_position().bounds != left


def test_a_unit_row_of_the_vendor_table_overrides_its_model_for_the_named_units_only():
    from after_fukushima.models.cooperation import unit_vendors

    units = pd.DataFrame({"unit": ["A-1", "A-2", "B-1"], "reactor_model": ["M", "M", "N"]})
    vendors = pd.DataFrame(
        {
            "reactor_model": ["M", "M [units: A-2]", "N"],
            "design_family": ["m-family", "other family", "n-family"],
            "vendor_country": ["Aland", "Cland", "Bland"],
        }
    )
    got = unit_vendors(units, vendors)
    assert got["vendor_country"].tolist() == ["Aland", "Cland", "Bland"]
    assert got["design_family"].tolist() == ["m-family", "other family", "n-family"]
    assert got.index.equals(units.index) and "vendor_country" not in units.columns  # a copy, same order
    unknown = unit_vendors(pd.DataFrame({"unit": ["Z-1"], "reactor_model": ["Q"]}), vendors)
    assert unknown["vendor_country"].isna().all()


# --- issue 21, fault 8: a whole row or a new column set by mistake, and the sensitivity table's 'as set' row ---


@pytest.mark.parametrize(
    "edit, words",
    [
        ("table.loc['sigma'] = 2", "The row for σ (sigma) holds 2 in every column"),
        ("table.loc['sigma'] = 2", "table.loc['sigma', 'value'] = 2"),
        ("table['sigma'] = 2", "a new column 'sigma'"),
        ("table['σ'] = 2", "table.loc['sigma', 'value'] = 2"),
    ],
)
def test_a_value_set_on_a_whole_row_or_a_new_column_is_said_plainly(edit, words):
    """table.loc["sigma"] = 2 raised pandas' TypeError about a column of text; table["sigma"] = 2 was ignored."""
    from after_fukushima.models.simulator import checked_weights

    table = weights_table()
    exec(edit, {"table": table})  # the student's line, in their cell: no error from pandas
    with pytest.raises(CourseError) as error:
        checked_weights(table)
    assert words in one_sentence(error)


def test_other_columns_a_student_adds_are_notes_and_ignored():
    table = weights_table()
    table["my note"] = "try 2"
    table.loc["sigma", "value"] = 2
    assert Weights.from_table(table) == Weights(sigma=2)


def test_the_sensitivity_tables_as_set_row_shows_no_nan_and_its_values_round(attrs):
    """Fault 8: the 'as set' row showed 'value NaN'; then, written as '', it made the value column text, and the
    lesson's .round(2) no longer rounded it. Values stay numbers; the lesson shows the table with TextTable,
    which leaves the 'as set' row's value empty."""
    from after_fukushima.plots import TextTable

    table = sensitivity(attrs, Design(depth=1.0), Weights())
    assert pd.api.types.is_float_dtype(table["value"]) and table["value"].isna().tolist() == [True] + [False] * (
        len(table) - 1
    )
    shown = TextTable(table.round(2))._repr_html_()
    first_row = re.findall(r'<td id="T_[^"]+_row0_col\d+"[^>]*>(.*?)</td>', shown)
    assert first_row[table.columns.get_loc("value")] == "" and "nan" not in shown.lower()
    alpha_halved = table[(table["weight"] == "alpha") & (table["change"] == "halved")]["value"].item()
    assert alpha_halved == 0.25
    rounded = table.round(1)["value"][1:]  # an object column of numbers and '' was left as it was by round()
    assert all(abs(v * 10 - round(v * 10)) < 1e-9 for v in rounded) and 0.25 not in rounded.tolist()


def test_a_country_with_a_net_gain_near_zero_still_shows_whether_it_joins(simulator):
    """Issue 21, walkthrough: Canada's and Sweden's net gains are near 0, so their bars could not be seen and no
    one could tell member from non-member. Each country has a mark at zero in its bar's colour."""
    from matplotlib.colors import to_hex

    simulator.depth.value = 0.5
    bars = [to_hex(bar.get_facecolor()) for bar in simulator.bars]
    marks = [to_hex(colour) for colour in simulator.marks.get_facecolors()]
    assert marks == bars and len(marks) == len(simulator.attrs)
    widths = {simulator.attrs.index[i]: abs(bar.get_width()) for bar, i in zip(simulator.bars, simulator.order)}
    tiny = [name for name, width in widths.items() if width < 0.05]
    assert tiny, "the case the marks are for: some bar too short to see"
    assert (simulator.marks.get_offsets()[:, 0] == 0).all()
