"""Every answer in the banks of lessons 01 and 02 that comes from data, recomputed here from data/."""

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from course_text import markdown, stored_output

from after_fukushima import load_bank, load_table

ACCIDENT = load_bank("01_fukushima_accident")
POWER = load_bank("02_nuclear_power_in_2011")
JST = timezone(timedelta(hours=9))


@pytest.fixture(scope="module")
def figures():
    return load_table("accident_figures").set_index("quantity")


@pytest.fixture(scope="module")
def timeline():
    return load_table("fukushima_timeline")


@pytest.fixture(scope="module")
def fleet():
    return load_table("reactor_fleet").set_index(["country", "year"])["reactors"]


DAY_OF_THE_ACCIDENT = pd.Timestamp("2011-03-11")


@pytest.fixture(scope="module")
def units():
    return load_table("reactor_units")


def in_service_on(units, day):
    """Units in commercial operation on `day` and not yet retired: the rule lesson 02 and its worksheet use."""
    retired = units["permanent_shutdown"]
    return (units["commercial_operation"] <= day) & (retired.isna() | (retired > day))


def event_time(timeline, words: str):
    rows = timeline[timeline["event"].str.contains(words, regex=False)]
    assert len(rows) == 1, words
    return rows.iloc[0]["time"] or datetime.combine(rows.iloc[0]["date"].date(), datetime.min.time(), JST)


def test_design_basis_ratio(figures):
    wave, design = figures.loc["wave_simulated", "low"], figures.loc["design_basis", "low"]
    entry = ACCIDENT.entry("check-design-basis")
    assert round(wave / design, 1) == entry["answer"]
    assert {m["value"] for m in entry["mistakes"]} == {round(wave - design, 1), round(design / wave, 1)}


def test_ines_and_the_timeline(timeline):
    level_7 = timeline[timeline["event"].str.contains("level 7")]
    assert len(level_7) == 1 and ACCIDENT.entry("check-ines-level")["answer"] == "Level 7"
    accidents = load_table("nuclear_accidents").set_index("event")
    assert accidents.loc["Fukushima Daiichi units 1-3", "ines_level"] == 7
    assert list(accidents.query("ines_level == 6").index) == ["Kyshtym (Mayak)"]


def test_sequence_follows_the_timeline(timeline):
    keywords = [
        "earthquake of magnitude 9.0",
        "main tsunami wave",
        "Station blackout",
        "unit 1 reactor building",
        "unit 3 reactor building",
        "cold shutdown condition",
    ]
    times = [event_time(timeline, words) for words in keywords]
    assert times == sorted(times) and len(ACCIDENT.entry("check-sequence")["items"]) == len(keywords)


def test_quake_time_and_minutes_to_the_wave(timeline):
    quake, wave = event_time(timeline, "magnitude 9.0"), event_time(timeline, "main tsunami wave")
    assert quake.strftime("%H:%M") == ACCIDENT.entry("quake-time")["answer"]
    assert (wave - quake).total_seconds() / 60 == ACCIDENT.entry("minutes-to-wave")["answer"]
    as_plain_numbers = int(wave.strftime("%H%M")) - int(quake.strftime("%H%M"))
    assert [m["value"] for m in ACCIDENT.entry("minutes-to-wave")["mistakes"]] == [as_plain_numbers]


def test_evacuation_zones_match_the_timeline(timeline, figures):
    pairs = ACCIDENT.entry("evacuation-zones")["pairs"]
    assert figures.loc["evacuation_3km", "low"] == 3 and event_time(timeline, "within 3 km").day == 11
    assert event_time(timeline, "widened to 10 km").strftime("%d %H") == "12 05"
    assert event_time(timeline, "widened to 20 km").strftime("%d %H") == "12 18"
    assert pairs["Evacuate within 20 km"].startswith("12 March, evening")
    assert event_time(timeline, "20-30 km from the plant").day == 15 and pairs["Stay indoors at 20-30 km"] == "15 March"


