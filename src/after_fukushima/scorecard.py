"""The scorecard: how far a student is in each lesson, and the CSV export a teacher collects.

It sits above both the progress store (what was answered) and the exercises (what counts as done), so that
the store depends on nothing above it.
"""

import base64
import csv
import html
import os
import re
import stat
import unicodedata
import warnings
from pathlib import Path

import ipywidgets as widgets

from after_fukushima.exercises.bank import usable_banks
from after_fukushima.exercises.base import TEXT, saved_copy_css
from after_fukushima.exercises.kinds import counts_as_done
from after_fukushima.live import keep_one
from after_fukushima.progress import ProgressStore

NAME_SETTING = "student_name"
HAND_IN_COLUMNS = ["student", "lesson", "exercise", "kind", "attempt", "correct", "answer", "saved_at"]
# The longest name a student may hand in under, in characters: the longest names in civil registers are rarely
# over 70; a longer "name" is a mistake or made to stretch the class report's tables and figures.
MAX_NAME = 100
# Characters that reverse the order in which the text after them is shown (right-to-left overrides, embeddings
# and isolates): 'Ann\u202eleB' is shown as 'AnnBel'. A name holding one is refused rather than shown misleadingly.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
SURROGATES = re.compile("[\ud800-\udfff]")
# Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt, Unicode 15: characters a font draws as
# nothing), listed here because Python cannot look the property up, and characters that are drawn blank though
# they are letters or symbols: the Braille blank and the Hangul fillers. 'Anna\u034f' would otherwise be shown as
# 'Anna' and counted as another student.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
    "\u2800]"  # not default-ignorable, but drawn blank: the Braille pattern without dots
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula at the start of a cell
# What a scorecard reopened without running its cell says, once, instead of a broken-link icon on each part.
SAVED_COPY = "A saved copy: run this cell (Shift+Enter), or Run All, to see your current counts."
SCORECARD_CSS = f"<style>{saved_copy_css('af-scorecard-box', SAVED_COPY)}</style>"
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # a spreadsheet reads it as a number


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
    run as a formula by Excel or LibreOffice, so it gets a leading apostrophe. So does one starting with
    apostrophes and then one of those, so that ``spreadsheet_unsafe`` always gives back exactly the text given.
    A plain number ('-131.3', '+5', '1e-3') is no formula and stays as it is, so a spreadsheet shows a number."""
    if PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.lstrip("'")[:1] in FORMULA_STARTS else text


def spreadsheet_unsafe(text: str) -> str:
    """The text ``spreadsheet_safe`` was given: the apostrophe it added (before = + - @, a tab or a carriage
    return, or before more apostrophes and one of those) removed. Other text is returned as it is."""
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS else text


def clean_name(name: str) -> str:
    """A student's name as the course keeps and compares it: in Unicode's compatibility form NFKC (so that 'é'
    typed as one character or as 'e' and an accent, and a full-width 'Ａ', are the same letters), without
    invisible characters (``INVISIBLE``: Unicode's default-ignorable code points, such as zero-width spaces and
    joiners, direction marks, the combining grapheme joiner and variation selectors, and the blank Braille
    pattern and Hangul fillers), format and control characters, runs of spaces made one space.

    Lookalike letters of other scripts (a Cyrillic 'а' in 'Аnna') are not detected: such a name is another
    student's. The class report says when a name mixes Latin, Greek or Cyrillic letters, for the teacher to check.

    Raises ValueError with a sentence for a name holding characters that reverse the direction of the text
    (``DIRECTION_CONTROLS``), a name with nothing left once cleaned, and one longer than ``MAX_NAME`` characters.
    """
    if DIRECTION_CONTROLS.search(name):
        raise ValueError(
            "it holds characters that reverse the direction of the text (a right-to-left override or isolate), "
            "so it would be shown as something it is not"
        )
    kept = "".join(
        c
        for c in INVISIBLE.sub("", unicodedata.normalize("NFKC", INVISIBLE.sub("", SURROGATES.sub("\ufffd", name))))
        if unicodedata.category(c) not in ("Cc", "Cf")
    )
    kept = " ".join(kept.split())
    if not kept:
        raise ValueError("it is made of invisible characters only")
    if len(kept) > MAX_NAME:
        raise ValueError(f"it is {len(kept):,} characters long, and no student's name is over {MAX_NAME}")
    return kept


def _cell(value) -> str:
    """One cell of a hand-in: plain text, a lone surrogate (half of a character, from a broken copy and paste)
    replaced with U+FFFD, made safe for spreadsheets."""
    return spreadsheet_safe(SURROGATES.sub("\ufffd", "" if value is None else as_plain_text(value)))


class ReplacedCharacters(UserWarning):
    """Some characters of a hand-in could not be saved (halves of a character) and were replaced with U+FFFD."""


def hand_in_csv(store: ProgressStore, student: str, folder: Path) -> Path:
    """Write every attempt in ``store`` to ``folder``/after_fukushima_<name>.csv and return its path.

    Columns ``HAND_IN_COLUMNS``, one row per attempt, oldest first; correct is True, False or empty (a
    reflection or a judgement, which are not graded); answers in plain text, every cell made safe for spreadsheets
    (``spreadsheet_safe``). UTF-8 with a byte-order mark, so that Excel reads accents and other scripts.

    The folder is created readable by its owner only (0700) and the file is written so (0600): on a hub whose
    home folders others may read, no student reads another's answers. A lone surrogate (half of a character,
    left by a broken copy and paste; it cannot be written as UTF-8) is written as U+FFFD, the replacement
    character, with a ``ReplacedCharacters`` warning saying how many. Raises OSError if the folder or file cannot
    be written; the hand-in written before, if any, is then left as it was (the new file is written beside it and
    renamed into place only once complete), and no partial file is left behind.
    """
    path, replaced = _write_hand_in(store, student, folder)
    if replaced:
        warnings.warn(_replaced_sentence(replaced), ReplacedCharacters, stacklevel=2)
    return path


def _replaced_sentence(replaced: int) -> str:
    return (
        f"{replaced} character{'s' if replaced > 1 else ''} of your answers could not be saved (half of a "
        "character, from a copy and paste) and "
        f"{'were' if replaced > 1 else 'was'} saved as \ufffd (the replacement character): check your answers and "
        "correct them if needed."
    )


def _write_hand_in(store: ProgressStore, student: str, folder: Path) -> tuple[Path, int]:
    """hand_in_csv's work: the path written, and how many lone surrogates were replaced."""
    attempts = store.attempts(strict=True)  # an unreadable progress file is an error, not an empty hand-in
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / file_name_for(student)
    partial = path.with_name(f".{path.name}.partial")  # hidden, and not a .csv: the class report never reads it
    replaced = len(SURROGATES.findall(student))
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(partial, flags, 0o600)
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), stat.S_IRUSR | stat.S_IWUSR)  # also if a partial file was there already
            writer = csv.DictWriter(out, fieldnames=HAND_IN_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for attempt in attempts:
                row = {**attempt, "student": student}
                replaced += sum(len(SURROGATES.findall(as_plain_text(attempt.get(c)))) for c in HAND_IN_COLUMNS[1:])
                writer.writerow({column: _cell(row.get(column)) for column in HAND_IN_COLUMNS})
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:  # a full disk, or anything else: never a partial file, never the good hand-in lost
        partial.unlink(missing_ok=True)
        raise
    return path, replaced


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

    The table is counted when the cell runs, when Refresh is pressed and when Export is pressed (so that it agrees
    with the file just written), and says so. Reopened without running the cell, it says that it is a saved copy.
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
        """Count every lesson's answered and done exercises again (``summary``) and show them in the table."""
        rows = summary(self.store, self.banks)
        cell = "style='padding:2px 12px;border-bottom:1px solid var(--jp-border-color2,#ddd);text-align:left'"
        body = "".join(
            f"<tr><td {cell}>{html.escape(r['lesson'])}</td><td {cell}>{html.escape(r['title'])}</td>"
            f"<td {cell}>{r['answered']} / {r['exercises']}</td><td {cell}>{r['done']} / {r['exercises']}</td></tr>"
            for r in rows
        )
        head = "".join(f"<th {cell}>{name}</th>" for name in ("Lesson", "Title", "Answered", "Done"))
        self.table.value = (
            f"{SCORECARD_CSS}<table class='af-scorecard' style='border-collapse:collapse'><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table><div style='{TEXT};font-size:90%'>Done: answered "
            "correctly at least once; for a written reflection, saved at the suggested length; for your verdicts "
            "(not graded), saved. Counted when this cell last ran, or when Refresh or Export was last pressed: "
            "press Refresh to count your latest answers.</div>"
            + "".join(f"<div style='{TEXT};font-weight:600'>⚠ {html.escape(p)}</div>" for p in self.bank_problems)
        )

    def export(self) -> Path | None:
        """Write the hand-in file; show its full path and a download link, or a sentence saying what to do.
        The table above is counted again first, so that it shows what the file holds."""
        self.refresh()
        if not self.name.value.strip():
            self.message.value = "Type your name first: your teacher needs it to tell the files apart."
            return None
        try:
            name = clean_name(self.name.value)
        except ValueError as problem:
            self.message.value = (
                f"Not saved: your name cannot be used, because {html.escape(str(problem))}. Type it again."
            )
            return None
        try:
            self.store.set_setting(NAME_SETTING, name)
        except OSError:
            pass  # the name is asked again next time; the export itself can still be written
        try:
            path, replaced = _write_hand_in(self.store, name, self.folder or hand_in_folder())
        except OSError as exc:
            self.message.value = f"Not saved: the file could not be written ({html.escape(exc.strerror or str(exc))})."
            return None
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.message.value = (
            f"Saved all your answers to <code>{html.escape(str(path))}</code>. "
            f"<a download='{html.escape(path.name)}' href='data:text/csv;base64,{data}'>Download it</a> to hand in "
            "as your teacher asks (uploaded, e-mailed, or collected from that folder)."
            + (f" {html.escape(_replaced_sentence(replaced))}" if replaced else "")
        )
        return path

    def __repr__(self) -> str:
        rows = summary(self.store, self.banks)
        answered = sum(r["answered"] for r in rows)
        total = sum(r["exercises"] for r in rows)
        lessons = f"{len(rows)} lesson" + ("" if len(rows) == 1 else "s")
        return f"<Scorecard: {answered} of {total} exercises answered, {lessons}>"
