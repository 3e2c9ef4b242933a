"""The numbers and dates in lesson 00's questions, recomputed from data/ and from the fact sheet's dates."""

from datetime import date

from after_fukushima import load_bank, load_table

BANK = load_bank("00_start_here")

# Dates from the course fact sheet (teacher/answer_key.md gives the sources).
EVENT_DATES = {
    "Earthquake and tsunami hit Fukushima Daiichi": date(2011, 3, 11),
    "Germany announces a three-month moratorium on extending plant lifetimes": date(2011, 3, 14),
    "Japan's prime minister says the energy plan will be rethought from a clean slate": date(2011, 5, 10),
    "China Daily publishes the report": date(2011, 5, 25),
    "G8 summit opens in Deauville": date(2011, 5, 26),
    "IAEA ministerial conference on nuclear safety opens in Vienna": date(2011, 6, 20),
}


def test_days_from_the_earthquake_to_the_report():
    assert BANK.entry("days-after-quake")["answer"] == (date(2011, 5, 25) - date(2011, 3, 11)).days


def test_events_are_listed_in_date_order():
    items = BANK.entry("events-in-order")["items"]
    assert set(items) == set(EVENT_DATES)
    assert items == sorted(items, key=EVENT_DATES.get)


def test_france_share_and_its_mistakes_come_from_the_data():
    shares = load_table("nuclear_share").query("country == 'France'").set_index("year")
    entry = BANK.entry("france-share-2010")
    assert abs(entry["answer"] - shares.loc[2010, "nuclear_share_pct"]) < 1e-9
    mistakes = {m["value"] for m in entry["mistakes"]}
    assert mistakes == {shares.loc[2011, "nuclear_share_pct"], shares.loc[2010, "nuclear_twh"]}
    germany = load_table("nuclear_share").query("country == 'Germany' and year == 2010")["nuclear_share_pct"].item()
    assert shares.loc[2010, "nuclear_share_pct"] > 3 * germany  # "more than three times Germany's share"


def test_the_argument_table_covers_every_kind_of_claim_and_every_expert_is_in_the_matching_exercise():
    argument = load_table("report_argument")
    assert set(argument["kind"]) == {"context", "proposal", "obstacle", "case for", "national response"}
    experts = set(argument["speaker"]) - {"the reporters"}
    assert experts == set(BANK.entry("speakers-affiliations")["pairs"])
    assert experts == set(BANK.entry("who-said-it")["categories"])
