"""The scorecard: how far a student is in each lesson, and the CSV export a teacher collects.

It sits above both the progress store (what was answered) and the exercises (what counts as done), so that
the store depends on nothing above it.
"""

import html
from pathlib import Path

import ipywidgets as widgets

from after_fukushima.exercises.bank import all_banks
from after_fukushima.exercises.base import TEXT
from after_fukushima.exercises.kinds import long_enough
from after_fukushima.live import keep_one
from after_fukushima.progress import ProgressStore


def summary(store: ProgressStore, banks) -> list[dict]:
    """Per lesson: exercises, how many answered, how many done (answered correctly once, or a reflection saved
    at its suggested length)."""

    def done_by(attempt, bank) -> bool:
        if attempt["kind"] == "reflection":
            return long_enough(str(attempt["answer"] or ""), bank.entry(attempt["exercise"]))
        return attempt["correct"] is True

    attempts = store.attempts()
    rows = []
    for bank in banks:
        mine = [a for a in attempts if a["lesson"] == bank.lesson and a["exercise"] in bank.ids]
        answered = {a["exercise"] for a in mine}
        done = {a["exercise"] for a in mine if done_by(a, bank)}
        rows.append({"lesson": bank.lesson, "title": bank.title, "exercises": len(bank.ids),
                     "answered": len(answered), "done": len(done)})
    return rows


class Scorecard(widgets.VBox):
    """Progress per lesson, with a button that exports every attempt as CSV for a teacher."""

    def __init__(self, store: ProgressStore | None = None, export_name: str = "my_after_fukushima_progress.csv"):
        self.store = store or ProgressStore()
        self.banks = all_banks()
        self.export_name = export_name
        self.table = widgets.HTML()
        self.message = widgets.HTML()
        refresh = widgets.Button(description="Refresh", icon="refresh", tooltip="Update the scorecard")
        export = widgets.Button(description="Export CSV", icon="download",
                                tooltip=f"Save all your answers as {export_name} in this folder")
        refresh.on_click(lambda _: self.refresh())
        export.on_click(lambda _: self.export())
        super().__init__(children=[self.table, widgets.HBox([refresh, export]), self.message])
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
        self.table.value = (f"<table class='af-scorecard' style='border-collapse:collapse'><thead><tr>{head}</tr>"
                            f"</thead><tbody>{body}</tbody></table><div style='{TEXT};font-size:90%'>Done: answered "
                            "correctly at least once, or, for a written reflection, saved at the suggested length.</div>")

    def export(self) -> Path | None:
        try:
            path = self.store.export_csv(Path.cwd() / self.export_name)
        except OSError as exc:
            self.message.value = f"Could not write the CSV file: {html.escape(str(exc))}"
            return None
        self.message.value = f"Saved all your answers to <code>{html.escape(path.name)}</code> in this folder."
        return path

    def __repr__(self) -> str:
        rows = summary(self.store, self.banks)
        answered = sum(r["answered"] for r in rows)
        total = sum(r["exercises"] for r in rows)
        lessons = f"{len(rows)} lesson" + ("" if len(rows) == 1 else "s")
        return f"<Scorecard: {answered} of {total} exercises answered, {lessons}>"
