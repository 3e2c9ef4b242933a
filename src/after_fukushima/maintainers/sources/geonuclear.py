"""Reactor fleets by country and year, and plant sites for a world map, from GeoNuclearData (ODbL).

A reactor counts as in service (the IAEA's 'operable') on a date D when it entered commercial operation on or
before D and was not permanently shut down by D, whether or not it generated that day
(OperationalFrom <= D < OperationalTo). The current Status column is ignored for history: it says where each
unit stood in March 2024.
"""

import json
import re
from pathlib import Path

import pandas as pd

from after_fukushima.maintainers.sources.owid import joined as owid_joined
from after_fukushima.maintainers.sources.schema import GEONUCLEARDATA, ODBL, field, resource, with_columns

ACCIDENT_DAY = pd.Timestamp("2011-03-11")
LAST_FULL_YEAR = 2023  # the snapshot is of March 2024
GAPS = (
    "Known gaps: Palisades (USA, operated 1971-2022) has no start date in the source, so US counts are one "
    "too low from 1971 (103 instead of 104 at the end of 2010); Japanese reactors idle since 2011 but never "
    "formally retired count as in service, because 'in service' means 'not permanently shut down', not "
    "'generating'; Monju never entered commercial operation and is never counted."
)


def units(sources: Path) -> pd.DataFrame:
    """One row per reactor unit, with dates parsed and the country named and coded as in the OWID tables."""
    frame = pd.read_csv(sources / "geonucleardata" / "nuclear_power_plants_denormalized.csv")
    for column in ("ConstructionStartAt", "OperationalFrom", "OperationalTo"):
        frame[column] = pd.to_datetime(frame[column])
    outlines = json.loads((sources / "natural_earth" / "ne_110m_admin_0_countries_trimmed.geojson").read_text("utf-8"))
    alpha3 = {f["properties"]["iso_a2_fixed"]: f["properties"]["iso_a3_fixed"] for f in outlines["features"]}
    frame["iso_code"] = frame["CountryCode"].map(alpha3)
    if frame["iso_code"].isna().any():
        missing = sorted(frame.loc[frame["iso_code"].isna(), "CountryCode"].unique())
        raise SystemExit(f"GeoNuclearData country codes with no ISO alpha-3 code: {missing}")
    owid = owid_joined(sources)
    names = dict(zip(owid["iso_code"], owid["country"]))
    frame["country"] = [names.get(code, name) for code, name in zip(frame["iso_code"], frame["Country"])]
    return frame


