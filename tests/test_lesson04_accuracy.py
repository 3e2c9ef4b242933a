"""Every sentence of lesson 04 about what the data or the model shows, recomputed here.

Each test builds the words the lesson (notebook, worksheet, bank, plan, role-play cards) uses from the data in
data/ and from the cooperation model at its default weights, and checks that the prose says exactly that. If
the data or the model change, these fail until the prose is rewritten; nothing here is a number copied from
the prose. Sourced facts (the fact sheets) are named where they are used.
"""

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from course_text import markdown

from after_fukushima import figures, load_bank, load_table
from after_fukushima.models.cooperation import (
    DEPTH_LEVELS,
    Design,
    Weights,
    course_attributes,
    distances_km,
    exposure,
    in_service,
    net_gain,
    payoffs,
    positions,
    sensitivity,
    stable_memberships,
    unit_vendors,
)

COURSE = Path(__file__).resolve().parents[1]
BANK = load_bank("04_the_obstacles")
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
                11: "eleven", 12: "twelve"}  # fmt: skip
WITH_THE = {"United States", "Netherlands", "United Kingdom", "United Arab Emirates"}


def lesson_text() -> str:
    return markdown("notebooks/04_the_obstacles.ipynb")


def plan_text() -> str:
    return (COURSE / "teacher" / "04_the_obstacles_plan.md").read_text(encoding="utf-8")


def named(country: str) -> str:
    return f"the {country}" if country in WITH_THE else country


def listed(countries) -> str:
    """['United States', 'Russia', 'Netherlands'] -> 'the United States, Russia and the Netherlands' (in order)."""
    words = [named(c) for c in countries]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def by_fleet(attrs, countries) -> list[str]:
    """Countries ordered by fleet, largest first (ties by name): the order the lesson names them in."""
    return sorted(countries, key=lambda c: (-attrs.loc[c, "reactors"], c))


def coverage_pct(attrs, members) -> float:
    return attrs.loc[list(members), "reactors"].sum() / attrs["reactors"].sum() * 100


@pytest.fixture(scope="module")
def attrs():
    return course_attributes()


@pytest.fixture(scope="module")
def designs():
    return figures.designed_abroad(load_table("reactor_units"), load_table("reactor_vendors"))


@pytest.fixture(scope="module")
def by_depth(attrs):
    return {depth: stable_memberships(attrs, Design(depth=depth), Weights()) for depth in DEPTH_LEVELS}


# --- breadth against depth (lesson section 3.2, bank 'predict-depth', plan) -----------------------------------


def test_members_at_the_four_depths(attrs, by_depth):
    assert all(m.unique for m in by_depth.values())  # portal off: one outcome at every depth
    counts = [len(m.largest) for m in by_depth.values()]
    assert f"at these weights it is {', '.join(map(str, counts[:-1]))} and {counts[-1]} at the four depths" in (
        lesson_text()
    )


def test_who_leaves_and_joins_between_depth_half_and_depth_one(attrs, by_depth):
    half, full = set(by_depth[0.5].largest), set(by_depth[1.0].largest)
    leave, join = by_fleet(attrs, half - full), by_fleet(attrs, full - half)
    assert leave and join
    verb = "joins" if len(join) == 1 else "join"
    assert f"from depth 0.5 to depth 1 {listed(leave)} leave and {listed(join)} {verb}" in lesson_text()
    assert f"Move depth 0.5 → 1 ({listed(leave)} leave, {listed(join)} {verb}" in plan_text()
    explanation = BANK.entry("predict-depth")["explanation"]
    exporters = [c for c in leave if attrs.loc[c, "exporter"] == 1]
    others = [c for c in leave if attrs.loc[c, "exporter"] == 0]
    assert f"between depth 0.5 and depth 1 {listed(exporters)}, large fleets with exporters' costs, leave" in (
        explanation
    )
    assert all(f"so does {named(c)}, whose one reactor" in explanation for c in others)
    assert all(attrs.loc[c, "reactors"] == 1 for c in others)
    assert f"{listed(join)} {verb}" in explanation


