"""Every answer a student gives is kept in one small SQLite database per user (the standard library's sqlite3).

Where it lives: ~/.after_fukushima/progress.sqlite, unless $AFTER_FUKUSHIMA_PROGRESS names another file (a name
ending in .json, as older versions of the course used, means the database beside it with .sqlite instead).

- One row per attempt; every save is one transaction, so two notebooks open at once lose nothing, a save that
  is killed half-way leaves the file as it was, and the cost of a save does not grow with the history.
- The rollback journal is used, not WAL, so that the file also works on a network (NFS) home. Where files
  cannot be locked at all, saving goes on without locking, with a warning.
- A progress.json written by an older version of the course is imported once, nothing lost, and kept as
  progress.json.backup.
- A damaged file is set aside (renamed) with a warning and a fresh one started. Reading never raises; a save
  that fails raises OSError with a sentence a student can act on.

This module depends on nothing else in the course: the exercises and the scorecard sit above it.
"""

import contextlib
import errno
import html
import json
import os
import re
import sqlite3
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

PROGRESS_VARIABLE = "AFTER_FUKUSHIMA_PROGRESS"
FILE_NAME = "progress.sqlite"
LEGACY_FORMAT = "after-fukushima-progress"  # the "format" of the JSON files older versions wrote
APPLICATION_ID = 0x41465052  # "AFPR", stored in the database header to recognise the course's files
SCHEMA_VERSION = 1
LOCK_TIMEOUT = 10  # seconds a save waits for another notebook's save to finish
ATTEMPT_KEYS = ["lesson", "exercise", "kind", "attempt", "correct", "answer", "saved_at"]

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS attempts (
    id       INTEGER PRIMARY KEY,
    lesson   TEXT NOT NULL,
    exercise TEXT NOT NULL,
    kind     TEXT NOT NULL DEFAULT '',
    attempt  INTEGER NOT NULL,
    correct  INTEGER,               -- 1 right, 0 wrong, NULL not marked (a reflection)
    answer   TEXT,                  -- the answer as JSON
    saved_at TEXT NOT NULL DEFAULT ''  -- UTC, ISO 8601, to the second
);
CREATE INDEX IF NOT EXISTS attempts_by_exercise ON attempts (lesson, exercise);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT);
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
"""


def progress_path() -> Path:
    """The student's progress database: $AFTER_FUKUSHIMA_PROGRESS, else ~/.after_fukushima/progress.sqlite.

    With no home folder (a container run as an unnamed user), .after_fukushima/progress.sqlite in the current
    folder, with a warning.
    """
    override = os.environ.get(PROGRESS_VARIABLE, "").strip()
    if override:
        return Path(override).expanduser()
    try:
        return Path.home() / ".after_fukushima" / FILE_NAME
    except (RuntimeError, KeyError):
        fallback = Path.cwd() / ".after_fukushima" / FILE_NAME
        warnings.warn(
            f"There is no home folder here, so your progress is kept in {fallback}. "
            f"Set {PROGRESS_VARIABLE} to keep it elsewhere.",
            stacklevel=2,
        )
        return fallback


def _complete(attempt: dict) -> dict:
    """An attempt with every key the course reads, whatever an older or hand-edited file left out."""
    return {"kind": "", "attempt": 1, "correct": None, "answer": None, "saved_at": "", **attempt}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _NotOurs(Exception):
    """The file is not a progress database of this course (damaged, or something else)."""


def _sentence(exc: sqlite3.Error) -> str:
    """What went wrong, in words a student can act on."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return "the disk is full: free some space, then press the button again"
    if name.startswith("SQLITE_BUSY") or "locked" in str(exc):
        return f"another notebook kept the progress file busy for {LOCK_TIMEOUT} seconds: try again"
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_PERM"):
        return "the progress file is read-only here"
    if name.startswith("SQLITE_CANTOPEN"):
        return "the progress file cannot be opened or created in its folder"
    return f"the progress file could not be used ({exc})"


_LOCKING: dict[Path, bool] = {}  # per folder, found out once per kernel
NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS}  # what a file system without locks answers