def test_energy_ratio_from_the_magnitudes():
    quakes = load_table("largest_earthquakes").set_index("name")
    reported_2011 = 9.0  # the note on the Tōhoku row: 9.0 as reported in 2011
    assert "9.0" in quakes.loc["Tōhoku", "note"]
    ratio = 10 ** (1.5 * (quakes.loc["Valdivia", "magnitude"] - reported_2011))
    assert abs(ratio - ACCIDENT.entry("energy-ratio")["answer"]) <= ACCIDENT.entry("energy-ratio")["tolerance"]
    one_step = 10**1.5
    with_usgs_magnitude = 10 ** (1.5 * (quakes.loc["Valdivia", "magnitude"] - quakes.loc["Tōhoku", "magnitude"]))
    assert {m["value"] for m in ACCIDENT.entry("energy-ratio")["mistakes"]} == {
        round(one_step, 1),
        round(one_step / 2, 1),
        round(with_usgs_magnitude, 2),
    }


def test_release_share(figures):
    june, chernobyl = figures.loc["release_nisa_june", "low"], figures.loc["release_chernobyl", "low"]
    entry = ACCIDENT.entry("release-share")
    assert abs(june / chernobyl * 100 - entry["answer"]) < 0.05
    april = figures.loc["release_nisa_april", "low"]
    assert {m["value"] for m in entry["mistakes"]} == {round(june / chernobyl, 3), round(april / chernobyl * 100, 1)}
    # The 7% mistake's feedback also covers dividing the wrong way round: within its tolerance.
    wrong_way, about_seven = chernobyl / june, round(april / chernobyl * 100, 1)
    assert abs(wrong_way - about_seven) <= entry["tolerance"]


def test_counts_from_the_accident_and_opinion_tables():
    accidents = load_table("nuclear_accidents")
    severe = ((accidents["ines_level"] >= 5) & (accidents["rating"] != "unofficial")).sum()
    assert severe == ACCIDENT.entry("count-severe-accidents")["answer"]
    official = accidents[accidents["rating"] != "unofficial"]
    mistakes = {m["value"] for m in ACCIDENT.entry("count-severe-accidents")["mistakes"]}
    assert mistakes == {
        (accidents["ines_level"] >= 5).sum(),
        (official["ines_level"] > 5).sum(),
        (official["ines_level"] == 7).sum(),
    }
    survey = load_table("public_opinion_2011").query("country != 'World'")
    assert len(survey) == 24
    assert (survey["support_pct"] > 50).sum() == ACCIDENT.entry("majority-support")["answer"]
    assert {m["value"] for m in ACCIDENT.entry("majority-support")["mistakes"]} == {
        (survey["support_pct"] >= 50).sum(),
        (survey["support_pct"] <= 50).sum(),
    }


def test_fleet_answers(fleet, units):
    in_2010 = fleet.xs(2010, level="year").drop("World")
    assert in_2010.idxmax() == POWER.entry("check-largest-fleet")["answer"]
    assert fleet[("World", 2010)] == POWER.entry("world-fleet-2010")["answer"]
    on_the_day = in_service_on(units, DAY_OF_THE_ACCIDENT)
    started_in_2011 = units.loc[on_the_day & (units["commercial_operation"].dt.year == 2011), "unit"]
    assert set(started_in_2011) == {"Kaiga-4", "Shin-Kori-1"}  # named in the 443 feedback
    mistakes = [m["value"] for m in POWER.entry("world-fleet-2010")["mistakes"]]
    assert mistakes == [fleet[("World", 2011)], on_the_day.sum()]
    closed_2011 = units.loc[units["permanent_shutdown"].dt.year == 2011, "country"]
    opened_2011 = units["commercial_operation"].dt.year == 2011
    assert (len(closed_2011), (closed_2011 == "Germany").sum(), opened_2011.sum()) == (13, 8, 5)  # the 433 feedback
    assert fleet[("World", 2010)] + opened_2011.sum() - len(closed_2011) == fleet[("World", 2011)]
    for country, count in POWER.entry("fleet-sizes")["pairs"].items():
        assert in_2010[country] == int(count), country
    assert in_2010.nlargest(5).sum() == POWER.entry("five-largest-fleets")["answer"]
    with_world = fleet.xs(2010, level="year").nlargest(5).sum()
    assert {m["value"] for m in POWER.entry("five-largest-fleets")["mistakes"]} == {fleet[("World", 2010)], with_world}


