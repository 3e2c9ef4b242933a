"""Issue 20, fault 7: every file of the course folder that a teacher may open and save in another program (Excel,
Notepad, a database browser), or that may be damaged, gets a sentence naming the file and what to do, never a
traceback or a wrong diagnosis. Harmless forms (UTF-8 with a byte-order mark, Windows line ends) are read as they
are. Each file is damaged in a copy of the course (the course_copy fixture points AFTER_FUKUSHIMA_ROOT at it)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from after_fukushima import data
from after_fukushima.errors import CourseError
from after_fukushima.progress import ProgressStore

TABLE = "largest_earthquakes"  # small, with numbers, dates and quoted text
ACCENTED = "nuclear_accidents"  # its accents (Goiânia) exist in Windows-1252, so Excel's "CSV" changes them


def sentence(call, names: str) -> str:
    """The CourseError ``call()`` raises; it must name the file ``names``."""
    with pytest.raises(CourseError) as caught:
        call()
    message = str(caught.value)
    assert names in message, message
    return message


def csv_path(root: Path, name: str) -> Path:
    return root / "data" / f"{name}.csv"


# --- the tables: data/*.csv ----------------------------------------------------------------------------


def semicolons_and_decimal_commas(text: str) -> str:
    """As Excel saves "CSV" where the decimal sign is a comma (German, French...)."""
    frame = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.replace(".", ",", regex=False)).to_csv(sep=";", index=False)


def decimal_commas(text: str) -> str:
    return text.replace(",9.5,", ',"9,5",')


EXCEL_AND_NOTEPAD = {
    # name: (how the file is changed, words the sentence must hold)
    "saved in Windows-1252 by Excel": (lambda t: t.encode("cp1252"), "not saved as UTF-8 (line 8"),
    "saved as UTF-16 by Excel or Notepad": (lambda t: t.encode("utf-16"), "UTF-16"),
    "semicolons and decimal commas": (lambda t: semicolons_and_decimal_commas(t).encode(), "semicolons"),
    "tabs (Excel's Text)": (lambda t: t.replace(",", "\t").encode(), "tabs"),
    "a decimal comma": (lambda t: decimal_commas(t).encode(), "decimal comma"),
    "cut short in a row": (lambda t: t.encode()[: len(t.encode()) // 2], "cut short"),
    "cut short in a character": (lambda t: t.encode()[: t.encode().index("ō".encode()) + 1], "cut short"),
    "empty": (lambda t: b"", "is empty"),
    "a workbook saved under its name": (lambda t: b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), "not a text file"),
}


@pytest.mark.parametrize("damage", EXCEL_AND_NOTEPAD)
def test_a_table_saved_by_another_program_gets_a_sentence(course_copy, damage):
    change, said = EXCEL_AND_NOTEPAD[damage]
    name = ACCENTED if "1252" in damage else TABLE
    path = csv_path(course_copy, name)
    path.write_bytes(change(path.read_text(encoding="utf-8")))
    message = sentence(lambda: data.load_table(name), f"data/{name}.csv")
    assert said in message


@pytest.mark.parametrize(
    "form", [lambda t: b"\xef\xbb\xbf" + t.encode(), lambda t: t.replace("\n", "\r\n").encode()], ids=["BOM", "CRLF"]
)
def test_a_table_saved_with_a_byte_order_mark_or_windows_line_ends_reads_as_it_was(course_copy, form):
    """Notepad's UTF-8 with a byte-order mark: the first column was 'missing' (its name began with U+FEFF)."""
    before = data.load_table(TABLE)
    path = csv_path(course_copy, TABLE)
    path.write_bytes(form(path.read_text(encoding="utf-8")))
    pd.testing.assert_frame_equal(data.load_table(TABLE), before)


