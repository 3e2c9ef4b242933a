"""Lesson 06 (looking back): every answer in its bank and every sentence of its prose about what the data show,
recomputed here from data/ (moved from test_lessons_05_06_facts.py, which keeps lesson 05)."""

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from after_fukushima import load_bank, load_table

COURSE = Path(__file__).resolve().parents[1]
LOOKING_BACK = load_bank("06_looking_back")


def lesson_text(name: str = "06_looking_back.ipynb", folder: str = "notebooks") -> str:
    path = COURSE / folder / name
    return " ".join("".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])


@pytest.fixture(scope="module")
def instruments():
    return load_table("safety_instruments")


def test_the_worlds_share_after_2011(shares):
    world = shares.loc["World"]
    last = world["nuclear_share_pct"].last_valid_index()
    assert last == 2019
    entry = LOOKING_BACK.entry("check-world-share")
    assert abs(entry["answer"] - world.loc[last, "nuclear_share_pct"]) < 1e-9
    assert {m["value"] for m in entry["mistakes"]} == {
        world.loc[2010, "nuclear_share_pct"],
        world.loc[last, "nuclear_twh"],
    }
    change = LOOKING_BACK.entry("world-share-change")
    assert abs(change["answer"] - (world.loc[2019, "nuclear_share_pct"] - world.loc[2010, "nuclear_share_pct"])) < 1e-3
    assert {m["value"] for m in change["mistakes"]} == {-change["answer"]}
    assert (
        f"from {world.loc[2010, 'nuclear_share_pct']:.1f}% to {world.loc[2019, 'nuclear_share_pct']:.1f}%"
        in change["explanation"]
    )
    assert (
        f"from {world.loc[2010, 'nuclear_share_pct']:.1f}% in 2010 "
        f"to {world.loc[2019, 'nuclear_share_pct']:.1f}% in 2019" in lesson_text()
    )


def test_the_world_share_fell_overall_but_not_every_year(shares):
    """Lesson 06: 'fell after 2011 ... not every year but overall (its low in these data, 10.1%, came in 2018)'."""
    world = shares.loc["World", "nuclear_share_pct"].loc[2010:2019]
    assert world[2019] < world[2010] and not world.is_monotonic_decreasing
    low = world.idxmin()
    assert f"(its low in these data, {world[low]:.1f}%, came in {low})" in lesson_text()
    assert "kept falling" not in lesson_text()


def test_the_highest_world_share_in_the_course_data(shares):
    """check-world-share: 'about 17.5% in 1996, the highest share in the course's World series'."""
    world = shares.loc["World", "nuclear_share_pct"].dropna()
    peak = world.idxmax()
    explanation = LOOKING_BACK.entry("check-world-share")["explanation"]
    assert f"about {world.max():.1f}% in {peak}, the highest share in the course's World series" in explanation


def test_nuclear_electricity_grew_while_the_share_fell(shares):
    """world-share-change: 'nuclear electricity itself grew slightly (from 2,769 to 2,796 TWh)'."""
    twh = shares.loc["World", "nuclear_twh"]
    assert twh[2019] > twh[2010]
    explanation = LOOKING_BACK.entry("world-share-change")["explanation"]
    assert f"from {twh[2010]:,.0f} to {twh[2019]:,.0f} TWh" in explanation


def test_the_fleets_after_2011():
    fleet = load_table("reactor_fleet").set_index(["country", "year"])["reactors"]
    last = fleet.loc["China"].index.max()
    entry = LOOKING_BACK.entry("china-growth")
    assert entry["answer"] == fleet[("China", last)] - fleet[("China", 2010)]
    assert {m["value"] for m in entry["mistakes"]} == {
        fleet[("China", last)],
        fleet[("China", last)] - fleet[("China", 2011)],
    }
    text = lesson_text()
    assert f"China's grew from {fleet[('China', 2010)]} reactors to {fleet[('China', last)]}" in text
    assert fleet[("Germany", last)] == 0 and "Germany's went to zero" in text
    assert f"Japan's fell from {fleet[('Japan', 2010)]} to {fleet[('Japan', last)]} in service" in text
    us = (fleet[("United States", 2010)], fleet[("United States", last)])
    assert us[1] < us[0]
    palisades = "(104 in other counts: one plant, Palisades, has no start date in our source)"
    assert f"the United States' went from {us[0]} in our data {palisades} to {us[1]}" in text
    explanation = entry["explanation"]
    assert f"From {fleet[('China', 2010)]} to {fleet[('China', last)]} reactors: {entry['answer']} more" in explanation
    assert f"Germany went from {fleet[('Germany', 2010)]} to none" in explanation
    assert f"Japan from {fleet[('Japan', 2010)]} to {fleet[('Japan', last)]}" in explanation