def test_share_ranking_and_top_share():
    shares = load_table("nuclear_share").query("year == 2010 and country != 'World'").set_index("country")
    ranking = POWER.entry("share-ranking")["items"]
    assert list(shares.loc[ranking, "nuclear_share_pct"].sort_values(ascending=False).index) == ranking
    ordered = shares["nuclear_share_pct"].sort_values(ascending=False).index
    assert ordered[0] == POWER.entry("top-share-country")["answer"]
    assert ordered[1] == "Slovakia"


def test_boiling_water_reactors_in_march_2011(units):
    assert set(units.loc[units["site"] == "Fukushima Daiichi", "reactor_type"]) == {"BWR"}
    is_bwr = units["reactor_type"] == "BWR"
    bwr = in_service_on(units, DAY_OF_THE_ACCIDENT) & is_bwr
    assert bwr.sum() == POWER.entry("bwr-fleet")["answer"]
    never_shut = (units["commercial_operation"] <= DAY_OF_THE_ACCIDENT) & units["permanent_shutdown"].isna() & is_bwr
    operational_in_2024 = is_bwr & (units["status_2024"] == "Operational")
    assert [m["value"] for m in POWER.entry("bwr-fleet")["mistakes"]] == [
        is_bwr.sum(),
        never_shut.sum(),
        operational_in_2024.sum(),
    ]
    retired_later = units[bwr & units["permanent_shutdown"].notna()]
    named = {f"Fukushima Daiichi-{n}" for n in range(1, 7)} | {f"Fukushima Daini-{n}" for n in range(1, 5)}
    assert named <= set(retired_later["unit"])  # named in the 60 feedback
    assert (retired_later["country"] == "Germany").sum() == 6  # "six German units"
    assert units.loc[bwr, "country"].nunique() == 10  # "ten countries" in the explanations


def test_claims_sorted_against_the_data(fleet):
    world = fleet.xs("World")
    claims = POWER.entry("claims-in-the-data")["items"]
    checks = {
        "The world's reactor count grew most in the 1970s and 1980s.": min(
            world[1980] - world[1970], world[1990] - world[1980]
        )
        > max(world[1970] - world[1960], world[2000] - world[1990], world[2010] - world[2000]),
        "From 1990 to 2010 the world fleet stayed between 400 and 450 reactors.": world.loc[1990:2010]
        .between(400, 450)
        .all(),
        "Germany had more reactors than China at the end of 2010.": fleet[("Germany", 2010)] > fleet[("China", 2010)],
        "After Chernobyl (1986) the world fleet stopped growing at once.": world[1990] <= world[1986],
        "In 2010 the United States had more reactors than France and Japan together.": fleet[("United States", 2010)]
        > fleet[("France", 2010)] + fleet[("Japan", 2010)],
        "China had fewer reactors than Sweden at the end of 2010.": fleet[("China", 2010)] < fleet[("Sweden", 2010)],
    }
    assert set(checks) == set(claims)
    for claim, holds in checks.items():
        assert claims[claim] == ("supported" if holds else "not supported"), claim


# Fact sheet §10: the human toll, kept apart by cause.
HUMAN_TOLL = {
    "deaths_quake_tsunami": 15894,
    "missing_quake_tsunami": 2562,
    "disaster_related_deaths": 2335,
    "acute_radiation_deaths": 0,
    "radiation_death_recognised": 1,
}


def test_the_human_toll_matches_the_fact_sheet(figures):
    for quantity, people in HUMAN_TOLL.items():
        assert figures.loc[quantity, "low"] == figures.loc[quantity, "high"] == people, quantity
        assert figures.loc[quantity, "unit"] == "people"


def test_lesson_01_rounds_the_toll_from_the_data(figures):
    import json
    from pathlib import Path

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "01_fukushima_accident.ipynb"
    text = " ".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    dead, missing, related = (
        figures.loc[q, "high"] for q in ("deaths_quake_tsunami", "missing_quake_tsunami", "disaster_related_deaths")
    )
    assert f"about {round(dead, -2):,.0f} people" in text
    assert f"more than {missing // 100 * 100:,.0f} more were still missing" in text
    assert f"more than {related // 100 * 100:,.0f} *disaster-related deaths*" in text