@pytest.mark.parametrize("blank", ["\n\n\n", "\r\n\r\n", "\n"], ids=["LF", "CRLF", "one"])
def test_blank_lines_at_the_end_of_a_table_are_harmless(course_copy, blank):
    """As editors leave them: the whole table failed with 'row 11: 0 values where the header has 6 columns'."""
    before = data.load_table(ACCENTED)
    path = csv_path(course_copy, ACCENTED)
    path.write_text(path.read_text(encoding="utf-8") + blank, encoding="utf-8", newline="")
    pd.testing.assert_frame_equal(data.load_table(ACCENTED), before)


def test_an_empty_line_inside_a_table_gets_a_sentence(course_copy):
    path = csv_path(course_copy, ACCENTED)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + ["\n"] + lines[3:]), encoding="utf-8")
    message = sentence(lambda: data.load_table(ACCENTED), f"data/{ACCENTED}.csv")
    assert "row 4 is an empty line: delete it" in message


def test_a_zero_byte_anywhere_in_a_table_gets_a_sentence(course_copy):
    """A NUL after the first 1,000 bytes (only those were looked at) was read silently into a value."""
    path = csv_path(course_copy, ACCENTED)
    raw = path.read_bytes()
    assert len(raw) > 1600
    cut = raw.index(b"\n", 1500) + 1  # at the start of a line past the first 1,500 bytes, inside a value
    path.write_bytes(raw[: cut + 3] + b"\x00" + raw[cut + 3 :])
    message = sentence(lambda: data.load_table(ACCENTED), f"data/{ACCENTED}.csv")
    line = raw[:cut].count(b"\n") + 1
    assert f"line {line} holds a zero byte (NUL)" in message


def test_a_folder_in_place_of_a_table_gets_a_sentence(course_copy):
    path = csv_path(course_copy, TABLE)
    path.unlink()
    path.mkdir()
    assert "is a folder, not a file" in sentence(lambda: data.load_table(TABLE), f"data/{TABLE}.csv")


# --- data/datapackage.json and the map ------------------------------------------------------------------


def descriptor(root: Path) -> Path:
    return root / "data" / "datapackage.json"


def edited(change):
    """A change to the parsed descriptor, as a teacher makes it in a text editor."""

    def write(text: str) -> bytes:
        content = json.loads(text)
        change(content)
        return json.dumps(content, ensure_ascii=False).encode()

    return write


def with_accent(text: str) -> bytes:
    """A description edited to hold 'é', then saved by Notepad in Windows-1252 ("ANSI")."""
    return text.replace("Usual name of the earthquake", "Usual name of the earthquake (séisme)").encode(
        "cp1252", errors="replace"
    )