def _locking_works(folder: Path) -> bool:
    """Whether files in ``folder`` can be locked. Where they cannot (an NFS home whose lock service is down
    answers ENOLCK, which SQLite would take for a busy file and wait on), the database is opened without
    locking (SQLite's unix-none VFS), with a warning once."""
    if fcntl is None:  # Windows: SQLite locks there by other means
        return True
    if folder not in _LOCKING:
        probe = folder / ".after_fukushima-lock-probe"
        try:
            with probe.open("a") as handle:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.lockf(handle, fcntl.LOCK_UN)
            _LOCKING[folder] = True
        except OSError as exc:
            if exc.errno not in NO_LOCKS:  # held by another process, or a read-only or full folder: not decided
                return True
            _LOCKING[folder] = False
            warnings.warn(
                f"Files in {folder} cannot be locked ({exc.strerror or exc}), so your progress is saved "
                "without a lock. Use one notebook at a time: two saving at the same moment could "
                "damage the file.",
                stacklevel=5,
            )
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
    return _LOCKING[folder]


class ProgressStore:
    """The attempts saved in one progress database (see the module's docstring for where it lives).

    ``path``: the database file; a name ending in .json (an older version's file) means the database beside it,
    with .sqlite instead, and that JSON file is imported once. Each attempt is a dict with the keys
    ``ATTEMPT_KEYS``: lesson and exercise ids, the kind, the attempt's number (from 1 per exercise), correct
    (True, False or None for a reflection), the answer as the widget gave it, and saved_at (UTC, ISO 8601).
    """

    def __init__(self, path: Path | str | None = None):
        path = Path(path) if path is not None else progress_path()
        if path.suffix == ".json":
            path = path.with_suffix(".sqlite")
        self.path = path
        self.legacy_path = path.with_suffix(".json")

    # connecting ------------------------------------------------------------------------------------
    def _run(self, work):
        """``work(connection)`` on the database, whose tables are made (or imported) first if needed.

        A file found damaged inside (SQLITE_CORRUPT) is rebuilt from what can still be read, and the work done
        again once. Turns every SQLite error into an OSError whose text says what to do.
        """
        for rebuilt in (False, True):
            try:
                connection = self._open()
                try:
                    return work(connection)
                finally:
                    connection.close()
            except sqlite3.Error as exc:
                name = getattr(exc, "sqlite_errorname", "")
                if name == "SQLITE_CORRUPT" and not rebuilt:
                    self._rebuild()
                    continue
                raise OSError(errno.ENOSPC if name == "SQLITE_FULL" else errno.EIO, _sentence(exc)) from exc
        raise AssertionError("unreachable")

    def _rebuild(self) -> None:
        """Set a file that is damaged inside aside, and start a fresh one with every attempt that can still be
        read from it (row by row, so that one damaged page loses only its own rows)."""
        rescued = []
        try:
            with contextlib.closing(sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True)) as old:
                try:
                    last = old.execute("SELECT max(id) FROM attempts").fetchone()[0] or 0
                except sqlite3.Error:
                    last = 0
                for number in range(1, last + 1):
                    with contextlib.suppress(sqlite3.Error):
                        rescued += old.execute(
                            "SELECT lesson, exercise, kind, attempt, correct, answer, saved_at "
                            "FROM attempts WHERE id = ?",
                            (number,),
                        ).fetchall()
        except sqlite3.Error:
            pass
        self._set_aside()
        connection = self._open()
        try:
            with connection:
                connection.execute("BEGIN")
                connection.executemany(
                    "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, "
                    "saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rescued,
                )
        finally:
            connection.close()
        warnings.warn(
            f"{len(rescued)} saved attempts could be read back and were kept in the fresh file.", stacklevel=4
        )

    def _open(self) -> sqlite3.Connection:
        """A connection to a database with the course's tables; a damaged file is set aside first."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(
                exc.errno, f"its folder {self.path.parent} cannot be created ({exc.strerror or exc})"
            ) from exc
        locking = _locking_works(self.path.parent)
        for _ in range(3):
            target = f"file:{quote(str(self.path))}" + ("" if locking else "?vfs=unix-none")
            connection = sqlite3.connect(target, uri=True, timeout=LOCK_TIMEOUT, isolation_level=None)
            try:
                self._prepare(connection)
                return connection
            except _NotOurs:
                connection.close()
                self._set_aside()
            except sqlite3.DatabaseError as exc:
                connection.close()
                if getattr(exc, "sqlite_errorname", "") != "SQLITE_CORRUPT":
                    raise
                self._rebuild()
            except BaseException:
                connection.close()
                raise
        raise OSError(errno.EIO, f"the progress file {self.path} could not be replaced by a fresh one")

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Check the file is the course's; make its tables (importing an older progress.json) if it is new."""
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if application_id == APPLICATION_ID:
                return
            if application_id != 0 or connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
                raise _NotOurs  # someone else's database, or one from a future version
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise _NotOurs from exc
            raise
        connection.execute("BEGIN IMMEDIATE")
        try:
            imported = False
            if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:  # not made meanwhile
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                imported = self._import_legacy(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        if imported:  # the JSON file is kept, under a name that is not imported again
            with contextlib.suppress(OSError):
                os.replace(self.legacy_path, self.legacy_path.with_name(self.legacy_path.name + ".backup"))

    def _import_legacy(self, connection: sqlite3.Connection) -> bool:
        """Copy the attempts of an older version's progress.json into the new database (inside the
        transaction that makes it). True if there was one to import."""
        if not self.legacy_path.exists():
            return False
        attempts = _legacy_attempts(self.legacy_path)
        if attempts is None:
            return False
        connection.executemany(
            "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, saved_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_row(a) for a in attempts],
        )
        connection.execute("INSERT OR REPLACE INTO settings VALUES ('imported_from', ?)", (self.legacy_path.name,))
        return True

    def _set_aside(self) -> None:
        """Rename a damaged file (and its journal) so that nothing is overwritten, and say where it went."""
        number = 1
        while (spare := self.path.with_name(f"{self.path.stem}.damaged-{number}{self.path.suffix}")).exists():
            number += 1
        os.replace(self.path, spare)
        for suffix in ("-journal", "-wal", "-shm"):
            companion = Path(f"{self.path}{suffix}")
            if companion.exists():
                os.replace(companion, Path(f"{spare}{suffix}"))
        warnings.warn(
            f"Your progress file was damaged, so it was kept as {spare.name} and a fresh one was started.", stacklevel=2
        )

    # reading ---------------------------------------------------------------------------------------
    def attempts(self, lesson: str | None = None, exercise: str | None = None, *, strict: bool = False) -> list[dict]:
        """The saved attempts, oldest first: all of them, or one lesson's, or one exercise's.

        Never raises: a file that cannot be read gives a warning and no attempts; with ``strict`` (for a
        hand-in, which must not be empty by mistake) it raises OSError instead.
        """
        where, values = [], []
        for column, value in (("lesson", lesson), ("exercise", exercise)):
            if value is not None:
                where.append(f"{column} = ?")
                values.append(value)
        query = "SELECT lesson, exercise, kind, attempt, correct, answer, saved_at FROM attempts"
        if where:
            query += " WHERE " + " AND ".join(where)
        return self._select(query + " ORDER BY id", values, strict=strict)

    def latest(self, lesson: str, exercise: str) -> dict | None:
        """The most recent attempt at one exercise, or None."""
        rows = self._select(
            "SELECT lesson, exercise, kind, attempt, correct, answer, saved_at FROM attempts "
            "WHERE lesson = ? AND exercise = ? ORDER BY id DESC LIMIT 1",
            [lesson, exercise],
        )
        return rows[0] if rows else None

    def _select(self, query: str, values: list, strict: bool = False) -> list[dict]:
        if not self.path.exists() and not self.legacy_path.exists():
            return []
        try:
            rows = self._run(lambda connection: connection.execute(query, values).fetchall())
        except OSError as exc:
            if strict:
                raise
            warnings.warn(
                f"Could not read your progress file {self.path} ({exc.strerror or exc}); starting without it.",
                stacklevel=3,
            )
            return []
        return [_attempt(row) for row in rows]

    def setting(self, key: str) -> str | None:
        """A value kept with the student's progress (for example their name for hand-ins), or None.
        Never raises."""
        if not self.path.exists():
            return None
        try:
            rows = self._run(lambda c: c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchall())
        except OSError:
            return None
        return rows[0][0] if rows else None

    # writing ---------------------------------------------------------------------------------------
    def record(self, lesson: str, exercise: str, kind: str, answer, correct: bool | None) -> dict:
        """Save one attempt and return it (a dict with ``ATTEMPT_KEYS``).

        Raises OSError, with a sentence a student can act on, if it could not be saved: the folder cannot be
        created, the disk is full, the file is read-only, or another notebook held it for 10 seconds.
        """
        attempt = {
            "lesson": lesson,
            "exercise": exercise,
            "kind": kind,
            "attempt": 0,
            "correct": correct,
            "answer": answer,
            "saved_at": _now(),
        }

        def insert(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")  # waits up to LOCK_TIMEOUT for another notebook's save
            try:
                attempt["attempt"] = (
                    1
                    + connection.execute(
                        "SELECT count(*) FROM attempts WHERE lesson = ? AND exercise = ?", (lesson, exercise)
                    ).fetchone()[0]
                )
                connection.execute(
                    "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, saved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    _row(attempt),
                )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

        self._run(insert)
        return attempt

    def set_setting(self, key: str, value: str) -> None:
        """Keep one value with the student's progress. Raises OSError as ``record`` does."""
        self._run(lambda c: c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value)))


