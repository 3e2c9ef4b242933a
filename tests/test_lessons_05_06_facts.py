"""Every answer in the banks of lessons 05 and 06 that comes from data, recomputed here from data/."""

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from after_fukushima import load_bank, load_table

COURSE = Path(__file__).resolve().parents[1]
RESPONSES = load_bank("05_national_responses")


def dated(responses, country: str, starts: dict[str, str]) -> dict[str, pd.Timestamp]:
    """Item -> the date of the one row of `country` whose action starts with the given words."""
    rows = responses[responses["country"] == country]
    found = {}
    for item, words in starts.items():
        match = rows[rows["action"].str.startswith(words)]
        assert len(match) == 1, (country, words)
        found[item] = match["date"].item()
    return found


STEPS = {  # exercise -> (country, item -> the words its row of national_responses starts with)
    "check-germany-steps": (
        "Germany",
        {
            "Moratorium: the lifetime extension of 2010 is suspended for three months": (
                "Announces a three-month moratorium"
            ),
            "Eight reactors stand idle: the seven oldest and Krümmel": "Orders its seven reactors",
            "Bundestag vote: close those eight for good and the rest by the end of 2022": "The Bundestag votes",
            "Law in force: the amended Atomic Energy Act": "The amended Atomic Energy Act",
            "Shutdown of the last three reactors": "Its last three reactors",
        },
    ),
    "order-japan": (
        "Japan",
        {
            "Prime Minister Kan says the energy plan will be rethought from a clean slate": "Prime Minister Naoto Kan",
            "No reactor is operating for the first time since 1970": "No reactor is operating",
            "Ohi 3 and 4 restart, on a government decision after stress tests": "Ohi 3 restarts",
            "The Nuclear Regulation Authority starts work": "A new regulator",
            "A new energy plan calls nuclear power an important baseload source": "The cabinet's fourth",
            "Sendai 1 restarts, the first under the new regulator's standards": "Sendai 1 restarts",
            "The cabinet decides to use nuclear power to the maximum extent": "A cabinet decision on green",
            "Shimane 2 restarts, the fourteenth reactor to do so": "Shimane 2 restarts",
        },
    ),
}


@pytest.mark.parametrize("exercise", STEPS)
def test_a_countrys_steps_are_in_date_order(responses, exercise):
    country, starts = STEPS[exercise]
    dates = dated(responses, country, starts)
    items = RESPONSES.entry(exercise)["items"]
    assert set(items) == set(dates) and items == sorted(items, key=dates.get)


def test_japan_in_service_but_not_generating_in_2014(shares):
    fleet = load_table("reactor_fleet").set_index(["country", "year"])["reactors"]
    entry = RESPONSES.entry("check-in-service-2014")
    assert shares.loc[("Japan", 2014), "nuclear_twh"] == 0
    assert entry["answer"] == fleet[("Japan", 2014)]
    assert {m["value"] for m in entry["mistakes"]} == {
        fleet[("Japan", 2010)],
        shares.loc[("Japan", 2014), "nuclear_twh"],
    }
    assert fleet[("Japan", fleet.loc["Japan"].index.max())] == 33  # "the count fell to 33" (lesson 05)
    lowest = RESPONSES.entry("japan-lowest-year")
    after = shares.loc["Japan"].loc[2011:, "nuclear_twh"]
    assert lowest["answer"] == after.idxmin()
    assert {m["value"] for m in lowest["mistakes"]} == {2011, 2012}


def test_germanys_mix_and_generation(mix, shares):
    germany = mix.loc["Germany"]
    entry = RESPONSES.entry("check-germany-mix")
    for year, column in [
        (2010, "renewables_share_pct"),
        (2024, "renewables_share_pct"),
        (2010, "nuclear_share_pct"),
        (2010, "fossil_share_pct"),
        (2024, "fossil_share_pct"),
    ]:
        assert f"{germany.loc[year, column]:.1f}%" in entry["explanation"], (year, column)
    assert germany.loc[2024, "nuclear_share_pct"] == 0
    generation = shares.loc["Germany", "electricity_twh"]
    assert f"from {generation[2010]:.0f} to {generation[2024]:.0f} TWh" in entry["explanation"]
    assert (
        f"{germany.loc[2010, 'coal_share_pct']:.0f}% in 2010 to {germany.loc[2024, 'coal_share_pct']:.0f}% in 2024"
        in entry["feedback"]["Coal took over the electricity nuclear power had made"]
    )
    rise = RESPONSES.entry("germany-renewables-rise")
    assert (
        abs(rise["answer"] - (germany.loc[2024, "renewables_share_pct"] - germany.loc[2010, "renewables_share_pct"]))
        < 1e-9
    )
    assert {m["value"] for m in rise["mistakes"]} == {
        -rise["answer"],
        round(germany.loc[2025, "renewables_share_pct"] - germany.loc[2010, "renewables_share_pct"], 3),
    }
    fall = RESPONSES.entry("germany-generation-fall")
    assert abs(fall["answer"] - (generation[2010] - generation[2024])) < 1e-9
    assert f"{generation[2010]:.2f} TWh in 2010 and {generation[2024]:.2f} TWh in 2024" in fall["prompt"]
    assert {m["value"] for m in fall["mistakes"]} == {round(generation[2010] + generation[2024], 2)}


