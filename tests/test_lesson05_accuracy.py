"""Lesson 05 (national responses): every sentence about what the data show is recomputed here from data/, and the
facts issue 19 found wrong (Italy's exit, Japan's first restarts, the latest-decision map) are guarded.

Sources for the facts the data cannot hold: ../shared/reference/facts.md §5 and facts-lessons-03-06.md
("Corrections and additions, December 2026"): Italy left nuclear power in 1987-90 and its 2011 referendum refused a
return; Ohi 3 and 4 restarted in July 2012 and ran to September 2013; Sendai 1 (August 2015) was the first restart
under the new regulator's standards; Switzerland's bill to lift its ban and Italy's draft law were proposals in
2024-25, not law.
"""

import re
import tomllib
from collections import Counter
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from after_fukushima import figures, load_bank, load_table
from after_fukushima.data import load_geojson
from after_fukushima.vocabulary import RESPONSE_CATEGORIES

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BANK = load_bank("05_national_responses")


@pytest.fixture(scope="module")
def fleet():
    return load_table("reactor_fleet").set_index(["country", "year"])["reactors"]


def cell(cell_id: str) -> str:
    notebook = nbformat.read(ROOT / "notebooks" / "05_national_responses.ipynb", as_version=4)
    (found,) = [c.source for c in notebook.cells if c.get("id") == cell_id]
    return re.sub(r"\s+", " ", found)


def listing(names) -> str:
    """Country names in alphabetical order as the lesson writes them: 'A, B and the United States'."""
    named = [("the " + n if n.startswith("United ") else n) for n in sorted(names)]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, v in value.items() for s in strings(key) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def bank_prose() -> list[str]:
    """Every text a student can see in bank 05 (prompts, options, items, hints, explanations, feedback)."""
    data = tomllib.loads((ROOT / "exercises" / "banks" / "05_national_responses.toml").read_text("utf-8"))
    return strings(data["exercise"])


def lesson_prose() -> str:
    notebook = nbformat.read(ROOT / "notebooks" / "05_national_responses.ipynb", as_version=4)
    worksheet = nbformat.read(ROOT / "exercises" / "05_worksheet_national_responses.ipynb", as_version=4)
    parts = [c.source for c in notebook.cells + worksheet.cells if c.cell_type == "markdown"]
    parts += [text + "." for text in bank_prose()]
    parts.append((ROOT / "teacher" / "05_national_responses_plan.md").read_text("utf-8"))
    parts.append((ROOT / "curation" / "national_responses.csv").read_text("utf-8"))
    return re.sub(r"\s+", " ", " ".join(parts))


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


# --- item 1: Italy -----------------------------------------------------------------------------------------------


def test_italy_had_left_before_2011_and_2011_refused_a_return(responses):
    units = load_table("reactor_units")
    italian = units[units["country"] == "Italy"]
    assert len(italian) > 0 and italian["permanent_shutdown"].max() <= pd.Timestamp("1990-12-31")
    italy = responses[responses["country"] == "Italy"].set_index("year")["category"]
    assert italy[2011] == "no return" and "phase-out" not in set(italy)
    assert italy[2025] == "proposed reversal"
    entry = BANK.entry("phase-outs")
    assert "Italy" in entry["options"] and "Italy" not in entry["answers"]
    assert "1990" in entry["feedback"]["Italy"]
    italy_2011 = [item for item in BANK.entry("sort-responses")["items"] if item.startswith("Italy")]
    assert BANK.entry("sort-responses")["items"][italy_2011[0]] == "no return"
    # Issue 21, fault 6: the statement says plainly what the voters refused (no "repeal the law to bring ...
    # back", which reads as voting for a return)
    assert len(italy_2011) == 1 and not re.search(r"repeal|bring .* back", italy_2011[0])
    assert re.search(r"reject|against", italy_2011[0]) and "return" in italy_2011[0]


def test_no_sentence_says_italy_left_nuclear_power_after_2011():
    leave = re.compile(r"decid\w* to leave|phas\w*[ -]out|chose to leave|left nuclear power", re.IGNORECASE)
    clauses = [c for s in sentences(lesson_prose()) for c in re.split(r"[;:()]", s)]
    wrong = [
        c
        for c in clauses
        if "Ital" in c and leave.search(c) and not re.search(r"1990|already|long before|no return|nothing", c)
    ]
    assert not wrong, wrong