def _text(value) -> str:
    """Text SQLite can store: a lone surrogate (half of an emoji cut by a paste) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError, OverflowError):
        return 1


def _correct(value) -> int | None:
    """1, 0 or None (not marked) from what an older or hand-edited file holds: True, "false", "no", 0..."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        return 1 if word in ("true", "yes", "1") else 0 if word in ("false", "no", "0") else None
    return int(bool(value))


def _row(attempt: dict) -> tuple:
    """An attempt as the values of one row of the attempts table. Never raises: the answer is kept as JSON,
    or as its repr if JSON cannot hold it."""
    attempt = _complete(attempt)
    try:
        answer = json.dumps(attempt["answer"], ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):  # a dict with tuple keys, a circular or very deep list
        answer = json.dumps(repr(attempt["answer"])[:100_000], ensure_ascii=False)
    return (
        _text(attempt["lesson"]),
        _text(attempt["exercise"]),
        _text(attempt["kind"] or ""),
        _number(attempt["attempt"]),
        _correct(attempt["correct"]),
        _text(answer),
        _text(attempt["saved_at"] or ""),
    )


def _attempt(row: tuple) -> dict:
    lesson, exercise, kind, number, correct, answer, saved_at = row
    try:
        answer = json.loads(answer) if answer is not None else None
    except ValueError:
        pass  # not JSON (a hand-edited row): keep the text
    return {
        "lesson": lesson,
        "exercise": exercise,
        "kind": kind,
        "attempt": number,
        "correct": None if correct is None else bool(correct),
        "answer": answer,
        "saved_at": saved_at,
    }


