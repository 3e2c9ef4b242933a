"""The scorecard: how far a student is in each lesson, and the CSV export a teacher collects.

It sits above both the progress store (what was answered) and the exercises (what counts as done), so that
the store depends on nothing above it.
"""

import base64
import csv
import html
import os
import re
import unicodedata
from pathlib import Path

import ipywidgets as widgets

from after_fukushima.exercises.bank import usable_banks
from after_fukushima.exercises.base import TEXT
from after_fukushima.exercises.kinds import counts_as_done
from after_fukushima.live import keep_one
from after_fukushima.progress import ProgressStore

NAME_SETTING = "student_name"
HAND_IN_COLUMNS = ["student", "lesson", "exercise", "kind", "attempt", "correct", "answer", "saved_at"]


def hand_in_folder() -> Path:
    """Where hand-in files are written: ~/after_fukushima_hand_in (on JupyterHub, visible in the student's file
    browser), or after_fukushima_hand_in in the current folder when there is no home folder."""
    try:
        return Path.home() / "after_fukushima_hand_in"
    except (RuntimeError, KeyError):
        return Path.cwd() / "after_fukushima_hand_in"


def file_name_for(student: str) -> str:
    """A file name that names the student: letters, digits and hyphens of the name (accents dropped, other
    scripts kept), e.g. 'Zoë Li' -> 'after_fukushima_Zoe-Li.csv'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", student) if not unicodedata.combining(c))
    slug = re.sub(r"[^\w]+", "-", plain).strip("-_")[:60] or "student"
    return f"after_fukushima_{slug}.csv"


def as_plain_text(answer) -> str:
    """An answer as a person reads it: lists joined with ' | ', nothing for no answer."""
    if answer is None:
        return ""
    if isinstance(answer, (list, tuple)):
        return " | ".join(as_plain_text(part) for part in answer)
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return str(answer)


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a cell starting with = + - @ (or a tab or carriage return) would be
    run as a formula by Excel or LibreOffice, so it gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def hand_in_csv(store: ProgressStore, student: str, folder: Path) -> Path:
    """Write every attempt in ``store`` to ``folder``/after_fukushima_<name>.csv and return its path.

    Columns ``HAND_IN_COLUMNS``, one row per attempt, oldest first; correct is True, False or empty (a
    reflection or a judgement, which are not graded); answers in plain text, made safe for spreadsheets. UTF-8
    with a byte-order mark, so that Excel reads accents and other scripts. Raises OSError if the folder or file
    cannot be written; the hand-in written before, if any, is then left as it was (the new file is written beside
    it and renamed into place only once complete).
    """
    attempts = store.attempts(strict=True)  # an unreadable progress file is an error, not an empty hand-in
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name_for(student)
    partial = path.with_name(f".{path.name}.partial")  # hidden, and not a .csv: the class report never reads it
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=HAND_IN_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for attempt in attempts:
                writer.writerow(
                    {
                        **attempt,
                        "student": spreadsheet_safe(student),
                        "correct": "" if attempt["correct"] is None else attempt["correct"],
                        "answer": spreadsheet_safe(as_plain_text(attempt["answer"])),
                    }
                )
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path


def summary(store: ProgressStore, banks) -> list[dict]:
    """Per lesson: exercises, how many answered, how many done (answered correctly once; a reflection saved at
    its suggested length; a judgement's verdicts saved: ``exercises.kinds.counts_as_done``)."""

    def done_by(attempt, bank) -> bool:
        return counts_as_done(bank.entry(attempt["exercise"]), attempt["answer"], attempt["correct"])

    attempts = store.attempts()
    rows = []
    for bank in banks:
        mine = [a for a in attempts if a["lesson"] == bank.lesson and a["exercise"] in bank.ids]
        answered = {a["exercise"] for a in mine}
        done = {a["exercise"] for a in mine if done_by(a, bank)}
        rows.append(
            {
                "lesson": bank.lesson,
                "title": bank.title,
                "exercises": len(bank.ids),
                "answered": len(answered),
                "done": len(done),
            }
        )
    return rows


class Scorecard(widgets.VBox):
    """Progress per lesson, and the hand-in: a CSV file of every attempt, named after the student.

    The student's name is asked once (on JupyterHub the hub's user name is offered) and kept with their
    progress. The file goes to ``hand_in_folder()`` (its full path is shown) and can also be downloaded from
    the link shown under the button; see ``hand_in_csv`` for its columns.
    """

    def __init__(self, store: ProgressStore | None = None, folder: Path | str | None = None):
        self.store = store or ProgressStore()
        self.banks, self.bank_problems = usable_banks()  # a broken bank costs its lesson only, with a sentence
        self.folder = Path(folder) if folder is not None else None
        self.table = widgets.HTML()
        self.message = widgets.HTML()
        self.name = widgets.Text(
            value=self.store.setting(NAME_SETTING) or os.environ.get("JUPYTERHUB_USER", ""),
            description="Your name",
            placeholder="as your teacher knows you",
            style={"description_width": "initial"},
        )
        refresh = widgets.Button(description="Refresh", icon="refresh", tooltip="Update the scorecard")
        export = widgets.Button(
            description="Export for my teacher",
            icon="download",
            layout=widgets.Layout(width="auto"),
            tooltip="Save all your answers in one CSV file, named after you, to hand in",
        )
        refresh.on_click(lambda _: self.refresh())
        export.on_click(lambda _: self.export())
        super().__init__(children=[self.table, widgets.HBox([refresh, self.name, export]), self.message])
        self.add_class("af-scorecard-box")
        keep_one(("Scorecard",), self)
        self.refresh()

    def refresh(self) -> None:
        rows = summary(self.store, self.banks)
        cell = "style='padding:2px 12px;border-bottom:1px solid var(--jp-border-color2,#ddd);text-align:left'"
        body = "".join(
            f"<tr><td {cell}>{html.escape(r['lesson'])}</td><td {cell}>{html.escape(r['title'])}</td>"
            f"<td {cell}>{r['answered']} / {r['exercises']}</td><td {cell}>{r['done']} / {r['exercises']}</td></tr>"
            for r in rows
        )
        head = "".join(f"<th {cell}>{name}</th>" for name in ("Lesson", "Title", "Answered", "Done"))
        self.table.value = (
            f"<table class='af-scorecard' style='border-collapse:collapse'><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table><div style='{TEXT};font-size:90%'>Done: answered "
            "correctly at least once; for a written reflection, saved at the suggested length; for your verdicts "
            "(not graded), saved.</div>"
            + "".join(f"<div style='{TEXT};font-weight:600'>⚠ {html.escape(p)}</div>" for p in self.bank_problems)
        )

    def export(self) -> Path | None:
        """Write the hand-in file; show its full path and a download link, or a sentence saying what to do."""
        name = " ".join(self.name.value.split())
        if not name:
            self.message.value = "Type your name first: your teacher needs it to tell the files apart."
            return None
        try:
            self.store.set_setting(NAME_SETTING, name)
        except OSError:
            pass  # the name is asked again next time; the export itself can still be written
        try:
            path = hand_in_csv(self.store, name, self.folder or hand_in_folder())
        except OSError as exc:
            self.message.value = f"Not saved: the file could not be written ({html.escape(exc.strerror or str(exc))})."
            return None
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.message.value = (
            f"Saved all your answers to <code>{html.escape(str(path))}</code>. "
            f"<a download='{html.escape(path.name)}' href='data:text/csv;base64,{data}'>Download it</a> to hand in "
            "as your teacher asks (uploaded, e-mailed, or collected from that folder)."
        )
        return path

    def __repr__(self) -> str:
        rows = summary(self.store, self.banks)
        answered = sum(r["answered"] for r in rows)
        total = sum(r["exercises"] for r in rows)
        lessons = f"{len(rows)} lesson" + ("" if len(rows) == 1 else "s")
        return f"<Scorecard: {answered} of {total} exercises answered, {lessons}>"
