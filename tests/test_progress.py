"""The progress store (SQLite): one row per attempt, saves that survive kills, full disks and missing locks,
damaged files set aside, an older progress.json imported once, two writers at once, and the scorecard."""

import csv
import json
import multiprocessing
import re
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path
from random import Random

import pytest

from after_fukushima.exercises.bank import load_bank
from after_fukushima.progress import ProgressStore, progress_path
from after_fukushima.scorecard import Scorecard


def test_the_environment_variable_chooses_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTER_FUKUSHIMA_PROGRESS", str(tmp_path / "mine.sqlite"))
    assert progress_path() == tmp_path / "mine.sqlite"
    monkeypatch.delenv("AFTER_FUKUSHIMA_PROGRESS")
    assert progress_path().parts[-2:] == (".after_fukushima", "progress.sqlite")


def test_a_json_name_from_an_older_setting_means_the_database_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTER_FUKUSHIMA_PROGRESS", str(tmp_path / "mine.json"))
    store = ProgressStore()
    assert store.path == tmp_path / "mine.sqlite" and store.legacy_path == tmp_path / "mine.json"


def rows_in(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT lesson, exercise, attempt, correct, answer FROM attempts ORDER BY id"
        ).fetchall()


def test_attempts_are_numbered_and_kept_one_row_each(store):
    store.record("00", "a", "number", 12, False)
    store.record("00", "a", "number", 13, True)
    store.record("00", "b", "reflection", "Some text, ünïcode <b>", None)
    store.record("00", "c", "match", ["x", 2, None], False)
    assert [a["attempt"] for a in store.attempts()] == [1, 2, 1, 1]
    assert store.latest("00", "a")["answer"] == 13
    assert store.attempts("00", "c")[0]["answer"] == ["x", 2, None]
    assert [a["exercise"] for a in store.attempts("00")] == ["a", "a", "b", "c"] and store.attempts("01") == []
    assert rows_in(store.path) == [
        ("00", "a", 1, 0, "12"),
        ("00", "a", 2, 1, "13"),
        ("00", "b", 1, None, '"Some text, ünïcode <b>"'),
        ("00", "c", 1, 0, '["x", 2, null]'),
    ]
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]  # no journal or lock left


def test_reading_a_store_that_does_not_exist_yet_creates_nothing(store):
    assert store.attempts() == [] and store.latest("00", "a") is None and store.setting("name") is None
    assert not store.path.exists()


def test_a_failed_save_leaves_the_file_as_it_was(store, monkeypatch):
    store.record("00", "a", "number", 1, False)
    monkeypatch.setattr("after_fukushima.progress._row", lambda attempt: 1 / 0)  # fails inside the transaction
    with pytest.raises(ZeroDivisionError):
        store.record("00", "a", "number", 2, False)
    monkeypatch.undo()
    assert [a["answer"] for a in store.attempts()] == [1]
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]


def _save_forever(path: str) -> None:
    store = ProgressStore(path)
    number = 0
    while True:
        number += 1
        store.record("00", "killed", "reflection", "x" * (number % 5000), None)


def test_saves_killed_half_way_lose_nothing_that_was_saved(tmp_path):
    """Fault 8: a kernel killed mid-save. SQLite's journal rolls the half-done save back; no file is left."""
    path = tmp_path / "progress.sqlite"
    context = multiprocessing.get_context("spawn")
    random = Random(12)
    for _ in range(12):
        writer = context.Process(target=_save_forever, args=(str(path),))
        writer.start()
        writer.join(0.3 + random.random() * 0.4)  # starting takes most of this; then a few hundred saves
        writer.kill()
        writer.join()
    attempts = ProgressStore(path).attempts()
    numbers = [a["attempt"] for a in attempts]
    assert numbers == list(range(1, len(numbers) + 1))  # none lost in between, none doubled
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ProgressStore(path).record("00", "after", "number", 1, False)  # the next save rolls back any journal left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite"]


@pytest.mark.parametrize("damage", [b"{not json", b"\xff\xfe\x00" * 200, b"SQLite format 3\x00" + b"\x00" * 84])
def test_a_damaged_file_is_set_aside_with_a_warning(store, damage):
    store.path.write_bytes(damage)
    with pytest.warns(UserWarning, match="kept as progress.damaged-1.sqlite and a fresh one was started"):
        assert store.attempts() == []
    assert (store.path.parent / "progress.damaged-1.sqlite").read_bytes() == damage
    store.record("00", "a", "number", 1, True)
    assert len(store.attempts()) == 1


def another_programs_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE attempts (something_else TEXT)")
        connection.commit()


