"""Issue 24, item 2: every figure is described in one sentence, and what the sentence states follows the data.

A figure's description (CourseFigure.describe) is written where the figure is drawn, from the table it is given:
change the table and the sentence changes with it, so a data update cannot leave a figure described wrongly.
tests/test_every_figure.py checks every figure the notebooks draw; these tests check each figure function here,
quickly, and the interactive figures' boxes.
"""

import inspect
import re

import matplotlib
import pandas as pd
import pytest

from after_fukushima import figures, load_table
from after_fukushima.data import load_geojson
from after_fukushima.models.cooperation import Weights, course_attributes, positions
from after_fukushima.teacher import class_report as report
from after_fukushima.teacher.class_report.figures import first_try_sentence, heat_map_sentence

matplotlib.use("Agg")


def one_sentence(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9][^\n]*[.!?]", text)) and not re.search(r"[.!?] [A-Z]", text)


DRAWN = {
    "tsunami_against_design": lambda: figures.tsunami_against_design(load_table("accident_figures")),
    "earthquake_energy": lambda: figures.earthquake_energy(load_table("largest_earthquakes")),
    "ines_levels": lambda: figures.ines_levels(load_table("nuclear_accidents")),
    "release_estimates": lambda: figures.release_estimates(load_table("accident_figures")),
    "human_toll": lambda: figures.human_toll(load_table("accident_figures")),
    "opinion_2011": lambda: figures.opinion_2011(load_table("public_opinion_2011")),
    "sites_map": lambda: figures.sites_map(load_geojson("country_outlines"), load_table("reactor_sites")),
    "largest_fleets": lambda: figures.largest_fleets(load_table("reactor_fleet")),
    "world_buildout": lambda: figures.world_buildout(load_table("reactor_fleet")),
    "needs_addressed": lambda: figures.needs_addressed(load_table("safety_instruments")),
    "years_to_force": lambda: figures.years_to_force(load_table("safety_instruments")),
    "foreign_designs": lambda: figures.foreign_designs(load_table("reactor_units"), load_table("reactor_vendors")),
    "pushers_and_draggers": lambda: figures.pushers_and_draggers(
        positions(course_attributes(), Weights()), load_table("positions_2011")
    ),
    "what_replaced_nuclear": lambda: figures.what_replaced_nuclear(load_table("electricity_mix")),
    "responses_map": lambda: figures.responses_map(load_geojson("country_outlines"), load_table("national_responses")),
    "after_2011": lambda: figures.after_2011(load_table("nuclear_share"), load_table("reactor_fleet")),
}


def test_every_figure_function_is_drawn_here():
    """Each function of figures.py that draws a figure (it calls new_figure or panels) is in DRAWN."""
    drawing = {
        name
        for name, function in inspect.getmembers(figures, inspect.isfunction)
        if function.__module__ == figures.__name__
        and name != "panels"
        and re.search(r"\b(new_figure|panels)\(", inspect.getsource(function))
    }
    assert drawing == set(DRAWN)


@pytest.mark.parametrize("name", DRAWN)
def test_each_figure_has_a_short_sentence_that_is_not_its_title(name):
    fig = DRAWN[name]()
    assert one_sentence(fig.description), fig.description
    assert len(fig.description) <= 240
    title = repr(fig)[len("<Figure: ") : -1]
    assert title and title not in fig.description


def test_the_largest_fleet_is_the_one_in_the_data():
    fleet = load_table("reactor_fleet")
    first = figures.largest_fleets(fleet, year=2010).description
    leader = fleet[(fleet["year"] == 2010) & (fleet["country"] != "World")].nlargest(1, "reactors").iloc[0]
    assert first.startswith(f"Bars for 15 countries: the {leader['country']} ({leader['reactors']}) has the most")
    bigger = fleet.copy()
    bigger.loc[(bigger["country"] == "Japan") & (bigger["year"] == 2010), "reactors"] = 300
    changed = figures.largest_fleets(bigger, year=2010).description
    assert changed.startswith("Bars for 15 countries: Japan (300) has the most") and "then the United States" in changed


def test_the_toll_and_the_survey_say_the_numbers_they_draw():
    accident = load_table("accident_figures")
    said = figures.human_toll(accident).description
    dead = accident.set_index("quantity").loc["deaths_quake_tsunami", "high"]
    assert f"{dead:,.0f} dead" in said
    accident.loc[accident["quantity"] == "deaths_quake_tsunami", ["low", "high"]] = 12345
    assert "12,345 dead" in figures.human_toll(accident).description

    survey = load_table("public_opinion_2011")
    lowest = survey[survey["country"] != "World"].nsmallest(1, "support_pct").iloc[0]
    assert f"from {lowest['support_pct']}% in {lowest['country']}" in figures.opinion_2011(survey).description
    survey.loc[survey["country"] == "Sweden", "support_pct"] = 3
    assert "from 3% in Sweden" in figures.opinion_2011(survey).description