def test_the_timeline_tells_core_damage_before_it_tells_what_followed(timeline):
    damage = timeline[timeline["event"].str.contains("core damage")]
    assert list(damage["unit"]) == ["1-3"]
    explosions = timeline[timeline["category"] == "explosion"]
    assert "followed the core damage" in damage["event"].item()
    assert sorted(explosions["unit"]) == ["1", "3", "4"]


# --- Sentences of lessons 00-02 about what the data show, each recomputed here (issue 19) -----------------------


def test_lesson_00_germany_and_japan_fell_in_2011_and_germany_closed_eight_of_seventeen(units, fleet):
    # Lesson 00, section 3: both shares smaller in 2011 than in 2010; "eight of its seventeen reactors were shut
    # down for good in 2011"; the explorer's shares "start in 1985 in this data set".
    shares = load_table("nuclear_share").set_index(["country", "year"])["nuclear_share_pct"]
    for country in ("Germany", "Japan"):
        assert shares[(country, 2011)] < shares[(country, 2010)], country
    closed = units[(units["country"] == "Germany") & (units["permanent_shutdown"].dt.year == 2011)]
    assert (len(closed), fleet[("Germany", 2010)]) == (8, 17)
    with_share = load_table("nuclear_share").dropna(subset=["nuclear_share_pct"])
    assert with_share["year"].min() == 1985


def test_lesson_01_only_two_recorded_earthquakes_were_larger_and_tohoku_is_in_the_top_five():
    quakes = load_table("largest_earthquakes").set_index("name")["magnitude"]
    assert set(quakes[quakes > quakes["Tōhoku"]].index) == {"Valdivia", "Great Alaska (Prince William Sound)"}
    assert quakes.rank(ascending=False, method="min")["Tōhoku"] <= 5 and len(quakes) == 5


def test_lesson_01_release_ranges_as_the_prose_gives_them(figures):
    # "between about 7% and 15% of Chernobyl's iodine-equivalent total, and between about a tenth and about two
    # fifths of its caesium-137"
    iodine = [
        figures.loc[q, "low"] / figures.loc["release_chernobyl", "low"] * 100
        for q in ("release_nisa_april", "release_nsc_april", "release_nisa_june")
    ]
    assert round(min(iodine)) == 7 and round(max(iodine)) == 15
    chernobyl = figures.loc["caesium_chernobyl", "low"]
    caesium = [figures.loc["caesium_japan", "low"] / chernobyl, figures.loc["caesium_stohl", "high"] / chernobyl]
    assert abs(caesium[0] - 1 / 10) < 0.02 and abs(caesium[1] - 2 / 5) < 0.03


def test_lesson_01_the_human_toll_most_deaths_from_the_quake_and_tsunami(figures):
    dead, related, radiation = (
        figures.loc[q, "high"]
        for q in ("deaths_quake_tsunami", "disaster_related_deaths", "radiation_death_recognised")
    )
    assert dead > related + radiation and related > 2000  # "most"; "more than two thousand evacuees"


def test_lesson_01_opinion_in_most_countries_below_half_and_world_is_the_average():
    survey = load_table("public_opinion_2011")
    countries = survey.query("country != 'World'")
    assert (countries["support_pct"] < 50).sum() > len(countries) / 2  # "in most countries ... fewer than half"
    assert (countries["oppose_pct"] > 50).sum() > len(countries) / 2  # "opinion against nuclear power in most"
    world = survey.query("country == 'World'").iloc[0]
    # The row World is the unweighted average of the 24 countries, as the bank's explanation and the worksheet say.
    assert round(countries["support_pct"].mean()) == world["support_pct"] == 38
    assert round(countries["oppose_pct"].mean()) == world["oppose_pct"] == 62


def test_lesson_01_days_from_the_earthquake_to_the_first_pauses():
    responses = load_table("national_responses").query("year == 2011 and category == 'pause and review'")
    first = responses.groupby("country")["date"].min()
    quake = pd.Timestamp("2011-03-11")
    assert (first["Germany"] - quake).days == (first["Switzerland"] - quake).days == 3
    assert (first["China"] - quake).days == 5