def test_china_stays_out_at_every_depth(attrs):
    """'China stays out at every depth': on the simulator's whole grid, smallest and largest memberships."""
    grid = np.linspace(0, 1, 101)
    always_out = set(attrs.index)
    for depth in grid:
        m = stable_memberships(attrs, Design(depth=float(depth)), Weights())
        always_out -= set(m.largest) | set(m.smallest)
    assert always_out == {"China"}
    assert "China stays out at every depth" in lesson_text()
    assert "China stays out at every depth" in BANK.entry("predict-depth")["explanation"]
    assert "China is out at every depth" in plan_text()


def test_coverage_at_depth_half_and_one_in_the_lesson(attrs, by_depth):
    half, full = coverage_pct(attrs, by_depth[0.5].largest), coverage_pct(attrs, by_depth[1.0].largest)
    assert f"({full:.0f}% against {half:.0f}% at depth 0.5)" in lesson_text()


def test_the_strongest_pusher_stays_out_at_depth_one(attrs, by_depth):
    model = positions(attrs, Weights())
    pushers = model[model["position"] == "pusher"]
    strongest = pushers["vulnerability"].idxmax()
    assert f"Even the strongest pusher, {named(strongest)}, stays out at depth 1" in lesson_text()
    assert strongest not in by_depth[1.0].largest and attrs.loc[strongest, "reactors"] == 1  # "its one reactor"


def test_who_stays_out_at_depth_one_and_what_they_hold(attrs, by_depth):
    """'depth-one-coverage': who stays out at depth 1 (largest fleet first) and the share of reactors they hold."""
    out = by_fleet(attrs, set(attrs.index) - set(by_depth[1.0].largest))
    held = 100 - coverage_pct(attrs, by_depth[1.0].largest)
    explanation = BANK.entry("depth-one-coverage")["explanation"]
    assert f"but {listed(out)} stay out, and between them they hold {held:.0f}% of the reactors" in explanation
    assert f"{len(by_depth[1.0].largest)} countries join" in explanation


def test_doubling_sigma_in_the_lesson_example(attrs, by_depth):
    doubled = stable_memberships(attrs, Design(depth=1.0), replace(Weights(), sigma=2 * Weights().sigma))
    assert Weights().sigma == 1  # the lesson's example sets σ to 2: doubling it
    sentence = f"({len(doubled.largest)} countries join instead of {len(by_depth[1.0].largest)})"
    assert sentence in lesson_text()


def test_which_weights_matter_at_depth_one(attrs):
    """'γ, α, σ, c, π and F matter too; κ plays no part with the portal off, and φ and L change nothing'."""
    table = sensitivity(attrs, Design(depth=1.0), Weights())
    base = table.loc[0, "members_largest"]
    moves = table[table["weight"] != ""].groupby("weight")["members_largest"].apply(lambda s: (s != base).any())
    symbols = Weights.symbols()
    matter = [symbols[w] for w in moves.index[moves] if w != "beta"]
    still = {symbols[w] for w in moves.index[~moves]}
    assert still == {"κ", "φ", "L"}
    order = list(symbols.values())
    matter = sorted(matter, key=order.index)
    assert f"{', '.join(matter[:-1])} and {matter[-1]} matter too" in lesson_text()


def test_two_stable_outcomes_in_the_lesson_example(attrs):
    design = Design(depth=0.25, portal=True, vendor_duty=1.0, cost_rule="fleet")
    both = stable_memberships(attrs, design, Weights())
    assert not both.unique and len(both.largest) == len(attrs)  # "start from everybody and they all stay"
    assert set(both.differ).isdisjoint(both.smallest)  # "start from nobody and none comes"


# --- the model's positions against the stances of 2011 (section 3.1) ----------------------------------------


