"""Every answer a student gives is kept in one small SQLite database per user (the standard library's sqlite3).

Where it lives: ~/.after_fukushima/progress.sqlite, unless $AFTER_FUKUSHIMA_PROGRESS names another file (a name
ending in .json, as older versions of the course used, means the database beside it with .sqlite instead).

- One row per attempt; every save is one transaction, so two notebooks open at once lose nothing, a save that
  is killed half-way leaves the file as it was, and the cost of a save does not grow with the history.
- The rollback journal is used, not WAL, so that the file also works on a network (NFS) home. Where files
  cannot be locked at all (a network home whose lock service is down answers ENOLCK), SQLite runs without its
  locks and every read and save holds the course's own lock instead: a lock file, progress.sqlite.lock, created
  with O_CREAT|O_EXCL beside the database (exclusive on NFS from version 3 on), holding the process id, the host
  and the time. A save waits for it at most LOCK_TIMEOUT seconds; a lock whose holder is gone (a process of this
  host that no longer runs, this process when it does not hold it, a process number no process can have, or a
  lock from another host older than STALE_AFTER seconds, or seen for that long where its time lies ahead of this
  computer's clock) is removed, with a warning. A folder in the lock file's place is said at once.
- Private: the folders the store creates are made 0700, the database 0600 (SQLite gives its journal the
  database's mode), and an existing ~/.after_fukushima or database open to others is closed to them.
- The file says what it is: SQLite's application_id (APPLICATION_ID) and user_version (SCHEMA_VERSION). A file
  made by a newer version of the course, or another program's database, is refused with a sentence naming it
  and what to do, and left as it is.
- A damaged file (not a database, or damaged inside) is set aside (renamed progress.damaged-N.sqlite) with a
  warning, and a fresh one started with every attempt that can still be read. It is set aside only when it is
  found damaged under a lock (SQLite's, or the course's own, taken again to look once more), never for what was
  seen while another notebook may have been half-way through a save.
- A progress.json written by an older version of the course is imported once, nothing lost, and kept as
  progress.json.backup.
- An answer is kept as JSON; what JSON cannot hold as its text, and a whole number over Python's 4,300 digits
  for int to text as its first and last digits and its length.
- Reading never raises: a file that cannot be read gives a warning and no attempts. A save that fails raises
  ProgressError, a CourseError (shown as a sentence in a notebook) that is also an OSError, whose text names the
  file and says what to do.

This module depends on nothing else in the course but errors (CourseError) and lockfile (the course's own lock,
where files cannot be locked): the exercises and the scorecard sit above it.
"""

import contextlib
import errno
import html
import json
import math
import os
import re
import sqlite3
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets

from after_fukushima.errors import CourseError
from after_fukushima.lockfile import LOCK_TIMEOUT, LockError, LockFile, locking_works

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

PROGRESS_VARIABLE = "AFTER_FUKUSHIMA_PROGRESS"
FILE_NAME = "progress.sqlite"
FOLDER_NAME = ".after_fukushima"
LEGACY_FORMAT = "after-fukushima-progress"  # the "format" of the JSON files older versions wrote
APPLICATION_ID = 0x41465052  # "AFPR", stored in the database header to recognise the course's files
SCHEMA_VERSION = 1  # the user_version of the files this version writes; a higher one is a newer course's
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
        return Path.home() / FOLDER_NAME / FILE_NAME
    except (RuntimeError, KeyError):
        fallback = Path.cwd() / FOLDER_NAME / FILE_NAME
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


class ProgressError(CourseError, OSError):
    """A progress file that cannot be used. ``strerror`` says why and what to do, ``filename`` is the file, and
    str() is the whole sentence. A CourseError, so that a notebook shows it as a sentence, and an OSError, so
    that code catching OSError around a save goes on working."""

    def __init__(self, number: int, reason: str, path: Path | str):
        super().__init__(number, reason, str(path))

    def __str__(self) -> str:
        return f"Your progress file {self.filename} could not be used: {self.strerror}."


class _Damaged(Exception):
    """The file looked damaged (not a database, or damaged inside) where it may not be set aside: looked at
    again under the course's own lock."""


DAMAGED = ("SQLITE_NOTADB", "SQLITE_CORRUPT")  # SQLite's names for a file that is not (or no longer) a database


def _damaged(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "").startswith(DAMAGED)


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


