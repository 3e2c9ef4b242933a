"""A teacher's tool: what a class's hand-in files say, as tables and two figures (teacher/class_report.ipynb).

    attempts, problems = read_hand_ins("hand_ins")        # every after_fukushima_*.csv in the folder
    exercise_summary(attempts)                            # who tried each exercise, who got it right
    common_wrong_answers(attempts)                        # the commonest wrong answers, with the course's feedback
    behind(attempts)                                      # who has done the fewest exercises, lesson by lesson
    save_csv(behind(attempts), "behind.csv")              # any table, to open in a spreadsheet without formulas
    reflections(attempts, "why-hesitate")                 # every student's written reflection, side by side
    verdicts(attempts, "report-on-trial")                 # every student's verdicts beside the course's reading
    heat_map(attempts), first_try_chart(attempts)         # the same, to look at rather than read

``demo_class(folder)`` writes an invented class of 30 hand-ins, to try the report on before the real ones come in.

Students hand in files written by ``scorecard.hand_in_csv``. This module reads them and is read by nothing the
students' notebooks import: it sits above the scorecard, the exercises and the plots. Every byte of a hand-in is
untrusted: tables escape it (and importing this module turns off MathJax in pandas' tables), figures draw it as
written, sentences quote it shortened and without control characters, and ``save_csv`` keeps it from running
as a spreadsheet formula.

What the report counts comes from files the students hold, and a student can edit theirs. The banks re-grade
every answer (the file's right-or-wrong column is only a claim), and "right at the first try" is read from the
attempt numbered 1, with a sentence when a file's attempts are not numbered 1, 2, 3… in the order of their times;
but a student who deletes the rows of wrong attempts and numbers the rest again cannot be detected. Read the
first-try shares as what the students handed in, not as proof.
"""

import csv
import io
import math
import os
import random
import re
import stat
import textwrap
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from after_fukushima.exercises.bank import Bank, usable_banks
from after_fukushima.exercises.base import CORRECT, InvalidAnswer
from after_fukushima.exercises.kinds import (
    EMPTY_FILTER,
    KINDS,
    ORDINALS,
    UNGRADED,
    count_words,
    counts_as_done,
    grade_number,
    long_enough,
    parse_number,
)
from after_fukushima.figures import panels
from after_fukushima.plots import PALETTE, SMALLEST_STATIC_TEXT_PT, TextTable
from after_fukushima.scorecard import (
    DIRECTION_CONTROLS,
    HAND_IN_COLUMNS,
    MAX_NAME,
    SURROGATES,
    as_plain_text,
    clean_name,
    file_name_for,
    spreadsheet_safe,
    spreadsheet_unsafe,
)

# Every table this module returns may show what students wrote, and JupyterLab typesets '$…$' in a table's HTML
# with MathJax: a name or an answer would be shown as a formula. Pandas then marks its tables as not to be
# typeset (the classes tex2jax_ignore and mathjax_ignore), in every table the teacher's notebook shows.
pd.set_option("display.html.use_mathjax", False)
pd.set_option("styler.html.mathjax", False)

ATTEMPT_COLUMNS = [*HAND_IN_COLUMNS, "file"]
REQUIRED = ["student", "lesson", "exercise", "correct", "answer"]
SEPARATOR = " | "  # how hand_in_csv joins the parts of a list answer
SOURCE = "Source: the students' hand-in files"
DEMO_SOURCE = "Source: an invented demo class (class_report.demo_class), not real students"
# 'True'/'False' as the scorecard writes them, and as a spreadsheet may write them back in other languages.
TRUE_WORDS = {"true", "1", "yes", "vrai", "wahr", "waar", "verdadero", "vero", "sant", "sann"}
FALSE_WORDS = {"false", "0", "no", "faux", "falsch", "onwaar", "falso", "usant", "falskt"}
SPREADSHEETS = (".xlsx", ".xls", ".ods", ".numbers")
MISSED = "(no sentence of its own: the course says how many options that apply are not ticked yet)"
GRADED_STATES = [
    "not tried",
    "tried, not yet right",
    "right after retrying",
    "right at the first try",
    "saved (reflection or verdict, not graded)",
]
STATE_COLOURS = ["#EEEEEE", PALETTE["vermillion"], PALETTE["sky"], PALETTE["green"], PALETTE["blue"]]


# --- reading the hand-ins ---------------------------------------------------------------------------


@dataclass
class _HandIn:
    """One student's rows from one file."""

    file: str
    student: str
    rows: list[dict] = field(default_factory=list)

    @property
    def last_saved(self) -> pd.Timestamp:
        times = pd.to_datetime(
            pd.Series([r["saved_at"] for r in self.rows], dtype="object"), utc=True, errors="coerce", format="mixed"
        )
        return times.max()

    def content(self) -> list[tuple]:
        return [tuple(row[c] for c in HAND_IN_COLUMNS) for row in self.rows]


def _exercise_index(banks: list[Bank]) -> dict[tuple[str, str], dict]:
    """(lesson, exercise id) -> its bank entry, in course order."""
    return {(bank.lesson, entry["id"]): entry for bank in banks for entry in bank.entries}


SHOWN = 80  # characters of a student's text (a name, a file name, an answer) a sentence quotes at most


def _shown(text: str, limit: int = SHOWN) -> str:
    """Text from a hand-in as a sentence may quote it: control and format characters (ANSI escapes, carriage
    returns, NUL, direction overrides, zero-width characters, halves of a character) written as escapes such as
    '\\x1b' or '\\u202e', so that they cannot move the cursor, colour or reverse what a terminal or a notebook
    shows, and at most ``limit`` characters, the rest replaced with '…'."""
    visible = "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c
        for c in text[: 2 * limit]
    )
    return visible if len(visible) <= limit and len(text) <= 2 * limit else visible[: limit - 1] + "…"


# Characters a hand-in saved by Excel as plain 'CSV' on Windows in Western Europe (cp1252) holds beyond ASCII:
# Latin letters with accents, and typographic quotes, dashes, ellipsis, euro, bullet, guillemets, degree and
# no-break space. A file decoded as cp1252 with anything else was almost surely written in another encoding.
WESTERN_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100)) - {"×", "÷"}
WESTERN_MARKS = frozenset("‘’“”–—…€•«»°\u00a0")


_LETTER = r"[^\W\d_]"  # a letter, as str.isalpha() sees one (nearly)
_NOT_WESTERN = re.compile("[^\x00-\x7f" + "".join(sorted(WESTERN_LETTERS | WESTERN_MARKS)) + "]")
_LONE_LETTER = re.compile(f"(?<!{_LETTER})[{''.join(sorted(WESTERN_LETTERS))}](?!{_LETTER})")
_MARK_IN_WORD = re.compile(f"(?<={_LETTER})[{''.join(sorted(WESTERN_MARKS - {'’'}))}](?={_LETTER})")
EXAMPLE_WORDS = 3
EXAMPLE_LOOKS = 1_000  # characters beyond ASCII looked at for example words, at most


def _looks_western(text: str) -> tuple[bool, list[str]]:
    """Whether text decoded as cp1252 reads as Western European text, and its first words beyond ASCII (at most
    EXAMPLE_WORDS, among the first EXAMPLE_LOOKS characters beyond ASCII): each accented letter beside another
    letter (as in a word), and no quote or dash but the apostrophe between two letters (Mac Roman's accented
    letters become such marks in cp1252). Each test is one regular-expression scan of the text, so that a file of
    50 MB takes seconds, not minutes."""
    if _NOT_WESTERN.search(text) or _LONE_LETTER.search(text) or _MARK_IN_WORD.search(text):
        return False, []
    words: list[str] = []
    for looked, match in enumerate(re.finditer(r"[^\x00-\x7f]", text)):
        if len(words) >= EXAMPLE_WORDS or looked >= EXAMPLE_LOOKS:
            break
        i, c = match.start(), match.group()
        word = re.search(r"[\w'’-]*$", text[max(0, i - 20) : i]).group() + c
        word += re.match(r"[\w'’-]*", text[i + 1 : i + 20]).group()
        if word not in words:
            words.append(word)
    return True, words


def _with_halves(raw: bytes) -> str | None:
    """The text of bytes that are UTF-8 but for halves of a character (surrogates, as CESU-8 and Java's modified
    UTF-8 write them) kept as lone surrogates; None if anything else is not UTF-8."""
    try:
        return raw.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError:
        return None


