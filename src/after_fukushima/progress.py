"""Every answer a student gives is kept in one small JSON file per user, and summarised by a scorecard.

The file is ~/.after_fukushima/progress.json unless $AFTER_FUKUSHIMA_PROGRESS names another.
Each save takes a lock, re-reads the file, appends, and replaces the file atomically, so two notebooks
open at once lose nothing. A damaged file is set aside (renamed) with a warning and a fresh one started.
"""

import csv
import html
import json
import os
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets
from filelock import FileLock, Timeout

PROGRESS_VARIABLE = "AFTER_FUKUSHIMA_PROGRESS"
FORMAT = "after-fukushima-progress"
CSV_COLUMNS = ["lesson", "exercise", "kind", "attempt", "correct", "answer", "saved_at"]


def progress_path() -> Path:
    """$AFTER_FUKUSHIMA_PROGRESS, else ~/.after_fukushima/progress.json; with no home folder (a container run as
    an unnamed user), .after_fukushima/progress.json in the current folder, with a warning."""
    override = os.environ.get(PROGRESS_VARIABLE)
    if override:
        return Path(override).expanduser()
    try:
        return Path.home() / ".after_fukushima" / "progress.json"
    except (RuntimeError, KeyError):
        fallback = Path.cwd() / ".after_fukushima" / "progress.json"
        warnings.warn(f"There is no home folder here, so your progress is kept in {fallback}. "
                      f"Set {PROGRESS_VARIABLE} to keep it elsewhere.", stacklevel=2)
        return fallback


def _complete(attempt: dict) -> dict:
    """An attempt with every key the course reads, whatever an older or hand-edited file left out."""
    return {"kind": "", "attempt": 1, "correct": None, "answer": None, "saved_at": "", **attempt}


class ProgressStore:
    """The attempts saved in one progress file."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else progress_path()
        self._lock = FileLock(str(self.path) + ".lock", timeout=10)

    # reading ---------------------------------------------------------------------------------------
    def attempts(self) -> list[dict]:
        """All saved attempts, oldest first."""
        return self._read()

    def latest(self, lesson: str, exercise: str) -> dict | None:
        """The most recent attempt at one exercise, or None."""
        for attempt in reversed(self._read()):
            if attempt["lesson"] == lesson and attempt["exercise"] == exercise:
                return attempt
        return None

    def _read(self) -> list[dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except UnicodeDecodeError:
            self._set_aside()
            return []
        except OSError as exc:
            warnings.warn(f"Could not read your progress file {self.path} ({exc}); starting without it.")
            return []
        try:
            content = json.loads(text)
            if content.get("format") != FORMAT or not isinstance(content.get("attempts"), list):
                raise ValueError("not a progress file")
            return [_complete(a) for a in content["attempts"] if isinstance(a, dict) and {"lesson", "exercise"} <= a.keys()]
        except (ValueError, AttributeError):
            self._set_aside()
            return []

    def _set_aside(self) -> None:
        """Rename a damaged file so that nothing is overwritten, and say where it went."""
        number = 1
        while (spare := self.path.with_name(f"{self.path.stem}.damaged-{number}{self.path.suffix}")).exists():
            number += 1
        try:
            os.replace(self.path, spare)
        except OSError:
            return
        warnings.warn(
            f"Your progress file was damaged, so it was kept as {spare.name} and a fresh one was started.",
            stacklevel=3,
        )

    # writing ---------------------------------------------------------------------------------------
    def record(self, lesson: str, exercise: str, kind: str, answer, correct: bool | None) -> dict:
        """Save one attempt. Raises OSError if the file cannot be written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise OSError(f"the progress file {self.path} stayed locked for 10 seconds") from None
        except OSError as exc:  # no locking here (an NFS home whose lock service is down): save without it
            warnings.warn(f"Your progress file cannot be locked ({exc.strerror or exc}); saving without a lock, "
                          "so do not answer in two notebooks at the same moment.", stacklevel=3)
            return self._append(lesson, exercise, kind, answer, correct)
        try:
            return self._append(lesson, exercise, kind, answer, correct)
        finally:
            self._lock.release()

    def _append(self, lesson: str, exercise: str, kind: str, answer, correct: bool | None) -> dict:
        attempts = self._read()
        number = 1 + sum(1 for a in attempts if a["lesson"] == lesson and a["exercise"] == exercise)
        attempt = {
            "lesson": lesson,
            "exercise": exercise,
            "kind": kind,
            "attempt": number,
            "correct": correct,
            "answer": answer,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write([*attempts, attempt])
        return attempt

    def _write(self, attempts: list[dict]) -> None:
        content = json.dumps({"format": FORMAT, "version": 1, "attempts": attempts}, ensure_ascii=False, indent=1)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def export_csv(self, destination: Path | str) -> Path:
        """Write every attempt to a CSV file a teacher can collect; returns its path."""
        destination = Path(destination)
        with destination.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for attempt in self._read():
                writer.writerow({**attempt, "answer": json.dumps(attempt.get("answer"), ensure_ascii=False)})
        return destination


def your_answer(lesson: str, exercise: str, *, store: ProgressStore | None = None) -> widgets.HTML:
    """A student's latest saved answer to one exercise, shown back to them (for example a prediction).

    Shows the answer with the day it was saved, escaped; if nothing is saved yet, a sentence saying where to
    answer it. Reads the progress file only (``store``: the default is the student's own file).
    """
    attempt = (store or ProgressStore()).latest(lesson, exercise)
    if attempt is None or attempt.get("answer") in (None, ""):
        text = (f"You have not saved an answer to this question yet. It is in lesson {lesson[:2]} "
                f"(<code>notebooks/{html.escape(lesson)}.ipynb</code>, exercise <code>{html.escape(exercise)}</code>, "
                "near its end): write it there, press Save, then run this cell again. If you write it now, say "
                "in it that you wrote it after seeing the data.")
        return widgets.HTML(f"<div class='af-your-answer'>{text}</div>")
    answer = attempt["answer"] if isinstance(attempt["answer"], str) else json.dumps(attempt["answer"])
    saved = str(attempt.get("saved_at", ""))[:10]
    return widgets.HTML(f"<div class='af-your-answer'><b>Your answer, saved {html.escape(saved)}:</b> "
                        f"<blockquote>{html.escape(answer)}</blockquote></div>")
