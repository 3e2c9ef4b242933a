"""The progress store: atomic writes, damaged files set aside, two writers at once, and the scorecard."""

import csv
import json
import multiprocessing
import os
import re
from pathlib import Path

import pytest

from after_fukushima.exercises.bank import load_bank
from after_fukushima.progress import ProgressStore, progress_path
from after_fukushima.scorecard import Scorecard


def test_the_environment_variable_chooses_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTER_FUKUSHIMA_PROGRESS", str(tmp_path / "mine.json"))
    assert progress_path() == tmp_path / "mine.json"
    monkeypatch.delenv("AFTER_FUKUSHIMA_PROGRESS")
    assert progress_path().parts[-2:] == (".after_fukushima", "progress.json")


def test_attempts_are_numbered_and_kept(store):
    store.record("00", "a", "number", 12, False)
    store.record("00", "a", "number", 13, True)
    store.record("00", "b", "reflection", "Some text", None)
    assert [a["attempt"] for a in store.attempts()] == [1, 2, 1]
    assert store.latest("00", "a")["answer"] == 13
    content = json.loads(store.path.read_text(encoding="utf-8"))
    assert content["format"] == "after-fukushima-progress" and len(content["attempts"]) == 3


def test_a_write_is_atomic_and_leaves_no_temporary_files(store, monkeypatch):
    store.record("00", "a", "number", 1, False)
    before = store.path.read_bytes()

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        store.record("00", "a", "number", 2, False)
    assert store.path.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["progress.json", "progress.json.lock"]


@pytest.mark.parametrize("damage", [b"{not json", b"", b'{"format": "something else"}', b"\xff\xfe\x00", b"[1, 2]"])
def test_a_damaged_file_is_set_aside_with_a_warning(store, damage):
    store.path.write_bytes(damage)
    with pytest.warns(UserWarning, match="kept as progress.damaged-1.json and a fresh one was started"):
        assert store.attempts() == []
    assert (store.path.parent / "progress.damaged-1.json").read_bytes() == damage
    store.record("00", "a", "number", 1, True)
    assert len(store.attempts()) == 1


def test_a_second_damaged_file_does_not_overwrite_the_first(store):
    for number in (1, 2):
        store.path.write_text("broken", encoding="utf-8")
        with pytest.warns(UserWarning, match=f"damaged-{number}"):
            store.attempts()
    assert {p.name for p in store.path.parent.glob("*.damaged-*")} == {"progress.damaged-1.json",
                                                                     "progress.damaged-2.json"}


def test_a_damaged_file_never_stops_an_exercise(store, recwarn):
    store.path.write_text("{{{", encoding="utf-8")
    exercise = load_bank("00_start_here").exercise("summit-place", store=store)
    assert exercise.submit("Deauville, France").correct is True
    assert store.latest("00_start_here", "summit-place")["correct"] is True