def a_newer_courses_file(path: Path) -> None:
    ProgressStore(path).record("00", "a", "number", 1, True)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 2")


def another_application_id(path: Path) -> None:
    ProgressStore(path).record("00", "a", "number", 1, True)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA application_id = 1")


@pytest.mark.parametrize(
    "make, said",
    [
        (another_programs_database, "it is not a progress file of this course but another program's database"),
        (another_application_id, "it is not a progress file of this course but another program's database"),
        (a_newer_courses_file, r"it was made by a newer version of the course \(its format is version 2; this version"),
    ],
)
def test_a_newer_courses_or_another_programs_file_is_refused_and_left_as_it_is(store, make, said, recwarn):
    """Issue 20, fault 7: such a file was renamed "damaged" and a fresh one started. Now saving raises a
    CourseError naming the file and what to do, reading warns and reads nothing, and the file is left as it is."""
    from after_fukushima.errors import CourseError

    make(store.path)
    before = store.path.read_bytes()
    with pytest.raises(CourseError, match=f"Your progress file {re.escape(str(store.path))} could not be used: {said}"):
        store.record("00", "a", "number", 2, True)
    with pytest.warns(
        UserWarning, match=f"Could not read your progress file .*{said}.*(Update the course|Move it away)"
    ):
        assert store.attempts() == []
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]  # nothing set aside
    exercise = load_bank("00_start_here").exercise("summit-place", store=store)
    exercise.submit("Deauville, France")  # the exercise says so in its feedback, never a traceback
    assert "Not saved: your answer could not be written to" in exercise.feedback.value
    assert not any("damaged" in str(w.message) for w in recwarn)


def test_a_second_damaged_file_does_not_overwrite_the_first(store):
    for number in (1, 2):
        store.path.write_text("broken" * 100, encoding="utf-8")
        with pytest.warns(UserWarning, match=f"damaged-{number}"):
            store.attempts()
    assert {p.name for p in store.path.parent.glob("*.damaged-*")} == {
        "progress.damaged-1.sqlite",
        "progress.damaged-2.sqlite",
    }


def legacy_file(path: Path, attempts: list) -> None:
    path.write_text(
        json.dumps({"format": "after-fukushima-progress", "version": 1, "attempts": attempts}), encoding="utf-8"
    )


def test_an_older_progress_json_is_imported_once_and_kept(store):
    old = [
        {
            "lesson": "00_start_here",
            "exercise": "summit-place",
            "kind": "multiple_choice",
            "attempt": 1,
            "correct": False,
            "answer": "Vienna, Austria",
            "saved_at": "2026-10-01T09:00:00+00:00",
        },
        {
            "lesson": "00_start_here",
            "exercise": "summit-place",
            "kind": "multiple_choice",
            "attempt": 2,
            "correct": True,
            "answer": "Deauville, France",
            "saved_at": "2026-10-01T09:01:00+00:00",
        },
        {"lesson": "00_start_here", "exercise": "why-hesitate"},
    ]  # a hand-edited attempt, keys missing
    legacy_file(store.legacy_path, old)
    original = store.legacy_path.read_bytes()
    assert store.attempts()[:2] == old[:2]
    assert store.attempts()[2]["exercise"] == "why-hesitate" and store.attempts()[2]["correct"] is None
    assert not store.legacy_path.exists()
    assert (store.path.parent / "progress.json.backup").read_bytes() == original
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    assert store.latest("00_start_here", "summit-place")["attempt"] == 3
    legacy_file(store.legacy_path, old)  # a copy put back later is not imported twice
    assert len(ProgressStore(store.path).attempts()) == 4
    assert store.setting("imported_from") == "progress.json"


def test_a_damaged_older_progress_json_is_kept_not_imported(store):
    store.legacy_path.write_text("{{{", encoding="utf-8")
    with pytest.warns(UserWarning, match="was damaged, so it was kept as progress.damaged.json"):
        assert store.attempts() == []
    assert (store.path.parent / "progress.damaged.json").read_text(encoding="utf-8") == "{{{"


def test_a_damaged_file_never_stops_an_exercise(store, recwarn):
    store.path.write_text("{{{" * 100, encoding="utf-8")
    exercise = load_bank("00_start_here").exercise("summit-place", store=store)
    assert exercise.submit("Deauville, France").correct is True
    assert store.latest("00_start_here", "summit-place")["correct"] is True


