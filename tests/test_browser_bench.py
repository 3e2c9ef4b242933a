"""The browser benchmark's pure parts (make bench-browser): samples to rows, the table and the JSON. Not timed."""

import json
import math

from after_fukushima.maintainers.browser_bench import MEASURES, Row, report, summarise, table


def test_samples_become_median_min_max_and_count_leaving_out_changes_that_never_showed():
    samples = {
        ("simulator", "depth buttons", "figure ms"): [900.0, 600.0, None, 700.0, 1500.0],
        ("simulator", "depth buttons", "words ms"): [100, 120, 110],
        ("timeline", "Next / Previous", "figure ms"): [None, None],
    }
    rows = summarise(samples)
    assert rows[0] == Row("simulator", "depth buttons", "figure ms", 800.0, 600.0, 1500.0, 4)
    assert rows[1] == Row("simulator", "depth buttons", "words ms", 110.0, 100.0, 120.0, 3)
    assert rows[2].n == 0 and math.isnan(rows[2].median)


def test_the_table_has_one_line_per_row_under_its_header_with_whole_milliseconds():
    rows = [Row("simulator", "depth buttons", "figure ms", 852.4, 621.0, 1557.2, 15)]
    header, line = table(rows).splitlines()
    assert header.split() == ["figure", "control", "what", "median", "min", "max", "n"]
    assert line.split() == ["simulator", "depth", "buttons", "figure", "ms", "852", "621", "1,557", "15"]


def test_the_json_holds_the_rows_every_sample_and_null_for_a_figure_that_never_changed():
    samples = {("explorer", "Country list", "figure ms"): [572.04, None], ("explorer", "Country list", "words ms"): []}
    written = json.loads(json.dumps(report(summarise(samples), samples, "with a CI run beside it")))
    assert written["note"] == "with a CI run beside it"
    assert written["rows"][0] == {
        "figure": "explorer",
        "control": "Country list",
        "what": "figure ms",
        "median": 572.0,
        "min": 572.0,
        "max": 572.0,
        "n": 1,
    }
    assert written["rows"][1]["median"] is None and written["rows"][1]["n"] == 0
    assert written["samples"][0]["values"] == [572.0, None]


def test_every_measure_names_its_unit_or_is_a_count():
    assert all(what.endswith(" ms") or what == "frames changed" for what in MEASURES)