# --- item 6: Japan's first restarts --------------------------------------------------------------------------------


def test_ohi_restarted_first_and_sendai_first_under_the_new_standards(responses, shares):
    japan = responses[responses["country"] == "Japan"].sort_values("date")
    restarts = japan[japan["action"].str.contains("restarts")]
    assert restarts.iloc[0]["action"].startswith("Ohi 3 restarts")
    assert restarts.iloc[0]["date"] == pd.Timestamp("2012-07-01")
    sendai = restarts[restarts["action"].str.startswith("Sendai 1")]
    assert sendai["date"].tolist() == [pd.Timestamp("2015-08-11")]
    # The course data show Ohi's generation: some nuclear TWh in 2012 and 2013, none in 2014, some again in 2015.
    twh = shares.loc["Japan", "nuclear_twh"]
    assert twh[2012] > 0 and twh[2013] > 0 and twh[2014] == 0 and twh[2015] > 0


def test_sendai_is_never_called_the_first_restart_without_the_new_standards():
    wrong = [
        s
        for s in sentences(lesson_prose())
        if "Sendai" in s and re.search(r"\bfirst\b", s) and not re.search(r"standard|NRA|review", s)
    ]
    assert not wrong, wrong


# --- item 10 and the kinds: the maps against the table -------------------------------------------------------------


def first_and_latest(responses) -> tuple[dict, dict]:
    """Recomputed without figures: each country's row with the earliest and latest (year, day), undated rows last."""
    first, latest = {}, {}
    for country, rows in responses.groupby("country"):
        key = rows.assign(undated=rows["date"].isna()).sort_values(["year", "undated", "date"])
        first[country], latest[country] = key["category"].iloc[0], key["category"].iloc[-1]
    return first, latest


def by_category(picked: dict) -> dict[str, set]:
    out: dict[str, set] = {}
    for country, category in picked.items():
        out.setdefault(category, set()).add(country)
    return out


@pytest.mark.parametrize("latest", [False, True])
def test_the_maps_show_the_tables_categories(responses, latest):
    first, last = first_and_latest(responses)
    expected = last if latest else first
    assert figures.responses_map_categories(responses, latest=latest).to_dict() == expected
    fig = figures.responses_map(load_geojson("country_outlines"), responses, latest=latest)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    counts = Counter(expected.values())
    assert labels == [f"{c} ({counts[c]})" for c in RESPONSE_CATEGORIES if counts[c]]
    # a proposal is hatched in the legend as on the map, so that it differs from a reversal of the same colour
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    height = pixels.shape[0]
    for label, swatch in zip(labels, fig.axes[0].get_legend().get_patches()):
        box = swatch.get_window_extent()  # display pixels, origin bottom left
        inside = pixels[height - int(box.y1) + 2 : height - int(box.y0) - 2, int(box.x0) + 2 : int(box.x1) - 2, :3]
        colours = {tuple(colour) for colour in inside.reshape(-1, 3)}
        assert (len(colours) > 1) == label.startswith("proposed reversal"), f"{label}: {len(colours)} colours drawn"


def test_the_lesson_describes_the_first_map_as_the_table_has_it(responses):
    first, _ = first_and_latest(responses)
    kinds = by_category(first)
    text = cell("a26a9a8a")
    paused = kinds["pause and review"]
    words = {6: "Six", 5: "Five", 7: "Seven"}
    assert f"{words[len(paused)]} of the eleven countries began by pausing and reviewing: {listing(paused)}." in text
    decided_2011 = set(responses[(responses["year"] == 2011) & (responses["category"] == "phase-out")]["country"])
    assert f"Within 2011 {listing(decided_2011)} went on to decide to leave" in text
    assert f"while {listing(kinds['continue'])} carried on" in text
    assert kinds["no return"] == {"Italy"} and "a **no return**" in text
    without_2011 = set(responses["country"]) - set(responses[responses["year"] == 2011]["country"])
    assert without_2011 == {"Taiwan", "Belgium"}
    assert set(responses[responses["country"] == "Taiwan"]["year"]) == {2025}
    assert set(responses[responses["country"] == "Belgium"]["year"]) == {2022, 2025}
    taiwan = responses[responses["country"] == "Taiwan"].sort_values("date").iloc[0]
    assert taiwan["action"].startswith("The Legislative Yuan") and taiwan["category"] == first["Taiwan"]
    assert (
        f"Taiwan appears only in 2025, so this map colours it by a law of {taiwan['date'].day} "
        f"{taiwan['date']:%B %Y} that let reactor licences be renewed, a **{first['Taiwan']}**" in text
    )