def test_an_unwritable_file_is_reported_in_the_feedback(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = ProgressStore(blocker / "progress.sqlite")  # its folder cannot be created
    exercise = load_bank("00_start_here").exercise("summit-place", store=store)  # nothing to read: no warning
    verdict = exercise.submit("Deauville, France")
    assert verdict.correct is True
    shown = exercise.feedback.value
    assert "Not saved: your answer could not be written to" in shown  # said first, before the verdict
    assert shown.index("Not saved") < shown.index("Correct")
    assert exercise.attempts == 0  # an attempt that was not kept does not count


def test_a_reworded_bank_leaves_earlier_answers_harmless(store):
    """Issue 12, fault 1: an answer saved under old options must not break the exercise."""
    bank = load_bank("00_start_here")
    for ident, old_answer in [
        ("summit-place", "Deauville"),
        ("events-in-order", ["gone"] * 6),
        ("speakers-affiliations", ["gone"] * 4),
        ("sort-statements", ["gone"] * 7),
    ]:
        kind = bank.entry(ident)["kind"]
        store.record(bank.lesson, ident, kind, old_answer, False)
        exercise = bank.exercise(ident, store=store)
        assert "has been edited since you last answered it" in exercise.feedback.value, ident
        assert exercise.submit(exercise.value()).status in ("invalid", "wrong", "correct")


def test_an_oddly_shaped_progress_file_is_read_without_errors(store):
    """Issue 12, fault 3: attempts without 'correct' or 'kind' (an older or hand-edited file)."""
    legacy_file(
        store.legacy_path,
        [
            {"lesson": "00_start_here", "exercise": "summit-place"},
            {"lesson": "00_start_here", "exercise": "why-hesitate", "answer": None},
            "not an attempt",
        ],
    )
    bank = load_bank("00_start_here")
    assert bank.exercise("summit-place", store=store).attempts == 1
    assert repr(Scorecard(store=store)).startswith("<Scorecard: 2 of")


def test_no_home_folder_falls_back_to_the_current_folder(monkeypatch, tmp_path):
    """Issue 12, fault 5: a container run with an arbitrary user and no home."""
    monkeypatch.delenv("AFTER_FUKUSHIMA_PROGRESS", raising=False)
    monkeypatch.chdir(tmp_path)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    with pytest.warns(UserWarning, match="There is no home folder here"):
        path = progress_path()
    assert path == tmp_path / ".after_fukushima" / "progress.sqlite"


def test_saving_goes_on_without_a_lock_when_locking_is_unavailable(store, monkeypatch):
    """Issue 12, fault 6: an NFS home whose lock service is down answers ENOLCK to every lock."""
    import errno

    from after_fukushima import lockfile

    def refuse(*args, **kwargs):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lockfile.fcntl, "lockf", refuse)
    monkeypatch.setattr(lockfile, "_LOCKING", {})
    with pytest.warns(UserWarning, match="cannot be locked .No locks available., so your progress is saved without"):
        store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)  # warned once
    assert [a["attempt"] for a in store.attempts()] == [1, 2]
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]  # the probe is removed