def test_where_the_model_fits_and_misses_the_stances(attrs):
    model = positions(attrs, Weights())["position"]
    stances = load_table("positions_2011").set_index("country")["stance"]
    text = lesson_text()
    assert model["Switzerland"] == "pusher"
    assert all(model[c] == "dragger" for c in ("United States", "Russia", "China", "India"))
    pushed = set(stances[stances == "for stronger commitments"].index)
    resisted = set(stances[stances != "for stronger commitments"].index)
    missed_draggers = sorted(c for c in pushed if model[c] == "dragger")
    missed_bystanders = sorted(c for c in resisted if model[c] == "bystander")
    assert missed_draggers == ["Canada", "France"] and missed_bystanders == ["Argentina", "Pakistan"]
    assert "It misses France and Canada, draggers in the model that pushed in 2011" in text
    assert "Pakistan and Argentina, bystanders in the model that resisted" in text
    assert model["Germany"] == "intermediate" and "Germany, which pushed, comes out in between" in text
    plan = plan_text()
    assert "The model misses France, Canada,\n  Pakistan and Argentina" in plan


# --- vendors and designs abroad (section 2, key takeaways, bank, cards) -------------------------------------


def test_vendor_countries_and_countries_served_in_the_lesson(designs):
    abroad = designs[designs["abroad"]].groupby("vendor_country")["country"].nunique()
    text = lesson_text()
    assert f"US designs ran in {NUMBER_WORDS[abroad['United States']]} other countries" in text
    assert f"Soviet designs in {NUMBER_WORDS[abroad['Russia']]}" in text
    countries = designs.groupby("country")["abroad"].any()
    assert f"{countries.sum()} of the {len(countries)} countries with reactors in service ran at least one" in text


def test_the_foreign_designs_figure_labels_its_bars_from_the_data(designs):
    fig = figures.foreign_designs(load_table("reactor_units"), load_table("reactor_vendors"))
    labels = {t.get_text() for t in fig.axes[0].texts if re.fullmatch(r"\d+ in \d+ countr(y|ies)", t.get_text())}
    abroad = designs[designs["abroad"]].groupby("vendor_country").agg(n=("unit", "size"), k=("country", "nunique"))
    for n, k in zip(abroad["n"], abroad["k"]):
        assert f"{n} in {k} {'country' if k == 1 else 'countries'}" in labels
    assert len(labels) == len(abroad)


def test_us_and_french_designs_abroad_under_the_licensee_rule(designs):
    """The issue's expectation (US designs abroad 70 in 12 countries, French 11 in 4) is what the data give;
    the bank's key and explanation follow the data."""
    abroad = designs[designs["abroad"]]
    us, fr = abroad[abroad["vendor_country"] == "United States"], abroad[abroad["vendor_country"] == "France"]
    entry = BANK.entry("us-designs-abroad")
    assert entry["answer"] == len(us)
    assert entry["explanation"].startswith(f"{len(us)} reactors in {us['country'].nunique()} countries")
    assert {"Doel-3", "Tihange-2"} <= set(fr["unit"]) and not ({"Doel-3", "Tihange-2"} & set(us["unit"]))


# --- South Korea and the exporter rule (item 12) ------------------------------------------------------------


def test_south_korea_is_no_exporter_by_the_rule_and_everyone_says_why(attrs):
    """The model's rule counts a design in service or being built abroad on 11 March 2011. Korea's UAE order
    (27 Dec 2009, fact sheet part 2 §4a) was not yet being built: its first unit abroad began in July 2012."""
    assert attrs.loc["South Korea", "exporter"] == 0
    units = load_table("reactor_units")
    korean = unit_vendors(units, load_table("reactor_vendors"))
    korean = korean[(korean["vendor_country"] == "South Korea") & (korean["country"] != "South Korea")]
    first = korean.assign(start=pd.to_datetime(korean["construction_start"])).sort_values("start").iloc[0]
    assert first["start"] > pd.Timestamp("2011-03-11") and first["country"] == "United Arab Emirates"
    assert f"Barakah 1, was begun only in {first['start']:%B %Y}" in lesson_text()
    assert f"Barakah 1\n  was begun only in {first['start']:%B %Y}" in plan_text()
    cards = (COURSE / "teacher" / "role_play_cards.md").read_text(encoding="utf-8")
    korea = cards[cards.index("## South Korea") :].split("\n## ")[0]
    assert "on 11 March 2011): no. But your vendors (KEPCO's team) won the UAE's order" in korea
    assert f"began construction on {first['start']:%-d %B %Y}" in korea
    assert "was in service or being built in another country on 11 March 2011" in lesson_text()


