"""Load the course's tables from data/, typed and checked by the schemas in data/datapackage.json.

    >>> shares = load_table("nuclear_share")

A missing or damaged file gives a CourseError that names the file (and the row and the column) and what to do,
whatever another program made of it: saved in another encoding (Windows-1252, UTF-16), with semicolons or tabs
between values, decimal commas, cut short, empty, an empty line, a zero byte (NUL) anywhere, a folder in its
place, or no permission to read it. A UTF-8 byte-order mark (Notepad), Windows line ends and blank lines at the end
(as editors leave them) are read as they are.
"""

import csv
import io
import json
import math
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from after_fukushima import paths
from after_fukushima.errors import CourseError

REPAIR_HINT = "Restore it from the course repository (for example `git checkout -- data/`), then run the cell again."
RESAVE_HINT = (
    "Open it in a text editor and save it with the encoding UTF-8 (in Excel: CSV UTF-8), or restore it from the "
    "course repository (for example `git checkout -- data/`), then run the cell again."
)
DESCRIPTOR = "data/datapackage.json"


def _read_text(path: Path, relative: str, kind: str) -> str:
    """The text of a file of data/, decoded as UTF-8 (a byte-order mark is dropped). Raises CourseError naming
    ``relative`` (its name in the course folder) and what to do; ``kind`` is what it should hold ("CSV text")."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(f"{relative} is missing. {REPAIR_HINT}") from None
    except IsADirectoryError:
        raise CourseError(f"{relative} is a folder, not a file: move that folder away. {REPAIR_HINT}") from None
    except PermissionError:
        raise CourseError(
            f"{relative} cannot be read: you have no permission to read it. Give yourself that permission (or ask "
            "whoever set up the computer), or restore the file from the course repository."
        ) from None
    except OSError as exc:
        raise CourseError(f"{relative} cannot be read ({exc.strerror or exc}). {REPAIR_HINT}") from None
    if not raw.strip():
        raise CourseError(f"{relative} is empty. {REPAIR_HINT}")
    start = raw[:1000]
    zeros = sorted((start[::2].count(0), start[1::2].count(0)))  # UTF-16 without its mark: every other byte 0
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (zeros[0] <= len(start) / 50 < len(start) / 3 < zeros[1]):
        raise CourseError(
            f"{relative} is saved as UTF-16 (Excel's Unicode Text, Notepad's Unicode), not as UTF-8. {RESAVE_HINT}"
        )
    if b"\x00" in start:
        raise CourseError(
            f"{relative} cannot be read as {kind}: it is not a text file (a workbook or an image saved under its "
            f"name?). {REPAIR_HINT}"
        )
    zero = raw.find(b"\x00")  # text never holds a zero byte: damaged further in (memchr, quick)
    if zero >= 0:
        line = raw.count(b"\n", 0, zero) + 1
        raise CourseError(
            f"{relative} is damaged: line {line} holds a zero byte (NUL), which {kind} never holds. {REPAIR_HINT}"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if exc.reason == "unexpected end of data":
            raise CourseError(
                f"{relative} is cut short: it ends in the middle of a character (line {line}). {REPAIR_HINT}"
            ) from None
        raise CourseError(
            f"{relative} is not saved as UTF-8 (line {line} has a character in another encoding, as Excel or an "
            f"old Notepad writes it). {RESAVE_HINT}"
        ) from None


def _read_json(path: Path, relative: str):
    try:
        return json.loads(_read_text(path, relative, "JSON text"))
    except json.JSONDecodeError as exc:
        raise CourseError(
            f"{relative} is damaged: it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); it may "
            f"have been cut short or mistyped when edited. {REPAIR_HINT}"
        ) from None
    except RecursionError:
        raise CourseError(f"{relative} is damaged: it is not valid JSON (nested too deeply). {REPAIR_HINT}") from None


def datapackage() -> dict:
    """The data package descriptor (data/datapackage.json) as a dictionary, each resource with a name and a
    path. Raises CourseError saying what is wrong with the file."""
    content = _read_json(paths.data_dir() / "datapackage.json", DESCRIPTOR)
    resources = content.get("resources") if isinstance(content, dict) else None
    if not isinstance(resources, list):
        raise CourseError(f"{DESCRIPTOR} has no list of resources (the tables it describes). {REPAIR_HINT}")
    for number, entry in enumerate(resources, start=1):
        for key in ("name", "path"):
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                raise CourseError(f"{DESCRIPTOR}: resource #{number} has no {key}. {REPAIR_HINT}")
    return content


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
        sources = resource(name).get("sources")
        for source in sources if isinstance(sources, list) else []:
            text = (source.get("attribution") or source.get("title")) if isinstance(source, dict) else None
            if isinstance(text, str) and text not in credits:
                credits.append(text)
    return "Source: " + "; ".join(credits)


# --- reading and typing ---------------------------------------------------------------------------


def _convert(text: str, field: dict):
    """One CSV cell to its schema type; raises ValueError with a short reason."""
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind in ("number", "integer", "year") and "," in text:
        raise ValueError("a decimal comma or a thousands separator: write numbers with a point and no separator, 9.5")
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
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("write dates as year-month-day, 2011-03-11") from None
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
    """The header and the rows of a CSV file of data/; CourseError naming the file and what to do."""
    text = _read_text(path, relative, "CSV text")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CourseError(f"{relative} cannot be read as CSV text ({exc}). {REPAIR_HINT}") from None
    while rows and not rows[-1]:  # blank lines at the end, as editors leave them: harmless
        rows.pop()
    if not rows:
        raise CourseError(f"{relative} is empty. {REPAIR_HINT}")
    header = rows[0]
    for mark, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and mark in header[0]:
            raise CourseError(
                f"{relative} has {name} between its values, not commas (as Excel saves CSV where the decimal sign "
                "is a comma, or as Text). Save it again as CSV UTF-8 (comma delimited), with points in numbers, or "
                "restore it from the course repository (for example `git checkout -- data/`)."
            )
    last = text.rsplit("\n", 1)[-1]
    if len(rows) > 1 and last and (last.count('"') % 2 or len(rows[-1]) < len(header)):
        raise CourseError(f"{relative} is cut short: its last line (row {len(rows)}) ends half-way. {REPAIR_HINT}")
    return header, rows[1:]


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
    content = _read_json(paths.data_dir() / entry["path"], relative)
    if not isinstance(content, dict) or content.get("type") != "FeatureCollection":
        raise CourseError(f"{relative} is not a GeoJSON FeatureCollection. {REPAIR_HINT}")
    if not isinstance(content.get("features"), list):
        raise CourseError(f"{relative} is not a GeoJSON FeatureCollection. {REPAIR_HINT}")
    return content


def _fields(entry: dict) -> list[dict]:
    """The schema's fields of one table, each with a name; CourseError if datapackage.json lost them."""
    schema = entry.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        raise CourseError(
            f"{DESCRIPTOR}: the table '{entry['name']}' has no schema with a list of fields (each with a name). "
            f"{REPAIR_HINT}"
        )
    return fields


def read_table(path: Path, entry: dict) -> pd.DataFrame:
    """Read one CSV file and check it against its datapackage.json entry (used by load_table and build_data)."""
    relative = f"data/{entry['path']}"
    fields = _fields(entry)
    header, rows = _read_rows(path, relative)
    missing = [f["name"] for f in fields if f["name"] not in header]
    if missing:
        raise CourseError(
            f"{relative} has no column '{missing[0]}', which data/datapackage.json expects. {REPAIR_HINT}"
        )
    position = {column: index for index, column in enumerate(header)}
    columns: dict[str, list] = {f["name"]: [] for f in fields}
    for line, row in enumerate(rows, start=2):
        if not row:
            raise CourseError(
                f"{relative}, row {line} is an empty line: delete it in a text editor, or restore the file from the "
                "course repository (for example `git checkout -- data/`), then run the cell again."
            )
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