DESCRIPTOR_DAMAGE = {
    "saved in Windows-1252 by Notepad": (with_accent, "not saved as UTF-8 (line"),
    "saved as UTF-16": (lambda t: t.encode("utf-16"), "UTF-16"),
    "cut short": (lambda t: t.encode()[: len(t) // 3], "is damaged: it is not valid JSON"),
    "empty": (lambda t: b"", "is empty"),
    "not an object": (lambda t: b"[]", "has no list of resources"),
    "resources not a list": (edited(lambda c: c.update(resources={"a": 1})), "has no list of resources"),
    "a resource without a name": (edited(lambda c: c["resources"][0].pop("name")), "resource #1 has no name"),
    "a table without a schema": (
        edited(lambda c: next(r for r in c["resources"] if r["name"] == TABLE).pop("schema")),
        f"the table '{TABLE}' has no schema with a list of fields",
    ),
    "a field without a name": (
        edited(lambda c: next(r for r in c["resources"] if r["name"] == TABLE)["schema"]["fields"][0].pop("name")),
        f"the table '{TABLE}' has no schema with a list of fields",
    ),
}


@pytest.mark.parametrize("damage", DESCRIPTOR_DAMAGE)
def test_a_damaged_datapackage_json_gets_a_sentence(course_copy, damage):
    change, said = DESCRIPTOR_DAMAGE[damage]
    path = descriptor(course_copy)
    path.write_bytes(change(path.read_text(encoding="utf-8")))
    message = sentence(lambda: data.load_table(TABLE), "data/datapackage.json")
    assert said in message


def test_datapackage_json_with_a_byte_order_mark_reads_as_it_was(course_copy):
    path = descriptor(course_copy)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert TABLE in data.table_names() and len(data.load_table(TABLE)) == 5
    assert data.load_geojson("country_outlines")["type"] == "FeatureCollection"


def test_a_folder_in_place_of_datapackage_json_gets_a_sentence(course_copy):
    path = descriptor(course_copy)
    path.unlink()
    path.mkdir()
    assert "is a folder, not a file" in sentence(data.table_names, "data/datapackage.json")


@pytest.mark.parametrize(
    "change, said",
    [
        (lambda raw: raw[: len(raw) // 2], "is not valid JSON"),
        (lambda raw: raw.decode("utf-8").encode("utf-16-le"), "saved as UTF-16"),
        (lambda raw: b"", "is empty"),
        (lambda raw: b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (lambda raw: b"[1, 2]", "not a GeoJSON FeatureCollection"),
    ],
    ids=["cut short", "UTF-16 without its mark", "empty", "one feature", "a list"],
)
def test_a_damaged_map_gets_a_sentence(course_copy, change, said):
    path = course_copy / "data" / "country_outlines.geojson"
    path.write_bytes(change(path.read_bytes()))
    assert said in sentence(lambda: data.load_geojson("country_outlines"), "data/country_outlines.geojson")


def test_a_course_folder_that_is_not_one_gets_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTER_FUKUSHIMA_ROOT", str(tmp_path / "nothing"))
    assert "has no data/ and exercises/banks/ folders" in sentence(data.table_names, str(tmp_path / "nothing"))


# --- the progress file ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "cut short",
        "opened and saved by Notepad (UTF-16)",
        "opened and saved by Notepad (UTF-8)",
    ],
)
def test_a_progress_file_damaged_by_another_program_is_set_aside_with_a_sentence(store, content, recwarn):
    for _ in range(30):
        store.record("00", "a", "reflection", "text " * 50, None)
    raw = store.path.read_bytes()
    if content == "cut short":
        store.path.write_bytes(raw[: len(raw) // 3])
    else:
        text = raw.decode("latin-1")  # what an editor shows of a binary file
        store.path.write_bytes(text.encode("utf-16" if "UTF-16" in content else "utf-8"))
    store.attempts()  # never a traceback
    said = [str(w.message) for w in recwarn]
    assert any("kept as progress.damaged-1.sqlite and a fresh one was started" in s for s in said), said
    store.record("00", "a", "number", 1, True)  # and saving goes on
    assert store.latest("00", "a")["answer"] == 1


def test_an_empty_progress_file_is_a_fresh_one(store, recwarn):
    store.path.write_bytes(b"")
    assert store.attempts() == []
    store.record("00", "a", "number", 1, True)
    assert [a["answer"] for a in store.attempts()] == [1] and not recwarn.list


def test_a_folder_in_place_of_the_progress_file_gets_a_sentence(store):
    store.path.mkdir()
    with pytest.warns(UserWarning, match=f"{store.path} .it is a folder, not a file: rename or move that folder"):
        assert store.attempts() == []
    message = sentence(lambda: store.record("00", "a", "number", 1, True), str(store.path))
    assert "it is a folder, not a file" in message
    assert store.path.is_dir()


def test_a_setting_edited_in_a_database_browser_is_read_as_text(store):
    """A name stored as bytes (a BLOB) by a database browser: the scorecard shows it as text."""
    from after_fukushima.scorecard import Scorecard

    store.set_setting("student_name", "Ann")
    with closing(sqlite3.connect(store.path)) as connection:
        connection.execute("UPDATE settings SET value = x'416e6e20c3a9'")
        connection.commit()
    assert store.setting("student_name") == "Ann é"
    assert Scorecard(store=store, folder=store.path.parent).name.value == "Ann é"


def test_rows_edited_in_a_database_browser_are_read_without_errors(store):
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    with closing(sqlite3.connect(store.path)) as connection:
        connection.execute("UPDATE attempts SET attempt = 'two', correct = 'yes', answer = 7, saved_at = 5")
        connection.execute("INSERT INTO attempts (lesson, exercise, attempt, answer) VALUES (0, 'x', 1, x'ff00')")
        connection.commit()
    first, second = store.attempts()
    assert first == {
        "lesson": "00_start_here",
        "exercise": "summit-place",
        "kind": "multiple_choice",
        "attempt": 1,
        "correct": True,
        "answer": 7,
        "saved_at": "5",
    }
    assert second["lesson"] == "0" and second["answer"] == "\ufffd\x00"


# --- no permission to read: run without root's right to read any file -------------------------------------

UNPRIVILEGED = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search", "--"]
    if os.geteuid() == 0
    else []
)


def without_permission(code: str, env: dict) -> str:
    """Run ``code`` in a Python that file permissions bind (root gives up its right to read every file) and
    return what it printed; it must not fail with a traceback."""
    if UNPRIVILEGED and not shutil.which("setpriv"):
        pytest.fail("running as root without setpriv (util-linux): cannot test a file without read permission")
    result = subprocess.run(
        [*UNPRIVILEGED, sys.executable, "-W", "always", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def test_files_without_read_permission_get_a_sentence(course_copy, tmp_path):
    for path in (csv_path(course_copy, TABLE), course_copy / "data" / "country_outlines.geojson"):
        path.chmod(0)
    progress = tmp_path / "progress.sqlite"
    ProgressStore(progress).record("00", "a", "number", 1, True)
    progress.chmod(0)
    shown = without_permission(
        f"""
        from after_fukushima import data
        from after_fukushima.errors import CourseError
        from after_fukushima.progress import ProgressStore
        for call in (lambda: data.load_table({TABLE!r}), lambda: data.load_geojson("country_outlines")):
            try:
                call()
            except CourseError as error:
                print("Problem:", error)
        store = ProgressStore({str(progress)!r})
        print("read:", store.attempts())
        try:
            store.record("00", "a", "number", 2, True)
        except CourseError as error:
            print("Problem:", error)
        """,
        {"AFTER_FUKUSHIMA_ROOT": str(course_copy)},
    )
    assert f"Problem: data/{TABLE}.csv cannot be read: you have no permission to read it." in shown
    assert "Problem: data/country_outlines.geojson cannot be read: you have no permission to read it." in shown
    assert f"Could not read your progress file {progress} (you have no permission to read it" in shown
    assert "read: []" in shown
    assert f"Problem: Your progress file {progress} could not be used: you have no permission to read it" in shown
    progress.chmod(0o600)
    assert [a["answer"] for a in ProgressStore(progress).attempts()] == [1]  # left as it was


def test_datapackage_json_without_read_permission_gets_a_sentence(course_copy):
    descriptor(course_copy).chmod(0)
    shown = without_permission(
        """
        from after_fukushima import data
        from after_fukushima.errors import CourseError
        try:
            data.table_names()
        except CourseError as error:
            print("Problem:", error)
        """,
        {"AFTER_FUKUSHIMA_ROOT": str(course_copy)},
    )
    assert "Problem: data/datapackage.json cannot be read: you have no permission to read it." in shown


def test_a_read_only_progress_file_gets_a_sentence(tmp_path):
    progress = tmp_path / "progress.sqlite"
    ProgressStore(progress).record("00", "a", "number", 1, True)
    progress.chmod(0o400)
    shown = without_permission(
        f"""
        from after_fukushima.errors import CourseError
        from after_fukushima.progress import ProgressStore
        store = ProgressStore({str(progress)!r})
        print("read:", [a["answer"] for a in store.attempts()])
        try:
            store.record("00", "a", "number", 2, True)
        except CourseError as error:
            print("Problem:", error)
        """,
        {},
    )
    assert "read: [1]" in shown  # reading a read-only file works
    assert f"Problem: Your progress file {progress} could not be used: the progress file is read-only here" in shown
