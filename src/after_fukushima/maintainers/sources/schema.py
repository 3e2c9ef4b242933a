"""Pieces shared by the table builders: schema fields, licences, and the sources they cite."""

import pandas as pd


def field(name, kind, description, unit=None, **constraints):
    """One schema field in the Frictionless Table Schema form (constraints such as required, enum, minimum)."""
    entry = {"name": name, "type": kind, "description": description}
    if unit:
        entry["unit"] = unit
    if constraints:
        entry["constraints"] = constraints
    return entry


def resource(name, title, description, fields, sources, licences, primary_key=None) -> dict:
    schema = {"fields": fields}
    if primary_key:
        schema["primaryKey"] = primary_key
    return {
        "name": name,
        "title": title,
        "description": description,
        "sources": sources,
        "licenses": licences,
        "schema": schema,
    }


def with_columns(table: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    """The table's columns in schema order, and nothing else."""
    return table[[f["name"] for f in fields]]


CC_BY = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
ODBL = {
    "name": "ODbL-1.0",
    "title": "Open Data Commons Open Database License 1.0",
    "path": "https://opendatacommons.org/licenses/odbl/1-0/",
}
PUBLIC_DOMAIN = {
    "name": "PDDL-1.0",
    "title": "Public domain (Natural Earth)",
    "path": "https://www.naturalearthdata.com/about/terms-of-use/",
}
COURSE_TEXT = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 (the course's own text)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

OWID_2026 = {
    "name": "owid-energy-2026",
    "title": "Our World in Data, energy dataset, release of 2026-01-28 (owid/energy-data commit fca8f40)",
    "path": "https://github.com/owid/energy-data",
    "version": "2026-01-28",
    "attribution": "Our World in Data energy dataset (Ember; Energy Institute), CC BY 4.0",
}
OWID_2020 = {
    "name": "owid-energy-2020",
    "title": "Our World in Data, energy dataset, first release of September 2020 (BP Statistical Review 2020; Ember)",
    "path": "https://github.com/owid/energy-data",
    "version": "2020-09",
    "attribution": "Our World in Data energy dataset (BP; Ember), CC BY 4.0",
}
GEONUCLEARDATA = {
    "name": "geonucleardata",
    "title": "GeoNuclearData, database version 0.17.17 (IAEA PRIS update of 2024-03-02)",
    "path": "https://github.com/cristianst85/GeoNuclearData",
    "version": "0.17.17 (commit 1bc8b4a)",
    "attribution": "GeoNuclearData (from IAEA PRIS and WNA), ODbL 1.0",
}
NATURAL_EARTH = {
    "name": "natural-earth",
    "title": "Natural Earth 1:110m admin-0 countries, v4.0.0 (GeoJSON by martynafford/natural-earth-geojson)",
    "path": "https://www.naturalearthdata.com/",
    "version": "4.0.0",
    "attribution": "Natural Earth (public domain)",
}
COURSE_COMPILED = {
    "name": "course-compiled",
    "title": "Compiled by the course authors from public sources, each named in the row's source column",
    "path": "curation/README.md",
    "attribution": "The course's own table, compiled from public sources (each row names its source)",
}
REPORT = {
    "name": "china-daily-2011-05-25",
    "title": "Zhou Wa and Zhang Chunyan, 'Nuke safety cooperation mechanism \"key issue\"', China Daily, 25 May 2011",
    "path": "http://www.chinadaily.com.cn/cndy/2011-05/25/content_12573607.htm",
    "attribution": "China Daily, 25 May 2011 (paraphrased by the course authors)",
}