def test_lesson_01_the_timeline_tells_the_power_in_two_steps(timeline):
    power = timeline[timeline["category"] == "power"].sort_values("time")
    assert len(power) == 2
    assert "off-site" in power.iloc[0]["event"] and power.iloc[0]["time"] == event_time(timeline, "magnitude 9.0")
    assert "unit 6" in power.iloc[1]["event"] and power.iloc[1]["time"] > event_time(timeline, "main tsunami wave")


def test_lesson_01_ines_ratings_are_official_provisional_or_unofficial():
    accidents = load_table("nuclear_accidents").set_index("event")["rating"]
    assert accidents["Fukushima Daiichi units 1-3"] == "official, provisional"
    assert list(accidents[accidents == "unofficial"].index) == ["Chalk River NRX reactor"]


def test_lesson_02_fleet_sentences(fleet, units):
    world = fleet.xs("World")
    on_the_day = units[in_service_on(units, DAY_OF_THE_ACCIDENT)]
    # "about 440 reactors were in service in 30 countries"
    assert abs(len(on_the_day) - 440) <= 5 and on_the_day["country"].nunique() == 30
    # "levelled off at a little over 400 reactors from about 1990"; "between 413 and 445 ... from 1990 to 2010"
    assert (world.loc[1990:2010].min(), world.loc[1990:2010].max()) == (413, 445)
    # "kept growing for a few years after Chernobyl"; the sort's feedback: "from 371 at the end of 1986 to 414 in 1990"
    assert (world[1986], world[1990]) == (371, 414) and world.loc[1987:1989].is_monotonic_increasing
    # "grew by about 150 reactors in the 1970s and 185 in the 1980s"
    assert abs(world[1980] - world[1970] - 150) <= 2 and world[1990] - world[1980] == 185
    # "About a third of the fleet" had run for more than 30 years
    old = (on_the_day["commercial_operation"] < DAY_OF_THE_ACCIDENT - pd.DateOffset(years=30)).sum()
    assert abs(old / len(on_the_day) - 1 / 3) < 0.05
    # "the United States, France and Japan had the largest fleets"
    in_2010 = fleet.xs(2010, level="year").drop("World")
    assert list(in_2010.nlargest(3).index) == ["United States", "France", "Japan"]
    assert (in_2010 > 100).sum() == 1  # the fleet-sizes hint: "Only one country had more than 100"


def test_lesson_02_shares_and_the_world_share_before_the_accident():
    shares = load_table("nuclear_share")
    in_2010 = shares.query("year == 2010").set_index("country")["nuclear_share_pct"]
    assert abs(in_2010["France"] - 75) < 3 and abs(in_2010["United States"] - 20) < 2  # three quarters; a fifth
    world = shares.query("country == 'World' and year <= 2010").set_index("year")
    assert set(world.loc[[1990, 1995, 2000, 2005, 2010], "release"]) == {"OWID 2020-09 release"}
    peak = world["nuclear_share_pct"].idxmax()
    assert 1994 <= peak <= 1997  # "peaked in the mid-1990s"
    assert world.loc[2010, "nuclear_share_pct"] < world.loc[peak, "nuclear_share_pct"]
    # "electricity demand grew faster than nuclear generation" (from the peak to 2010)
    growth = world.loc[2010, ["electricity_twh", "nuclear_twh"]] / world.loc[peak, ["electricity_twh", "nuclear_twh"]]
    assert growth["electricity_twh"] > growth["nuclear_twh"] > 1


def test_lesson_02_only_the_conventions_bind_and_what_they_bind_parties_to():
    instruments = load_table("safety_instruments")
    in_force = instruments["in_force"].isna() | (instruments["in_force"] <= "2011-05-25")  # the lesson's filter
    shown = instruments[in_force].query("kind in ['organisation', 'convention', 'scale']")
    assert set(shown.loc[shown["binding"] == "yes", "kind"]) == {"convention"}
    # "only the conventions bind states to safety duties": the IAEA and the NEA are 'not applicable', not 'yes'
    assert set(shown.loc[shown["kind"] == "organisation", "binding"]) <= {"no", "not applicable"}
    assert set(shown.set_index("short_name").loc[["IAEA", "OECD NEA"], "binding"]) == {"not applicable"}
    # "the international rules that existed in 2011": the CSC (in force 15 April 2015) is left out
    assert "CSC" not in set(shown["short_name"]) and "CSC" in set(instruments["short_name"])
    csc = instruments.set_index("short_name").loc["CSC", "in_force"]
    assert csc.year == 2015

    text = markdown("notebooks/02_nuclear_power_in_2011.ipynb", sep=" ")
    assert "only the conventions bind states to safety duties" in text and f"only in {csc.year}" in text
    table = stored_output("notebooks/02_nuclear_power_in_2011.ipynb", "in_force_2011")
    assert "Supplementary" not in table, "the stored table is stale"
    assert all(name[:20] in table for name in shown["name"]), "the stored table is stale"
    does = shown.set_index("name")["what_it_does"]
    assert "must tell" in does["Convention on Early Notification of a Nuclear Accident"]
    assistance = does["Convention on Assistance in the Case of a Nuclear Accident or Radiological Emergency"]
    assert "nothing obliges it to help" in assistance


