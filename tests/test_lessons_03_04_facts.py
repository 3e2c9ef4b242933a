"""Every answer in the banks of lessons 03 and 04 that comes from data, recomputed here from data/."""

import pandas as pd
import pytest

from after_fukushima import figures, load_bank, load_table
from after_fukushima.datasets.curated import SAFETY_NEEDS

PROPOSAL = load_bank("03_the_proposal")


@pytest.fixture(scope="module")
def instruments():
    return load_table("safety_instruments").set_index("short_name", drop=False)


def years_to_force(row) -> float:
    return (row["in_force"] - row["adopted"]).days / 365.25


def test_since_is_the_year_a_dated_instrument_began_to_work(instruments):
    for _, row in instruments.iterrows():
        first = row["in_force"] if pd.notna(row["in_force"]) else row["adopted"]
        if pd.notna(first):
            assert row["since"] == first.year, row["name"]


def test_which_instruments_bound_states(instruments):
    entry = PROPOSAL.entry("check-binding")
    assert set(entry["answers"]) == {o for o in entry["options"] if instruments.loc[o, "binding"] == "yes"}
    sort = PROPOSAL.entry("sort-binding")
    for name, category in sort["items"].items():
        assert (category == "binds states") == (instruments.loc[name, "binding"] == "yes"), name


def test_years_from_adoption_to_entry_into_force(instruments):
    cns = PROPOSAL.entry("check-cns-years")
    assert abs(cns["answer"] - years_to_force(instruments.loc["Convention on Nuclear Safety (CNS)"])) < 0.01
    mistakes = {m["value"] for m in cns["mistakes"]}
    row = instruments.loc["Convention on Nuclear Safety (CNS)"]
    assert mistakes == {row["in_force"].year - row["adopted"].year, (row["in_force"] - row["adopted"]).days}
    joint = PROPOSAL.entry("joint-years")
    row = instruments.loc["Joint Convention"]
    assert abs(joint["answer"] - years_to_force(row)) < 1e-3
    assert {m["value"] for m in joint["mistakes"]} == {row["in_force"].year - row["adopted"].year,
                                                        (row["in_force"] - row["adopted"]).days}


def test_the_fastest_entry_into_force(instruments):
    dated = instruments.dropna(subset=["adopted", "in_force"])
    days = (dated["in_force"] - dated["adopted"]).dt.days.sort_values()
    entry = PROPOSAL.entry("fastest-in-force")
    assert entry["answer"] == days.iloc[0]
    assert days.index[0] == "Early Notification Convention"
    assert {m["value"] for m in entry["mistakes"]} == {days.iloc[1], days.iloc[-1]}


def test_the_order_in_which_instruments_began_to_work(instruments):
    by_item = {
        "OSART reviews of plants begin": "OSART",
        "The Early Notification Convention enters into force": "Early Notification Convention",
        "WANO is founded": "WANO",
        "The IAEA introduces the INES scale": "INES",
        "The Convention on Nuclear Safety enters into force": "Convention on Nuclear Safety (CNS)",
        "Directive 2009/71/Euratom is adopted": "Directive 2009/71/Euratom",
    }
    items = PROPOSAL.entry("order-instruments")["items"]
    assert set(items) == set(by_item)
    years = [instruments.loc[by_item[item], "since"] for item in items]
    assert years == sorted(years) and len(set(years)) == len(years)


def test_the_crisis_before_each_instrument(instruments):
    for name, category in PROPOSAL.entry("sort-crisis")["items"].items():
        assert category.startswith(f"after {instruments.loc[name, 'preceded_by']} ("), name


def test_the_review_meeting_of_april_2011(instruments):
    first = 1999  # "The first meeting was held in April 1999" (what_it_does of the CNS review meetings)
    assert "April 1999" in instruments.loc["CNS review meetings", "what_it_does"]
    assert "4-14 April 2011" in instruments.loc["CNS review meetings", "what_it_does"]
    entry = PROPOSAL.entry("review-meeting-number")
    assert entry["answer"] == (2011 - first) // 3 + 1
    assert {m["value"] for m in entry["mistakes"]} == {2011 - first, (2011 - first) // 3}


def test_reviews_in_the_match_are_described_by_their_own_rows(instruments):
    pairs = PROPOSAL.entry("match-reviews")["pairs"]
    for name, description in pairs.items():
        what = instruments.loc[name, "what_it_does"].lower()
        if "if the state asks" in description:
            assert "request" in what or "asks" in what, name
        if "confidential" in description:
            assert "confidential" in what, name
        if "every three years" in description:
            assert "every three years" in what, name


def test_the_needs_no_worldwide_instrument_bound(instruments):
    in_use = figures.in_use_on(instruments.reset_index(drop=True), "2011-05-25")
    bound = in_use[(in_use["binding"] == "yes") & (in_use["scope"] == "worldwide")]
    covered = {need for text in bound["addresses"].dropna() for need in text.split("; ")}
    entry = PROPOSAL.entry("binding-gaps")
    assert set(entry["options"]) <= set(SAFETY_NEEDS)
    assert set(entry["answers"]) == set(entry["options"]) - covered


def test_the_lesson_grid_shows_only_what_was_at_work_on_the_day_of_the_report(instruments):
    in_use = set(figures.in_use_on(instruments.reset_index(drop=True), "2011-05-25")["short_name"])
    assert "IAEA Action Plan" not in in_use and "G8 Deauville Declaration" not in in_use
    assert {"IRRS", "WANO peer reviews", "Directive 2009/71/Euratom"} <= in_use
