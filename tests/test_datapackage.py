"""data/ as a Frictionless Data Package: valid, fully described, and in agreement with the checked facts.

The expected figures below are inputs from the course's fact sheet (each with its source in curation/ or
teacher/answer_key.md), not outputs copied from the data: the tests compare the two.
"""

import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import frictionless
import pytest

from after_fukushima import load_table
from after_fukushima.data import datapackage

ROOT = Path(__file__).resolve().parents[1]
ODBL_TABLES = {"reactor_units", "reactor_fleet", "reactor_sites"}


def test_the_package_is_valid():
    report = frictionless.validate(ROOT / "data" / "datapackage.json")
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "message"])[:5]


def test_every_resource_names_its_source_licence_and_describes_its_fields():
    for entry in datapackage()["resources"]:
        assert entry.get("title") and len(entry.get("description", "")) > 80, entry["name"]
        assert entry["sources"] and all(s.get("title") and s.get("path") for s in entry["sources"]), entry["name"]
        assert all(s.get("attribution") for s in entry["sources"]), f"{entry['name']}: no text for under figures"
        licences = entry["licenses"]
        assert licences and all(lic.get("name") and lic.get("path") for lic in licences), entry["name"]
        for column in entry.get("schema", {}).get("fields", []):
            assert column.get("description"), f"{entry['name']}.{column['name']} has no description"
        if entry["name"] in ODBL_TABLES:  # GeoNuclearData's licence is share-alike
            assert [lic["name"] for lic in entry["licenses"]] == ["ODbL-1.0"]


def test_the_readme_lists_every_table():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for entry in datapackage()["resources"]:
        assert f"`{entry['name']}`" in readme, f"data/README.md does not describe {entry['name']}"


def _validate_damaged(tmp_path, damage) -> list[tuple]:
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    path = copy / "reactor_fleet.csv"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid
    return [
        (task.name, getattr(error, "row_number", None), getattr(error, "field_name", None), error.type)
        for task in report.tasks
        for error in task.errors
    ]


def test_a_bad_value_is_caught_with_file_row_and_column(tmp_path):
    def damage(text):
        lines = text.splitlines(keepends=True)
        cells = lines[9].split(",")
        cells[3] = "many"
        lines[9] = ",".join(cells)
        return "".join(lines)

    errors = _validate_damaged(tmp_path, damage)
    assert ("reactor_fleet", 10, "reactors", "type-error") in errors
    assert ("reactor_fleet", None, None, "hash-count") in errors


def test_a_truncated_table_is_caught(tmp_path):
    cut_mid_row = _validate_damaged(tmp_path / "mid", lambda text: text[:1000])
    assert ("reactor_fleet", 40, "reactors", "missing-cell") in cut_mid_row
    cut_at_a_line_end = _validate_damaged(tmp_path / "end", lambda text: "".join(text.splitlines(keepends=True)[:40]))
    assert ("reactor_fleet", None, None, "byte-count") in cut_at_a_line_end


# --- cross-checks against the fact sheet -------------------------------------------------------------


def fleet(country, year):
    table = load_table("reactor_fleet")
    return table[(table["country"] == country) & (table["year"] == year)]["reactors"].item()


def test_germany_lost_eight_reactors_in_2011():
    # 17 reactors before the accident; 8 shut under the moratorium and the law of 30 June 2011.
    assert fleet("Germany", 2010) == 17
    assert fleet("Germany", 2011) == 9
    assert fleet("Germany", 2023) == 0  # the last three shut on 15 April 2023


def test_the_world_fleet_at_the_end_of_2010():
    # PRIS reported 441 at the end of 2010 (WNA: 441-443 operable in early 2011).
    assert fleet("World", 2010) == 441
    assert fleet("Japan", 2010) == 54 and fleet("France", 2010) == 58
    assert fleet("United States", 2010) == 103  # PRIS: 104; Palisades has no start date (schema says so)


def test_sites_include_fukushima_daiichi_with_six_units():
    sites = load_table("reactor_sites").set_index("site")
    daiichi = sites.loc["Fukushima Daiichi"]
    assert (daiichi["units"], daiichi["units_in_service_2011"], daiichi["status_now"]) == (6, 6, "shut down")
    assert 37 < daiichi["latitude"] < 38 and 140.5 < daiichi["longitude"] < 141.5