def test_a_trend_word_follows_the_data():
    mix = load_table("electricity_mix")
    said = figures.what_replaced_nuclear(mix).description
    assert "fell from" in said and " in Germany" in said
    rising = mix.copy()
    germany = rising["country"] == "Germany"
    rising.loc[germany & (rising["year"] == 2024), "nuclear_share_pct"] = 40.0
    said = figures.what_replaced_nuclear(rising).description
    assert "nuclear in Germany fell from 22.5% (2010) to 1% (2023), then rose to 40% (2024)" in said
    assert "in Japan fell from 25.3% (2010) to 0% (2014), then rose to 8% (2024)" in said
    steady = mix.copy()
    steady.loc[steady["country"] == "Germany", "nuclear_share_pct"] = 30.0
    assert "nuclear in Germany stayed at 30.0% from 2010 to 2024" in figures.what_replaced_nuclear(steady).description


def test_the_maps_count_what_they_colour():
    responses = load_table("national_responses")
    said = figures.responses_map(load_geojson("country_outlines"), responses).description
    counts = figures.responses_map_categories(responses).value_counts()
    for category, count in counts.items():
        assert f"{category} ({count})" in said
    sites = load_table("reactor_sites")
    said = figures.sites_map(load_geojson("country_outlines"), sites).description
    drawn = sites[sites["status_2011"].notna()]  # a site with nothing built by 11 March 2011 has no dot
    assert f"{len(drawn)} nuclear power plant sites" in said and len(drawn) < len(sites)
    assert f"{(sites['status_2011'] == 'in service').sum()} in service" in said
    per_country = drawn["country"].value_counts()
    second = sorted(set(per_country), reverse=True)[1]
    tied = sorted(per_country[per_country == second].index)
    assert f"then {' and '.join(tied)} ({second}{' each' if len(tied) > 1 else ''})" in said


def test_the_class_reports_sentences_count_its_squares_and_bars(tmp_path):
    report.demo_class(tmp_path, students=6, seed=0)
    attempts, _ = report.read_hand_ins(tmp_path)
    table = report.states(attempts)
    said = heat_map_sentence(table)
    numbers = [int(n) for n in re.findall(r"(\d+) (?:right|not|saved)", said)]
    assert sum(numbers) == table.size and said.startswith(f"A grid of 6 students by {table.shape[1]} exercises")
    assert report.heat_map(attempts, source="Source: test").description.startswith("A grid of 6 students")
    assert heat_map_sentence(table.iloc[:0]) == f"An empty grid of {table.shape[1]} exercises: no hand-ins yet."
    summary = pd.DataFrame(
        {"exercise": ["a-hard-one", "an-easy-one"], "right_first_try": [1, 5], "tried": [6, 5]}, index=[0, 1]
    )
    said = first_try_sentence(summary)
    assert "lowest share right at the first try: a-hard-one (1 of 6), highest: an-easy-one (5 of 5)." in said
    tied = pd.concat([summary, summary.assign(exercise=["b-hard-one", "b-easy-one"])], ignore_index=True)
    assert "a-hard-one (1 of 6, with 1 more at 17%), highest: an-easy-one (5 of 5, with 1 more at 100%)" in (
        first_try_sentence(tied)
    )
    assert first_try_sentence(summary.iloc[:0]) == "No bars: no graded exercise has been tried yet."
    assert one_sentence(report.first_try_chart(attempts, source="Source: test").description)


def interactive_figures():
    """The five interactive figures as the lessons make them."""
    from after_fukushima.explorers import CountryExplorer, InstrumentTimeline, ResponseExplorer, TimelineExplorer
    from after_fukushima.models.simulator import CooperationSimulator

    shares, fleet = load_table("nuclear_share"), load_table("reactor_fleet")
    return {
        "CooperationSimulator": lambda: CooperationSimulator(course_attributes()),
        "CountryExplorer": lambda: CountryExplorer(
            shares, "nuclear_share_pct", title="Nuclear share (%)", ylabel="% of electricity", source="Source: t"
        ),
        "TimelineExplorer": lambda: TimelineExplorer(load_table("fukushima_timeline"), source="Source: t"),
        "InstrumentTimeline": lambda: InstrumentTimeline(
            load_table("safety_instruments"), load_table("nuclear_accidents"), source="Source: t", until="2011-05-25"
        ),
        "ResponseExplorer": lambda: ResponseExplorer(fleet, shares, load_table("national_responses"), source="S: t"),
    }


@pytest.mark.parametrize(
    "name", ["CooperationSimulator", "CountryExplorer", "TimelineExplorer", "InstrumentTimeline", "ResponseExplorer"]
)
def test_each_interactive_figure_is_described_above_its_controls(name):
    box = interactive_figures()[name]()
    try:
        assert one_sentence(box.description), box.description
        assert box.children[0] is box.caption and box.description in box.caption.value
    finally:
        box.close()