def test_exporters_named_in_the_prose_are_exporters_in_the_model(attrs):
    """'France and Canada (both reactor exporters)', 'two exporters (France, Canada)' and the plan's 'the United
    States, Russia and China, also exporters'."""
    for country in ("France", "Canada", "United States", "Russia", "China"):
        assert attrs.loc[country, "exporter"] == 1, country
    assert "Germany is one of the exporters in the vendor table" in BANK.entry("raise-ip-cost")["feedback"].get(
        "Only Germany, which was leaving nuclear power anyway", ""
    )
    assert attrs.loc["Germany", "exporter"] == 1


# --- words kept as the report has them, and past tense for what is over -------------------------------------


def test_shao_beibeis_interests_are_different_not_clashing():
    """Shao Beibei spoke of 'different' political and economic interests (facts-lessons-03-06.md, corrections of
    Dec 2026); lesson 04's prose keeps that word."""
    texts = [lesson_text(), plan_text()]
    worksheet = json.loads((COURSE / "exercises" / "04_worksheet_the_obstacles.ipynb").read_text(encoding="utf-8"))[
        "cells"
    ]
    texts += ["".join(c["source"]) for c in worksheet if c["cell_type"] == "markdown"]
    for entry in BANK.entries:
        texts += [entry["prompt"], entry.get("explanation", ""), *entry.get("hints", [])]
        texts += list(entry.get("feedback", {}).values())
    assert not [t for t in texts if "clash" in t.lower()]
    assert lesson_text().count("*different* political and economic interests") == 2


def test_the_westinghouse_dispute_is_taught_as_settled():
    """Settled on 16 Jan 2025 (WNN; fact sheet part 2, §4b and caveat 7): no 'continued' or 'ongoing'."""
    texts = [lesson_text(), BANK.entry("westinghouse-suit")["explanation"]]
    for text in texts:
        assert "settled the whole dispute on 16 January 2025" in text
        assert "arbitration continued" not in text and "property continued" not in text


def test_the_fleet_counts_the_lesson_quotes(attrs):
    """'GeoNuclearData counts 103 reactors for the United States and 20 for Canada' (the WNA-based 104 and 18
    are sourced in the lesson, not data)."""
    us, canada = attrs.loc["United States", "reactors"], attrs.loc["Canada", "reactors"]
    assert f"GeoNuclearData counts {us} reactors for the United States and {canada} for Canada" in lesson_text()


def test_the_portal_pulls_in_the_countries_that_stayed_out(attrs, by_depth):
    """'check-portal': with the portal every country joins at depth 0.5, 'the three that stayed out'."""
    portal = stable_memberships(attrs, Design(depth=0.5, portal=True), Weights())
    out_before = len(attrs) - len(by_depth[0.5].largest)
    assert portal.unique and len(portal.largest) == len(attrs)
    entry = BANK.entry("check-portal")
    assert f"pulls in the {NUMBER_WORDS[out_before]} that stayed out" in entry["explanation"]
    assert f"The same {len(by_depth[0.5].largest)} countries join as without the portal" in entry["options"]