def test_the_lesson_describes_the_latest_map_as_the_table_has_it(responses):
    _, last = first_and_latest(responses)
    kinds = by_category(last)
    text = cell("a2a85925")
    assert f"{listing(kinds['reversal'])} stepped back from leaving or from standing still" in text
    assert "China" in kinds["expand"]
    assert f"{listing(kinds['expand'] - {'China'})} approved or built new reactors" in text
    assert kinds["phase-out"] == {"Germany"} and "Germany completed its exit." in text
    assert "no return" not in kinds and "the map shows it as a **no return**" not in text
    assert f"{listing(kinds['proposed reversal'])} are hatched" in text
    assert set(kinds) == {"reversal", "expand", "phase-out", "proposed reversal"}
    words = {2: "two", 3: "three", 4: "four"}
    proposers = kinds["proposed reversal"]
    possessive = listing([country + "'s" for country in proposers])
    assert f"{words[len(proposers)]} governments ({possessive}) proposed to or took a step towards it" in text
    belgium = responses[(responses["country"] == "Belgium")].sort_values("year").iloc[-1]
    assert belgium["category"] == "reversal" and belgium["date"] == pd.Timestamp("2025-05-15")


def test_taiwans_2025_as_the_table_has_it(responses):
    """Taiwan shut its last reactor days after a law allowed relicensing; a restart referendum won most votes cast
    but failed its threshold (Focus Taiwan/CNA, 13 May, 18 May and 23 Aug 2025, the last with the Central Election
    Commission's figures). The lesson, the plan and the bank say what the rows say."""
    rows = responses[responses["country"] == "Taiwan"].sort_values("date")
    law, shutdown, vote, feasibility = (rows.iloc[k] for k in range(4))
    assert len(rows) == 4 and [r["category"] for r in (law, shutdown, vote, feasibility)] == [
        "reversal",
        "phase-out",
        "no return",
        "proposed reversal",
    ]
    assert shutdown["action"].startswith("Shuts down its last reactor, Maanshan 2")
    assert shutdown["date"] == pd.Timestamp("2025-05-17") and vote["date"] == pd.Timestamp("2025-08-23")
    days = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}[(shutdown["date"] - law["date"]).days]
    yes, threshold = (float(x) for x in re.findall(r"\((\d\.\d\d) million\)", vote["action"]))
    share = re.search(r"(\d+)% of the votes cast are yes", vote["action"]).group(1)
    assert yes < threshold and int(share) > 50  # a majority of those who voted, short of a quarter of the electorate
    text = cell("a2a85925")
    assert (
        f"Taiwan shut its last reactor, Maanshan 2, on {shutdown['date'].day} {shutdown['date']:%B %Y}, {days} days "
        "after its parliament passed a law allowing reactor licences to be renewed" in text
    )
    assert f"a referendum on {vote['date'].day} {vote['date']:%B} on letting Maanshan run again won {share}%" in text
    assert "fell short of a quarter of the electorate (a **no return**)" in text
    # The latest row (Focus Taiwan/CNA, 28 Nov 2025; NucNet, 1 Dec 2025): a step towards restarts, none done in 2025.
    day = feasibility["date"]
    assert day == pd.Timestamp("2025-11-28") and "No reactor restarts in 2025." in feasibility["action"]
    assert (
        "Kuosheng and Maanshan" in feasibility["action"]
        and "focustaiwan.tw/business/202511280014" in feasibility["source"]
    )
    assert f"On {day.day} {day:%B %Y} its economics ministry approved" in text
    assert "Kuosheng and Maanshan" in text and "no Taiwanese reactor had restarted by the end of 2025" in text
    plan = re.sub(r"\s+", " ", (ROOT / "teacher" / "05_national_responses_plan.md").read_text("utf-8"))
    assert f"Taiwan shut its last reactor on {shutdown['date'].day} {shutdown['date']:%B %Y}, {days} days after" in plan
    assert (
        f"won {share}% of the votes cast" in plan
        and f'the course calls that a "{vote["category"]}"' in plan
        and f'Taiwan on the map of latest decisions is a "{feasibility["category"]}"' in plan
        and f"on {day.day} {day:%B %Y} the economics ministry approved" in plan
        and "No Taiwanese reactor had restarted by the end of 2025." in plan
    )
    explanation = BANK.entry("phase-outs")["explanation"]
    assert (
        f"won {share}% of the votes cast but failed" in explanation and "Taiwan" in BANK.entry("phase-outs")["answers"]
    )
    assert f"in {day:%B} its economics ministry approved" in explanation
    assert "no reactor had restarted by the end of 2025" in explanation