def _decode(raw: bytes, name: str) -> tuple[str | None, str]:
    """The file's text and "", or its text read as cp1252 and a sentence saying so, or None and a sentence
    saying why it is not read. ``name`` is the file's name as a sentence shows it."""
    if raw[:4] == b"PK\x03\x04":
        return None, (
            f"{name} is not a CSV file but a zipped one, most likely an Excel workbook (.xlsx) renamed: "
            "open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None, (
            f"{name} is not a CSV file but an older Excel workbook (.xls): open it in Excel and save it "
            "again as 'CSV UTF-8 (comma delimited)'."
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's 'Unicode Text': UTF-16, tab-separated
        text = raw.decode("utf-16", errors="replace")
        return (
            (text, "")
            if "\x00" not in text
            else (None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again.")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _with_halves(raw)
        if text is not None and "\x00" not in text:
            halves = len(SURROGATES.findall(text))
            return SURROGATES.sub("\ufffd", text), (
                f"{name} is UTF-8 but for {halves} half{'' if halves == 1 else 'ves'} of a character (a lone "
                "surrogate, which some programs write for an emoji or a character copied in pieces): "
                f"{'it was' if halves == 1 else 'they were'} read as \ufffd (the replacement character). Check that "
                "student's answers where it shows; the rest of the file is read as written."
            )
    else:
        if "\x00" in text:
            return None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again."
        return text, ""
    try:  # Excel's plain 'CSV' on Windows in Western Europe: read, but only if it reads as such, and said
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    western, words = _looks_western(text) if text is not None and "\x00" not in text else (False, [])
    if western:
        examples = ", ".join(f"'{_shown(w, 30)}'" for w in words)
        return text, (
            f"{name} is not saved as UTF-8: it was read as Windows' Western European text (cp1252), the way Excel "
            f"saves plain 'CSV' on Windows in Western Europe. Check its words with accents ({examples}); if they "
            "look wrong, open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."
        )
    if b"\x00" in raw:
        return None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again."
    return None, (
        f"{name} was not read: it is not saved as UTF-8, and its letters beyond English cannot be read with "
        "certainty (it may be in Japanese Windows' Shift-JIS (cp932), in a Mac's 'Mac Roman', or in another "
        "encoding). Open it in Excel or LibreOffice and save it again as 'CSV UTF-8 (comma delimited)', or ask "
        "the student to export it again."
    )


# Line breaks as the csv module reads them (io.StringIO with newline=""): the header and the body are split alike,
# so that a file with Excel's 'sep=' line and a Mac's CR-only line endings reads as one with LF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _header(text: str) -> tuple[str, list[str], int]:
    """The delimiter, the column names (lower case) and how many lines they took: the delimiter is the one of
    ',', ';' and tab that splits the first line into the most hand-in column names. Raises csv.Error for a first
    line the csv module cannot read with any of them (a cell longer than its field limit)."""
    lines = LINE_BREAK.split(text, maxsplit=2)
    skip = 0
    forced = None
    if lines[0].lower().startswith("sep=") and len(lines[0]) == 5:  # Excel's own hint line
        forced, skip = lines[0][4], 1
    first = lines[skip] if len(lines) > skip else ""
    best, failed = (",", [], -1), None
    for delimiter in [forced] if forced else [",", ";", "\t"]:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error as error:  # a cell over the field limit when split at this delimiter: not this one
            failed = error
            continue
        names = [cell.strip().strip("\ufeff").strip('"').strip().lower() for cell in cells]
        score = sum(name in HAND_IN_COLUMNS for name in names)
        if score > best[2]:
            best = (delimiter, names, score)
    if best[2] < 0 and failed:
        raise failed
    return best[0], best[1], skip


def _as_correct(text: str, kind: str):
    if kind in UNGRADED:
        return None
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if not word:
        return None
    raise ValueError(text)


# The longest cell a hand-in may hold, in characters: a reflection of 100,000 words fits; a longer cell is a
# damaged or crafted file, and its line is left out with a sentence.
MAX_CELL = 1_000_000
# Limits a real class never reaches (a student who tried every exercise of the course ten times writes about
# 1,500 rows and well under 1 MB), so that a crafted or runaway file cannot take the teacher's memory or hours.
MAX_FILE_BYTES = 50_000_000
MAX_ROWS = 20_000
MAX_NUMBER_TEXT = 200  # characters: a typed number with its unit is far shorter


# Hand-in files read from one folder: a class, or a year group of several classes, is far fewer. Beyond it the
# largest files are read (a crafted flood of invented students is many small files) and the rest named.
MAX_HAND_INS = 500


def _read_bytes(path: Path, name: str) -> tuple[bytes | None, str]:
    """The bytes of a regular file (never more than MAX_FILE_BYTES), or None and a sentence saying why not.

    Opened without following a link and without waiting: a named pipe put in place of the file meanwhile would
    otherwise block the report for ever; it is closed again, unread."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        return None, f"{name} could not be opened ({exc.strerror or exc})."
    with open(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None, _not_a_file(name, info.st_mode)
        size = info.st_size
        if size <= MAX_FILE_BYTES:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more than the limit, even if the file grows meanwhile
            size = max(size, len(raw))
    if size > MAX_FILE_BYTES:
        return None, (
            f"{name} was not read: it is {size / 1e6:,.0f} MB, and no hand-in comes near "
            f"{MAX_FILE_BYTES / 1e6:,.0f} MB. Ask the student to press 'Export for my teacher' again."
        )
    return raw, ""


def _not_a_file(name: str, mode: int) -> str:
    what = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return (
        f"{name} is not a file but {what}: it was not opened (reading it could wait for ever). Remove it, and put "
        "the hand-in files themselves in the folder."
    )


def _name_of(raw: str, cache: dict) -> tuple[str | None, str]:
    """A student's name from a hand-in's cell, cleaned (scorecard.clean_name), or None and why it is refused."""
    if raw not in cache:
        try:
            cache[raw] = (clean_name(raw), "")
        except ValueError as problem:
            cache[raw] = (None, f"'{_shown(raw, 40)}' ({problem})")
    return cache[raw]


def _read_file(path: Path, exercises: dict, entry_name: str | None = None) -> tuple[list[_HandIn], list[str]]:
    """The hand-in in one file (the rows of the student it belongs to) and sentences about what could not be read.

    ``path`` is the file opened; ``entry_name`` the name it has in the folder, if that is a link to it."""
    file = entry_name or path.name
    name = _shown(file)  # as a sentence may quote it
    raw, problem = _read_bytes(path, name)
    if raw is None:
        return [], [problem]
    if not raw.strip(b" \t\r\n\xef\xbb\xbf;,"):
        return [], [f"{name} is empty: ask the student to press 'Export for my teacher' again and send the new file."]
    text, note = _decode(raw, name)
    if text is None:
        return [], [note]
    notes = [note] if note else []
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))  # the csv module's own limit is 131,072
    try:
        delimiter, names, skip = _header(text)
    except csv.Error:  # a first line of one cell longer than MAX_CELL characters
        return [], [
            *notes,
            f"{name} is not a hand-in file: its first line is over {MAX_CELL:,} characters long, where a hand-in's "
            f"names its columns ({', '.join(HAND_IN_COLUMNS)}).",
        ]
    found = [n for n in REQUIRED if n in names]
    if not found:
        return [], [
            *notes,
            f"{name} is not a hand-in file: its first line does not name the hand-in's columns "
            f"({', '.join(HAND_IN_COLUMNS)}).",
        ]
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        return [], [
            *notes,
            f"{name} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}, so it "
            "cannot be read as a hand-in; was it edited in a spreadsheet? Ask for the file as exported.",
        ]
    where = {column: names.index(column) for column in HAND_IN_COLUMNS if column in names}
    twice = [column for column in where if names.count(column) > 1]
    if twice:
        notes.append(
            f"{name} names the column{'s' if len(twice) > 1 else ''} {', '.join(twice)} more than once in its first "
            "line: the first of each was read. Was it edited in a spreadsheet? Ask for the file as exported."
        )
    body = (LINE_BREAK.split(text, maxsplit=1)[1:] or [""])[0] if skip else text
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    next(reader, None)  # the column names
    stem = re.sub(r"^after_fukushima_", "", Path(file).stem).replace("-", " ")
    fallback, _ = _name_of(DIRECTION_CONTROLS.sub("", stem)[:MAX_NAME], {})
    fallback = fallback or "(no name)"
    hand_ins: dict[str, _HandIn] = {}
    damaged, unknown, unnamed, counters, regraded, too_many, rows_read = [], [], False, {}, 0, False, 0
    too_long: dict[str, tuple[int, int]] = {}  # exercise -> (parts of its first answer too long, parts at most)
    unjudged: dict[str, int] = {}  # judgement -> answers that are not one verdict per statement
    widths: dict[int, int] = {}  # cells in a line, where not as many as the first line's names -> its first line
    cleaned: dict[str, tuple] = {}
    refused: dict[str, int] = {}  # why a name is refused -> rows left out under it
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a cell longer than MAX_CELL characters, or a NUL byte: that line is left out
            damaged.append(reader.line_num + skip)
            continue
        line = reader.line_num + skip
        if rows_read >= MAX_ROWS:
            too_many = True
            break
        if not any(v.strip() for v in values):
            continue  # a blank line, or one a spreadsheet filled with separators only
        if len(values) <= max(where[c] for c in REQUIRED):
            damaged.append(line)
            continue
        if len(values) != len(names):  # read, but said: its cells may not be under the names they seem to be
            widths.setdefault(len(values), line)
        cell = {column: spreadsheet_unsafe(values[i]) if i < len(values) else "" for column, i in where.items()}
        if cell["student"].strip():
            student, why = _name_of(cell["student"], cleaned)
            if student is None:
                refused[why] = refused.get(why, 0) + 1
                continue
        else:
            student, unnamed = fallback, True
        lesson, exercise = cell["lesson"].strip(), cell["exercise"].strip()
        entry = exercises.get((lesson, exercise))
        if entry is None:
            unknown.append((lesson, exercise))
            continue
        try:
            claimed = _as_correct(cell["correct"], entry["kind"])
        except ValueError:
            damaged.append(line)
            continue
        parts, most = cell["answer"].count(SEPARATOR) + 1, _most_parts(entry)
        if parts > most:  # no widget writes this: a crafted answer that would cost minutes and memory
            too_long.setdefault(exercise, (parts, most))
            continue
        if entry["kind"] == "judgement" and not judged(entry, cell["answer"]):
            unjudged.setdefault(exercise, 0)
            unjudged[exercise] += 1
        correct = regrade(entry, cell["answer"])  # the file's column is only a claim: the banks decide
        regraded += claimed is not None and correct != claimed
        key = (student.casefold(), lesson, exercise)
        counters[key] = counters.get(key, 0) + 1
        try:
            attempt = int(float(cell.get("attempt", "").replace(",", ".")))
            if not 1 <= attempt <= MAX_ROWS:
                raise ValueError(attempt)
        except (ValueError, OverflowError):  # not a number, 'inf', or beyond any real count: its place in the file
            attempt = counters[key]
        hand_in = hand_ins.setdefault(student.casefold(), _HandIn(file, student))
        rows_read += 1
        hand_in.rows.append(
            {
                "student": hand_in.student,
                "lesson": lesson,
                "exercise": exercise,
                "kind": entry["kind"],
                "attempt": attempt,
                "correct": correct,
                "answer": cell["answer"],
                "saved_at": cell.get("saved_at", "").strip(),
                "file": file,
            }
        )
    problems = notes
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # a day of slack for a student's clock set wrong
    for hand_in in hand_ins.values():
        hand_in.rows, unordered = _in_attempt_order(hand_in.rows)
        if unordered:
            problems.append(
                f"{name}: the attempts at {len(unordered)} exercise{'s' if len(unordered) > 1 else ''} (for example "
                f"'{_shown(unordered[0], 40)}') are not numbered 1, 2, 3… in the order of their times, as the "
                "scorecard writes them: the file was edited. They are counted in the order of their attempt numbers "
                "(then times); ask the student to export again."
            )
        future = sum(_when(row["saved_at"]) > tomorrow for row in hand_in.rows)
        if future:
            problems.append(
                f"{name}: {future} answer{'s' if future > 1 else ''} {'are' if future > 1 else 'is'} dated in the "
                "future, which the scorecard never writes: the file was edited, or the student's clock is wrong. "
                "Be wary of it if another file claims the same student."
            )
        scripts = _mixed_scripts(hand_in.student)
        if scripts:
            problems.append(
                f"{name}: the name '{_shown(hand_in.student, 40)}' mixes {' and '.join(scripts)} letters, which can "
                "look alike ('а' in Cyrillic, 'a' in Latin) and then make two students of one name: check it is how "
                "the student writes their name."
            )
    if widths:
        cells, line = next(iter(widths.items()))
        problems.append(
            f"{name}: its first line names {len(names):,} columns, but line {line:,} holds {cells:,} cells"
            + (f" (and {len(widths) - 1} other widths)" if len(widths) > 1 else "")
            + ": was it edited in a spreadsheet? Its lines were read by the columns the first line names; if its "
            "answers look wrong, ask for the file as exported."
        )
    if too_long:
        exercise, (parts, most) = next(iter(too_long.items()))
        problems.append(
            f"{name}: answers to {len(too_long)} exercise{'s' if len(too_long) > 1 else ''} have more parts than "
            f"the exercise has options (for example {parts:,} parts in '{_shown(exercise, 40)}', which has "
            f"{most:,}): no exercise saves such an answer, so they were left out. Ask the student to export again."
        )
    if unjudged:
        exercise, times = next(iter(unjudged.items()))
        total = sum(unjudged.values())
        problems.append(
            f"{name}: {total} answer{'s' if total > 1 else ''} to a judgement (for example '{_shown(exercise, 40)}') "
            f"{'do' if total > 1 else 'does'} not give one of the bank's verdicts for each of its statements, as the "
            "exercise saves them: not counted as done, and shown without verdicts (the file was edited, or the "
            "bank has changed since)."
        )
    if unnamed:
        problems.append(
            f"{name} has rows without a student's name: they are counted under '{_shown(fallback)}', taken from the "
            "file name."
        )
    for why, rows in refused.items():
        problems.append(
            f"{name}: {rows} row{'s' if rows > 1 else ''} under the name {why} {'were' if rows > 1 else 'was'} left "
            "out: ask the student to type their name plainly in the scorecard and export again."
        )
    if damaged:
        shown = ", ".join(str(n) for n in damaged[:5]) + (" …" if len(damaged) > 5 else "")
        problems.append(
            f"{name}: {len(damaged)} line{'s' if len(damaged) > 1 else ''} could not be read and "
            f"{'were' if len(damaged) > 1 else 'was'} left out (line {shown})."
        )
    if too_many:
        problems.append(
            f"{name}: only its first {MAX_ROWS:,} answers were read; no real hand-in has as many, so the rest were "
            "left out. Ask the student to export again."
        )
    if regraded:
        problems.append(
            f"{name}: {regraded} answer{'s' if regraded > 1 else ''} marked right or wrong in the file "
            f"{'are' if regraded > 1 else 'is'} graded otherwise by the course's question banks, and counted as the "
            "banks grade them (the file was edited, or a bank has changed since)."
        )
    if unknown:
        lesson, exercise = unknown[0]
        problems.append(
            f"{name}: {len(unknown)} answer{'s' if len(unknown) > 1 else ''} to exercises that are not in "
            f"the question banks (for example '{_shown(exercise, 40)}' in lesson '{_shown(lesson, 40)}') "
            f"{'were' if len(unknown) > 1 else 'was'} left out; the banks may have changed since."
        )
    if not hand_ins and not damaged and not unknown and not refused and not too_long:
        problems.append(f"{name} holds no answers yet: the student exported before answering anything.")
    if len(hand_ins) > 1:  # a hand-in is one student's: rows under other names could push out their real files
        owner = _owner(list(hand_ins.values()))
        others = [h for h in hand_ins.values() if h is not owner]
        left_out = sum(len(h.rows) for h in others)
        names = ", ".join(_shown(h.student, 40) for h in others[:3]) + (" …" if len(others) > 3 else "")
        problems.append(
            f"{name} is {_shown(owner.student)}'s hand-in, but {left_out} row{'s' if left_out > 1 else ''} in it "
            f"{'are' if left_out > 1 else 'is'} under another student's name ({names}): left out, because a "
            "hand-in holds one student's answers. Ask each student for their own file."
        )
        return [owner], problems
    return list(hand_ins.values()), problems


def _most_parts(entry: dict) -> float:
    """How many parts (joined with ' | ') an answer to the exercise can have: its options, items or pairs for the
    kinds whose answer is a list; no limit for those whose answer is one text (a reflection may hold ' | ')."""
    key = {"choose_all": "options", "order": "items", "match": "pairs", "sort": "items", "judgement": "items"}
    return len(entry[key[entry["kind"]]]) if entry["kind"] in key else math.inf


def judged(entry: dict, answer: str) -> bool:
    """Whether a judgement's answer, as a hand-in writes it, is what the exercise saves: one of the bank's
    categories for each of its statements, joined with ' | ' (exercises.kinds.Judgement)."""
    parts = str(answer).split(SEPARATOR)
    return len(parts) == len(entry["items"]) and all(part in entry["categories"] for part in parts)


def _when(text: str) -> datetime:
    """A saved_at time as an aware datetime (UTC if it names no zone); the earliest time if it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _in_attempt_order(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """A student's rows with the attempts at each exercise in the order of their attempt numbers, then of their
    times, each exercise's rows kept in the places they had in the file; and the exercises whose attempts were not
    numbered 1, 2, 3… in the order of their times (as the scorecard writes them: a file edited by hand).

    "Right at the first try" is read from the first attempt: a forged file could otherwise put a right answer in
    front of the wrong ones it followed."""
    places: dict[tuple[str, str], list[int]] = {}
    for n, row in enumerate(rows):
        places.setdefault((row["lesson"], row["exercise"]), []).append(n)
    ordered, unordered = list(rows), []
    for (_, exercise), where in places.items():
        mine = [rows[n] for n in where]
        by_attempt = sorted(mine, key=lambda r: (r["attempt"], _when(r["saved_at"])))
        times = [_when(r["saved_at"]) for r in by_attempt]
        if [r["attempt"] for r in by_attempt] != list(range(1, len(mine) + 1)) or times != sorted(times):
            unordered.append(exercise)
        for n, row in zip(where, by_attempt):
            ordered[n] = row
    return ordered, unordered


SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")  # scripts with letters that look alike


def _mixed_scripts(name: str) -> list[str]:
    """The scripts of SCRIPTS whose letters a name mixes (two or more), in lower case; [] if it does not."""
    found = {unicodedata.name(c, "").split(" ")[0] for c in name if c.isalpha()}
    mixed = [script.lower().capitalize() for script in SCRIPTS if script in found]
    return mixed if len(mixed) > 1 else []


def _owns(hand_in: _HandIn) -> bool:
    """Whether a hand-in's file is named exactly as the scorecard names its student's (scorecard.file_name_for):
    letter case and the '.csv' ending included, so that 'after_fukushima_ANNA.csv' is not Anna's own file."""
    return file_name_for(hand_in.student) == hand_in.file


def _owner(hand_ins: list[_HandIn]) -> _HandIn:
    """The student a file belongs to: the one its name was made from (scorecard.file_name_for), else the one with
    the most rows in it (a file renamed by hand)."""
    named = [h for h in hand_ins if _owns(h)]
    return named[0] if named else max(hand_ins, key=lambda h: len(h.rows))


def _one_per_student(hand_ins: list[_HandIn]) -> tuple[list[_HandIn], list[str]]:
    """Keep one hand-in per student, saying so: the one whose file is named exactly as the scorecard names it
    (``_owns``; another file claiming the student, in other letter case or a copy's name, is named in the
    sentence with its attempts and last time), else the one with the most attempts (then the latest answer)."""
    by_student: dict[str, list[_HandIn]] = {}
    for hand_in in hand_ins:
        by_student.setdefault(hand_in.student.casefold(), []).append(hand_in)
    kept, problems = [], []
    for copies in by_student.values():
        if len(copies) == 1:
            kept.append(copies[0])
            continue
        # The student's own file (named from their name) first, whatever another file claims; then the fuller one.
        order = sorted(
            copies,
            key=lambda h: (_owns(h), len(h.rows), _sortable(h.last_saved), h.file),
            reverse=True,
        )
        best, others = order[0], order[1:]
        kept.append(best)
        student = _shown(best.student)
        same = [h for h in others if h.content() == best.content()]
        different = [h for h in others if h.content() != best.content()]
        if same:
            files = " and ".join(_shown(h.file) for h in [best, *same])
            problems.append(f"{files} are the same hand-in from {student} (identical answers): counted once.")
        for other in different:
            later = _sortable(other.last_saved) > _sortable(best.last_saved)
            one, two = _shown(best.file), _shown(other.file)
            problems.append(
                f"{one} and {two} are both from {student}: kept {one} ({_described(best)}) and "
                f"left out {two} ({_described(other)})."
                + (
                    f" Neither is named exactly as the scorecard names {student}'s hand-in "
                    f"({_shown(file_name_for(best.student))}): ask the student which is theirs."
                    if not _owns(best)
                    else " The file left out has the later answers: ask the student which is right."
                    if later
                    else ""
                )
            )
    return kept, problems


def _sortable(moment) -> float:
    return moment.timestamp() if isinstance(moment, pd.Timestamp) and not pd.isna(moment) else -math.inf


def _described(hand_in: _HandIn) -> str:
    n = len(hand_in.rows)
    last = hand_in.last_saved
    when = f", the last saved {last:%Y-%m-%d %H:%M} UTC" if not pd.isna(last) else ""
    if not pd.isna(last) and last > pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1):
        when += ", in the future: suspicious"
    return f"{n} attempt{'s' if n != 1 else ''}{when}"


def empty_attempts() -> pd.DataFrame:
    """An attempts table with no rows (the columns and types read_hand_ins gives)."""
    return _typed(pd.DataFrame(columns=ATTEMPT_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[ATTEMPT_COLUMNS].copy()
    for column in ("student", "lesson", "exercise", "kind", "answer", "saved_at", "file"):
        frame[column] = frame[column].astype("object")
    frame["attempt"] = frame["attempt"].astype("Int64")
    frame["correct"] = frame["correct"].astype("boolean")
    return frame.reset_index(drop=True)


def read_hand_ins(folder, banks: list[Bank] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read every hand-in (*.csv) in ``folder``: one table of attempts, and a sentence for each problem.

    Returns ``(attempts, problems)``. ``attempts`` has one row per attempt, in each student's file order but with
    the attempts at each exercise in the order of their attempt numbers (then times), and
    the columns ``ATTEMPT_COLUMNS``: student (the name cleaned by ``scorecard.clean_name``, so that the same name
    typed with other invisible or composed characters is one student), lesson, exercise, kind (from the bank),
    attempt (Int64), correct (boolean, as the course's banks grade the answer, whatever the file claims; <NA> for a
    reflection or a judgement), answer (text as the student gave it; parts of a list joined with ' | ', the
    apostrophe that protected a formula removed), saved_at (text, UTC ISO 8601 as the scorecard writes it) and
    file (the file's name). ``problems`` is a list of sentences, each naming a file: empty files, files that are
    not CSV or not UTF-8, files and folders not read (not named .csv), named pipes and devices (never opened),
    links to files outside the folder (never followed), wrong columns, unreadable lines, names refused
    (reversing text, invisible, or over ``scorecard.MAX_NAME`` characters), answers graded otherwise than the file
    claims, rows under a name other than the file's student (left out), answers to exercises no longer in the
    banks, attempts not numbered 1, 2, 3… in the order of their times, answers dated in the future, list answers
    with more parts than their exercise has options (left out), judgements without one of the bank's verdicts per
    statement (not done), names mixing Latin, Greek or Cyrillic letters, lines with other numbers of cells than
    the first line names, a first line too long to read, halves of a character (read as U+FFFD), two files from
    one student (the one named exactly as ``scorecard.file_name_for`` names it is kept, else the one with more
    attempts, then the later one), and more than ``MAX_HAND_INS`` files (the largest are read). A sentence quotes
    a student's text shortened and with its control characters shown as escapes (``_shown``).

    Reads files as the scorecard writes them (UTF-8 with a byte-order mark, commas) and as Excel writes them back
    (without the mark, in UTF-16, separated by semicolons or tabs, TRUE/FALSE in capitals; in cp1252 only when
    the text reads as Western European, and then saying so). Never raises for a file's content; a folder that
    does not exist gives one sentence and no attempts.
    """
    folder = Path(folder)
    if folder.is_file():
        return empty_attempts(), [
            f"{_shown(str(folder), 200)} is a file, not a folder: give the folder that holds the hand-ins."
        ]
    if not folder.is_dir():
        return empty_attempts(), [
            f"The folder {_shown(str(folder), 200)} does not exist: collect the hand-ins there, or set FOLDER "
            "to the folder that holds them."
        ]
    if banks is None:
        banks, bank_problems = usable_banks()  # a bank a teacher broke costs its lesson only, with a sentence
    else:
        bank_problems = []
    exercises = _exercise_index(banks)
    files, problems = _hand_in_files(folder)
    problems = bank_problems + problems
    if not files:
        return empty_attempts(), [*problems, f"There are no .csv files in {_shown(folder.name)}."]
    if len(files) > MAX_HAND_INS:  # the largest first: a flood of invented students is many small files
        by_size = sorted(files, key=lambda f: (-f[2], f[1]))
        files, left = by_size[:MAX_HAND_INS], by_size[MAX_HAND_INS:]
        examples = ", ".join(_shown(entry, 40) for _, entry, _ in left[:3]) + (" …" if len(left) > 3 else "")
        problems.append(
            f"{_shown(folder.name)} holds {len(files) + len(left):,} hand-in files, more than the {MAX_HAND_INS} a "
            f"class or a year group ever hands in: the {MAX_HAND_INS} largest were read, and the {len(left):,} "
            f"smallest were not ({examples}). Put each class's hand-ins in a folder of its own, and look for files "
            "you did not expect."
        )
        files.sort(key=lambda f: f[1])
    hand_ins = []
    for target, entry, _ in files:
        found, said = _read_file(target, exercises, entry)
        hand_ins.extend(found)
        problems.extend(said)
    kept, said = _one_per_student(hand_ins)
    problems.extend(said)
    rows = [row for hand_in in sorted(kept, key=lambda h: h.student.casefold()) for row in hand_in.rows]
    return _typed(pd.DataFrame(rows, columns=ATTEMPT_COLUMNS)), problems


def _hand_in_files(folder: Path) -> tuple[list[tuple[Path, str, int]], list[str]]:
    """The .csv files of a folder to read, as (the file to open, its name in the folder, its size in bytes), and a
    sentence for each thing in the folder that is not read: a spreadsheet, a file not named .csv, a folder, a
    named pipe or device (never opened), a link to a file outside the folder (never followed), a broken link.
    Hidden files (JupyterLab's checkpoints, a hand-in being written) are passed over without a word."""
    root = folder.resolve()
    files, problems = [], []
    for path in sorted(folder.iterdir()):
        name = _shown(path.name)
        try:
            info, target = path.lstat(), path
            if stat.S_ISLNK(info.st_mode):
                target = path.resolve()
                if not target.is_relative_to(root):
                    problems.append(
                        f"{name} is a link to something outside {_shown(folder.name)}: it was not followed (a link "
                        "can point at any file on the computer). Put a copy of the hand-in itself in the folder."
                    )
                    continue
                info = target.stat()
        except OSError as exc:
            problems.append(f"{name} could not be opened ({exc.strerror or exc}): it may be a broken link.")
            continue
        csv_file = path.suffix.lower() == ".csv"
        if stat.S_ISREG(info.st_mode) and csv_file:
            files.append((target, path.name, info.st_size))
        elif path.name.startswith("."):
            continue
        elif stat.S_ISDIR(info.st_mode):
            problems.append(
                f"The folder {name} inside {_shown(folder.name)} was not read: "
                + ("its name ends in .csv, but it is a folder; " if csv_file else "")
                + f"put the hand-ins themselves in {_shown(folder.name)}."
            )
        elif not stat.S_ISREG(info.st_mode):
            problems.append(_not_a_file(name, info.st_mode))
        elif path.suffix.lower() in SPREADSHEETS:
            problems.append(
                f"{name} is a spreadsheet, not a CSV file: open it and save it as 'CSV UTF-8 (comma delimited)'."
            )
        else:
            problems.append(
                f"{name} was not read: only .csv files are read as hand-ins (if it is one, rename it to end in .csv)."
            )
    return files, problems


# --- what each wrong answer was told ------------------------------------------------------------------


def wrong_parts(entry: dict, answer: str) -> list[tuple[str, str]]:
    """What is wrong in one answer (as a hand-in writes it) and the sentence the course gives for each part.

    Returns a list of (what, feedback) pairs, following the grading in exercises/kinds.py: a wrong option and its
    feedback; for choose_all each wrongly ticked option (and each right one left out); for order the first item
    out of place, the one the course points at; for match and sort each part that is wrong; these three with the
    bank's feedback for that part, which the course shows from the third Check on. For number and code_task the
    answer and the feedback it got (a listed mistake's, too low, too high...). An answer that cannot be read
    gives itself, with no feedback. Never more pairs than the exercise has options, items or pairs and right
    answers together (a ticked option repeated counts once), however many parts a crafted answer holds.
    """
    kind = entry["kind"]
    parts = answer.split(SEPARATOR)
    feedback = entry.get("feedback", {})
    try:
        if kind == "multiple_choice":
            return [(answer, feedback.get(answer, ""))]
        if kind == "choose_all":  # each part once, and no more of them than the exercise has options
            ticked = list(dict.fromkeys(parts))[: len(entry["options"])]
            wrong = [(f"ticked: {p}", feedback.get(p, "")) for p in ticked if p not in entry["answers"]]
            missed = [(f"not ticked: {a}", MISSED) for a in entry["answers"] if a not in parts]
            return wrong + missed
        if kind == "order" and len(parts) == len(entry["items"]):
            items = entry["items"]
            for n, (given, right) in enumerate(zip(parts, items)):  # the course points at the first one out of place
                if given != right and given in items:
                    return [
                        (f"'{given}' put {ORDINALS[n]} (it is {ORDINALS[items.index(given)]})", feedback.get(given, ""))
                    ]
        if kind in ("match", "sort"):
            right = entry["pairs"] if kind == "match" else entry["items"]
            if len(parts) == len(right):
                return [
                    (f"{left} → {given}", feedback.get(left, ""))
                    for (left, should), given in zip(right.items(), parts)
                    if given != should
                ]
        if kind == "number" or (kind == "code_task" and not isinstance(entry["answer"], str)):
            if len(answer) > MAX_NUMBER_TEXT:
                return [(answer[:80] + "…", "")]
            units = [entry["unit"], *entry.get("unit_aliases", [])] if entry.get("unit") else []
            number = parse_number(answer, units, entry["answer"])
            if (
                kind == "code_task"
                and number == 0
                and entry["answer"] != 0
                and not any(m["value"] == 0 for m in entry.get("mistakes", []))
            ):
                return [("0", f"0 usually means {EMPTY_FILTER[0].lower()}{EMPTY_FILTER[1:]}")]
            return [(as_plain_text(number), grade_number(entry, number).message)]
        if kind == "code_task":
            text = " ".join(answer.split())
            for mistake in entry.get("mistakes", []):
                if text.casefold() == str(mistake.get("value", "")).casefold():
                    return [(text, mistake["feedback"])]
            return [(text, entry.get("otherwise", f"'{text}' is not the answer."))]
    except (InvalidAnswer, KeyError, ValueError):
        pass
    return [(answer, "")]


class _Grader:
    """What a kind's ``grade`` reads, without a widget or a progress file: its bank entry, and no attempts yet."""

    def __init__(self, entry: dict):
        self.spec = entry
        self.attempts = 0


def regrade(entry: dict, answer: str) -> bool | None:
    """Whether ``answer`` (as a hand-in writes it) is right by the course's bank today; None for the kinds that are
    not graded (reflections, judgements).

    The hand-in's ``correct`` column is only the student's claim: this re-grades with the exercise kind's own
    ``grade`` (exercises/kinds.py), after reading the answer back the way the widget had parsed it (parts of a
    list split on ' | ', numbers with their units). An answer that cannot be read is not right.
    """
    kind = entry["kind"]
    if kind in UNGRADED:
        return None
    lines = {"order": entry.get("items"), "match": entry.get("pairs"), "sort": entry.get("items")}.get(kind)
    try:
        if kind in ("order", "match", "sort"):  # one part per line, as the widget's parse requires
            parsed = answer.split(SEPARATOR)
            if len(parsed) != len(lines):
                return False
        elif kind == "choose_all":
            parsed = answer.split(SEPARATOR)
        elif kind == "number" or (kind == "code_task" and not isinstance(entry["answer"], str)):
            if len(answer) > MAX_NUMBER_TEXT:  # no number a student types is this long; the parser is not linear
                return False
            units = [entry["unit"], *entry.get("unit_aliases", [])] if entry.get("unit") else []
            parsed = parse_number(answer, units, entry["answer"])
        elif kind == "code_task":
            parsed = " ".join(answer.split())
        else:
            parsed = answer
        return KINDS[kind].grade(_Grader(entry), parsed).status == CORRECT
    except Exception:  # noqa: BLE001 (a crafted or damaged answer of any shape is simply not right)
        return False


# --- tables ---------------------------------------------------------------------------------------------


def _course(banks: list[Bank] | None, lesson: str | None = None) -> list[tuple[str, dict]]:
    """(lesson, entry) for every exercise, in course order; one lesson's if ``lesson`` is given."""
    banks = banks if banks is not None else usable_banks()[0]
    if lesson is not None and lesson not in [b.lesson for b in banks]:
        raise ValueError(f"There is no lesson '{lesson}'. The lessons are: {', '.join(b.lesson for b in banks)}.")
    return [(bank.lesson, entry) for bank in banks if lesson in (None, bank.lesson) for entry in bank.entries]


def outcomes(attempts: pd.DataFrame, banks: list[Bank] | None = None) -> pd.DataFrame:
    """One row per student and exercise tried: how it went.

    Columns: student, lesson, exercise, kind, tries (how many attempts), first_try (right at the attempt numbered
    first), eventually (right at some attempt), done (as the scorecard counts it: right at some attempt; a
    reflection saved at its suggested length; a judgement saved with one of its verdicts for every statement,
    ``judged``) and latest (the text of the attempt numbered last; rows of equal numbers in the table's order).
    Reflections and judgements are not graded, so never right: first_try and eventually are False for them.
    """
    entries = {(lesson, entry["id"]): entry for lesson, entry in _course(banks)}
    groups: dict[tuple, list[tuple]] = {}  # (student, lesson, exercise) -> (attempt, place, correct, answer)
    columns = [attempts[c].tolist() for c in ("student", "lesson", "exercise", "attempt", "correct", "answer")]
    for place, (student, lesson, exercise, attempt, right, answer) in enumerate(zip(*columns)):
        number = math.inf if pd.isna(attempt) else attempt
        groups.setdefault((student, lesson, exercise), []).append((number, place, right, answer))
    rows = []
    for (student, lesson, exercise), group in groups.items():  # in the order each was first met
        entry = entries.get((lesson, exercise))
        if entry is None:
            continue
        group.sort(key=lambda item: item[:2])  # first try: the attempt numbered first (then the table's order)
        claims = [None if pd.isna(right) else bool(right) for _, _, right, _ in group]
        answers = [answer for *_, answer in group]
        done = any(
            judged(entry, answer) if entry["kind"] == "judgement" else counts_as_done(entry, answer, right)
            for answer, right in zip(answers, claims)
        )
        rows.append(
            {
                "student": student,
                "lesson": lesson,
                "exercise": exercise,
                "kind": entry["kind"],
                "tries": len(group),
                "first_try": claims[0] is True,
                "eventually": True in claims,
                "done": done,
                "latest": answers[-1],
            }
        )
    columns = ["student", "lesson", "exercise", "kind", "tries", "first_try", "eventually", "done", "latest"]
    return pd.DataFrame(rows, columns=columns)


def students(attempts: pd.DataFrame) -> list[str]:
    """The students in the hand-ins, in the order of their names."""
    return sorted(attempts["student"].unique(), key=str.casefold)


def exercise_summary(
    attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None
) -> pd.DataFrame:
    """Per exercise, in course order: how many students tried it and how many got it right.

    One row per exercise in the banks (one lesson's if ``lesson`` is given), also those nobody tried. Columns:
    lesson, exercise, kind, tried (students with at least one attempt), right_first_try, right_eventually,
    not_yet_right (tried but never right), first_try_share (right_first_try / tried, NaN if nobody tried) and
    done (as the scorecard counts it: right once, a reflection saved at its suggested length, a judgement's
    verdicts saved). For reflections and judgements, which are not graded, the three 'right' columns are <NA>.
    """
    counts: dict[tuple[str, str], list[int]] = {}
    for row in outcomes(attempts, banks).itertuples(index=False):
        tally = counts.setdefault((row.lesson, row.exercise), [0, 0, 0, 0])
        for n, value in enumerate((True, row.first_try, row.eventually, row.done)):
            tally[n] += bool(value)
    rows = []
    for lesson_id, entry in _course(banks, lesson):
        tried, first, eventually, done = counts.get((lesson_id, entry["id"]), [0, 0, 0, 0])
        graded = entry["kind"] not in UNGRADED
        rows.append(
            {
                "lesson": lesson_id,
                "exercise": entry["id"],
                "kind": entry["kind"],
                "tried": tried,
                "right_first_try": first if graded else pd.NA,
                "right_eventually": eventually if graded else pd.NA,
                "not_yet_right": tried - eventually if graded else pd.NA,
                "first_try_share": first / tried if graded and tried else np.nan,
                "done": done,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "lesson",
            "exercise",
            "kind",
            "tried",
            "right_first_try",
            "right_eventually",
            "not_yet_right",
            "first_try_share",
            "done",
        ],
    )
    for column in ("right_first_try", "right_eventually", "not_yet_right"):
        frame[column] = frame[column].astype("Int64")
    return frame


def lesson_summary(attempts: pd.DataFrame, banks: list[Bank] | None = None) -> pd.DataFrame:
    """Per lesson: how far the class is.

    Columns: lesson, title, exercises (in the bank), students_started (with at least one attempt in the lesson),
    students_finished (who have done every exercise in it), median_done (the median number of exercises done by
    the students who started the lesson, among those ``_reference`` counts; NaN if none started it: a lesson one
    student finished is not a median of 0 over a class that has not begun it) and first_try_share (of all first
    attempts at graded exercises in the lesson, the share that was right; NaN if none). Show it with
    ``as_table`` (shares as percentages).
    """
    banks = banks if banks is not None else usable_banks()[0]
    everyone = done_by_lesson(attempts, banks)
    table = everyone.loc[_reference(everyone)]
    done = outcomes(attempts, banks)
    rows = []
    for bank in banks:
        mine = done[done["lesson"] == bank.lesson]
        graded = mine[~mine["kind"].isin(UNGRADED)]
        started = table.loc[table.index.isin(mine["student"]), bank.lesson]
        rows.append(
            {
                "lesson": bank.lesson,
                "title": bank.title,
                "exercises": len(bank.entries),
                "students_started": mine["student"].nunique(),
                "students_finished": int((everyone[bank.lesson] >= len(bank.entries)).sum()),
                "median_done": float(started.median()) if len(started) else np.nan,
                "first_try_share": graded["first_try"].mean() if len(graded) else np.nan,
            }
        )
    columns = ["lesson", "title", "exercises", "students_started", "students_finished", "median_done"]
    return pd.DataFrame(rows, columns=[*columns, "first_try_share"])


def as_table(frame: pd.DataFrame) -> TextTable:
    """Any of this module's tables as a teacher reads it: text left-aligned, numbers right-aligned, every share
    (a column named ``*_share``, 0-1) as a whole percentage, empty cells where nothing was counted, and row
    labels only where they name something (a named index, such as done_by_lesson's students), not row numbers.
    Student text in it is escaped and never typeset (TextTable)."""
    shares = {column: "{:.0%}" for column in frame.columns if str(column).endswith("_share")}
    return TextTable(frame, formats=shares, index=any(name is not None for name in frame.index.names))


def common_wrong_answers(
    attempts: pd.DataFrame, banks: list[Bank] | None = None, per_exercise: int = 3, lesson: str | None = None
) -> pd.DataFrame:
    """The wrong answers given most often, up to ``per_exercise`` for each exercise, with the course's feedback.

    One row per wrong answer (or wrong part of an answer, see ``wrong_parts``), exercises in course order and
    within each the most frequent first. Columns: lesson, exercise, kind, wrong_answer (what was given),
    students (how many students gave it at least once), tried (how many students tried the exercise), times (how
    many attempts gave it) and feedback (the sentence the course gave for it, from the question bank).
    To find the misconceptions most worth a class discussion, sort by students.
    """
    course = _course(banks, lesson)
    entries = {(lesson_id, entry["id"]): entry for lesson_id, entry in course}
    order = {key: n for n, key in enumerate(entries)}
    wrong = attempts[attempts["correct"].eq(False).fillna(False)]
    tried = attempts.groupby(["lesson", "exercise"])["student"].nunique()
    counted: dict[tuple, dict] = {}
    for row in wrong.itertuples(index=False):
        entry = entries.get((row.lesson, row.exercise))
        if entry is None:
            continue
        for what, feedback in wrong_parts(entry, row.answer):
            item = counted.setdefault(
                (row.lesson, row.exercise, what),
                {
                    "lesson": row.lesson,
                    "exercise": row.exercise,
                    "kind": entry["kind"],
                    "wrong_answer": what,
                    "students": set(),
                    "tried": int(tried.get((row.lesson, row.exercise), 0)),
                    "times": 0,
                    "feedback": feedback,
                },
            )
            item["students"].add(row.student)
            item["times"] += 1
    rows = [{**item, "students": len(item["students"])} for item in counted.values()]
    columns = ["lesson", "exercise", "kind", "wrong_answer", "students", "tried", "times", "feedback"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    frame["_order"] = [order[(a, b)] for a, b in zip(frame["lesson"], frame["exercise"])]
    frame = frame.sort_values(["_order", "students", "times", "wrong_answer"], ascending=[True, False, False, True])
    frame = frame.groupby("_order", sort=False).head(per_exercise)
    return frame.drop(columns="_order").reset_index(drop=True)


def done_by_lesson(attempts: pd.DataFrame, banks: list[Bank] | None = None) -> pd.DataFrame:
    """How many exercises each student has done in each lesson (right once, a reflection long enough, or a
    judgement's verdicts saved).

    Index: student (every student in the hand-ins, by name); columns: one per lesson id, in course order, then
    total. Integers.
    """
    banks = banks if banks is not None else usable_banks()[0]
    lessons = [bank.lesson for bank in banks]
    done = outcomes(attempts, banks)
    table = (
        done[done["done"].astype(bool)]
        .groupby(["student", "lesson"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=students(attempts), columns=lessons, fill_value=0)
    )
    table = table.fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "student", None
    return table


REFERENCE_SHARE = 0.25


def _reference(table: pd.DataFrame) -> pd.Index:
    """The students a class median is taken over (``table`` as done_by_lesson gives it): those who have done at
    least REFERENCE_SHARE of the exercises the student who has done most has done; all of them if none has done
    any. A nearly empty hand-in then cannot pull the class's median down: to hide who is behind, invented
    students would each have to do a quarter of the most advanced student's work."""
    return table.index[table["total"] >= REFERENCE_SHARE * table["total"].max()] if len(table) else table.index


def behind(attempts: pd.DataFrame, banks: list[Bank] | None = None, share: float = 0.5) -> pd.DataFrame:
    """Who is behind, lesson by lesson: students who have done at most ``share`` (half) of what the class's
    median student has done in a lesson the class has started.

    Columns: lesson, student, done, answered (exercises with at least one attempt), exercises (in the lesson)
    and class_median (the median of done over the students ``_reference`` counts: those who have done at least a
    quarter as many exercises in all as the student who has done most). Every student is compared with it; the
    nearly empty hand-ins are only kept out of the median itself, so that a student who has barely begun, or a
    flood of invented students with an answer or two each, cannot pull it down and hide who is behind. Sorted by
    lesson, then fewest done first. Lessons whose median is 0 (not started by most of the class) are left out.
    """
    banks = banks if banks is not None else usable_banks()[0]
    table = done_by_lesson(attempts, banks)
    tried = outcomes(attempts, banks).groupby(["student", "lesson"]).size()
    reference = _reference(table)
    rows = []
    for bank in banks:
        counts = table[bank.lesson]
        median = float(counts[reference].median()) if len(reference) else 0.0
        if median <= 0:
            continue
        for student, done in counts[counts <= share * median].sort_values(kind="stable").items():
            rows.append(
                {
                    "lesson": bank.lesson,
                    "student": student,
                    "done": int(done),
                    "answered": int(tried.get((student, bank.lesson), 0)),
                    "exercises": len(bank.entries),
                    "class_median": median,
                }
            )
    return pd.DataFrame(rows, columns=["lesson", "student", "done", "answered", "exercises", "class_median"])


def _entry(exercise: str, banks: list[Bank] | None) -> tuple[str, dict]:
    found = [(lesson, entry) for lesson, entry in _course(banks) if entry["id"] == exercise]
    if not found:
        raise ValueError(f"No exercise is called '{exercise}' in the question banks.")
    return found[0]


def prompt_of(exercise: str, banks: list[Bank] | None = None) -> str:
    """The question an exercise asks, from its bank."""
    return _entry(exercise, banks)[1]["prompt"]


def most_answered(attempts: pd.DataFrame, kind: str = "reflection") -> str | None:
    """The id of the exercise of this ``kind`` that most students answered (the first in the hand-ins on a tie),
    or None if no one answered one: the class report opens its reflections on it."""
    chosen = attempts[attempts["kind"] == kind]
    if chosen.empty:
        return None
    counts = chosen.groupby("exercise", sort=False)["student"].nunique()
    return str(counts.idxmax())


def reflections(attempts: pd.DataFrame, exercise: str, banks: list[Bank] | None = None) -> pd.DataFrame:
    """Every student's written answer to one reflection (or any exercise), side by side.

    One row per student who saved an answer, by name. Columns: student, text (their latest answer), words (its
    word count, counted as the course counts them), long_enough (at the exercise's suggested length, min_words)
    and saves (how many times they saved it).
    """
    lesson, entry = _entry(exercise, banks)
    mine = attempts[(attempts["lesson"] == lesson) & (attempts["exercise"] == exercise)]
    rows = []
    for student in students(mine):
        theirs = mine[mine["student"] == student].sort_values("attempt", kind="stable")
        text = theirs["answer"].iloc[-1]
        rows.append(
            {
                "student": student,
                "text": text,
                "words": count_words(text),
                "long_enough": long_enough(text, entry),
                "saves": len(theirs),
            }
        )
    return pd.DataFrame(rows, columns=["student", "text", "words", "long_enough", "saves"])


COURSE_READING = "(the course's reading)"


def verdicts(attempts: pd.DataFrame, exercise: str, banks: list[Bank] | None = None) -> pd.DataFrame:
    """Every student's latest verdicts in one judgement, side by side with the course's reading.

    Index: student (by name), then a last row labelled ``COURSE_READING``; columns: the statements, numbered
    ('1. …') in the bank's order, then ``differ`` (how many of that student's verdicts differ from the course's
    reading: a difference to discuss, not an error). A saved answer that is not one of the bank's verdicts for
    each statement (the bank or the file edited since, ``judged``) is shown as empty verdicts. Raises ValueError if
    the exercise is not a judgement.
    """
    lesson, entry = _entry(exercise, banks)
    if entry["kind"] != "judgement":
        raise ValueError(f"'{exercise}' is a {entry['kind'].replace('_', ' ')} exercise, not a judgement.")
    statements = list(entry["items"])
    columns = [f"{n}. {statement}" for n, statement in enumerate(statements, start=1)]
    readings = list(entry["items"].values())
    mine = attempts[(attempts["lesson"] == lesson) & (attempts["exercise"] == exercise)]
    rows, names = [], []
    for student in students(mine):
        latest = str(mine[mine["student"] == student].sort_values("attempt", kind="stable")["answer"].iloc[-1])
        parts = latest.split(SEPARATOR) if judged(entry, latest) else [""] * len(statements)
        rows.append([*parts, sum(p != r for p, r in zip(parts, readings) if p)])
        names.append(student)
    rows.append([*readings, 0])
    names.append(COURSE_READING)
    return pd.DataFrame(rows, index=pd.Index(names, name="student"), columns=[*columns, "differ"])


def save_csv(table: pd.DataFrame, path) -> Path:
    """Write one of the report's tables (or the attempts) to a CSV file that a spreadsheet opens safely; return
    its path.

    A table's text comes from the students, and a spreadsheet runs a cell starting with = + - @ (or a tab or a
    carriage return) as a formula: every text cell and label gets the apostrophe of ``scorecard.spreadsheet_safe``
    (``scorecard.spreadsheet_unsafe`` reads it back exactly, as ``read_hand_ins`` does). Use it rather than
    ``DataFrame.to_csv``, which writes such cells as they are. The index is written as the first columns unless it
    only numbers the rows; columns of several levels are joined with ' / '. UTF-8 with a byte-order mark, as
    the hand-ins, so that Excel reads accents and other scripts.
    """
    frame = table.reset_index() if table.index.name or table.index.nlevels > 1 else table.copy()
    if frame.columns.nlevels > 1:
        frame.columns = [" / ".join(str(part) for part in column if str(part)) for column in frame.columns]
    frame.columns = [spreadsheet_safe(str(column)) for column in frame.columns]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v)
    path = Path(path)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


# --- figures ---------------------------------------------------------------------------------------------


def _short(lesson: str) -> str:
    return lesson.split("_", 1)[0]


def current_lesson(attempts: pd.DataFrame, banks: list[Bank] | None = None) -> str | None:
    """The lesson the class is on: the furthest lesson (in course order) that at least half of the students in
    the hand-ins have begun, as a lesson id such as '04_the_obstacles'; if no lesson has half, the furthest anyone
    has begun; None when no one has begun any."""
    everyone = max(attempts["student"].nunique(), 1)
    begun_by = attempts.groupby("lesson")["student"].nunique()
    order = [lesson for lesson in dict.fromkeys(lesson for lesson, _ in _course(banks)) if lesson in begun_by]
    most = [lesson for lesson in order if begun_by[lesson] >= everyone / 2]
    return (most or order or [None])[-1]


def _begun(attempts: pd.DataFrame, banks: list[Bank] | None) -> list[str]:
    """The lessons with at least one attempt; every lesson if there are no attempts at all."""
    lessons = list(dict.fromkeys(lesson for lesson, _ in _course(banks)))
    started = set(attempts["lesson"])
    return [lesson for lesson in lessons if lesson in started] or lessons


def states(attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None) -> pd.DataFrame:
    """Students × exercises, each cell an index into GRADED_STATES: 0 not tried, 1 tried but not yet right,
    2 right after retrying, 3 right at the first try, 4 saved (a reflection or a judgement, not graded).
    Index: student (by name); columns: (lesson, exercise) in course order."""
    course = _course(banks, lesson)
    columns = pd.MultiIndex.from_tuples(
        [(lesson_id, entry["id"]) for lesson_id, entry in course], names=["lesson", "exercise"]
    )
    table = pd.DataFrame(0, index=pd.Index(students(attempts), name="student"), columns=columns)
    for row in outcomes(attempts, banks).itertuples(index=False):
        if (row.lesson, row.exercise) in columns:
            state = 4 if row.kind in UNGRADED else 3 if row.first_try else 2 if row.eventually else 1
            table.loc[row.student, (row.lesson, row.exercise)] = state
    return table


def _lesson_bands(ax, lessons: list[str], axis: str) -> None:
    """Lines between lessons and the lessons' numbers along the other side of ``axis``."""
    edges = [n for n in range(1, len(lessons)) if lessons[n] != lessons[n - 1]]
    starts = [0, *edges]
    ends = [*edges, len(lessons)]
    for edge in edges:
        (ax.axvline if axis == "x" else ax.axhline)(edge - 0.5, color=PALETTE["black"], linewidth=1)
    centres = [(a + b - 1) / 2 for a, b in zip(starts, ends)]
    names = [f"Lesson {_short(lessons[a])}" for a in starts]
    if axis == "x":
        top = ax.secondary_xaxis("top")
        top.set_xticks(centres, names, fontsize=9)
        top.tick_params(length=0)
    else:
        right = ax.secondary_yaxis("right")
        right.set_yticks(centres, names, fontsize=9)
        right.tick_params(length=0)


def heat_map(attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None, source: str = SOURCE):
    """A figure: one row per student, one column per exercise (course order), each cell coloured by how it went:
    right at the first try, right after retrying, tried but not yet right, saved (a reflection or a judgement,
    not graded), or not tried.
    Only the lessons someone has started, unless ``lesson`` names one.

    Read across a row for one student (a long grey stretch: behind), down a column for one exercise (much red:
    a question to take up in class). Returns a Figure that shows itself when a notebook cell returns it.
    """
    table = states(attempts, banks, lesson)
    if lesson is None:
        table = table.loc[:, table.columns.get_level_values("lesson").isin(_begun(attempts, banks))]
    n_students, n_exercises = table.shape
    width = max(7.0, 2.5 + 0.16 * n_exercises)  # room for each exercise's name at the smallest static size
    fig, (ax,) = panels(
        "How each student did on each exercise", source, 1, 1, figsize=(width, 2.6 + 0.24 * max(n_students, 1))
    )
    ax.grid(False)
    cmap = ListedColormap(STATE_COLOURS)
    ax.pcolormesh(
        np.arange(n_exercises + 1) - 0.5,
        np.arange(n_students + 1) - 0.5,
        table.to_numpy(dtype=float) if n_students else np.zeros((0, n_exercises)),
        cmap=cmap,
        vmin=-0.5,
        vmax=len(STATE_COLOURS) - 0.5,
        edgecolors="white",
        linewidth=0.4,
    )
    ax.set_xlim(-0.5, n_exercises - 0.5)
    ax.set_ylim(max(n_students, 1) - 0.5, -0.5)
    names = [_shown(name, NAME_SHOWN) for name in table.index]
    ax.set_yticks(range(n_students), names, fontsize=SMALLEST_STATIC_TEXT_PT)
    ax.set_xticks(
        range(n_exercises), [exercise for _, exercise in table.columns], rotation=90, fontsize=SMALLEST_STATIC_TEXT_PT
    )
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    _lesson_bands(ax, [lesson_id for lesson_id, _ in table.columns], "x")
    ax.legend(
        handles=[Patch(facecolor=c, edgecolor="#999999", label=s) for s, c in zip(GRADED_STATES, STATE_COLOURS)],
        loc="lower left",
        bbox_to_anchor=(0, 1),
        borderaxespad=1.8,
        ncols=len(GRADED_STATES) if width >= 10 else 3,  # a legend wider than the figure would squeeze it
        frameon=False,
        fontsize=SMALLEST_STATIC_TEXT_PT,
    )  # above the lessons' names
    if not n_students:
        ax.text(0.5, 0.5, "No hand-ins yet", transform=ax.transAxes, ha="center", va="center")
    return _as_written(fig)


NAME_SHOWN = 32  # characters of a student's name a figure shows; a longer name ends in '…'


def _as_written(fig):
    """The figure with every text drawn as the characters it holds: '$…$' in a student's name, or in a folder's
    name in the source line, is not mathtext (which would typeset it, or fail on a lone '$')."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        if text.get_wrap() and text.get_text().count("$") > 1:  # matplotlib measures wrapped lines as mathtext
            text.set_wrap(False)
            text.set_text(textwrap.fill(text.get_text(), 120))
    return fig


def first_try_chart(
    attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None, source: str = SOURCE
):
    """A figure: one bar per graded exercise (reflections and judgements left out), as long as the number of
    students who tried it, split into right at the first try, right after retrying, and not yet right; '7/25' at
    the end of a bar means 7 of the 25 who tried were right at the first try. Exercises in course order, top to
    bottom, only those someone tried (``exercise_summary`` lists every one), in one lesson if ``lesson`` names it.
    """
    summary = exercise_summary(attempts, banks, lesson)
    summary = summary[(~summary["kind"].isin(UNGRADED)) & (summary["tried"] > 0)].reset_index(drop=True)
    n = len(summary)
    fig, (ax,) = panels(
        "Right at the first try, per exercise (reflections and verdicts are not graded)",
        source,
        1,
        1,
        figsize=(8.0, 1.8 + 0.22 * max(n, 4)),
    )
    y = np.arange(n)
    first = summary["right_first_try"].astype(float).to_numpy()
    later = (summary["right_eventually"] - summary["right_first_try"]).astype(float).to_numpy()
    never = summary["not_yet_right"].astype(float).to_numpy()
    ax.barh(y, first, color=PALETTE["green"], label="right at the first try")
    ax.barh(y, later, left=first, color=PALETTE["sky"], label="right after retrying")
    ax.barh(y, never, left=first + later, color=PALETTE["vermillion"], label="tried, not yet right")
    for k, (right, tried) in enumerate(zip(summary["right_first_try"], summary["tried"])):
        ax.text(tried, k, f" {right}/{tried}", va="center", fontsize=SMALLEST_STATIC_TEXT_PT)
    ax.set_yticks(y, summary["exercise"], fontsize=SMALLEST_STATIC_TEXT_PT if n > 30 else 9)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    ax.set_xlabel("students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole students, never 0.25 of one
    most = int(summary["tried"].max()) if n and summary["tried"].max() > 0 else 1
    ax.set_xlim(0, most * 1.12)
    ax.grid(axis="y", visible=False)
    if n:
        _lesson_bands(ax, list(summary["lesson"]), "y")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3, frameon=False, fontsize=8)
    return _as_written(fig)


# --- an invented class, to try the report on -----------------------------------------------------------------

# Sentences a student might write in a reflection; a demo reflection strings one to four of them together.
DEMO_SENTENCES = [
    "A radioactive cloud does not stop at a border, so one country's accident becomes its neighbours' problem.",
    "Governments do not like outsiders inspecting their plants because it looks like they cannot manage on their own.",
    "The IAEA can review a plant only when the country invites it, so its reports depend on goodwill.",
    "Germany decided to leave nuclear power while France kept most of its reactors, so their interests differ.",
    "Companies that sell reactors may want to keep their best safety technology secret to win contracts.",
    "Sharing information quickly after an accident would help other countries protect their people.",
    "I think trust is the real obstacle: countries agree on paper but then do not let anyone check.",
    "Cooperation costs money, and a country with few reactors gains less from it than one with many.",
    "Japan found that its own regulator was too close to the power company, which an outside review might have shown.",
    "An agreement without binding rules can be ignored when a government changes its mind.",
    "Peer reviews worked better than treaties because experts talk to experts.",
    "The experts were right that putting the mechanism into practice would be the hard part.",
    "Newcomer countries building their first reactors need help with safety the most.",
    "In my view the G8 statement was mostly words, but it started the stress tests in Europe.",
]
DEMO_TERM_START = datetime(2025, 9, 8, 8, 30, tzinfo=UTC)  # an invented Monday: lesson 00's day
DEMO_LESSONS_TAUGHT = 5  # lessons 00 to 04 taught; a few students are ahead, some behind


def _right_answer(entry: dict, rng: random.Random):
    kind = entry["kind"]
    if kind == "multiple_choice":
        return entry["answer"]
    if kind == "choose_all":
        return [o for o in entry["options"] if o in entry["answers"]]
    if kind == "order":
        return list(entry["items"])
    if kind == "match":
        return list(entry["pairs"].values())
    if kind == "sort":
        return list(entry["items"].values())
    if isinstance(entry["answer"], str):
        return entry["answer"]
    answer, tolerance = float(entry["answer"]), entry.get("tolerance", 0)
    rounded = round(answer, 1)  # what a student reading a table might type, if close enough to count
    if kind == "number" and tolerance and abs(rounded - answer) <= tolerance and rng.random() < 0.5:
        return rounded
    return answer


def _swap(values: list, i: int, j: int) -> list:
    values = list(values)
    values[i], values[j] = values[j], values[i]
    return values


def _wrong_answer(entry: dict, rng: random.Random, popular: int):
    """A wrong answer a student might give: most often the exercise's 'popular' mistake, otherwise another."""
    kind = entry["kind"]
    usual = rng.random() < 0.6
    if kind == "multiple_choice":
        wrong = [o for o in entry["options"] if o != entry["answer"]]
        return wrong[popular % len(wrong)] if usual else rng.choice(wrong)
    if kind == "choose_all":
        wrong = [o for o in entry["options"] if o not in entry["answers"]]
        ticked = set(entry["answers"])
        if wrong and (usual or rng.random() < 0.5):
            ticked.add(wrong[popular % len(wrong)] if usual else rng.choice(wrong))
        else:
            ticked.discard(rng.choice(entry["answers"]))
            if not ticked:
                ticked.add(rng.choice(wrong))
        return [o for o in entry["options"] if o in ticked]
    if kind == "order":
        n = len(entry["items"]) - 1
        i = popular % n if usual else rng.randrange(n)
        return _swap(entry["items"], i, i + 1)
    if kind in ("match", "sort"):
        right = list((entry["pairs"] if kind == "match" else entry["items"]).values())
        n = len(right)
        if kind == "sort":
            k = popular % n if usual else rng.randrange(n)
            others = [c for c in entry["categories"] if c != right[k]]
            return right[:k] + [rng.choice(others) if not usual else others[0]] + right[k + 1 :]
        i = popular % n if usual else rng.randrange(n)
        j = next((j for j in [*range(i + 1, n), *range(i)] if right[j] != right[i]), i)
        return _swap(right, i, j)
    mistakes = [m["value"] for m in entry.get("mistakes", [])]
    if mistakes and (usual or rng.random() < 0.5):
        return mistakes[popular % len(mistakes)] if usual else rng.choice(mistakes)
    if isinstance(entry["answer"], str):
        return rng.choice(["Germany", "Japan", "Belgium"])
    answer, tolerance = float(entry["answer"]), entry.get("tolerance", 0)
    step = max(abs(answer) * rng.choice([0.1, 0.2, 0.5]), 3 * tolerance, 1)
    guess = answer + rng.choice([-1, 1]) * step
    guess = round(guess, 1) if not answer.is_integer() else float(round(guess))
    return guess if abs(guess - answer) > tolerance else answer + 2 * step


def _reflection(rng: random.Random, entry: dict) -> str:
    target = entry.get("min_words", 30)
    sentences = rng.sample(DEMO_SENTENCES, rng.choice([1, 2, 2, 3, 3, 4]))
    text = " ".join(sentences)
    return text if count_words(text) < 3 * target else " ".join(sentences[:2])


def demo_class(folder, students: int = 30, seed: int = 0, problems: bool = False) -> list[Path]:
    """Write an invented class's hand-ins to ``folder`` (created if needed) and return their paths.

    One file per student, named and laid out exactly as ``scorecard.hand_in_csv`` writes them, for students
    called 'Student 01', 'Student 02'… Every answer uses the real exercises of the banks: right answers, the
    banks' own wrong options and listed mistakes (each exercise has one mistake made more often than the others)
    and other wrong answers; reflections are strung together from ``DEMO_SENTENCES``; a judgement's verdicts are
    mostly the course's reading, some not. The class has been taught
    lessons 00-04: most students tried nearly everything there, a few went on into lesson 05, and about one in
    six is behind (stopped after two or three lessons, skipped more). Times are invented, from 8 September 2025.
    Nothing depends on the clock: the same ``seed`` gives the same files, byte for byte.

    With ``problems=True`` two files a teacher will meet are added: an older, shorter copy of the second student's
    hand-in ('… (1).csv') and an empty file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    banks = usable_banks()[0]
    difficulty = {
        (b.lesson, e["id"]): rng.uniform(-1.0, 1.3) + (0.5 if e["kind"] == "code_task" else 0)
        for b in banks
        for e in b.entries
    }
    popular = {key: rng.randrange(12) for key in difficulty}
    width = max(2, len(str(students)))
    paths = []
    for number in range(1, students + 1):
        name = f"Student {number:0{width}d}"
        ability = rng.gauss(0, 0.9)
        pace = rng.random()
        lessons = rng.choice([2, 3]) if pace < 0.17 else DEMO_LESSONS_TAUGHT + 1 if pace > 0.83 else DEMO_LESSONS_TAUGHT
        keen = 0.72 if pace < 0.17 else 0.94
        rows = []
        for k, bank in enumerate(banks[:lessons]):
            last = k == lessons - 1 and pace < 0.17
            moment = DEMO_TERM_START + timedelta(days=7 * k, seconds=rng.randrange(600))
            for entry in bank.entries:
                moment += timedelta(seconds=90 + rng.randrange(240))
                if rng.random() > (keen * (0.6 if last else 1.0) * (0.8 if entry["kind"] in UNGRADED else 1.0)):
                    continue
                if entry["kind"] == "judgement":  # verdicts, mostly the course's reading, some of the student's own
                    readings = list(entry["items"].values())
                    own = [r if rng.random() < 0.7 else rng.choice(entry["categories"]) for r in readings]
                    rows.append((bank.lesson, entry, own, None, moment))
                    continue
                if entry["kind"] == "reflection":
                    for _ in range(1 if rng.random() < 0.75 else 2):
                        text = _reflection(rng, entry)
                        rows.append((bank.lesson, entry, text, None, moment))
                        moment += timedelta(seconds=60 + rng.randrange(120))
                    continue
                chance = 1 / (1 + math.exp(-(0.9 + ability - difficulty[(bank.lesson, entry["id"])])))
                for _ in range(4):
                    right = rng.random() < chance
                    answer = (
                        _right_answer(entry, rng)
                        if right
                        else _wrong_answer(entry, rng, popular[(bank.lesson, entry["id"])])
                    )
                    rows.append((bank.lesson, entry, answer, right, moment))
                    moment += timedelta(seconds=20 + rng.randrange(70))
                    if right or rng.random() < 0.25:  # solved, or gave up for now
                        break
                    chance = min(0.95, chance + 0.25)
        paths.append(_write_demo(folder / file_name_for(name), name, rows))
    if problems and students >= 2:
        second = paths[1]
        lines = second.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        older = folder / f"{second.stem} (1).csv"
        older.write_text("".join(lines[: max(2, len(lines) // 2)]), encoding="utf-8-sig", newline="")
        empty = folder / file_name_for(f"Student {students + 1:0{width}d}")
        empty.write_bytes(b"")
        paths += [older, empty]
    return paths


def _write_demo(path: Path, student: str, rows: list) -> Path:
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HAND_IN_COLUMNS)
        writer.writeheader()
        for lesson, entry, answer, correct, moment in rows:
            counts[entry["id"]] = counts.get(entry["id"], 0) + 1
            writer.writerow(
                {
                    "student": spreadsheet_safe(student),
                    "lesson": lesson,
                    "exercise": entry["id"],
                    "kind": entry["kind"],
                    "attempt": counts[entry["id"]],
                    "correct": "" if correct is None else correct,
                    "answer": spreadsheet_safe(as_plain_text(answer)),
                    "saved_at": moment.isoformat(timespec="seconds"),
                }
            )
    return path