def _private_folder(folder: Path) -> None:
    """Make ``folder`` (and missing parents) readable by its owner only (0700); an existing course folder
    (.after_fukushima) open to others is closed to them. Raises ProgressError naming the folder."""
    try:
        if not folder.is_dir():
            if folder.parent != folder:
                _private_folder(folder.parent)
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:
                if not folder.is_dir():
                    raise NotADirectoryError(errno.ENOTDIR, "a file has that name") from None
        elif folder.name == FOLDER_NAME:
            stat = folder.stat()
            if stat.st_mode & 0o077 and stat.st_uid == os.geteuid():
                folder.chmod(0o700)
    except ProgressError:
        raise
    except OSError as exc:
        raise ProgressError(
            exc.errno or errno.EIO, f"its folder {folder} cannot be created ({exc.strerror or exc})", folder
        ) from exc


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; True where that cannot be told (a folder without permission), so that opening
    it reports the problem."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


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
        self.lock_path = path.with_name(path.name + ".lock")

    # connecting ------------------------------------------------------------------------------------
    def _run(self, work):
        """``work(connection)`` on the database, whose tables are made (or imported) first if needed.

        Where files can be locked, SQLite's locks serialise notebooks; a file that looks damaged there is looked
        at again under the course's own lock before it is set aside. Where they cannot, all of it runs under the
        course's own lock. Turns every SQLite error into a ProgressError whose text says what to do.
        """
        _private_folder(self.path.parent)
        locking = locking_works(self.path.parent)
        vfs = "" if locking else "unix-none"
        try:
            if locking:
                try:
                    return self._session(work, vfs, repair=False)
                except _Damaged:
                    pass  # seen under SQLite's locks only: looked at again under the course's own
            with LockFile(self.lock_path, self.path) as held:
                return self._session(work, vfs, repair=held)
        except LockError as exc:  # the lock file: busy, or it cannot be made or written
            raise ProgressError(exc.errno, exc.strerror, self.path) from exc
        except _Damaged:
            raise ProgressError(
                errno.EIO,
                "it is damaged, and cannot be set aside here (its folder is read-only): move it away, then try again",
                self.path,
            ) from None
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "")
            raise ProgressError(
                errno.ENOSPC if name == "SQLITE_FULL" else errno.EIO, _sentence(exc), self.path
            ) from exc

    def _session(self, work, vfs: str, repair: bool):
        """Open, check and use the database; a damaged file is set aside and rebuilt if ``repair`` (a lock is
        held), else _Damaged is raised."""
        for _ in range(3):
            self._create_private()
            connection = self._connect(vfs)
            try:
                self._prepare(connection)
                return work(connection)
            except sqlite3.DatabaseError as exc:
                if not _damaged(exc):
                    raise
            finally:
                connection.close()
            if not repair:
                raise _Damaged
            self._rebuild(vfs)
        raise ProgressError(
            errno.EIO, "it could not be replaced by a fresh one: move it away, then try again", self.path
        )

    def _connect(self, vfs: str, read_only: bool = False) -> sqlite3.Connection:
        options = "&".join(option for option in (f"vfs={vfs}" if vfs else "", "mode=ro" if read_only else "") if option)
        target = f"file:{quote(str(self.path))}" + (f"?{options}" if options else "")
        return sqlite3.connect(target, uri=True, timeout=LOCK_TIMEOUT, isolation_level=None)

    def _create_private(self) -> None:
        """Create the database file readable by its owner only (SQLite would make it 0644; its journal takes the
        database's mode), or close an existing one of ours to others. Raises ProgressError naming the file."""
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o600)
        except IsADirectoryError:
            raise ProgressError(
                errno.EISDIR,
                "it is a folder, not a file: rename or move that folder, then run the cell again",
                self.path,
            ) from None
        except PermissionError:
            raise ProgressError(
                errno.EACCES,
                "you have no permission to read it (or to create it in its folder): give yourself that "
                "permission, or move the file away, then run the cell again",
                self.path,
            ) from None
        except OSError as exc:
            raise ProgressError(
                exc.errno or errno.EIO, f"it cannot be opened ({exc.strerror or exc})", self.path
            ) from exc
        try:
            stat = os.fstat(descriptor)
            if stat.st_mode & 0o077 and stat.st_uid == os.geteuid():
                with contextlib.suppress(OSError):
                    os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)

    def _rebuild(self, vfs: str) -> None:
        """Set a damaged file aside, and start a fresh one with every attempt that can still be read from it (row
        by row, so that one damaged page loses only its own rows). Only under a lock."""
        rescued = []
        try:
            with contextlib.closing(self._connect(vfs, read_only=True)) as old:
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
        self._create_private()
        connection = self._connect(vfs)
        try:
            self._prepare(connection)
            connection.execute("BEGIN")
            connection.executemany(
                "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rescued,
            )
            connection.execute("COMMIT")
        finally:
            connection.close()
        if rescued:
            warnings.warn(
                f"{len(rescued)} saved attempts could be read back and were kept in the fresh file.", stacklevel=5
            )

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Check the file is the course's, of a version it reads; make its tables (importing an older
        progress.json) if it is new. Raises ProgressError for a newer course's file or another program's
        database, and sqlite3.DatabaseError (SQLITE_NOTADB, SQLITE_CORRUPT) for a damaged one."""
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        if application_id == APPLICATION_ID:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ProgressError(
                    errno.EINVAL,
                    f"it was made by a newer version of the course (its format is version {version}; this version "
                    f"reads up to {SCHEMA_VERSION}), so it was left as it is. Update the course (ask your teacher), "
                    "or move the file away to start a fresh one",
                    self.path,
                )
            return
        if application_id != 0 or connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
            raise ProgressError(
                errno.EINVAL,
                "it is not a progress file of this course but another program's database, so it was left as it "
                f"is. Move it away (or set {PROGRESS_VARIABLE} to another file), then run the cell again",
                self.path,
            )
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

        Never raises: a file that cannot be read gives a warning (naming it and what to do) and no attempts;
        with ``strict`` (for a hand-in, which must not be empty by mistake) it raises ProgressError instead.
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
        if not _exists(self.path) and not _exists(self.legacy_path):
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
        """A value kept with the student's progress (for example their name for hand-ins) as text, or None.
        Never raises."""
        if not _exists(self.path):
            return None
        try:
            rows = self._run(lambda c: c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchall())
        except OSError:
            return None
        return _as_text(rows[0][0]) if rows else None

    # writing ---------------------------------------------------------------------------------------
    def record(self, lesson: str, exercise: str, kind: str, answer, correct: bool | None) -> dict:
        """Save one attempt and return it (a dict with ``ATTEMPT_KEYS``).

        Raises ProgressError (a CourseError and an OSError), with a sentence naming the file and what to do, if
        it could not be saved: the folder cannot be created, the disk is full, the file is read-only, a newer
        course's or another program's, or another notebook held it for ``LOCK_TIMEOUT`` seconds.
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
        """Keep one value with the student's progress. Raises ProgressError as ``record`` does."""
        self._run(lambda c: c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value)))