def test_rows_the_review_found_badly_sourced(responses):
    """Finding 11-13 of the second review: a gaming-site copy, a copy whose headline repeats the error the course
    corrects, an article about another reactor, and undated rows where a dated primary source exists."""
    sources = " ".join(responses["source"])
    for gone in ("gamereactor", "mycentraloregon", "unit-3-begins-operation-at-japans-ohi"):
        assert gone not in sources, gone
    row = responses[responses["country"].isin(["Belgium", "France", "Italy"])].set_index(["country", "year"])
    assert row.index.is_unique
    assert row.loc[("Belgium", 2022), "date"] == pd.Timestamp("2022-03-18")
    assert row.loc[("France", 2019), "date"] == pd.Timestamp("2019-11-08")
    assert "2019-1147" in row.loc[("France", 2019), "source"]
    assert "2015-992" in row.loc[("France", 2015), "source"]
    sendai = responses[responses["action"].str.startswith("Sendai 1 restarts")]["source"].item()
    assert sendai.startswith("Reuters, 11 Aug 2015") and "World Nuclear Industry Status Report" in sendai
    italy = row.loc[("Italy", 2025), "action"]
    assert "preliminary approval" in italy and "2669" in italy


def test_the_lesson_names_the_courses_kinds_in_order():
    text = cell("c7988ce6")
    assert re.findall(r"\*\*([a-z -]+)\*\*", text) == RESPONSE_CATEGORIES
    assert f"one of {['five', 'six', 'seven', 'eight'][len(RESPONSE_CATEGORIES) - 5]} kinds" in text


def test_eleven_countries(responses):
    assert responses["country"].nunique() == 11
    assert "Germany and Japan, and nine other countries" in cell("eecc1bdb")


def test_the_explorer_draws_every_country(responses):
    from after_fukushima.explorers import ResponseExplorer
    from after_fukushima.plots import RESPONSE_COLOURS

    for category in RESPONSE_CATEGORIES:
        RESPONSE_COLOURS[category]  # noqa: B018 (a KeyError names the category without a colour)
    shares = load_table("nuclear_share")
    # as the lesson calls it (without the preliminary 2025 shares), and with every year
    for table in (shares.query("year <= 2024"), shares):
        explorer = ResponseExplorer(load_table("reactor_fleet"), table, responses, source="test", start="Japan")
        left, right = explorer.axes.get_xlim()
        for country in sorted(responses["country"].unique()):
            explorer.show(country)
            decisions = responses[responses["country"] == country]
            assert len(explorer.marks) == len(decisions)
            places = [mark.get_xdata()[0] for mark in explorer.marks]
            assert all(left < place < right for place in places), f"{country}: a decision off the chart: {places}"


# --- what the data show (sections 2 and 3, the maps' closing sentence) ---------------------------------------------


def test_japans_bars_stay_high_while_the_share_falls_to_zero(fleet, shares):
    assert "from 2012 to 2014 the bars stay high while the black line falls to zero" in cell("1531d43b")
    assert min(fleet[("Japan", year)] for year in (2012, 2013, 2014)) >= 0.85 * fleet[("Japan", 2010)]
    share = shares.loc["Japan", "nuclear_share_pct"]
    assert share[2012] > share[2013] > share[2014] == 0