def test_china_added_more_reactors_than_any_other_country():
    """china-growth: 'added more reactors than any other country in the table' (2010 to the last year)."""
    fleet = load_table("reactor_fleet")
    fleet = fleet[fleet["country"] != "World"].pivot(index="year", columns="country", values="reactors")
    last = fleet.index.max()
    growth = (fleet.loc[last].fillna(0) - fleet.loc[2010].fillna(0)).astype(float)
    assert growth.idxmax() == "China" and (growth.drop("China") < growth["China"]).all()
    assert (
        "added more reactors than any other country in the table" in LOOKING_BACK.entry("china-growth")["explanation"]
    )


# --- what bound states after 2011 -------------------------------------------------------------------------------

# binding-after describes each step without its name; this is which row of safety_instruments each one is.
DESCRIBED = {
    "An EU-wide safety objective for new plants, set by the EU Council in July 2014": "Directive 2014/87/Euratom",
    "Rules on compensation for nuclear damage, in force among their parties from April 2015": "CSC",
    "Twelve actions agreed at the IAEA in September 2011, peer reviews among them": "IAEA Action Plan",
    "Principles for new and existing plants, agreed by consensus in Vienna in February 2015": "Vienna Declaration",
    "Reassessments of every nuclear plant in the EU, specified in May 2011": "EU stress tests",
    "The G8 leaders' support, at Deauville in May 2011, for safety assessments of plants everywhere": (
        "G8 Deauville Declaration"
    ),
}


def instrument(instruments, short_name: str) -> pd.Series:
    """One row of safety_instruments; the CSC is found by its full name, whatever its short name."""
    if short_name == "CSC":
        rows = instruments[instruments["name"].str.contains("Supplementary Compensation", case=False)]
    else:
        rows = instruments[instruments["short_name"] == short_name]
    assert len(rows) == 1, f"safety_instruments needs exactly one row for {short_name}"
    return rows.iloc[0]


def test_what_bound_states_after_2011(instruments):
    entry = LOOKING_BACK.entry("binding-after")
    assert set(entry["options"]) == set(DESCRIBED)
    rows = {option: instrument(instruments, name) for option, name in DESCRIBED.items()}
    assert set(entry["answers"]) == {option for option, row in rows.items() if row["binding"] == "yes"}
    for option, row in rows.items():  # each description's month and year are its row's
        when = row["in_force"] if "in force" in option else row["adopted"]
        assert when.strftime("%B %Y") in option, (option, when)


def test_the_csc_entered_into_force_in_april_2015(instruments):
    """Lesson 06 and binding-after: the CSC, binding, entered into force on 15 April 2015 (from the table)."""
    csc = instrument(instruments, "CSC")
    assert csc["binding"] == "yes" and csc["in_force"] == pd.Timestamp("2015-04-15")
    day = f"{csc['in_force'].day} {csc['in_force']:%B %Y}"
    assert f"entered into force on {day}" in LOOKING_BACK.entry("binding-after")["explanation"]
    assert f"entered into force on {day}" in lesson_text()
    assert f"adopted in {csc['adopted'].year}" in lesson_text()


def test_the_steps_after_the_report_in_order(instruments):
    by_item = {
        "The EU agrees the specifications of its stress tests": "EU stress tests",
        "The G8 adopts its Deauville declaration": "G8 Deauville Declaration",
        "IAEA ministers adopt a declaration on nuclear safety in Vienna": "IAEA Ministerial Declaration",
        "The IAEA Board approves the Action Plan on Nuclear Safety": "IAEA Action Plan",
        "The EU adopts a directive with an EU-wide safety objective": "Directive 2014/87/Euratom",
        "The parties to the Convention on Nuclear Safety adopt the Vienna Declaration": "Vienna Declaration",
    }
    items = LOOKING_BACK.entry("order-after")["items"]
    assert set(items) == set(by_item)
    dates = [instrument(instruments, by_item[item])["adopted"] for item in items]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    # Lesson 06, section 1: the G8's declaration came two days after the report (25 May 2011).
    g8 = instrument(instruments, "G8 Deauville Declaration")["adopted"]
    assert (g8 - pd.Timestamp("2011-05-25")).days == 2 and "27 May 2011, two days after the report" in lesson_text()
    stress = instrument(instruments, "EU stress tests")["adopted"]
    assert stress == pd.Timestamp("2011-05-25") and "on 25 May, the day of the report" in lesson_text()