def test_a_full_disk_is_said_plainly_and_nothing_is_counted(store, monkeypatch):
    """Issue 12, fault 4, on SQLite's own full-disk path: the database may not grow by a single page."""
    from after_fukushima import progress

    store.record("00_start_here", "summit-place", "multiple_choice", "Vienna, Austria", False)
    real_connect = sqlite3.connect

    def no_room(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(progress.sqlite3, "connect", no_room)
    exercise = load_bank("00_start_here").exercise("why-hesitate", store=store)
    exercise.submit("A long reflection that needs room on the disk. " * 200)
    assert exercise.feedback.value.count("Not saved") == 1 and "the disk is full" in exercise.feedback.value
    assert exercise.attempts == 0
    monkeypatch.undo()
    assert [a["exercise"] for a in store.attempts()] == ["summit-place"]


def test_a_full_tmpfs_is_said_plainly(tmp_path):
    """The same on a real full file system: a 64 KiB tmpfs, where the test may mount one (root on Linux)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, check=False
        )
        if shutil.which("mount")
        else None
    )
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root); test_a_full_disk_is_said_plainly... covers the path")
    try:
        store = ProgressStore(folder / "progress.sqlite")
        exercise = load_bank("00_start_here").exercise("why-hesitate", store=store)
        for number in range(40):
            exercise.submit(f"Reflection {number}: " + "words that fill the disk " * 400)
            if "Not saved" in exercise.feedback.value:
                break
        assert "Not saved" in exercise.feedback.value and "the disk is full" in exercise.feedback.value
        saved = exercise.attempts
        assert len(store.attempts()) == saved > 0  # every save said to be kept is there
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def _write_many(path: str, who: str, count: int) -> None:
    store = ProgressStore(path)
    for n in range(count):
        store.record("00", f"{who}-{n % 3}", "number", n, False)


def test_two_notebooks_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "progress.sqlite")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(path, who, 40)) for who in ("left", "right")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    attempts = ProgressStore(path).attempts()
    assert len(attempts) == 80
    for who in ("left", "right"):
        numbers = sorted(a["attempt"] for a in attempts if a["exercise"] == f"{who}-0")
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_reopened_exercise_shows_the_last_answer(store):
    bank = load_bank("00_start_here")
    first = bank.exercise("days-after-quake", store=store)
    first.submit("70")
    first.submit("75")
    first.next_hint()
    again = bank.exercise("days-after-quake", store=store)  # Shift+Enter on the cell, or the notebook reopened
    assert again.entry.value == "75" and again.attempts == 2 and again.solved
    assert again.feedback.value == first.feedback.value.replace(
        "<b>", "<div style='font-size:0.9em'>Your last saved answer, as you left it:</div><b>", 1
    )
    assert again.hints_shown == 1 and again.hint_box.value == first.hint_box.value  # hints as they were
    assert again.status.value == first.status.value
    reflection = bank.exercise("why-hesitate", store=store)
    reflection.submit("Text the student wrote.")
    assert bank.exercise("why-hesitate", store=store).text.value == "Text the student wrote."
    code = bank.exercise("france-share-2010", store=store)
    code.check(76.2)
    reopened = bank.exercise("france-share-2010", store=store)
    assert reopened.solved and "✔ Correct." in reopened.feedback.value  # the verdict of the value last checked


def test_scorecard_counts_and_exports(store, tmp_path):
    bank = load_bank("00_start_here")
    bank.exercise("summit-place", store=store).submit("Vienna, Austria")
    bank.exercise("summit-place", store=store).submit("Deauville, France")
    bank.exercise("why-hesitate", store=store).submit("Ein Gedanke, mit Umlauten: äöü.")  # saved, but short
    card = Scorecard(store=store, folder=tmp_path / "hand_in")
    total = sum(len(bank.ids) for bank in card.banks)
    assert repr(card) == f"<Scorecard: 2 of {total} exercises answered, {len(card.banks)} lessons>"
    unstyled = re.sub(r" style='[^']*'", "", card.table.value)
    # Done: only the correct multiple choice; the short reflection is answered but not yet done.
    size = len(bank.ids)
    assert f"<td>00_start_here</td><td>Start here</td><td>2 / {size}</td><td>1 / {size}</td>" in unstyled
    bank.exercise("days-after-quake", store=store).submit("70")  # answered, but not yet done
    bank.exercise("why-hesitate", store=store).submit("Sovereignty matters. " * 13)  # 26 words: done
    card.refresh()
    assert f"<td>3 / {size}</td><td>2 / {size}</td>" in re.sub(r" style='[^']*'", "", card.table.value)


def test_the_hand_in_names_the_student_and_opens_in_a_spreadsheet(store, tmp_path):
    """Issue 14: one file per student, named after them, plain-text answers, safe from formulas, UTF-8 with a BOM."""
    bank = load_bank("00_start_here")
    bank.exercise("summit-place", store=store).submit("Vienna, Austria")
    bank.exercise("events-in-order", store=store).submit(bank.entry("events-in-order")["items"])
    bank.exercise("why-hesitate", store=store).submit('=HYPERLINK("http://x") and äöü')
    card = Scorecard(store=store, folder=tmp_path / "hand_in")
    assert card.export() is None and "Type your name first" in card.message.value
    card.name.value = "  Zoë   Lì "
    path = card.export()
    assert path == tmp_path / "hand_in" / "after_fukushima_Zoe-Li.csv"
    assert str(path) in card.message.value and "data:text/csv;base64," in card.message.value
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its byte-order mark
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["student"] for r in rows] == ["Zoë Lì"] * 3
    assert [r["exercise"] for r in rows] == ["summit-place", "events-in-order", "why-hesitate"]
    assert [r["correct"] for r in rows] == ["False", "True", ""]
    assert rows[1]["answer"] == " | ".join(bank.entry("events-in-order")["items"])  # plain text, not JSON
    assert rows[2]["answer"] == '\'=HYPERLINK("http://x") and äöü'  # a formula stays text in a spreadsheet
    assert Scorecard(store=store, folder=tmp_path).name.value == "Zoë Lì"  # asked once, then remembered


def test_on_jupyterhub_the_hub_user_name_is_offered(store, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "student07")
    assert Scorecard(store=store, folder=tmp_path).name.value == "student07"


def test_a_hand_in_that_cannot_be_written_says_so(store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    card = Scorecard(store=store, folder=blocker / "hand_in")
    card.name.value = "Ana"
    assert card.export() is None and card.message.value.startswith("Not saved: the file could not be written")


def test_a_saved_prediction_is_read_back_escaped(store):
    from after_fukushima.progress import your_answer

    store.record(
        "02_nuclear_power_in_2011", "check-prediction", "reflection", "Lower: <b>demand</b> grows faster.", None
    )
    shown = your_answer("02_nuclear_power_in_2011", "check-prediction", store=store).value
    assert "Your answer, saved" in shown and "&lt;b&gt;demand&lt;/b&gt;" in shown and "<b>demand</b>" not in shown


def test_a_missing_prediction_gets_a_sentence_not_an_error(store):
    from after_fukushima.progress import your_answer

    shown = your_answer("02_nuclear_power_in_2011", "check-prediction", store=store).value
    assert "You have not saved an answer to this question yet" in shown and "lesson 02" in shown


# --- found by trying to break it --------------------------------------------------------------------


def test_a_read_only_folder_does_not_switch_locking_off(store, monkeypatch):
    """Only a file system without locks (ENOLCK) turns locking off; a read-only or full folder does not."""
    import errno

    from after_fukushima import lockfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(lockfile.fcntl, "lockf", read_only)
    monkeypatch.setattr(lockfile, "_LOCKING", {})
    store.record("00", "a", "number", 1, True)
    assert lockfile._LOCKING == {}  # not decided: asked again next time


@pytest.mark.parametrize(
    "bad",
    [{"answer": "broken \ud83d emoji"}, {"attempt": "²"}, {"attempt": None}, {"correct": "no"}, {"lesson": "\ud800"}],
)
def test_odd_values_in_an_older_progress_json_are_imported_not_fatal(store, bad):
    attempt = {
        "lesson": "06_looking_back",
        "exercise": "x",
        "kind": "reflection",
        "attempt": 1,
        "correct": None,
        "answer": "text",
        "saved_at": "2026-10-01T09:00:00+00:00",
        **bad,
    }
    legacy_file(store.legacy_path, [attempt])
    [imported] = store.attempts()
    assert imported["exercise"] == "x" and imported["attempt"] >= 1
    if "correct" in bad:
        assert imported["correct"] is False  # "no" is a wrong attempt, not a solved one
    assert load_bank("00_start_here").exercise("summit-place", store=store).attempts == 0


def test_half_an_emoji_in_a_reflection_is_saved_not_lost(store):
    reflection = load_bank("00_start_here").exercise("why-hesitate", store=store)
    verdict = reflection.submit("I think \ud83d because sovereignty matters")
    assert verdict.status == "saved" and "Not saved" not in reflection.feedback.value
    assert store.latest("00_start_here", "why-hesitate")["answer"] == "I think \ufffd because sovereignty matters"


def test_answers_json_cannot_hold_are_kept_as_their_text(store):
    store.record("00", "a", "match", {(1, 2): 3}, False)
    assert store.latest("00", "a")["answer"] == "{(1, 2): 3}"


def test_damage_inside_the_file_keeps_every_row_that_can_be_read(store, recwarn):
    """Damage past the header: the readable attempts go to a fresh file, the damaged one is kept aside, and a
    hand-in is never written empty by mistake."""
    for n in range(300):
        store.record("L", f"E{n % 7}", "reflection", "x" * 200, None)
    data = bytearray(store.path.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xab" * (4096 * 3)
    store.path.write_bytes(bytes(data))
    kept = store.attempts()
    assert 0 < len(kept) < 300  # the rows on the damaged pages are gone, the others are back
    assert any("could be read back" in str(w.message) for w in recwarn)
    assert (store.path.parent / "progress.damaged-1.sqlite").exists()
    store.record("L", "E1", "reflection", "after", None)
    with closing(sqlite3.connect(store.path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_hand_in_is_refused_rather_than_written_empty(store, tmp_path, monkeypatch):
    from after_fukushima.scorecard import hand_in_csv

    store.record("00", "a", "number", 1, True)

    def unreadable(*args, **kwargs):
        raise OSError(5, "the progress file could not be used")

    monkeypatch.setattr(store, "_run", unreadable)
    with pytest.raises(OSError):
        hand_in_csv(store, "Ann", tmp_path)
    assert not list(tmp_path.glob("*.csv"))


def test_a_restored_sort_shows_the_feedback_it_showed_then(store):
    bank = load_bank("00_start_here")
    sort = bank.exercise("sort-statements", store=store)
    wrong = ["proposal"] * len(sort.spec["items"])
    sort.submit(wrong)
    shown = sort.submit(["obstacle"] * len(wrong)).message  # a second, other answer: which statements, not why
    again = bank.exercise("sort-statements", store=store)
    assert shown in again.feedback.value and again.attempts == 2


def test_a_check_after_a_failed_save_is_not_swallowed(store, monkeypatch):
    number = load_bank("00_start_here").exercise("days-after-quake", store=store)
    real = store.record

    def full(*args, **kwargs):
        raise OSError(28, "the disk is full")

    monkeypatch.setattr(store, "record", full)
    number.entry.value = "75"  # Enter: checked, not saved
    assert "Not saved" in number.feedback.value and number.attempts == 0
    monkeypatch.setattr(store, "record", real)
    number.check_button.click()  # the student presses Check again, as the sentence asks
    assert number.attempts == 1 and "Not saved" not in number.feedback.value
    number.entry.value = "76"  # and a new answer is a second attempt as usual
    assert number.attempts == 2


def test_a_large_number_comes_back_with_all_its_digits(store):
    bank = load_bank("00_start_here")
    bank.exercise("days-after-quake", store=store).submit("1234567")
    assert bank.exercise("days-after-quake", store=store).entry.value == "1234567"


def test_a_folder_that_is_a_file_gets_a_sentence(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OSError, match="its folder .* cannot be created"):
        ProgressStore(tmp_path / "afile" / "progress.sqlite").record("00", "a", "number", 1, True)


def test_a_failed_export_leaves_the_earlier_hand_in_whole(store, tmp_path, monkeypatch):
    """Issue 20, fault 5: an export that fails half-way (a full disk) truncated the good hand-in written before
    (302 of 600 rows left). The new file is written beside it and renamed into place only once complete."""
    import errno

    from after_fukushima import scorecard

    for n in range(6):
        store.record("00_start_here", "summit-place", "multiple_choice", f"Vienna {n}", False)
    path = scorecard.hand_in_csv(store, "Ana", tmp_path)
    before = path.read_bytes()
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    written = []

    def fill_the_disk(self, row):
        written.append(row)
        if len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_writerow(self, row)

    real_writerow = scorecard.csv.DictWriter.writerow
    monkeypatch.setattr(scorecard.csv.DictWriter, "writerow", fill_the_disk)
    with pytest.raises(OSError):
        scorecard.hand_in_csv(store, "Ana", tmp_path)
    assert path.read_bytes() == before  # the earlier hand-in, whole
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]  # no partial file left behind
    monkeypatch.undo()
    assert "Deauville, France" in scorecard.hand_in_csv(store, "Ana", tmp_path).read_text(encoding="utf-8-sig")


# --- issue 20, fault 8: saving where files cannot be locked ------------------------------------------


def _save_without_locks(path: str, who: str, count: int) -> None:
    """A notebook on a home whose file system answers ENOLCK: locking is forced off in this process only."""
    import warnings

    from after_fukushima import progress

    warnings.simplefilter("ignore")
    progress.locking_works = lambda folder: False
    store = ProgressStore(path)
    for n in range(count):
        store.record("00", f"{who}-{n % 3}", "number", f"{who}:{n}", False)
        if n % 7 == 0:
            store.attempts()  # a notebook also reads (a re-run cell restores its answer)


def test_notebooks_saving_at_once_without_file_locks_lose_nothing(tmp_path):
    """Issue 20, fault 8: without locks, two notebooks saving at once scattered the answers over files set aside
    as damaged (558 saves reported, 133 visible). Four processes save 150 answers each, locking forced off."""
    path = str(tmp_path / "progress.sqlite")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_save_without_locks, args=(path, who, 150)) for who in "abcd"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(240)
    assert [writer.exitcode for writer in writers] == [0, 0, 0, 0]  # every save said it was kept
    attempts = ProgressStore(path).attempts()
    answers = [a["answer"] for a in attempts]
    assert sorted(answers) == sorted(f"{who}:{n}" for who in "abcd" for n in range(150))  # all there, none twice
    for exercise in {a["exercise"] for a in attempts}:
        numbers = [a["attempt"] for a in attempts if a["exercise"] == exercise]
        assert numbers == list(range(1, len(numbers) + 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite"]  # nothing set aside, no lock left


def locking_off(monkeypatch) -> None:
    from after_fukushima import progress

    monkeypatch.setattr(progress, "locking_works", lambda folder: False)


def test_a_lock_left_by_a_process_that_stopped_is_removed_with_a_warning(store, monkeypatch):
    import socket

    locking_off(monkeypatch)
    finished = subprocess.Popen(["true"])  # a process of this host that has ended
    finished.wait()
    store.lock_path.write_text(f"{finished.pid} {socket.gethostname()} - 0\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=f"left by a notebook that stopped .process {finished.pid} on"):
        store.record("00", "a", "number", 1, True)
    assert [a["answer"] for a in store.attempts()] == [1]
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]


def test_a_held_lock_makes_a_save_wait_then_say_so(store, monkeypatch):
    """A lock whose holder runs (this host) or is recent (another host) is waited for, a bounded time."""
    import os
    import socket

    from after_fukushima import lockfile
    from after_fukushima.errors import CourseError

    locking_off(monkeypatch)
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 0.2)
    for holder in (f"{os.getppid()} {socket.gethostname()} - 0", "77 another-host - 0"):
        store.lock_path.write_text(holder + "\n", encoding="utf-8")
        with pytest.raises(CourseError, match="another notebook kept it busy for 0.2 seconds: try again"):
            store.record("00", "a", "number", 1, True)
        assert store.lock_path.read_text(encoding="utf-8") == holder + "\n"  # not taken from its holder
    old = time.time() - lockfile.STALE_AFTER - 5  # another host's lock, older than any save takes
    os.utime(store.lock_path, (old, old))
    with pytest.warns(UserWarning, match="left by a notebook that stopped .process 77 on another-host"):
        store.record("00", "a", "number", 1, True)
    assert not store.lock_path.exists()


def test_the_progress_folder_and_files_are_private(tmp_path):
    """Issue 20, fault 10: on a hub whose homes are 0755 every student could read every other's answers."""
    import os
    import stat

    previous = os.umask(0o022)  # the usual umask, which makes 0644 files and 0755 folders
    try:
        store = ProgressStore(tmp_path / "home" / ".after_fukushima" / "progress.sqlite")
        store.record("00", "a", "number", 1, True)
        mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
        assert mode(store.path.parent) == 0o700 and mode(store.path.parent.parent) == 0o700
        assert mode(store.path) == 0o600
        with closing(sqlite3.connect(store.path, isolation_level=None)) as connection:  # a save in progress
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO settings VALUES ('x', 'y')")
            assert mode(Path(f"{store.path}-journal")) == 0o600  # SQLite gives its journal the database's mode
            connection.execute("ROLLBACK")
        # a folder and a file made by an older version, open to everyone, are closed to others
        store.path.parent.chmod(0o755)
        store.path.chmod(0o644)
        assert store.attempts()[0]["answer"] == 1
        assert mode(store.path.parent) == 0o700 and mode(store.path) == 0o600
    finally:
        os.umask(previous)


def test_a_file_that_looked_damaged_once_is_looked_at_again_under_the_lock_not_set_aside(store, monkeypatch):
    """Never set a file aside for what was seen once, perhaps half-way through another notebook's save (a torn
    read): it is read again under the course's own lock, and only damage seen there sets it aside."""
    store.record("00", "a", "number", 1, True)
    real_prepare = store._prepare
    seen = []

    def torn_once(connection):
        if not seen:
            seen.append(1)
            error = sqlite3.DatabaseError("database disk image is malformed")
            error.sqlite_errorname = "SQLITE_CORRUPT"
            raise error
        return real_prepare(connection)

    monkeypatch.setattr(store, "_prepare", torn_once)
    store.record("00", "a", "number", 2, True)
    assert seen and [a["answer"] for a in store.attempts()] == [1, 2]
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.sqlite"]  # nothing set aside


def test_a_folder_where_the_lock_file_should_be_is_said_at_once(store, monkeypatch):
    """Without file locks, a folder named progress.sqlite.lock made every save wait, then say that another
    notebook kept the file busy: untrue, and so for ever."""
    from after_fukushima import lockfile
    from after_fukushima.errors import CourseError

    locking_off(monkeypatch)
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 0.2)
    store.lock_path.mkdir()
    with pytest.raises(CourseError, match=r"lock file .*progress.sqlite.lock is a folder, .*: remove it"):
        store.record("00", "a", "number", 1, True)
    assert store.lock_path.is_dir()  # left as it is: the student removes it