def test_the_kinds_of_response_come_from_the_table(responses):
    rows = {
        "Switzerland decides not to replace its reactors (2011)": ("Switzerland", "2011-05-25"),
        "China suspends approvals of new plants (2011)": ("China", "2011-03-16"),
        "Belgium repeals its phase-out law (2025)": ("Belgium", "2025-05-15"),
        "France runs stress tests and keeps its fleet running (2011)": ("France", None),
        "The UK approves Hinkley Point C (2016)": ("United Kingdom", "2016-09-15"),
        "Italy's voters reject the government's plan to return to nuclear power (2011)": ("Italy", "2011-06-13"),
        "Switzerland's government proposes lifting its ban on new plants (2024)": ("Switzerland", "2024-12-20"),
    }
    for item, category in RESPONSES.entry("sort-responses")["items"].items():
        country, day = rows[item]
        chosen = responses[responses["country"] == country]
        chosen = (
            chosen[chosen["date"] == pd.Timestamp(day)]
            if day
            else chosen[chosen["date"].isna() & (chosen["year"] == 2011)]
        )
        assert chosen["category"].tolist() == [category], item
    phase_outs = set(responses.loc[responses["category"] == "phase-out", "country"])
    entry = RESPONSES.entry("phase-outs")
    assert set(entry["answers"]) == set(entry["options"]) & phase_outs


# Lesson 06's tests are in test_lesson06_facts.py.


def test_the_in_service_question_points_to_a_table_that_shows_the_answer():
    """Issue 21, fault 6: check-in-service-2014 is read from the table shown just above it (its 2014 row holds the
    answer exactly), in the lesson and in worksheet 06's recap, not from the explorer's bars, which cannot be read
    to one reactor."""
    entry = RESPONSES.entry("check-in-service-2014")
    words = " ".join([entry["prompt"], *entry["hints"], entry["too_low"], entry["too_high"]])
    words += " ".join(m["feedback"] for m in entry["mistakes"])
    assert "explorer" not in words and "bar" not in words and "table above" in entry["prompt"]
    asking = [
        path
        for path in sorted([*COURSE.glob("notebooks/*.ipynb"), *COURSE.glob("exercises/*.ipynb")])
        if '\\"check-in-service-2014\\"' in path.read_text(encoding="utf-8")
    ]
    assert [path.name for path in asking] == ["06_worksheet_looking_back.ipynb", "05_national_responses.ipynb"]
    for path in asking:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        asked = next(n for n, source in enumerate(code) if '"check-in-service-2014"' in source)
        names = {}
        exec(code[0], names)  # the notebook's imports and tables
        *statements, last = ast.parse(code[asked - 1]).body
        exec(compile(ast.Module(statements, []), "table cell", "exec"), names)
        table = eval(compile(ast.Expression(last.value), "table cell", "eval"), names)
        assert table.set_index("year").loc[2014, "reactors"] == entry["answer"] and entry["tolerance"] == 0, path.name


@pytest.mark.parametrize(
    "path", sorted([*COURSE.glob("notebooks/0[3-6]_*.ipynb"), *COURSE.glob("exercises/0[3-6]_*.ipynb")]), ids=str
)
def test_a_question_about_the_simulator_is_asked_where_the_simulator_is(path):
    """Issue 21, fault 6: no notebook asks to predict before running (or to use) a simulator it does not show."""
    code = [
        "".join(cell["source"])
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    ]
    asked = []
    for source in code:
        for bank, exercise in re.findall(r'load_bank\("([^"]+)"\)\.exercise\("([^"]+)"\)', source):
            asked.append(load_bank(bank).entry(exercise))
        for exercise in re.findall(r'questions\.exercise\("([^"]+)"\)', source):
            own = re.search(r'questions = load_bank\("([^"]+)"\)', code[0]).group(1)
            asked.append(load_bank(own).entry(exercise))
    about_simulator = [entry["id"] for entry in asked if "simulator" in entry["prompt"].lower()]
    shown = any("CooperationSimulator(" in source for source in code)
    assert shown or not about_simulator, about_simulator
