"""reactor_vendors and safety_instruments, checked against reactor_units and the course fact sheet.

The expected dates below are inputs from the fact sheets (shared/reference/facts.md §4 and
facts-lessons-03-06.md §3a and §6b), not values copied from the tables: the tests compare the two.
"""

import pandas as pd
import pytest

from after_fukushima import load_table
from after_fukushima.models.cooperation import UNIT_ROW
from after_fukushima.vocabulary import INSTRUMENT_KINDS, SAFETY_NEEDS

DAY = pd.Timestamp("2011-03-11")
ALSO_ALLOWED_COUNTRIES: frozenset[str] = frozenset()  # vendor countries that run no reactor; none needed so far


@pytest.fixture(scope="module")
def units():
    return load_table("reactor_units")


@pytest.fixture(scope="module")
def vendors():
    return load_table("reactor_vendors")


@pytest.fixture(scope="module")
def instruments():
    return load_table("safety_instruments").set_index("name")


def in_service_or_building(units, day):
    """In service (commercial operation by `day`, not retired) or under construction (started, not yet in
    commercial operation, not retired) on `day`: the rule the reactor_vendors table is built on."""
    started = units["construction_start"] <= day
    operating = units["commercial_operation"] <= day
    retired = units["permanent_shutdown"] <= day
    return ((operating & ~retired) | (started & ~operating & ~retired)).fillna(False).astype(bool)


def models_of_2011(units):
    chosen = units[in_service_or_building(units, DAY)]
    return chosen[chosen["reactor_model"].notna() & (chosen["reactor_model"] != "")]


# --- reactor_vendors ---------------------------------------------------------------------------------


def split_unit_rows(vendors):
    """(model rows, unit rows): a unit row is keyed 'MODEL [units: A, B]' and gives the vendor of those units."""
    is_unit_row = vendors["reactor_model"].str.match(UNIT_ROW.pattern)
    return vendors[~is_unit_row], vendors[is_unit_row]


def test_every_model_of_2011_has_exactly_one_vendor_row(units, vendors):
    expected = set(models_of_2011(units)["reactor_model"])
    assert vendors["reactor_model"].is_unique
    model_rows, _ = split_unit_rows(vendors)
    assert expected - set(model_rows["reactor_model"]) == set(), "models with no vendor row"
    assert set(model_rows["reactor_model"]) - expected == set(), "vendor rows for models not in service or building"


def test_unit_rows_name_units_of_2011_that_carry_their_model(units, vendors):
    """A unit row overrides its model's row for the units it names: each must exist, carry that model and have
    been in service or under construction in 2011, and the unit row's vendor must differ from the model row's."""
    chosen = models_of_2011(units).set_index("unit")["reactor_model"]
    model_rows, unit_rows = split_unit_rows(vendors)
    by_model = model_rows.set_index("reactor_model")
    assert len(unit_rows) >= 1
    for key, vendor in zip(unit_rows["reactor_model"], unit_rows["vendor_country"]):
        match = UNIT_ROW.match(key)
        for unit in (name.strip() for name in match["units"].split(",")):
            assert chosen.get(unit) == match["model"], (key, unit)
        assert by_model.loc[match["model"], "vendor_country"] != vendor, key


def test_doel_3_and_tihange_2_are_framatome_designs(units, vendors):
    """Fact sheet part 2, corrections of Dec 2026 (Tractebel): Doel 3 and Tihange 2 are three-loop Framatome
    designs; under the licensee rule Belgium has 4 US-designed and 3 French-designed units in service in 2011."""
    from after_fukushima import figures

    designs = figures.designed_abroad(units, vendors).set_index("unit")
    assert designs.loc[["Doel-3", "Tihange-2"], "vendor_country"].tolist() == ["France", "France"]
    assert designs.loc[["Doel-4", "Tihange-3"], "vendor_country"].tolist() == ["United States"] * 2
    belgium = designs[designs["country"] == "Belgium"]["vendor_country"].value_counts()
    assert belgium.to_dict() == {"United States": 4, "France": 3}


def test_the_reactor_type_agrees_with_the_units_that_carry_the_model(units, vendors):
    carried = models_of_2011(units).groupby("reactor_model")["reactor_type"].agg(set)
    for row in vendors.itertuples():
        match = UNIT_ROW.match(row.reactor_model)
        model = match["model"] if match else row.reactor_model
        assert carried[model] == {row.reactor_type}, row.reactor_model


def test_vendor_countries_are_spelled_as_in_reactor_units(units, vendors):
    known = set(units["country"]) | ALSO_ALLOWED_COUNTRIES
    assert set(vendors["vendor_country"]) - known == set()


def test_soviet_designs_say_that_russia_stands_for_the_ussr(vendors):
    soviet = vendors[
        vendors["design_family"].isin(["RBMK", "EGP"])
        | vendors["reactor_model"].isin(["VVER V-230", "VVER V-213", "VVER V-320", "BN-600"])
    ]
    assert len(soviet) == 7
    assert (soviet["vendor_country"] == "Russia").all()
    assert soviet["note"].str.contains("Soviet design; vendor country given as Russia").all()