def test_japans_fleet_sentences(fleet, shares):
    text = cell("999b6067")
    last = fleet.loc["Japan"].index.max()
    assert shares.loc[("Japan", 2014), "nuclear_twh"] == 0
    assert f"In 2014 Japan had {fleet[('Japan', 2014)]} reactors in service" in text
    assert f"to {fleet[('Japan', last)]}, as reactors were retired" in text
    retired, after_2014 = (
        fleet[("Japan", 2010)] - fleet[("Japan", last)],
        fleet[("Japan", 2014)] - fleet[("Japan", last)],
    )
    assert (
        f"{retired} have been retired since 2011 ({fleet[('Japan', 2010)]} to {fleet[('Japan', last)]}), "
        f"{after_2014} of them after 2014" in text
    )
    assert f"{retired} reactors have been retired for good ({after_2014} of them after 2014)" in str(
        BANK.entry("why-in-service")["explanation"]
    )


def test_what_replaced_nuclear_power(mix, shares):
    text = cell("623bcbeb")
    de, jp = mix.loc["Germany"], mix.loc["Japan"]
    assert (
        f"renewables rose from about {de.loc[2010, 'renewables_share_pct']:.0f}% of generation in 2010 to about "
        f"{de.loc[2024, 'renewables_share_pct']:.0f}% in 2024" in text
    )
    assert de.loc[2024, "nuclear_share_pct"] == 0
    assert (
        f"fossil fuels fell from about {de.loc[2010, 'fossil_share_pct']:.0f}% to about "
        f"{de.loc[2024, 'fossil_share_pct']:.0f}%" in text
    )
    coal = de["coal_share_pct"]
    assert coal[2012] > coal[2011] and coal[2013] > coal[2012] and coal[2014] < coal[2013]  # "rose for two years"
    assert f"({coal[2013]:.0f}% in 2013), then fell to {coal[2024]:.0f}% in 2024" in text
    generation = shares.loc["Germany", "electricity_twh"]
    assert f"from {generation[2010]:.0f} TWh in 2010 to {generation[2024]:.0f} TWh in 2024" in text
    assert f"{de.loc[2023, 'renewables_share_pct']:.1f}% here" in text
    assert (
        f"their share jumped from about {jp.loc[2010, 'fossil_share_pct']:.0f}% in 2010 to about "
        f"{jp.loc[2012, 'fossil_share_pct']:.0f}% in 2012, and was still about {jp.loc[2024, 'fossil_share_pct']:.0f}% "
        f"in 2024, while nuclear power recovered only to about {jp.loc[2024, 'nuclear_share_pct']:.0f}%" in text
    )
    assert jp.loc[2012:2024, "nuclear_share_pct"].max() < jp.loc[2010, "nuclear_share_pct"]


def test_france_kept_nuclear_power(shares):
    text = cell("a2a85925")
    france = shares.loc["France", "nuclear_share_pct"]
    assert 70 <= france[2010] <= 80  # "about three quarters"
    assert 60 <= france[2024] <= 70 and f"still about two thirds ({france[2024]:.0f}%) in 2024" in text


def test_vogtle_3_is_not_the_first_new_us_reactor_in_decades(responses):
    units = load_table("reactor_units").set_index("unit")
    vogtle, watts_bar = units.loc["Vogtle-3"], units.loc["Watts Bar-2"]
    row = responses[responses["action"].str.startswith("Vogtle 3")].iloc[0]
    assert row["date"] == vogtle["commercial_operation"]
    assert f"whose construction began in {vogtle['construction_start'].year}" in row["action"]
    assert f"Watts Bar 2, begun in {watts_bar['construction_start'].year}" in row["action"]
    assert f"in {watts_bar['commercial_operation']:%B %Y}" in row["action"]
    assert watts_bar["commercial_operation"] < vogtle["commercial_operation"]


def test_italy_alone_of_the_2011_match_had_no_reactors(fleet):
    countries = list(BANK.entry("match-2011")["pairs"])
    idle = [c for c in countries if fleet.get((c, 2011), 0) == 0]
    assert idle == ["Italy"]
    assert "Only one of these countries had no reactors running." in BANK.entry("match-2011")["hints"]


def test_the_neighbours_shares_in_the_reflection(shares):
    explanation = BANK.entry("neighbours-differ")["explanation"]
    france, germany = (
        shares.loc[("France", 2010), "nuclear_share_pct"],
        shares.loc[("Germany", 2010), "nuclear_share_pct"],
    )
    assert f"France about {france:.0f}% nuclear in 2010, Germany about {germany:.0f}%" in explanation
