"""Load the course's tables from data/, typed and checked by the schemas in data/datapackage.json.

    >>> shares = load_table("nuclear_share")

A missing or damaged file gives a CourseError that names the file, the row and the column.
"""

import csv
import json
import math
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from after_fukushima import paths
from after_fukushima.errors import CourseError

REPAIR_HINT = "Restore it from the course repository (for example `git checkout -- data/`), then run the cell again."


def datapackage() -> dict:
    """The data package descriptor (data/datapackage.json) as a dictionary."""
    path = paths.data_dir() / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"data/datapackage.json is missing. {REPAIR_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"data/datapackage.json is damaged ({exc}). {REPAIR_HINT}") from None


def table_names() -> list[str]:
    """The tables load_table can load (every CSV resource)."""
    return [resource["name"] for resource in datapackage()["resources"] if resource.get("format") == "csv"]


def resource(name: str) -> dict:
    """The datapackage.json entry for one table."""
    for entry in datapackage()["resources"]:
        if entry["name"] == name:
            return entry
    known = ", ".join(entry["name"] for entry in datapackage()["resources"])
    raise CourseError(f"There is no data called '{name}'. The names are: {known}.")


def source_line(*names: str) -> str:
    """'Source: …' text for figures drawn from these tables, from their attribution in datapackage.json."""
    credits: list[str] = []
    for name in names:
        for source in resource(name).get("sources", []):
            text = source.get("attribution") or source["title"]
            if text not in credits:
                credits.append(text)
    return "Source: " + "; ".join(credits)


# --- reading and typing ---------------------------------------------------------------------------


def _convert(text: str, field: dict):
    """One CSV cell to its schema type; raises ValueError with a short reason."""
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        number = float(text)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError("expected true or false")
        return text == "true"
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("a time needs its UTC offset, for example +09:00")
        return moment
    raise ValueError(f"unknown schema type '{kind}'")


def _check_constraints(value, field: dict) -> None:
    rules = field.get("constraints", {})
    if "enum" in rules and value not in rules["enum"]:
        raise ValueError("expected one of " + ", ".join(map(str, rules["enum"])))
    if "minimum" in rules and value < _bound(rules["minimum"], field):
        raise ValueError(f"below the minimum {rules['minimum']}")
    if "maximum" in rules and value > _bound(rules["maximum"], field):
        raise ValueError(f"above the maximum {rules['maximum']}")
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        raise ValueError(f"does not match the pattern {rules['pattern']}")


def _bound(limit, field):
    return _convert(str(limit), field) if field.get("type") in ("date", "datetime") else limit


def _read_rows(path: Path, relative: str) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise CourseError(f"{relative} is missing. {REPAIR_HINT}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CourseError(f"{relative} cannot be read as CSV text ({exc}). {REPAIR_HINT}") from None
    if not rows:
        raise CourseError(f"{relative} is empty. {REPAIR_HINT}")
    return rows[0], rows[1:]


def _typed_column(values: list, field: dict) -> pd.Series:
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return pd.Series(values, dtype="Int64")
    if kind == "number":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    if kind == "string":
        return pd.Series(values, dtype="string")
    return pd.Series(values, dtype="object")


def load_table(name: str) -> pd.DataFrame:
    """Load one table from data/ by its name in datapackage.json, with the schema's types.

    Integers become pandas' nullable Int64, numbers float64, dates datetime64, text the string type,
    and times with an offset stay Python datetimes. Empty cells are missing values.
    """
    entry = resource(name)
    if entry.get("format") != "csv":
        raise CourseError(f"'{name}' is not a table but {entry.get('format')} data: use load_geojson('{name}').")
    return read_table(paths.data_dir() / entry["path"], entry)


def load_geojson(name: str) -> dict:
    """Load map data (GeoJSON) from data/ by its name in datapackage.json, e.g. 'country_outlines'."""
    entry = resource(name)
    relative = f"data/{entry['path']}"
    try:
        content = json.loads((paths.data_dir() / entry["path"]).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{relative} is missing. {REPAIR_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{relative} is damaged ({exc}). {REPAIR_HINT}") from None
    if content.get("type") != "FeatureCollection" or not isinstance(content.get("features"), list):
        raise CourseError(f"{relative} is not a GeoJSON FeatureCollection. {REPAIR_HINT}")
    return content


def read_table(path: Path, entry: dict) -> pd.DataFrame:
    """Read one CSV file and check it against its datapackage.json entry (used by load_table and build_data)."""
    relative = f"data/{entry['path']}"
    header, rows = _read_rows(path, relative)
    fields = entry["schema"]["fields"]
    missing = [f["name"] for f in fields if f["name"] not in header]
    if missing:
        raise CourseError(
            f"{relative} has no column '{missing[0]}', which data/datapackage.json expects. {REPAIR_HINT}"
        )
    position = {column: index for index, column in enumerate(header)}
    columns: dict[str, list] = {f["name"]: [] for f in fields}
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise CourseError(
                f"{relative}, row {line}: {len(row)} values where the header has {len(header)} columns. {REPAIR_HINT}"
            )
        for field in fields:
            text = row[position[field["name"]]]
            if text == "":
                if field.get("constraints", {}).get("required"):
                    raise CourseError(
                        f"{relative}, row {line}, column '{field['name']}': the value is missing. {REPAIR_HINT}"
                    )
                columns[field["name"]].append(None)
                continue
            try:
                value = _convert(text, field)
                _check_constraints(value, field)
            except ValueError as exc:
                raise CourseError(
                    f"{relative}, row {line}, column '{field['name']}': '{text}' is not a valid "
                    f"{field.get('type', 'string')} ({exc}). {REPAIR_HINT}"
                ) from None
            columns[field["name"]].append(value)
    return pd.DataFrame(
        {column: _typed_column(values, field) for field, (column, values) in zip(fields, columns.items())}
    )