INTERRUPTED = """
import os, sys
from after_fukushima import lockfile, progress
progress.locking_works = lambda folder: False
from after_fukushima import lockfile
lockfile.LOCK_TIMEOUT = 0.5
store = progress.ProgressStore(sys.argv[1])
real_write = os.write

def interrupted(descriptor, data):  # Ctrl-C (the kernel's Interrupt) just after the lock line was written
    real_write(descriptor, data)
    os.write = real_write
    raise KeyboardInterrupt

os.write = interrupted
try:
    store.record("00", "a", "number", 1, True)
except KeyboardInterrupt:
    print("interrupted;", "lock left" if store.lock_path.exists() else "no lock left")
store.record("00", "a", "number", 2, True)
print("saved", [a["answer"] for a in store.attempts()])
"""


def test_an_interrupt_while_taking_the_lock_leaves_no_lock(tmp_path):
    """A KeyboardInterrupt between making the lock file and returning from _LockFile.__enter__ left a lock
    naming this live process, so every later save in that kernel failed until it was restarted. In a
    subprocess, whose os.write may be replaced."""
    import sys

    path = tmp_path / "progress.sqlite"
    result = subprocess.run([sys.executable, "-c", INTERRUPTED, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["interrupted; no lock left", "saved [2]"]


def test_a_lock_naming_this_process_that_it_does_not_hold_is_left_behind(store, monkeypatch):
    """However it was left (an interrupt, a copied folder), a lock of this very process is stale unless this
    process holds it now."""
    import os
    import socket

    from after_fukushima import lockfile

    locking_off(monkeypatch)
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 0.2)
    started = lockfile._started(os.getpid()) or "-"
    store.lock_path.write_text(f"{os.getpid()} {socket.gethostname()} {started} 0\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=f"left by a notebook that stopped .process {os.getpid()} on"):
        store.record("00", "a", "number", 1, True)
    assert [a["answer"] for a in store.attempts()] == [1]
    assert not store.lock_path.exists()


@pytest.mark.parametrize("host", ["this", "another-host"])
@pytest.mark.parametrize("pid", ["99999999999999999999", "2147483648", "0", "x12"])
def test_a_lock_naming_no_possible_process_is_removed(store, monkeypatch, pid, host):
    """A pid too large for any process (os.kill overflows) was taken for a live holder: never broken."""
    import socket

    from after_fukushima import lockfile

    locking_off(monkeypatch)
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 0.2)
    host = socket.gethostname() if host == "this" else host
    store.lock_path.write_text(f"{pid} {host} - {time.time():.0f}\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="left by a notebook that stopped"):
        store.record("00", "a", "number", 1, True)
    assert not store.lock_path.exists()


def test_a_lock_dated_ahead_of_this_clock_is_not_kept_for_ever(store, monkeypatch):
    """Another host's lock whose time lies in the future (clocks that disagree) was never stale. It is said
    so, and taken as left behind once this process has seen it, unchanged, for STALE_AFTER seconds."""
    import os

    from after_fukushima import lockfile
    from after_fukushima.errors import CourseError

    locking_off(monkeypatch)
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 0.2)
    store.lock_path.write_text("77 another-host - 0\n", encoding="utf-8")
    ahead = time.time() + 3600
    os.utime(store.lock_path, (ahead, ahead))
    with pytest.raises(CourseError, match="dated 3[56][0-9]{2} seconds ahead of this computer's clock"):
        store.record("00", "a", "number", 1, True)
    assert store.lock_path.exists()  # a moment's sight is not enough
    monkeypatch.setattr(lockfile, "STALE_AFTER", 0.3)  # seen this long, unchanged, it is left behind
    monkeypatch.setattr(lockfile, "LOCK_TIMEOUT", 30)
    with pytest.warns(UserWarning, match="left by a notebook that stopped .process 77 on another-host"):
        store.record("00", "a", "number", 1, True)
    assert not store.lock_path.exists()


@pytest.mark.parametrize(
    "answer, kept",
    [
        (10**5000, "10000000000000000000…00000000000000000000 (5,001 digits)"),
        (-(10**4400) + 1, "-99999999999999999999…99999999999999999999 (4,400 digits)"),
        ([7, {"n": 10**5000}], [7, {"n": "10000000000000000000…00000000000000000000 (5,001 digits)"}]),
        (10**4299, 10**4299),  # within the limit: kept whole
    ],
    ids=["5001 digits", "negative", "inside a list", "4300 digits"],
)
def test_a_whole_number_too_long_for_text_is_saved_as_its_digits(store, answer, kept):
    """int to str stops at 4,300 digits (ValueError, the repr fallback too): record, which never raises for an
    answer, raised. The limit is the whole process's, so it is not raised: the number is kept shortened."""
    import sys

    limit = sys.get_int_max_str_digits()
    store.record("00", "a", "code", answer, False)
    assert store.attempts()[0]["answer"] == kept
    assert sys.get_int_max_str_digits() == limit  # the process's limit untouched
