"""Reading a folder of hand-ins into one table of attempts, with a sentence for each problem (``read_hand_ins``).

Called by the teacher's notebook (through ``teacher.class_report``) and by every summary and figure, which take
its table. Here live the limits no real class reaches (``MAX_FILE_BYTES``, ``MAX_ROWS``, ``MAX_CELL``,
``MAX_HAND_INS``: patch them here, where they are used), the files of a folder that are not read (links outside
it, pipes, spreadsheets), the rows of one file (names cleaned and refused, answers re-graded by ``grading``,
attempts put in order) and the choice of one hand-in per student. Every byte is untrusted: a sentence quotes a
student's text with ``text.escaped``.
"""

import csv
import io
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from after_fukushima.exercises.bank import Bank, usable_banks
from after_fukushima.exercises.kinds import UNGRADED, judged
from after_fukushima.scorecard import (
    DIRECTION_CONTROLS,
    HAND_IN_COLUMNS,
    MAX_NAME,
    clean_name,
    file_name_for,
    spreadsheet_unsafe,
)
from after_fukushima.teacher.class_report.decoding import LINE_BREAK, decode, header
from after_fukushima.teacher.class_report.grading import SEPARATOR, most_parts, regrade
from after_fukushima.text import escaped

ATTEMPT_COLUMNS = [*HAND_IN_COLUMNS, "file"]
REQUIRED = ["student", "lesson", "exercise", "correct", "answer"]

TRUE_WORDS = {"true", "1", "yes", "vrai", "wahr", "waar", "verdadero", "vero", "sant", "sann"}
FALSE_WORDS = {"false", "0", "no", "faux", "falsch", "onwaar", "falso", "usant", "falskt"}
SPREADSHEETS = (".xlsx", ".xls", ".ods", ".numbers")


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
            cache[raw] = (None, f"'{escaped(raw, 40)}' ({problem})")
    return cache[raw]


def _read_file(path: Path, exercises: dict, entry_name: str | None = None) -> tuple[list[_HandIn], list[str]]:
    """The hand-in in one file (the rows of the student it belongs to) and sentences about what could not be read.

    ``path`` is the file opened; ``entry_name`` the name it has in the folder, if that is a link to it."""
    file = entry_name or path.name
    name = escaped(file)  # as a sentence may quote it
    raw, problem = _read_bytes(path, name)
    if raw is None:
        return [], [problem]
    if not raw.strip(b" \t\r\n\xef\xbb\xbf;,"):
        return [], [f"{name} is empty: ask the student to press 'Export for my teacher' again and send the new file."]
    text, note = decode(raw, name)
    if text is None:
        return [], [note]
    notes = [note] if note else []
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))  # the csv module's own limit is 131,072
    try:
        delimiter, names, skip = header(text)
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
        parts, most = cell["answer"].count(SEPARATOR) + 1, most_parts(entry)
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
                f"'{escaped(unordered[0], 40)}') are not numbered 1, 2, 3… in the order of their times, as the "
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
                f"{name}: the name '{escaped(hand_in.student, 40)}' mixes {' and '.join(scripts)} letters, which can "
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
            f"the exercise has options (for example {parts:,} parts in '{escaped(exercise, 40)}', which has "
            f"{most:,}): no exercise saves such an answer, so they were left out. Ask the student to export again."
        )
    if unjudged:
        exercise, times = next(iter(unjudged.items()))
        total = sum(unjudged.values())
        problems.append(
            f"{name}: {total} answer{'s' if total > 1 else ''} to a judgement (for example '{escaped(exercise, 40)}') "
            f"{'do' if total > 1 else 'does'} not give one of the bank's verdicts for each of its statements, as the "
            "exercise saves them: not counted as done, and shown without verdicts (the file was edited, or the "
            "bank has changed since)."
        )
    if unnamed:
        problems.append(
            f"{name} has rows without a student's name: they are counted under '{escaped(fallback)}', taken from the "
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
            f"the question banks (for example '{escaped(exercise, 40)}' in lesson '{escaped(lesson, 40)}') "
            f"{'were' if len(unknown) > 1 else 'was'} left out; the banks may have changed since."
        )
    if not hand_ins and not damaged and not unknown and not refused and not too_long:
        problems.append(f"{name} holds no answers yet: the student exported before answering anything.")
    if len(hand_ins) > 1:  # a hand-in is one student's: rows under other names could push out their real files
        owner = _owner(list(hand_ins.values()))
        others = [h for h in hand_ins.values() if h is not owner]
        left_out = sum(len(h.rows) for h in others)
        names = ", ".join(escaped(h.student, 40) for h in others[:3]) + (" …" if len(others) > 3 else "")
        problems.append(
            f"{name} is {escaped(owner.student)}'s hand-in, but {left_out} row{'s' if left_out > 1 else ''} in it "
            f"{'are' if left_out > 1 else 'is'} under another student's name ({names}): left out, because a "
            "hand-in holds one student's answers. Ask each student for their own file."
        )
        return [owner], problems
    return list(hand_ins.values()), problems


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
        student = escaped(best.student)
        same = [h for h in others if h.content() == best.content()]
        different = [h for h in others if h.content() != best.content()]
        if same:
            files = " and ".join(escaped(h.file) for h in [best, *same])
            problems.append(f"{files} are the same hand-in from {student} (identical answers): counted once.")
        for other in different:
            later = _sortable(other.last_saved) > _sortable(best.last_saved)
            one, two = escaped(best.file), escaped(other.file)
            problems.append(
                f"{one} and {two} are both from {student}: kept {one} ({_described(best)}) and "
                f"left out {two} ({_described(other)})."
                + (
                    f" Neither is named exactly as the scorecard names {student}'s hand-in "
                    f"({escaped(file_name_for(best.student))}): ask the student which is theirs."
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
            f"{escaped(str(folder), 200)} is a file, not a folder: give the folder that holds the hand-ins."
        ]
    if not folder.is_dir():
        return empty_attempts(), [
            f"The folder {escaped(str(folder), 200)} does not exist: collect the hand-ins there, or set FOLDER "
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
        return empty_attempts(), [*problems, f"There are no .csv files in {escaped(folder.name)}."]
    if len(files) > MAX_HAND_INS:  # the largest first: a flood of invented students is many small files
        by_size = sorted(files, key=lambda f: (-f[2], f[1]))
        files, left = by_size[:MAX_HAND_INS], by_size[MAX_HAND_INS:]
        examples = ", ".join(escaped(entry, 40) for _, entry, _ in left[:3]) + (" …" if len(left) > 3 else "")
        problems.append(
            f"{escaped(folder.name)} holds {len(files) + len(left):,} hand-in files, more than the {MAX_HAND_INS} a "
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
        name = escaped(path.name)
        try:
            info, target = path.lstat(), path
            if stat.S_ISLNK(info.st_mode):
                target = path.resolve()
                if not target.is_relative_to(root):
                    problems.append(
                        f"{name} is a link to something outside {escaped(folder.name)}: it was not followed (a link "
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
                f"The folder {name} inside {escaped(folder.name)} was not read: "
                + ("its name ends in .csv, but it is a folder; " if csv_file else "")
                + f"put the hand-ins themselves in {escaped(folder.name)}."
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