def test_an_unwritable_file_is_reported_in_the_feedback(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = ProgressStore(blocker / "progress.json")  # its folder cannot be created
    with pytest.warns(UserWarning, match="Could not read your progress file"):
        exercise = load_bank("00_start_here").exercise("summit-place", store=store)
    verdict = exercise.submit("Deauville, France")
    assert verdict.correct is True
    shown = exercise.feedback.value
    assert "Not saved: your answer could not be written to" in shown  # said first, before the verdict
    assert shown.index("Not saved") < shown.index("Correct")
    assert exercise.attempts == 0  # an attempt that was not kept does not count


def test_a_reworded_bank_leaves_earlier_answers_harmless(store):
    """Issue 12, fault 1: an answer saved under old options must not break the exercise."""
    bank = load_bank("00_start_here")
    for ident, old_answer in [("summit-place", "Deauville"), ("events-in-order", ["gone"] * 6),
                              ("speakers-affiliations", ["gone"] * 4), ("sort-statements", ["gone"] * 7)]:
        kind = bank.entry(ident)["kind"]
        store.record(bank.lesson, ident, kind, old_answer, False)
        exercise = bank.exercise(ident, store=store)
        assert "has been edited since you last answered it" in exercise.feedback.value, ident
        assert exercise.submit(exercise.value()).status in ("invalid", "wrong", "correct")


def test_an_oddly_shaped_progress_file_is_read_without_errors(store):
    """Issue 12, fault 3: attempts without 'correct' or 'kind' (an older or hand-edited file)."""
    store.path.write_text(json.dumps({"format": "after-fukushima-progress", "version": 1, "attempts": [
        {"lesson": "00_start_here", "exercise": "summit-place"},
        {"lesson": "00_start_here", "exercise": "why-hesitate", "answer": None}, "not an attempt"]}),
        encoding="utf-8")
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
    assert path == tmp_path / ".after_fukushima" / "progress.json"


def test_saving_goes_on_without_a_lock_when_locking_is_unavailable(store, monkeypatch):
    """Issue 12, fault 6: an NFS home whose lock service is down (ENOLCK)."""
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(store._lock, "acquire", refuse)
    with pytest.warns(UserWarning, match="cannot be locked"):
        store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    assert store.latest("00_start_here", "summit-place")["answer"] == "Deauville, France"


def _write_many(path: str, who: str, count: int) -> None:
    store = ProgressStore(path)
    for n in range(count):
        store.record("00", f"{who}-{n % 3}", "number", n, False)


def test_two_notebooks_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "progress.json")
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
    again = bank.exercise("days-after-quake", store=store)
    assert again.entry.value == "75" and again.attempts == 2 and again.solved
    assert "Your last saved answer is shown" in again.feedback.value
    reflection = bank.exercise("why-hesitate", store=store)
    reflection.submit("Text the student wrote.")
    assert bank.exercise("why-hesitate", store=store).text.value == "Text the student wrote."
    code = bank.exercise("france-share-2010", store=store)
    code.check(76.2)
    reopened = bank.exercise("france-share-2010", store=store)
    assert reopened.solved and "Run your code cell again" in reopened.feedback.value  # nothing to show in the panel


def test_scorecard_counts_and_exports(store, tmp_path, monkeypatch):
    bank = load_bank("00_start_here")
    bank.exercise("summit-place", store=store).submit("Vienna, Austria")
    bank.exercise("summit-place", store=store).submit("Deauville, France")
    bank.exercise("why-hesitate", store=store).submit("Ein Gedanke, mit Umlauten: äöü.")  # saved, but short
    card = Scorecard(store=store)
    total = sum(len(bank.ids) for bank in card.banks)
    assert repr(card) == f"<Scorecard: 2 of {total} exercises answered, {len(card.banks)} lessons>"
    unstyled = re.sub(r" style='[^']*'", "", card.table.value)
    # Done: only the correct multiple choice; the short reflection is answered but not yet done.
    size = len(bank.ids)
    assert f"<td>00_start_here</td><td>Start here</td><td>2 / {size}</td><td>1 / {size}</td>" in unstyled
    monkeypatch.chdir(tmp_path)
    path = card.export()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["exercise"] for r in rows] == ["summit-place", "summit-place", "why-hesitate"]
    assert [r["correct"] for r in rows] == ["False", "True", ""]
    assert json.loads(rows[2]["answer"]) == "Ein Gedanke, mit Umlauten: äöü."
    assert "Saved all your answers" in card.message.value
    bank.exercise("days-after-quake", store=store).submit("70")  # answered, but not yet done
    bank.exercise("why-hesitate", store=store).submit("Sovereignty matters. " * 13)  # 26 words: done
    card.refresh()
    assert f"<td>3 / {size}</td><td>2 / {size}</td>" in re.sub(r" style='[^']*'", "", card.table.value)


def test_a_saved_prediction_is_read_back_escaped(store):
    from after_fukushima.progress import your_answer

    store.record("02_nuclear_power_in_2011", "check-prediction", "reflection", "Lower: <b>demand</b> grows faster.", None)
    shown = your_answer("02_nuclear_power_in_2011", "check-prediction", store=store).value
    assert "Your answer, saved" in shown and "&lt;b&gt;demand&lt;/b&gt;" in shown and "<b>demand</b>" not in shown


def test_a_missing_prediction_gets_a_sentence_not_an_error(store):
    from after_fukushima.progress import your_answer

    shown = your_answer("02_nuclear_power_in_2011", "check-prediction", store=store).value
    assert "You have not saved an answer to this question yet" in shown and "lesson 02" in shown