def test_japans_restarts():
    responses = load_table("national_responses")
    latest = responses[responses["country"] == "Japan"].sort_values("date").iloc[-1]
    assert "fourteenth" in latest["action"] and "33 reactors remain operable" in latest["action"]
    assert "21 have been retired since 2011" in latest["action"]
    entry = LOOKING_BACK.entry("japan-restarts")
    assert entry["answer"] == 14 and {m["value"] for m in entry["mistakes"]} == {33}
    assert "33 reactors remained operable and 21 had been retired since 2011" in entry["explanation"]
    sendai = responses[(responses["country"] == "Japan") & responses["action"].str.startswith("Sendai 1 restarts")]
    assert sendai["date"].dt.strftime("%B %Y").tolist() == ["August 2015"]
    assert "from Sendai 1 in August 2015" in entry["explanation"]


# --- the report on trial ------------------------------------------------------------------------------------------


def test_the_trial_is_a_judgement_with_evidence_for_every_claim():
    trial = LOOKING_BACK.entry("report-on-trial")
    assert trial["kind"] == "judgement", "a verdict on a claim is kept, not graded"
    assert set(trial["feedback"]) == set(trial["items"]) == set(trial["claims"])
    argument = load_table("report_argument").set_index("order")
    assert sorted(trial["claims"].values()) == list(argument.index)


def test_the_surveys_countries_in_the_trials_evidence():
    """'support for nuclear electricity under half in 20 of the 24 countries asked' (Ipsos MORI, May 2011)."""
    opinion = load_table("public_opinion_2011")
    countries = opinion[opinion["country"] != "World"]
    under = int((countries["support_pct"] < 50).sum())
    phrase = re.compile(rf"under half in {under} of the {len(countries)} countries asked")
    evidence = LOOKING_BACK.entry("report-on-trial")["feedback"]
    assert sum(bool(phrase.search(text)) for text in evidence.values()) == 2


def test_the_trial_keeps_the_reports_words():
    """Issue 19, item 8: Shao's interests are 'different'; Caplan reported 'recognition of the need'; the 14
    reactors are Prime Minister Kan's statement, relayed by the reporters; Italy refused a return in 2011."""
    trial = LOOKING_BACK.entry("report-on-trial")
    statements = " ".join(trial["items"])
    assert "Shao Beibei: different interests, political and economic, are seen as the biggest obstacles" in statements
    assert "recognition of the need" in statements
    assert "The reporters: Japan's prime minister, Naoto Kan, had announced a rethink" in statements
    everything = json.dumps(trial) + lesson_text() + lesson_text("06_worksheet_looking_back.ipynb", "exercises")
    everything += (COURSE / "teacher" / "06_looking_back_plan.md").read_text(encoding="utf-8")
    assert "clashing" not in everything.lower()
    assert "Italy turned away" not in everything and "Italians voted against a return" in json.dumps(trial)
    assert "Everything worldwide that followed the report was voluntary" not in everything


def test_the_lessons_timeline_steps_in_the_worksheets_order(instruments):
    """Issue 21, fault 6: the timeline of section 1 (built by the lesson's own cell) steps through the steps after
    the report in the order of their dates in data/, the order the worksheet's 'order-after' asks for."""
    import matplotlib

    matplotlib.use("Agg")
    cells = json.loads((COURSE / "notebooks" / "06_looking_back.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    timeline_cell = next(source for source in code if "InstrumentTimeline(" in source)
    names = {}
    exec(code[0], names)  # the lesson's imports
    *statements, last = ast.parse(timeline_cell).body
    exec(compile(ast.Module(statements, []), "timeline cell", "exec"), names)
    timeline = eval(compile(ast.Expression(last.value), "timeline cell", "eval"), names)
    stepper = list(timeline.rows["short_name"])
    after = ["EU stress tests", "G8 Deauville Declaration", "IAEA Ministerial Declaration", "IAEA Action Plan"]
    by_date = list(instruments.set_index("short_name").loc[after, "adopted"].sort_values().index)
    assert sorted(after, key=stepper.index) == by_date
    # every dated instrument comes after those adopted earlier in its year
    placed = timeline.rows[timeline.rows["since"].notna()]
    for _, year in placed.groupby("since"):
        days = list(year["adopted"].dropna())
        assert days == sorted(days), list(year["short_name"])
    # the worksheet's answer: the items listed in the bank's order follow the same dates
    worksheet = [
        "The EU agrees the specifications of its stress tests",
        "The G8 adopts its Deauville declaration",
        "IAEA ministers adopt a declaration on nuclear safety in Vienna",
        "The IAEA Board approves the Action Plan on Nuclear Safety",
    ]
    items = LOOKING_BACK.entry("order-after")["items"]
    assert [item for item in items if item in worksheet] == worksheet