def test_vendor_facts_from_the_fact_sheet(vendors):
    row = vendors.set_index("reactor_model")
    assert row.loc["AP-1000", "original_vendor"] == "Westinghouse Electric"
    assert "Oct 2006" in row.loc["AP-1000", "note"]  # Toshiba-owned from October 2006 (fact sheet §4a)
    assert row.loc["EPR", "vendor_country"] == "France" and "Siemens 34%" in row.loc["EPR", "note"]
    assert "held the stake until the sale to Areva was completed in March 2011" in row.loc["EPR", "note"]
    assert "until its 2009 exit" not in row.loc["EPR-1750", "note"]  # Siemens held its stake until March 2011
    assert "settled on 16 Jan 2025" in row.loc["APR-1400", "note"]  # Westinghouse v KEPCO/KHNP, fact sheet §4b
    assert "System 80" in row.loc["APR-1400", "note"] and "System 80" in row.loc["OPR-1000", "note"]
    assert "M310" in row.loc["CPR-1000", "note"]
    assert row.loc["CANDU 6", "original_vendor"].startswith("Atomic Energy of Canada Limited")


def test_every_row_names_a_source_and_a_confidence(vendors, instruments):
    for table in (vendors, instruments):
        assert table["source"].notna().all() and (table["source"].str.strip() != "").all()
    assert set(vendors["confidence"]) <= {"verified", "partially"}
    partially = vendors[vendors["confidence"] == "partially"]
    assert partially["note"].notna().all(), "a 'partially' row must say why in its note"


# --- safety_instruments ------------------------------------------------------------------------------


def test_no_instrument_enters_into_force_before_it_is_adopted(instruments):
    both = instruments.dropna(subset=["adopted", "in_force"])
    assert len(both) >= 5
    assert (both["in_force"] >= both["adopted"]).all()


def test_addresses_uses_the_fixed_vocabulary_and_preceded_by_names_a_crisis(instruments):
    for name, addresses in instruments["addresses"].dropna().items():
        items = addresses.split("; ")
        assert set(items) <= set(SAFETY_NEEDS) and len(items) == len(set(items)), name
    assert set(instruments["preceded_by"].dropna()) <= {"Chernobyl", "Fukushima"}
    assert set(instruments["kind"]) <= set(INSTRUMENT_KINDS)


def test_what_preceded_the_instruments_is_what_the_fact_sheet_says(instruments):
    chernobyl = {
        "Convention on Early Notification of a Nuclear Accident",
        "Convention on Assistance in the Case of a Nuclear Accident or Radiological Emergency",
        "Convention on Nuclear Safety",
        "Convention on Nuclear Safety review meetings",
    }
    assert set(instruments.index[instruments["preceded_by"] == "Chernobyl"]) == chernobyl
    adopted_2011 = instruments[instruments["adopted"].dt.year == 2011]
    assert (adopted_2011["preceded_by"] == "Fukushima").all()


def date_of(instruments, name, column):
    value = instruments.loc[name, column]
    return None if pd.isna(value) else value.date().isoformat()


def test_the_dates_added_match_the_fact_sheet(instruments):
    cns = "Convention on Nuclear Safety"
    assert (date_of(instruments, cns, "adopted"), date_of(instruments, cns, "in_force")) == ("1994-06-17", "1996-10-24")
    meetings = instruments.loc["Convention on Nuclear Safety review meetings"]
    assert "every three years" in meetings["what_it_does"]
    assert "April 1999" in meetings["what_it_does"] and "4-14 April 2011" in meetings["what_it_does"]

    directive = "Euratom Directive 2009/71 (nuclear safety framework)"
    assert date_of(instruments, directive, "adopted") == "2009-06-25"
    assert date_of(instruments, directive, "in_force") is None  # the fact sheet gives no entry-into-force day
    text = instruments.loc[directive, "what_it_does"]
    assert "22 July 2011" in text and "every ten years" in text and "independent regulator" in text
    assert instruments.loc[directive, "binding"] == "yes"
    assert date_of(instruments, "Euratom Directive 2014/87 (amending 2009/71)", "adopted") == "2014-07-08"

    osart = "Operational Safety Review Team (OSART)"
    # The fact sheet gives only the year the programme started (1982), so no day is stored for it.
    assert date_of(instruments, osart, "adopted") is None
    assert "began in 1982" in instruments.loc[osart, "what_it_does"]
    assert "Kori (South Korea) in August 1983" in instruments.loc[osart, "what_it_does"]

    assert date_of(instruments, "IAEA safety standards", "adopted") is None  # only "December 1958" is known
    assert "December 1958" in instruments.loc["IAEA safety standards", "what_it_does"]
    assert instruments.loc["IAEA safety standards", "binding"] == "no"