@pytest.mark.parametrize(
    "event, level, rating",
    [
        ("Chernobyl unit 4", 7, "official"),
        ("Fukushima Daiichi units 1-3", 7, "official, provisional"),
        ("Kyshtym (Mayak)", 6, "official"),
        ("Three Mile Island unit 2", 5, "official"),
        ("Windscale Pile 1", 5, "official"),
        ("Chalk River NRX reactor", 5, "unofficial"),
    ],
)
def test_ines_levels(event, level, rating):
    row = load_table("nuclear_accidents").set_index("event").loc[event]
    assert (row["ines_level"], row["rating"]) == (level, rating)


def test_key_dates_of_the_accident():
    timeline = load_table("fukushima_timeline")
    first = timeline.iloc[0]
    assert first["time"].astimezone(UTC) == datetime(2011, 3, 11, 5, 46, tzinfo=UTC)
    assert first["time"].utcoffset() == timedelta(hours=9)
    explosions = timeline[timeline["category"] == "explosion"]
    assert explosions.iloc[0]["time"] == datetime(2011, 3, 12, 15, 36, tzinfo=timezone(timedelta(hours=9)))
    assert list(explosions["unit"]) == ["1", "3", "4"]  # unit 2's building did not explode (facts sheet)
    assert timeline.iloc[-1]["date"].date().isoformat() == "2011-12-16"  # cold shutdown
    level_7 = timeline[timeline["event"].str.contains("level 7")]
    assert level_7["date"].dt.date.astype(str).tolist() == ["2011-04-12"]


def test_key_dates_of_the_responses():
    instruments = load_table("safety_instruments").set_index("name")
    assert (
        instruments.loc["G8 Deauville Declaration (nuclear safety section)", "adopted"].date().isoformat()
        == "2011-05-27"
    )
    assert instruments.loc["Convention on Nuclear Safety", "in_force"].date().isoformat() == "1996-10-24"
    responses = load_table("national_responses")
    germany = responses[responses["country"] == "Germany"]
    assert germany["date"].min().date().isoformat() == "2011-03-14"
    required = {
        "Germany",
        "Japan",
        "Switzerland",
        "Italy",
        "China",
        "Belgium",
        "Taiwan",
        "France",
        "United States",
        "United Kingdom",
        "South Korea",
    }
    assert required <= set(responses["country"])


@pytest.mark.parametrize(
    "country, share",
    [
        ("Germany", 22.5),
        ("France", 75.9),
        ("Japan", 25.2),
        ("Belgium", 50.9),
        ("Switzerland", 39.2),
        ("South Korea", 30.2),
        ("United States", 19.6),
        ("China", 1.8),
        ("India", 2.8),
        ("World", 12.9),
    ],
)
def test_nuclear_shares_in_2010_agree_with_the_fact_sheet(country, share):
    # The fact sheet's figures come from OWID's 2022 BP & Ember file; releases differ by under 0.75 points.
    table = load_table("nuclear_share")
    ours = table[(table["country"] == country) & (table["year"] == 2010)]["nuclear_share_pct"].item()
    assert abs(ours - share) < 0.75


def test_the_two_owid_releases_are_marked_and_world_comes_from_2020():
    table = load_table("nuclear_share")
    assert set(table["release"]) == {"OWID 2020-09 release", "OWID 2026-01 release"}
    assert (table.loc[table["year"] < 2000, "release"] == "OWID 2020-09 release").all()
    world = table[table["country"] == "World"]
    assert world["year"].min() == 1965 and world["year"].max() == 2019


def test_earthquakes_and_the_energy_of_a_magnitude_step():
    quakes = load_table("largest_earthquakes").set_index("name")
    assert quakes["magnitude"].max() == quakes.loc["Valdivia", "magnitude"] == 9.5
    assert quakes.loc["Tōhoku", "magnitude"] == 9.1 and "9.0" in quakes.loc["Tōhoku", "note"]
    assert round(10**1.5, 1) == 31.6  # the energy ratio the schema description quotes


def test_outlines_have_fixed_codes_for_france_and_norway():
    outlines = json.loads((ROOT / "data" / "country_outlines.geojson").read_text(encoding="utf-8"))
    codes = {f["properties"]["iso_code"] for f in outlines["features"]}
    assert {"FRA", "NOR", "JPN", "DEU"} <= codes and "-99" not in codes
    assert len(outlines["features"]) == 177
    sites = set(load_table("reactor_sites")["iso_code"])
    assert sites <= codes  # every country with a plant can be drawn
