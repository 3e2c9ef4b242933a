"""Rebuild data/ from the raw sources and the hand-written tables in curation/ (a maintainer's tool).

    python -m after_fukushima.maintainers.build_data --sources ../shared/sources      (or: make data)

Run twice, it writes byte-identical files. Each table is made by one function in after_fukushima.maintainers.
sources, which also declares its schema, sources and licence; this module writes the tables, data/datapackage.json
and data/README.md, and checks every table against its own schema before publishing it. Called by `make data`
(with the report audit after it) and by tests/test_build_data.py, which rebuilds into a scratch folder.
"""

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

from after_fukushima.data import read_table
from after_fukushima.maintainers import CHECKOUT
from after_fukushima.maintainers.sources import curated, geonuclear, natural_earth, owid, owid_extras

BUILDERS = [
    owid.nuclear_share,
    owid.electricity_mix,
    geonuclear.reactor_units,
    geonuclear.reactor_fleet,
    geonuclear.reactor_sites,
    natural_earth.country_outlines,
    owid_extras.public_opinion_2011,
    owid_extras.deaths_per_twh,
    *curated.BUILDERS,
]
SOURCE_FOLDERS = ["owid", "owid_extras", "geonucleardata", "natural_earth"]


def fingerprint(path: Path) -> dict:
    """Size and checksum, so that a validator notices a file that was cut short or edited by hand."""
    content = path.read_bytes()
    return {"bytes": len(content), "hash": "sha256:" + hashlib.sha256(content).hexdigest()}


def write(out: Path, sources: Path, builders=BUILDERS) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    resources = []
    for build in builders:
        table, resource = build(sources)
        if isinstance(table, dict):  # GeoJSON
            path = f"{resource['name']}.geojson"
            (out / path).write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
            resources.append({"name": resource["name"], "path": path, **fingerprint(out / path), **resource})
            continue
        path = f"{resource['name']}.csv"
        table.to_csv(out / path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        entry = {
            "name": resource["name"],
            "path": path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **fingerprint(out / path),
            **resource,
        }
        read_table(out / path, entry)  # a table must pass its own schema before it is published
        resources.append(entry)
    package = {
        "name": "after-fukushima-course-data",
        "title": "Data for the After Fukushima teaching notebooks",
        "description": "Tables derived from open sources and from the course's checked facts; see data/README.md.",
        "licenses": [
            {
                "name": "ODC-BY-1.0",
                "title": "Each resource states its own licence",
                "path": "https://opendatacommons.org/licenses/by/1-0/",
            }
        ],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(resources, out), encoding="utf-8")
    return resources


README_INTRO = """# Course data

Every number a student sees comes from a table here. `datapackage.json` describes each table as a
[Frictionless Data Package](https://specs.frictionlessdata.io/data-package/): columns, types, units, allowed
values, primary key, sources with versions, licence, and the attribution to show under figures
(`after_fukushima.data.source_line("name")` returns it). In a notebook, `load_table("name")` loads a table
by name, typed and checked by that schema; `make test` validates the whole package with `frictionless`.

Nothing here is edited by hand: this folder, this page included, is written by
`python -m after_fukushima.maintainers.build_data --sources <folder>` (`make data`) from the raw sources and from
the hand-written tables in `curation/`. Run twice, it writes the same bytes; a test checks that the
committed files are current.

**Licences.** Our World in Data tables: CC BY 4.0 (credit OWID and its sources). Tables derived from
GeoNuclearData: ODbL 1.0, share-alike, so a database built from them must stay under ODbL. Natural Earth:
public domain. The course's own tables (from curation/): CC BY 4.0.
"""


def readme(resources: list[dict], out: Path) -> str:
    """data/README.md: the same facts as datapackage.json, for people."""
    parts = [README_INTRO, "## Tables\n"]
    for entry in resources:
        if entry.get("format") == "csv":
            with (out / entry["path"]).open(encoding="utf-8", newline="") as handle:
                size = f"{sum(1 for _ in csv.reader(handle)) - 1} rows"
        else:
            size = f"{len(json.loads((out / entry['path']).read_text('utf-8'))['features'])} features"
        sources = "; ".join(source["title"] for source in entry["sources"])
        licences = ", ".join(licence["name"] for licence in entry["licenses"])
        parts.append(
            f"### `{entry['name']}`: {entry['title']}\n\n`{entry['path']}`, {size}. "
            f"Source: {sources}. Licence: {licences}.\n\n{entry['description']}\n"
        )
        fields = entry.get("schema", {}).get("fields", [])
        if fields:
            parts.append("| column | type | unit | meaning |\n|---|---|---|---|")
            parts += [f"| `{f['name']}` | {f['type']} | {f.get('unit', '')} | {f['description']} |" for f in fields]
            parts.append("")
    return "\n".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, required=True, help="the raw sources folder (shared/sources)")
    parser.add_argument("--out", type=Path, default=CHECKOUT / "data")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCE_FOLDERS if not (args.sources / name).is_dir()]
    if missing:
        print(
            f"{args.sources} does not look like the sources folder (no {', '.join(missing)} inside).", file=sys.stderr
        )
        return 2
    for resource in write(args.out, args.sources):
        print(f"wrote data/{resource['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