def test_how_many_us_designs_abroad_rest_on_unchecked_labels(designs):
    """'us-designs-abroad' says how many of its reactors rest on 'partially' rows of reactor_vendors (the vendor
    read from the model label, not checked unit by unit): the key is taught with its uncertainty."""
    units, vendors = load_table("reactor_units"), load_table("reactor_vendors")
    confidence = unit_vendors(units, vendors, columns=["confidence"]).set_index("unit")["confidence"]
    us = designs[(designs["vendor_country"] == "United States") & designs["abroad"]]
    unchecked = int((confidence.reindex(us["unit"]) == "partially").sum())
    assert (
        f"for {unchecked} of the {len(us)} the vendor is read from the model label"
        in (BANK.entry("us-designs-abroad")["explanation"])
    )


# --- round four of issue 19: the reviewer's findings, recomputed ---------------------------------------------


def one_and_two_weight_changes():
    """Every weight halved or doubled (capped at its bound), alone and in pairs: {(name, factor), ...} -> Weights."""
    from itertools import combinations, product

    defaults, bounds = Weights(), Weights.bounds()
    changes = [(name, factor) for name in Weights.symbols() for factor in (0.5, 2.0)]

    def changed(*pairs):
        return replace(defaults, **{n: min(getattr(defaults, n) * f, bounds[n][1]) for n, f in pairs})

    singles = {(change,): changed(change) for change in changes}
    pairs = {
        ((a, fa), (b, fb)): changed((a, fa), (b, fb))
        for a, b in combinations(Weights.symbols(), 2)
        for fa, fb in product((0.5, 2.0), repeat=2)
    }
    return singles, pairs


def members(attrs, depth, weights) -> int:
    return len(stable_memberships(attrs, Design(depth=depth), weights).largest)


def test_two_weights_changed_at_once_can_reverse_the_direction(attrs):
    """Lesson cell 26 and the plan: one weight at a time, depth 1 never has more members than depth 0.5; with σ
    and c both halved it has more (and other pairs reverse it too)."""
    singles, pairs = one_and_two_weight_changes()
    assert all(members(attrs, 1.0, w) <= members(attrs, 0.5, w) for w in singles.values())
    reversed_by = {key for key, w in pairs.items() if members(attrs, 1.0, w) > members(attrs, 0.5, w)}
    both_halved = (("sigma", 0.5), ("c", 0.5))
    assert both_halved in reversed_by and len(reversed_by) > 1
    w = pairs[both_halved]
    deep, shallow = members(attrs, 1.0, w), members(attrs, 0.5, w)
    text, plan = lesson_text(), " ".join(plan_text().split())
    assert "with any one weight halved or doubled, depth 1 attracts no more members than depth 0.5" in text
    assert f"change two at once (σ and c halved) and depth 1 attracts {deep} against {shallow}." in text
    assert "with any one weight halved or doubled, depth 1 attracts no more members than depth 0.5" in plan
    assert f"change two at once (σ and c halved) and depth 1 attracts {deep} against {shallow}." in plan
    assert "What survives is the direction" not in text and "what survives every change" not in plan


def test_the_summary_says_the_deepest_not_every_deeper_commitment(attrs, by_depth):
    """Summary: 'why the deepest commitment attracts fewer members than a moderate one'; membership is not
    monotone in depth, so 'deeper commitments attract fewer members' would be false."""
    counts = {depth: len(m.largest) for depth, m in by_depth.items()}
    assert counts[1.0] < counts[0.5] and counts[1.0] < counts[0.75]
    assert any(counts[b] > counts[a] for a, b in zip(list(counts), list(counts)[1:]))  # a deeper level gains
    text = lesson_text()
    assert "shows why the deepest commitment attracts fewer members than a moderate one" in text
    assert "why deeper commitments attract fewer members" not in text