def test_lesson_02_the_numbers_in_the_banks_explanations(fleet, units):
    in_2010 = fleet.xs(2010, level="year").drop("World")
    # check-largest-fleet: "103 in our data (... one reactor, Palisades, lacks a start date in our source)"
    assert in_2010["United States"] == 103
    assert units.loc[units["unit"] == "Palisades", "commercial_operation"].isna().all()
    # fleet-sizes: "Germany had 17 before the accident, and 9 a year later"
    assert (fleet[("Germany", 2010)], fleet[("Germany", 2011)]) == (17, 9)
    # five-largest-fleets: "South Korea or Canada, tied at 20 in our data"; "about three fifths of the world's 441"
    assert in_2010["South Korea"] == in_2010["Canada"] == 20 == in_2010.nlargest(5).iloc[-1]
    assert abs(in_2010.nlargest(5).sum() / fleet[("World", 2010)] - 3 / 5) < 0.02
    # share-ranking and top-share-country: France about 76%, Slovakia about 53%, Belgium about 52%, Japan about 25%,
    # Germany about 22.5% (also lesson 02, section 1.3), the United States about 20%
    shares = load_table("nuclear_share").query("year == 2010").set_index("country")["nuclear_share_pct"]
    given = {"France": 76, "Slovakia": 53, "Belgium": 52, "Japan": 25, "United States": 20}
    assert {country: round(shares[country]) for country in given} == given
    assert round(shares["Germany"], 1) == 22.5
    # lesson 02, section 2.3: Bushehr-1 "in commercial operation since 2013"
    bushehr = units.set_index("unit").loc["Bushehr-1"]
    assert bushehr["commercial_operation"].year == 2013 and bushehr["status_2024"] == "Operational"


def test_lesson_01_the_opinion_chart_calls_the_world_row_an_average():
    from after_fukushima import figures

    ax = figures.opinion_2011(load_table("public_opinion_2011")).axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert "Average of the 24" in labels and "World" not in labels and len(labels) == 25


def test_lesson_01_the_evacuation_table_shows_the_column_its_text_names(figures):
    """The text says that where sources differ on the minute the row says so (`confidence`): the table shows it."""
    assert "the row says so (`confidence`)" in markdown("notebooks/01_fukushima_accident.ipynb")
    shown = stored_output("notebooks/01_fukushima_accident.ipynb", "quantity.str.startswith('evacuation')")
    header = shown.splitlines()[0].split()
    assert "confidence" in header
    zones = figures[figures.index.str.startswith(("evacuation", "shelter"))]
    assert set(zones["confidence"]) > {"verified"}  # some rows do differ: the column is worth showing


def test_lesson_01_the_timeline_covers_the_days_its_title_and_text_say(timeline):
    """The explorer shows the events to 16 March: their first and last days are the title's and the prose's."""
    from after_fukushima.explorers import TimelineExplorer

    explorer = TimelineExplorer(timeline, source="test")
    days = explorer.events["date"]
    first, last = days.iloc[0], days.iloc[-1]
    span = f"{first.day}-{last.day} March 2011"
    assert explorer.axes.get_title(loc="left") == f"Fukushima Daiichi, {span}"
    text = markdown("notebooks/01_fukushima_accident.ipynb")
    count = {5: "five", 6: "six"}[(last - first).days + 1]
    assert f"through {span};" in text and f"Now step through the first {count} days." in text
