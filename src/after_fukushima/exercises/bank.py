"""Question banks: one TOML file per lesson in exercises/banks/, checked when loaded.

A bank looks like this (see exercises/banks/README.md for every kind)::

    lesson = "00_start_here"
    title = "Start here"

    [[exercise]]
    id = "summit-place"
    kind = "multiple_choice"
    prompt = "Where did the G8 leaders meet in May 2011?"
    options = ["Deauville", "Vienna"]
    answer = "Deauville"
    feedback = { Vienna = "Vienna is home to the IAEA, not the 2011 G8 summit." }
    hints = ["It is a seaside town in Normandy."]
    explanation = "The 37th G8 summit met in Deauville, France, on 26-27 May 2011."

A problem gives a BankError that names the file, the exercise and what is wrong.
"""

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from after_fukushima import paths
from after_fukushima.errors import CourseError
from after_fukushima.exercises.base import Exercise
from after_fukushima.exercises.kinds import KINDS
from after_fukushima.progress import ProgressStore

COMMON_REQUIRED = {"id": str, "kind": str, "prompt": str}
# claims: statement -> the `order` of the claim it paraphrases in data/report_argument.csv (tests check the kind
# and speaker against that table, so what an exercise says of the report cannot drift from it).
COMMON_OPTIONAL = {"hints": list, "explanation": str, "source": str, "claims": dict}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class BankError(CourseError):
    """A question bank that cannot be used as it is."""


def _type_name(expected) -> str:
    names = {str: "text", list: "a list", dict: "a table", int: "a whole number", float: "a number"}
    options = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in options))


def _has_type(value, expected) -> bool:
    if isinstance(value, bool):
        return False  # true/false is never a number, text or list here
    return isinstance(value, expected)


def check_exercise(entry: dict) -> None:
    """Raise ValueError with the first problem in one bank entry."""
    kind_name = entry.get("kind")
    if kind_name not in KINDS:
        raise ValueError(f"unknown kind '{kind_name}' (the kinds are: {', '.join(KINDS)})")
    kind = KINDS[kind_name]
    allowed = {**COMMON_REQUIRED, **kind.required, **COMMON_OPTIONAL, **kind.optional}
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"unknown key '{key}'{suggestion}")
    for key in {**COMMON_REQUIRED, **kind.required}:
        if key not in entry:
            raise ValueError(f"'{key}' is missing")
    for key, value in entry.items():
        if not _has_type(value, allowed[key]):
            raise ValueError(f"'{key}' should be {_type_name(allowed[key])}")
    if not ID_PATTERN.match(entry["id"]):
        raise ValueError("'id' may hold only lower-case letters, digits and hyphens")
    if not entry["prompt"].strip():
        raise ValueError("'prompt' is empty")
    for name in ("hints", "options", "answers", "items", "categories"):
        if isinstance(entry.get(name), list) and not all(isinstance(x, str) and x.strip() for x in entry[name]):
            raise ValueError(f"every entry of '{name}' must be non-empty text")
    for name in ("feedback", "pairs", "items"):
        if isinstance(entry.get(name), dict) and not all(isinstance(x, str) for x in entry[name].values()):
            raise ValueError(f"every value in '{name}' must be text")
    if "claims" in entry:
        shown = set(entry.get("options", [])) | set(entry.get("items", [])) | set(entry.get("pairs", {}))
        for statement, order in entry["claims"].items():
            if statement not in shown:
                raise ValueError(f"'claims' names a statement that the exercise does not show: '{statement}'")
            if not _has_type(order, int) or order < 1:
                raise ValueError(f"'claims' should give a claim's number in the argument table for '{statement}'")
    kind.check_spec(entry)


@dataclass
class Bank:
    """The checked exercises of one lesson."""

    lesson: str
    title: str
    path: Path
    entries: list[dict]

    @property
    def ids(self) -> list[str]:
        return [entry["id"] for entry in self.entries]

    def entry(self, exercise_id: str) -> dict:
        for entry in self.entries:
            if entry["id"] == exercise_id:
                return entry
        raise BankError(f"{self.path.name} has no exercise '{exercise_id}'. Its exercises are: {', '.join(self.ids)}.")

    def exercise(self, exercise_id: str, store: ProgressStore | None = None) -> Exercise:
        """The widget for one exercise, ready to display."""
        entry = self.entry(exercise_id)
        return KINDS[entry["kind"]](entry, lesson=self.lesson, store=store)

    def __repr__(self) -> str:
        return f"<Question bank '{self.lesson}': {len(self.entries)} exercises>"


def read_bank(path: Path) -> Bank:
    """Load and check one bank file."""
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BankError(f"The question bank {name} is missing from exercises/banks/.") from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad and PowerShell add a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BankError(
            f"{name} is not saved as UTF-8 (line {line} has a character in another encoding, as Excel or an old "
            "Notepad writes it): open it in a text editor and save it with the encoding UTF-8."
        ) from None
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{name} is not valid TOML: {exc}.") from None
    for key in ("lesson", "title"):
        if not isinstance(content.get(key), str):
            raise BankError(f"{name}: the top-level '{key}' is missing or not text.")
    if content["lesson"] != path.stem:
        raise BankError(
            f"{name}: it says lesson = '{content['lesson']}', but a bank's lesson is its file's name "
            f"('{path.stem}'); copied from another lesson's bank?"
        )
    entries = content.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise BankError(f"{name}: there are no [[exercise]] entries.")
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        label = f"exercise #{number}" + (f" ('{entry['id']}')" if isinstance(entry.get("id"), str) else "")
        try:
            check_exercise(entry)
        except ValueError as problem:
            raise BankError(f"{name}, {label}: {problem}.") from None
        if entry["id"] in seen:
            raise BankError(f"{name}, {label}: the id '{entry['id']}' is used twice.")
        seen.add(entry["id"])
    return Bank(lesson=content["lesson"], title=content["title"], path=path, entries=entries)


def load_bank(lesson: str) -> Bank:
    """The bank for one lesson, e.g. ``load_bank("00_start_here")``."""
    return read_bank(paths.banks_dir() / f"{lesson}.toml")


def all_banks() -> list[Bank]:
    """Every bank, in lesson order. Raises BankError, naming the file and the problem, if any bank cannot be used
    (the answer key and the tests want all or nothing; students' and teachers' tools use ``usable_banks``)."""
    return [read_bank(path) for path in sorted(paths.banks_dir().glob("*.toml"))]


def usable_banks() -> tuple[list[Bank], list[str]]:
    """Every bank that can be used, in lesson order, and a sentence for each that cannot.

    A bank a teacher edited wrongly costs that bank only: the scorecard, the hand-in and the class report go on
    with the others, and show the sentence (the file, the exercise and what is wrong)."""
    banks, problems = [], []
    for path in sorted(paths.banks_dir().glob("*.toml")):
        try:
            banks.append(read_bank(path))
        except BankError as problem:
            problems.append(f"{problem} Its lesson is left out until the file is fixed.")
    return banks, problems
