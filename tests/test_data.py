"""Loading tables from data/: typed by the schema, found from any folder, and clear about damage."""

import subprocess
import sys

import pytest

from after_fukushima import CourseError, load_table
from after_fukushima.data import load_geojson, resource, source_line, table_names


def test_tables_load_with_the_schema_types():
    shares = load_table("nuclear_share")
    assert str(shares["year"].dtype) == "Int64"
    assert shares["nuclear_share_pct"].dtype == "float64"
    assert str(shares["country"].dtype).startswith("string")
    argument = load_table("report_argument")
    assert list(argument["order"]) == list(range(1, len(argument) + 1))


def test_every_table_in_the_package_loads_and_names_its_source_and_licence():
    for name in table_names():
        assert len(load_table(name)) > 0
        entry = resource(name)
        assert entry["sources"] and entry["licenses"], name
        assert source_line(name).startswith("Source: ")


def test_tables_load_from_any_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load_table("report_argument")) > 0


def test_an_unknown_table_lists_the_known_ones():
    with pytest.raises(CourseError, match="There is no data called 'nuclear'. The names are: nuclear_share"):
        load_table("nuclear")


def test_map_data_loads_as_geojson_and_not_as_a_table(course_copy):
    assert len(load_geojson("country_outlines")["features"]) == 177
    with pytest.raises(CourseError, match="use load_geojson"):
        load_table("country_outlines")
    (course_copy / "data" / "country_outlines.geojson").write_text('{"type": "Feat', encoding="utf-8")
    with pytest.raises(CourseError, match="data/country_outlines.geojson is damaged"):
        load_geojson("country_outlines")


def test_a_missing_file(course_copy):
    (course_copy / "data" / "nuclear_share.csv").unlink()
    with pytest.raises(CourseError, match=r"data/nuclear_share.csv is missing. Restore it"):
        load_table("nuclear_share")


def test_a_missing_or_damaged_package_descriptor(course_copy):
    descriptor = course_copy / "data" / "datapackage.json"
    descriptor.write_text("{", encoding="utf-8")
    with pytest.raises(CourseError, match="data/datapackage.json is damaged"):
        load_table("nuclear_share")
    descriptor.unlink()
    with pytest.raises(CourseError, match="data/datapackage.json is missing"):
        load_table("nuclear_share")


def _rewrite(path, change):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")


def test_a_missing_column(course_copy):
    path = course_copy / "data" / "nuclear_share.csv"
    _rewrite(path, lambda lines: [lines[0].replace("nuclear_twh", "nuclear"), *lines[1:]])
    with pytest.raises(CourseError, match="data/nuclear_share.csv has no column 'nuclear_twh'"):
        load_table("nuclear_share")


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("abc", r"row 5, column 'nuclear_share_pct': 'abc' is not a valid number"),
        ("-4", r"row 5, column 'nuclear_share_pct': '-4' is not a valid number \(below the minimum 0\)"),
        ("140", r"row 5, column 'nuclear_share_pct': '140' is not a valid number \(above the maximum 100\)"),
        ("inf", r"row 5, column 'nuclear_share_pct': 'inf' is not a valid number \(not a finite number\)"),
    ],
)
def test_a_bad_value_names_file_row_and_column(course_copy, bad, problem):
    path = course_copy / "data" / "nuclear_share.csv"

    def damage(lines):
        cells = lines[4].rstrip("\n").split(",")
        cells[5] = bad
        lines[4] = ",".join(cells) + "\n"
        return lines

    _rewrite(path, damage)
    with pytest.raises(CourseError, match="data/nuclear_share.csv, " + problem):
        load_table("nuclear_share")


def test_a_truncated_file(course_copy):
    path = course_copy / "data" / "report_argument.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2].rsplit(",", 1)[0] + "\n", encoding="utf-8")
    with pytest.raises(CourseError, match=r"data/report_argument.csv, row \d+"):
        load_table("report_argument")


def test_a_bad_enum_value_and_a_missing_required_value(course_copy):
    path = course_copy / "data" / "report_argument.csv"
    _rewrite(path, lambda lines: [lines[0], lines[1].replace(",context,", ",contexts,"), *lines[2:]])
    with pytest.raises(CourseError, match=r"row 2, column 'kind': 'contexts' .*expected one of context"):
        load_table("report_argument")
    _rewrite(path, lambda lines: [lines[0], lines[1].replace(",contexts,", ",,"), *lines[2:]])
    with pytest.raises(CourseError, match=r"row 2, column 'kind': the value is missing"):
        load_table("report_argument")


def test_a_binary_file(course_copy):
    (course_copy / "data" / "report_argument.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\x00")
    with pytest.raises(CourseError, match="cannot be read as CSV text"):
        load_table("report_argument")


def test_course_errors_show_as_one_sentence_in_a_notebook():
    """In IPython a CourseError prints 'Problem: …' instead of a traceback (run apart: IPython is a singleton)."""
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_cell('from after_fukushima import load_table')\n"
        "shell.run_cell('load_table(\"nope\")')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    shown = result.stdout + result.stderr
    assert "Problem: There is no data called 'nope'." in shown
    assert "Traceback" not in shown