def _as_text(value) -> str | None:
    """A value read from the file as text, whatever another program stored there (a number, bytes)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


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
    return (
        _text(attempt["lesson"]),
        _text(attempt["exercise"]),
        _text(attempt["kind"] or ""),
        _number(attempt["attempt"]),
        _correct(attempt["correct"]),
        _text(_answer_json(attempt["answer"])),
        _text(attempt["saved_at"] or ""),
    )


def _answer_json(answer) -> str:
    """An answer as JSON text. Never raises: whole numbers too long for str() are kept as text (_long_integer);
    what JSON cannot hold (a dict with tuple keys, a circular or very deep list) as its repr, cut at 100,000
    characters."""
    try:
        shortened = _shortened(answer)
    except Exception:  # a dict whose keys' hashing fails: only its repr may tell what it was
        shortened = answer
    for value in (answer, shortened):
        with contextlib.suppress(TypeError, ValueError, RecursionError):
            return json.dumps(value, ensure_ascii=False, default=str)
    for value in (answer, shortened):
        with contextlib.suppress(ValueError, RecursionError):
            return json.dumps(repr(value)[:100_000], ensure_ascii=False)
    return json.dumps("(an answer that could not be kept as text)")


def _shortened(value, inside: tuple = ()):
    """``value`` with every whole number too long for str() (inside lists, tuples and dicts, keys too) replaced
    by its text (_long_integer), a list inside itself by '...', and anything else as it is. ``inside``: the ids
    of the lists and dicts around ``value``."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            str(value)
        except ValueError:
            return _long_integer(value)
        return value
    if not isinstance(value, list | tuple | dict):
        return value
    if id(value) in inside or len(inside) > 100:
        return "..."
    inside += (id(value),)
    if isinstance(value, dict):
        return {
            _shortened(key) if isinstance(key, int) else key: _shortened(item, inside) for key, item in value.items()
        }
    return [_shortened(item, inside) for item in value]


def _long_integer(number: int) -> str:
    """A whole number over Python's limit for int to text (sys.get_int_max_str_digits(), 4,300 digits unless
    changed; a setting of the whole process, so not ours to raise), written without converting all of it: its
    first and last 20 digits and how many digits it has, '123…789 (5,001 digits)'. Beyond about 1.2 million digits,
    where counting them exactly takes a second, only about how many."""
    size, sign = abs(number), "-" if number < 0 else ""
    estimate = int((size.bit_length() - 1) * math.log10(2)) + 1  # the digits of 2**(bits-1): the count or one less
    if size.bit_length() > 1 << 22:
        return f"{sign}a whole number of about {estimate:,} digits"
    first = size // 10 ** (estimate - 20)  # 20 or 21 digits: a division with a small quotient is quick
    digits = estimate - 20 + len(str(first))
    return f"{sign}{str(first)[:20]}…{size % 10**20:020d} ({digits:,} digits)"


def _attempt(row: tuple) -> dict:
    """One row as an attempt, whatever types another program (a database browser) stored in it."""
    lesson, exercise, kind, number, correct, answer, saved_at = row
    answer = _as_text(answer)
    try:
        answer = json.loads(answer) if answer is not None else None
    except (ValueError, RecursionError):
        pass  # not JSON (a hand-edited row): keep the text
    return {
        "lesson": _as_text(lesson) or "",
        "exercise": _as_text(exercise) or "",
        "kind": _as_text(kind) or "",
        "attempt": _number(number),
        "correct": None if _correct(correct) is None else bool(_correct(correct)),
        "answer": answer,
        "saved_at": _as_text(saved_at) or "",
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