def test_why_the_netherlands_stays_out_at_depth_one(attrs, by_depth):
    """Cell 18: home gain against cost, and the neighbours' plants benefit it equally in or out."""
    w, design = Weights(), Design(depth=1.0)
    nl = attrs.loc["Netherlands"]
    assert nl["exporter"] == 0 and nl["phase_out"] == 0 and nl["reactors"] == 1  # no π or φ term
    home = w.beta * design.depth * nl["reactors"] ** w.alpha * (1 + w.gamma * nl["share"])
    cost = design.depth**2 * (w.sigma + w.c * nl["reactors"]) + w.secretariat / len(attrs)
    others = list(by_depth[1.0].largest)
    assert "Netherlands" not in others
    gain = net_gain(attrs, others, design, w)[attrs.index.get_loc("Netherlands")]
    assert gain == pytest.approx(home - cost) and gain < 0
    distances = distances_km(attrs)
    inside = payoffs(attrs, others + ["Netherlands"], design, w, distances)
    outside = payoffs(attrs, others, design, w, distances)
    spill_in = inside["Netherlands"] - gain
    assert spill_in == pytest.approx(outside["Netherlands"])  # the neighbours' gain is the same in or out
    assert (
        f"its one reactor gains {home:.2f} benefit units at home against a cost of {cost:.2f} (sovereignty, compliance "
        "and its share of the secretariat); its neighbours' safer plants benefit it equally in or out, so they "
        "do not change its choice." in lesson_text()
    )
    assert "enjoys its neighbours' safer plants whether it joins or not" not in lesson_text()


def test_which_countries_a_strict_original_designer_rule_would_add(designs):
    """Cell 8: France and Germany ran only their own vendors' designs, Japan and South Korea already count as
    running designs from abroad. That France's and Germany's early lines began under US licences is sourced in
    reactor_vendors' notes (Framatome, KWU); here only who would be new is recomputed."""
    abroad = designs.groupby("country")["abroad"].any()
    assert not abroad["France"] and not abroad["Germany"]
    assert abroad["Japan"] and abroad["South Korea"]
    text = lesson_text()
    assert "France and Germany would count as importers too (Japan and South Korea already do)." in text
    assert "France, Germany, Japan and Korea would count" not in text