def in_service_on(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return (frame["OperationalFrom"] <= day) & (frame["OperationalTo"].isna() | (frame["OperationalTo"] > day))


def reactor_fleet(sources: Path):
    frame = units(sources)
    started = frame[frame["OperationalFrom"].notna()]
    rows = []
    for (country, code), group in [*started.groupby(["country", "iso_code"]), (("World", "OWID_WRL"), started)]:
        for year in range(group["OperationalFrom"].min().year, LAST_FULL_YEAR + 1):
            running = group[in_service_on(group, pd.Timestamp(year=year, month=12, day=31))]
            rows.append(
                {
                    "country": country,
                    "iso_code": code,
                    "year": year,
                    "reactors": len(running),
                    "net_capacity_mw": int(running["Capacity"].sum()),
                }
            )
    fields = [
        field("country", "string", "Country name, spelled as in nuclear_share", required=True),
        field("iso_code", "string", "ISO 3166-1 alpha-3 code (OWID_WRL for World)", required=True),
        field(
            "year",
            "integer",
            "The year whose 31 December the counts describe",
            required=True,
            minimum=1950,
            maximum=LAST_FULL_YEAR,
        ),
        field(
            "reactors",
            "integer",
            "Reactor units in commercial operation and not permanently shut down on 31 December",
            required=True,
            minimum=0,
        ),
        field(
            "net_capacity_mw",
            "integer",
            "Sum of the design net electrical capacity of those units",
            "MW",
            required=True,
            minimum=0,
        ),
    ]
    description = (
        "Reactors in service and their net capacity per country at each year end, from the country's first "
        f"commercial reactor to {LAST_FULL_YEAR}, plus World. Method: a unit counts on 31 December of a year if "
        "its commercial operation began on or before that day and it had not been permanently shut down by then "
        "(GeoNuclearData's OperationalFrom and OperationalTo, which follow IAEA PRIS). " + GAPS
    )
    table = pd.DataFrame(rows).sort_values(["country", "year"]).reset_index(drop=True)
    return with_columns(table, fields), resource(
        "reactor_fleet",
        "Reactors in service and net capacity by country at each year end",
        description,
        fields,
        [GEONUCLEARDATA],
        [ODBL],
        ["iso_code", "year"],
    )


def reactor_units(sources: Path):
    frame = units(sources)
    frame["site"] = frame["Name"].map(site_name)
    for column in ("ConstructionStartAt", "OperationalFrom", "OperationalTo"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    table = frame.rename(
        columns={
            "Name": "unit",
            "ReactorType": "reactor_type",
            "ReactorModel": "reactor_model",
            "Capacity": "net_capacity_mw",
            "ConstructionStartAt": "construction_start",
            "OperationalFrom": "commercial_operation",
            "OperationalTo": "permanent_shutdown",
            "Status": "status_2024",
            "IAEAId": "pris_id",
        }
    )
    table["net_capacity_mw"] = table["net_capacity_mw"].astype("Int64")
    table["pris_id"] = table["pris_id"].astype("Int64")
    fields = [
        field("unit", "string", "Reactor unit name", required=True),
        field(
            "site", "string", "Plant site (the unit name without its unit number), as in reactor_sites", required=True
        ),
        field("country", "string", "Country name, spelled as in nuclear_share", required=True),
        field("iso_code", "string", "ISO 3166-1 alpha-3 code", required=True),
        field(
            "reactor_type",
            "string",
            "Reactor design family: PWR (pressurised water), BWR (boiling water, "
            "the design of Fukushima Daiichi), PHWR (pressurised heavy water), GCR, LWGR (graphite, e.g. "
            "Chernobyl's RBMK), FBR (fast breeder) and others",
        ),
        field("reactor_model", "string", "Vendor's model, where known (e.g. BWR-3, VVER-1000)"),
        field("net_capacity_mw", "integer", "Design net electrical capacity", "MW", minimum=0),
        field("construction_start", "date", "Start of construction"),
        field("commercial_operation", "date", "Start of commercial operation"),
        field("permanent_shutdown", "date", "Permanent shutdown"),
        field("status_2024", "string", "Status in March 2024", required=True),
        field("pris_id", "integer", "The unit's number in IAEA PRIS"),
    ]
    description = (
        "Every reactor unit in GeoNuclearData (power reactors, from the first in 1954 to those planned in 2024), "
        "with its design, capacity and dates: the table behind reactor_fleet and reactor_sites. "
        "To count units in service on a day D: commercial_operation <= D and (permanent_shutdown is empty or "
        "later than D). " + GAPS
    )
    table = table.sort_values(["country", "unit"]).reset_index(drop=True)
    return with_columns(table, fields), resource(
        "reactor_units",
        "Nuclear power reactor units: design, capacity and dates",
        description,
        fields,
        [GEONUCLEARDATA],
        [ODBL],
        ["unit", "iso_code"],
    )


SITE_STATUS_2011 = ["in service", "under construction", "shut down"]
SITE_STATUS_NOW = ["operating", "suspended", "under construction", "shut down"]


def site_name(unit_name: str) -> str:
    """The site of a unit's name.

    'Fukushima-Daiichi-1' -> 'Fukushima-Daiichi'; 'Daya Bay-1 (Guangdong-1)' -> 'Daya Bay'; 'Biblis-A' -> 'Biblis'.
    """
    name = re.sub(r"\s*\(.*\)$", "", unit_name).strip()
    return re.sub(r"(-[A-Z]?\d*[A-Z]?\d*|\s\d+)$", "", name).strip() or name


def _status_2011(group: pd.DataFrame) -> str:
    if in_service_on(group, ACCIDENT_DAY).any():
        return "in service"
    building = (group["ConstructionStartAt"] <= ACCIDENT_DAY) & ~(group["OperationalTo"] <= ACCIDENT_DAY)
    if building.any():
        return "under construction"
    if (group["OperationalTo"] <= ACCIDENT_DAY).any():
        return "shut down"
    return ""  # nothing there yet: the site is left out of the 2011 map


def _status_now(statuses: set[str]) -> str:
    for status, label in [
        ("Operational", "operating"),
        ("Suspended Operation", "suspended"),
        ("Under Construction", "under construction"),
    ]:
        if status in statuses:
            return label
    return "shut down"


def reactor_sites(sources: Path):
    frame = units(sources)
    frame = frame[
        frame["Latitude"].notna() & frame["OperationalFrom"].notna()
        | frame["Latitude"].notna() & (frame["Status"] == "Under Construction")
    ].copy()
    frame["site"] = frame["Name"].map(site_name)
    rows = []
    for (code, site), group in frame.groupby(["iso_code", "site"]):
        running_2011 = group[in_service_on(group, ACCIDENT_DAY)]
        running_now = group[group["Status"] == "Operational"]
        rows.append(
            {
                "site": site,
                "country": group["country"].iloc[0],
                "iso_code": code,
                "latitude": round(group["Latitude"].mean(), 4),
                "longitude": round(group["Longitude"].mean(), 4),
                "units": len(group),
                "units_in_service_2011": len(running_2011),
                "capacity_in_service_2011_mw": int(running_2011["Capacity"].sum()),
                "status_2011": _status_2011(group),
                "units_operating_now": len(running_now),
                "capacity_operating_now_mw": int(running_now["Capacity"].sum()),
                "status_now": _status_now(set(group["Status"])),
            }
        )
    fields = [
        field("site", "string", "Plant site: the unit name without its unit number", required=True),
        field("country", "string", "Country name, spelled as in nuclear_share", required=True),
        field("iso_code", "string", "ISO 3166-1 alpha-3 code", required=True),
        field(
            "latitude",
            "number",
            "Mean latitude of the site's units (approximate)",
            "degrees",
            required=True,
            minimum=-90,
            maximum=90,
        ),
        field(
            "longitude",
            "number",
            "Mean longitude of the site's units (approximate)",
            "degrees",
            required=True,
            minimum=-180,
            maximum=180,
        ),
        field(
            "units",
            "integer",
            "Units at the site that have operated or are under construction",
            required=True,
            minimum=1,
        ),
        field(
            "units_in_service_2011",
            "integer",
            "Units in service on 11 March 2011 (not permanently shut down; not necessarily generating)",
            required=True,
            minimum=0,
        ),
        field("capacity_in_service_2011_mw", "integer", "Their design net capacity", "MW", required=True, minimum=0),
        field(
            "status_2011",
            "string",
            "The site on 11 March 2011 (empty: nothing built or building yet)",
            enum=SITE_STATUS_2011,
        ),
        field(
            "units_operating_now",
            "integer",
            "Units with the status Operational in March 2024",
            required=True,
            minimum=0,
        ),
        field("capacity_operating_now_mw", "integer", "Their design net capacity", "MW", required=True, minimum=0),
        field(
            "status_now",
            "string",
            "The site in March 2024: its most active unit's status",
            required=True,
            enum=SITE_STATUS_NOW,
        ),
    ]
    description = (
        "One row per nuclear power plant site, for maps: where it is, how many units it has, and what it was "
        "doing on 11 March 2011 and in March 2024. Units are grouped into sites by name. Planned units, and the "
        "few units without coordinates, are left out. Coordinates are approximate. " + GAPS
    )
    table = pd.DataFrame(rows).sort_values(["country", "site"]).reset_index(drop=True)
    return with_columns(table, fields), resource(
        "reactor_sites",
        "Nuclear power plant sites, in March 2011 and March 2024",
        description,
        fields,
        [GEONUCLEARDATA],
        [ODBL],
        ["iso_code", "site"],
    )