def _legacy_attempts(path: Path) -> list[dict] | None:
    """The attempts in an older version's progress.json, completed where keys are missing; None (with the file
    set aside and a warning) if it is damaged."""
    try:
        content = json.loads(path.read_text(encoding="utf-8-sig"))
        if content.get("format") != LEGACY_FORMAT or not isinstance(content.get("attempts"), list):
            raise ValueError("not a progress file")
    except (ValueError, AttributeError, UnicodeDecodeError, RecursionError):
        spare, number = path.with_name(f"{path.stem}.damaged{path.suffix}"), 1
        while spare.exists():
            number += 1
            spare = path.with_name(f"{path.stem}.damaged-{number}{path.suffix}")
        with contextlib.suppress(OSError):
            os.replace(path, spare)
            warnings.warn(
                f"Your old progress file {path.name} was damaged, so it was kept as {spare.name} and not imported.",
                stacklevel=2,
            )
        return None
    except OSError:
        return None
    return [_complete(a) for a in content["attempts"] if isinstance(a, dict) and {"lesson", "exercise"} <= a.keys()]


def your_answer(lesson: str, exercise: str, *, store: ProgressStore | None = None) -> widgets.HTML:
    """A student's latest saved answer to one exercise, shown back to them (for example a prediction).

    Shows the answer with the day it was saved, escaped; if nothing is saved yet, a sentence saying where to
    answer it. Reads the progress file only (``store``: the default is the student's own file).
    """
    attempt = (store or ProgressStore()).latest(lesson, exercise)
    if attempt is None or attempt.get("answer") in (None, ""):
        text = (
            f"You have not saved an answer to this question yet. It is in lesson {lesson[:2]} "
            f"(<code>notebooks/{html.escape(lesson)}.ipynb</code>, exercise <code>{html.escape(exercise)}</code>, "
            "near its end): write it there, press Save, then run this cell again. If you write it now, say "
            "in it that you wrote it after seeing the data."
        )
        return widgets.HTML(f"<div class='af-your-answer'>{text}</div>")
    answer = attempt["answer"] if isinstance(attempt["answer"], str) else json.dumps(attempt["answer"])
    saved = str(attempt.get("saved_at", ""))[:10]
    return widgets.HTML(
        f"<div class='af-your-answer'><b>Your answer, saved {html.escape(saved)}:</b> "
        f"<blockquote>{html.escape(answer)}</blockquote></div>"
    )