def test_vulnerability_uses_one_capacity_weighted_centre_per_country(attrs):
    """Cell 10: the distances are between countries' reactor centres (one point per country), not plant sites."""
    units, sites = load_table("reactor_units"), load_table("reactor_sites")
    running = units[in_service(units)]
    assert running.groupby("country")["site"].nunique().max() > 1  # countries with many sites get one point
    # France: the capacity-weighted centre of its sites, recomputed here as a weighted mean of unit vectors
    fr = running[running["country"] == "France"].groupby("site")["net_capacity_mw"].sum().rename("mw")
    fr = fr.reset_index().merge(sites[sites["country"] == "France"][["site", "latitude", "longitude"]], on="site")
    lat, lon = np.radians(fr["latitude"]), np.radians(fr["longitude"])
    x, y, z = (v @ fr["mw"] for v in (np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    assert np.degrees(np.arctan2(z, np.hypot(x, y))) == pytest.approx(attrs.loc["France", "latitude"])
    assert np.degrees(np.arctan2(y, x)) == pytest.approx(attrs.loc["France", "longitude"])
    assert np.allclose(attrs["exposure"], exposure(attrs["reactors"], distances_km(attrs), 500))
    text = lesson_text()
    assert "computed from the distances between countries' capacity-weighted reactor centres" in text
    assert "distances between plant sites" not in text


def test_the_plans_vendor_convention_is_the_licensee_rule():
    """Plan row 15-23: 'a licensee's own line counts for the licensee' (Mitsubishi, Framatome, KWU, OPR-1000)."""
    vendors = load_table("reactor_vendors").set_index("reactor_model")["vendor_country"]
    licensees = {"M (3-loop)": "Japan", "CP1": "France", "Konvoi": "Germany", "OPR-1000": "South Korea"}
    assert {model: vendors[model] for model in licensees} == licensees
    assert "Soviet = Russia; a licensee's own line counts for the licensee" in plan_text()
    assert "original vendor)" not in plan_text()


def test_the_pushers_are_named_among_others_and_germany_is_an_exporter(attrs, designs):
    """Reuters (8 Sep 2011) named the four pushers 'among others' (fact sheet part 2, §4c); designs of
    Germany's vendors ran abroad, so the lesson does not sort the pushers into leavers against exporters."""
    assert attrs.loc["Germany", "exporter"] == 1
    assert designs[(designs["vendor_country"] == "Germany") & designs["abroad"]].shape[0] > 0
    assert all(attrs.loc[c, "phase_out"] == 0 for c in ("France", "Canada"))  # 'exporters that were not'
    assert attrs.loc["Germany", "phase_out"] == 1
    text = lesson_text()
    assert "among others, Germany and Switzerland (leaving nuclear power, though designs of Germany's vendors" in text
    assert "Reuters named, among others, two countries leaving it (Germany, Switzerland)" in text
    assert "Reuters named Germany, Switzerland, France and Canada among those who wanted stronger" in text
    assert "two were selling it" not in text
    assert "among others" in BANK.entry("check-stances")["explanation"]
    assert "among others" in BANK.entry("sort-stances")["hints"][0]
    assert "among others" in BANK.entry("sort-stances")["explanation"]


def test_every_country_the_ap_diplomat_named_carries_ap_in_its_row():
    """AP, 12-13 Sep 2011 (fact sheet part 2, §4c): a diplomat named Russia, China, India, Pakistan and
    Argentina as chief opponents of more IAEA authority; each of their rows says so and cites AP."""
    rows = load_table("positions_2011").set_index("country")
    for country in ("Russia", "China", "India", "Pakistan", "Argentina"):
        assert "main opponents of more powers for the IAEA" in rows.loc[country, "account"], country
        assert "AP, 12-13 Sep 2011" in rows.loc[country, "source"], country


def test_toshiba_is_said_to_have_bought_westinghouse_not_to_own_it():
    """Toshiba bought Westinghouse in Oct 2006; it did not keep it (bankruptcy of 2017, later owners): fact sheet
    part 2, §4a and caveat 5, so no 'owned by Toshiba' without an end date."""
    texts = [BANK.entry("match-vendors")["explanation"], *BANK.entry("match-vendors")["feedback"].values()]
    assert "bought by Toshiba in 2006" in texts[0]
    assert not [t for t in texts if "owned by Toshiba" in t]


def test_check_portal_wrong_answers_guide_without_telling():
    """Issue 21, fault 8: a wrong answer to check-portal sends the student back to the figure; its feedback neither
    names the right option's count nor says how many more countries join."""
    entry = load_bank("04_the_obstacles").entry("check-portal")
    counts = set(re.findall(r"\d+", entry["answer"]))
    for option, feedback in entry["feedback"].items():
        assert option != entry["answer"]
        told = set(re.findall(r"\d+", feedback)) - {"0", "5"}  # the depth 0.5 of the prompt
        assert not told & counts and not re.search(r"\b(all|every|last (two|three|four))\b", feedback, re.I), feedback


def test_worksheet_shows_the_figure_sort_positions_points_to():
    """Issue 21, fault 6: worksheet 04's sort-positions asks for the pushers-and-draggers figure and the table under
    it; both are drawn in the worksheet above the question."""
    path = Path(__file__).resolve().parents[1] / "exercises" / "04_worksheet_the_obstacles.ipynb"
    code = [
        "".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"
    ]
    asked = next(n for n, source in enumerate(code) if '"sort-positions"' in source)
    assert "pushers-and-draggers figure and the table under it" in BANK.entry("sort-positions")["prompt"]
    drawn = next(n for n, source in enumerate(code) if "figures.pushers_and_draggers(" in source)
    table = next(n for n, source in enumerate(code) if re.match(r"model_positions\.sort_values\(", source))
    assert drawn < table < asked
