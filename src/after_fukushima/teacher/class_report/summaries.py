"""The class report's tables: how each student did on each exercise, per exercise, per lesson, who is behind,
the commonest wrong answers, reflections and verdicts side by side, and a safe CSV of any of them.

Called by the teacher's notebook (through ``teacher.class_report``) and by ``figures``. Each function takes the
attempts table ``reading.read_hand_ins`` gives and, where it needs the course's order, the question banks.
"Done" is counted as the scorecard counts it (``exercises.kinds.counts_as_done``).
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

from after_fukushima.exercises.bank import Bank, usable_banks
from after_fukushima.exercises.kinds import UNGRADED, count_words, counts_as_done, judged, long_enough
from after_fukushima.plots import TextTable
from after_fukushima.scorecard import spreadsheet_safe
from after_fukushima.teacher.class_report.grading import SEPARATOR, wrong_parts


def course_exercises(banks: list[Bank] | None, lesson: str | None = None) -> list[tuple[str, dict]]:
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
    ``exercises.kinds.judged``) and latest (the text of the attempt numbered last; rows of equal numbers in the
    table's order).
    Reflections and judgements are not graded, so never right: first_try and eventually are False for them.
    """
    entries = {(lesson, entry["id"]): entry for lesson, entry in course_exercises(banks)}
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
        done = any(counts_as_done(entry, answer, right) for answer, right in zip(answers, claims))
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
    for lesson_id, entry in course_exercises(banks, lesson):
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
    course = course_exercises(banks, lesson)
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
    and class_median: lesson_summary's median_done, the median of done over the students who started the lesson
    among those ``_reference`` counts (who have done at least a quarter as many exercises in all as the student
    who has done most). Every student is compared with it; the nearly empty hand-ins are only kept out of the
    median itself, so that a student who has barely begun, or a flood of invented students with an answer or two
    each, cannot pull it down and hide who is behind. Only lessons that at least half of those students have
    started (no one is behind in a lesson most of the class has not begun), and whose median is above 0. Sorted
    by lesson, then fewest done first.
    """
    banks = banks if banks is not None else usable_banks()[0]
    table = done_by_lesson(attempts, banks)
    tried = outcomes(attempts, banks).groupby(["student", "lesson"]).size()
    reference = _reference(table)
    rows = []
    for bank in banks:
        counts = table[bank.lesson]
        began = [student for student in reference if tried.get((student, bank.lesson), 0)]
        if len(began) < len(reference) / 2:
            continue
        median = float(counts[began].median()) if began else 0.0
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
    found = [(lesson, entry) for lesson, entry in course_exercises(banks) if entry["id"] == exercise]
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
    each statement (the bank or the file edited since, ``exercises.kinds.judged``) is shown as empty verdicts.
    Raises ValueError if the exercise is not a judgement.
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


def current_lesson(attempts: pd.DataFrame, banks: list[Bank] | None = None) -> str | None:
    """The lesson the class is on: the furthest lesson (in course order) that at least half of the students in
    the hand-ins have begun, as a lesson id such as '04_the_obstacles'; if no lesson has half, the furthest anyone
    has begun; None when no one has begun any."""
    everyone = max(attempts["student"].nunique(), 1)
    begun_by = attempts.groupby("lesson")["student"].nunique()
    order = [lesson for lesson in dict.fromkeys(lesson for lesson, _ in course_exercises(banks)) if lesson in begun_by]
    most = [lesson for lesson in order if begun_by[lesson] >= everyone / 2]
    return (most or order or [None])[-1]
