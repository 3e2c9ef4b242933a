"""Issue 14, the teacher's view: reading a class's hand-ins (teacher.class_report and its notebook).

Every expected number is computed here from the generated files with the csv module, never copied from a run.
"""

import ast
import csv
import io
import re
import shutil
import stat
import statistics
import unicodedata
from collections import defaultdict
from pathlib import Path

import matplotlib
import matplotlib.text
import nbclient
import nbformat
import pandas as pd
import pytest

from after_fukushima.exercises.bank import all_banks
from after_fukushima.exercises.kinds import UNGRADED, count_words, long_enough
from after_fukushima.scorecard import (
    HAND_IN_COLUMNS,
    PLAIN_NUMBER,
    as_plain_text,
    hand_in_csv,
    spreadsheet_safe,
    spreadsheet_unsafe,
)
from after_fukushima.teacher import class_report as report
from after_fukushima.teacher.class_report import decoding, grading, reading

COURSE = Path(__file__).resolve().parents[1]
NOTEBOOK = COURSE / "teacher" / "class_report.ipynb"
STUDENTS = 30
BANKS = all_banks()
ENTRIES = {(bank.lesson, entry["id"]): entry for bank in BANKS for entry in bank.entries}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo_class")
    report.demo_class(folder, students=STUDENTS, seed=0)
    return folder


@pytest.fixture(scope="module")
def read(demo):
    return report.read_hand_ins(demo)


@pytest.fixture(scope="module")
def attempts(read) -> pd.DataFrame:
    return read[0]


def raw_rows(folder: Path) -> list[dict]:
    """Every row of every hand-in, read with nothing but the csv module, oldest first within each file."""
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def by_student_and_exercise(rows: list[dict]) -> dict[tuple, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row["student"], row["lesson"], row["exercise"])].append(row)
    return grouped


def copy_of(demo: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "hand_ins"
    shutil.copytree(demo, folder)
    return folder


# --- the demo class ------------------------------------------------------------------------------------------


def test_the_demo_class_is_thirty_invented_students_using_the_real_banks(demo, read):
    attempts, problems = read
    files = sorted(demo.glob("*.csv"))
    assert len(files) == STUDENTS and problems == []
    assert report.students(attempts) == [f"Student {n:02d}" for n in range(1, STUDENTS + 1)]
    assert files[0].name == "after_fukushima_Student-01.csv"
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf" + ",".join(HAND_IN_COLUMNS).encode())
    rows = raw_rows(demo)
    assert all((row["lesson"], row["exercise"]) in ENTRIES for row in rows)
    assert all(row["kind"] == ENTRIES[(row["lesson"], row["exercise"])]["kind"] for row in rows)
    for row in rows:  # wrong options are the banks' own
        entry = ENTRIES[(row["lesson"], row["exercise"])]
        if entry["kind"] == "multiple_choice":
            assert row["answer"] in entry["options"]
            assert (row["answer"] == entry["answer"]) == (row["correct"] == "True")
    kinds = {row["kind"] for row in rows}
    reached = {row["lesson"] for row in rows}  # lessons 00-04 taught, a few students in lesson 05
    assert kinds == {entry["kind"] for (lesson, _), entry in ENTRIES.items() if lesson in reached}, (
        "every kind of exercise in the lessons the class reached is answered"
    )
    assert any(row["kind"] == "reflection" for row in rows)
    listed_mistakes = [
        row for row in rows if ENTRIES[(row["lesson"], row["exercise"])].get("mistakes") and row["correct"] == "False"
    ]
    assert listed_mistakes, "some wrong numbers are the banks' listed mistakes"


def test_the_demo_class_is_the_same_for_the_same_seed(demo, tmp_path):
    again = report.demo_class(tmp_path / "again", students=STUDENTS, seed=0)
    other = report.demo_class(tmp_path / "other", students=STUDENTS, seed=1)
    assert [p.read_bytes() for p in again] == [(demo / p.name).read_bytes() for p in again]
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in again]


def test_the_demo_class_can_bring_the_problems_a_teacher_meets(tmp_path):
    report.demo_class(tmp_path, students=5, seed=3, problems=True)
    attempts, problems = report.read_hand_ins(tmp_path)
    assert attempts["student"].nunique() == 5
    assert any("is empty" in p and "Student-06.csv" in p for p in problems)
    assert any("are both from Student 02" in p for p in problems)


# --- counts ---------------------------------------------------------------------------------------------------


def test_every_attempt_is_read(demo, attempts):
    rows = raw_rows(demo)
    assert len(attempts) == len(rows)
    assert list(attempts.columns) == report.ATTEMPT_COLUMNS
    assert str(attempts["correct"].dtype) == "boolean" and str(attempts["attempt"].dtype) == "Int64"
    kept = attempts["kind"].isin(UNGRADED)  # reflections and judgements: kept, never right or wrong
    assert kept.any() and attempts.loc[kept, "correct"].isna().all()
    assert attempts.loc[~kept, "correct"].notna().all()


def test_who_tried_and_who_got_it_right_first_and_eventually(demo, attempts):
    grouped = by_student_and_exercise(raw_rows(demo))
    expected = defaultdict(lambda: {"tried": 0, "first": 0, "eventually": 0, "done": 0})
    for (_student, lesson, exercise), rows in grouped.items():
        counts = expected[(lesson, exercise)]
        counts["tried"] += 1
        counts["first"] += rows[0]["correct"] == "True"
        counts["eventually"] += any(r["correct"] == "True" for r in rows)
        if rows[0]["kind"] == "reflection":
            counts["done"] += any(long_enough(r["answer"], ENTRIES[(lesson, exercise)]) for r in rows)
        elif rows[0]["kind"] == "judgement":  # verdicts saved: done, whatever they are
            counts["done"] += any(r["answer"].strip() for r in rows)
        else:
            counts["done"] += any(r["correct"] == "True" for r in rows)
    summary = report.exercise_summary(attempts)
    assert list(zip(summary["lesson"], summary["exercise"])) == list(ENTRIES), "every exercise, in course order"
    for row in summary.itertuples(index=False):
        counts = expected[(row.lesson, row.exercise)]
        assert row.tried == counts["tried"] and row.done == counts["done"], row.exercise
        if row.kind in UNGRADED:
            assert pd.isna(row.right_first_try) and pd.isna(row.right_eventually)
        else:
            assert (row.right_first_try, row.right_eventually) == (counts["first"], counts["eventually"]), row.exercise
            assert row.not_yet_right == counts["tried"] - counts["eventually"]
            if counts["tried"]:
                assert row.first_try_share == pytest.approx(counts["first"] / counts["tried"])
    assert summary["tried"].sum() == len(grouped)
    assert (summary["tried"] == 0).any(), "the demo class has not reached every lesson"
    one = report.exercise_summary(attempts, lesson="00_start_here")
    assert list(one["exercise"]) == [e["id"] for e in BANKS[0].entries]


def test_done_by_lesson_and_who_is_behind(demo, attempts):
    done = defaultdict(int)
    tried = defaultdict(int)
    for (student, lesson, exercise), rows in by_student_and_exercise(raw_rows(demo)).items():
        entry = ENTRIES[(lesson, exercise)]
        tried[(student, lesson)] += 1
        if entry["kind"] == "reflection":
            done[(student, lesson)] += any(long_enough(r["answer"], entry) for r in rows)
        elif entry["kind"] == "judgement":
            done[(student, lesson)] += any(r["answer"].strip() for r in rows)
        else:
            done[(student, lesson)] += any(r["correct"] == "True" for r in rows)
    table = report.done_by_lesson(attempts)
    names = [f"Student {n:02d}" for n in range(1, STUDENTS + 1)]
    assert list(table.index) == names and list(table.columns) == [b.lesson for b in BANKS] + ["total"]
    for student in names:
        for bank in BANKS:
            assert table.loc[student, bank.lesson] == done[(student, bank.lesson)]
        assert table.loc[student, "total"] == sum(done[(student, b.lesson)] for b in BANKS)

    expected = []
    totals = {s: sum(done[(s, b.lesson)] for b in BANKS) for s in names}
    reference = [s for s in names if totals[s] >= max(totals.values()) / 4]  # nearly empty hand-ins left out
    for bank in BANKS:
        counts = {s: done[(s, bank.lesson)] for s in names}
        median = statistics.median(counts[s] for s in reference)
        if median > 0:
            expected += [(bank.lesson, s) for s in names if counts[s] <= median / 2]
    late = report.behind(attempts)
    assert sorted(zip(late["lesson"], late["student"])) == sorted(expected)
    assert expected, "some students in the demo class are behind"
    for row in late.itertuples(index=False):
        assert row.done == done[(row.student, row.lesson)] and row.answered == tried[(row.student, row.lesson)]
    assert late.groupby("lesson")["done"].apply(lambda d: d.is_monotonic_increasing).all()


# --- wrong answers and the course's feedback --------------------------------------------------------------------


def test_the_commonest_wrong_answers_carry_the_banks_feedback(demo, attempts):
    wrong_by = defaultdict(set)
    tried = defaultdict(set)
    for row in raw_rows(demo):
        tried[(row["lesson"], row["exercise"])].add(row["student"])
        if row["correct"] == "False" and row["kind"] == "multiple_choice":
            wrong_by[(row["lesson"], row["exercise"], row["answer"])].add(row["student"])
    table = report.common_wrong_answers(attempts, per_exercise=3)
    assert list(table.columns) == [
        "lesson",
        "exercise",
        "kind",
        "wrong_answer",
        "students",
        "tried",
        "times",
        "feedback",
    ]
    assert table.groupby(["lesson", "exercise"]).size().max() <= 3
    assert (
        table.groupby(["lesson", "exercise"], sort=False)["students"].apply(lambda s: s.is_monotonic_decreasing).all()
    )
    checked = set()
    for row in table.itertuples(index=False):
        entry = ENTRIES[(row.lesson, row.exercise)]
        assert row.tried == len(tried[(row.lesson, row.exercise)])
        assert row.feedback, f"no feedback for {row.wrong_answer!r} in {row.exercise}"
        if row.kind == "multiple_choice":
            assert row.feedback == entry["feedback"][row.wrong_answer]
            assert row.students == len(wrong_by[(row.lesson, row.exercise, row.wrong_answer)])
        elif row.kind in ("match", "sort"):
            left = row.wrong_answer.split(" → ")[0]
            assert row.feedback == entry["feedback"][left]
        elif row.kind == "order":
            item = row.wrong_answer.split("' put ")[0][1:]
            assert row.feedback == entry["feedback"][item]
        elif row.kind == "choose_all" and row.wrong_answer.startswith("ticked: "):
            assert row.feedback == entry["feedback"][row.wrong_answer.removeprefix("ticked: ")]
        elif row.kind in ("number", "code_task"):
            for mistake in entry.get("mistakes", []):
                if str(mistake["value"]).casefold() == row.wrong_answer.casefold() or (
                    not isinstance(mistake["value"], str)
                    and abs(float(row.wrong_answer) - mistake["value"]) <= entry.get("tolerance", 0)
                ):
                    assert row.feedback == mistake["feedback"]
                    checked.add("mistake")
        checked.add(row.kind)
    assert {"multiple_choice", "choose_all", "order", "match", "sort", "number", "code_task", "mistake"} <= checked
    # MC rows in the table are the most frequent wrong options of their exercise
    for (lesson, exercise), group in table[table["kind"] == "multiple_choice"].groupby(["lesson", "exercise"]):
        counts = sorted(
            (len(s) for (les, ex, _), s in wrong_by.items() if (les, ex) == (lesson, exercise)), reverse=True
        )
        assert list(group["students"]) == counts[: len(group)]


def test_each_wrong_answer_gets_the_sentence_the_exercise_itself_shows(make_exercise):
    """wrong_parts follows kinds.py: the same sentence as a real widget's Check (sort, match and order from the
    third Check on, when the course shows the bank's feedback)."""
    compared = 0
    for (lesson, exercise), entry in ENTRIES.items():
        kind = entry["kind"]
        if kind == "multiple_choice":
            answers = [o for o in entry["options"] if o != entry["answer"]]
        elif kind in ("number", "code_task"):
            answers = [m["value"] for m in entry.get("mistakes", [])]
        elif kind == "choose_all":
            answers = [[*entry["answers"], o] for o in entry["options"] if o not in entry["answers"]]
        elif kind == "order":
            answers = [[entry["items"][1], entry["items"][0], *entry["items"][2:]]]
        elif kind in ("match", "sort"):
            right = list((entry["pairs"] if kind == "match" else entry["items"]).values())
            others = [c for c in (sorted(set(right)) if kind == "match" else entry["categories"]) if c != right[0]]
            answers = [[others[0], *right[1:]]]
        else:
            continue
        for answer in answers:
            widget = make_exercise(entry, lesson=lesson)
            widget.attempts = widget.reveal_after  # after other wrong tries (the same answer again is none)
            verdict = widget.submit(answer)
            text = " | ".join(answer) if isinstance(answer, list) else as_plain_text(answer)
            parts = report.wrong_parts(entry, text)
            assert verdict.status == "wrong"
            if kind in ("multiple_choice", "number", "code_task"):
                assert [feedback for _, feedback in parts] == [verdict.message], (exercise, answer)
            else:
                assert parts and all(feedback in verdict.message for _, feedback in parts), (exercise, answer)
                if kind == "order":
                    assert len(parts) == 1, "the course points at the first item out of place only"
            compared += 1
            widget.close()
    assert compared > 100


def test_answers_protected_from_spreadsheets_are_read_back_as_given(store, tmp_path):
    """A hand-in written by the scorecard itself: a formula-like name or answer gets an apostrophe, a negative
    number stays a number (issue 21: "'-41.501" showed as text in a spreadsheet); all read back as given."""
    store.record("05_national_responses", "germany-renewables-rise", "code_task", -41.501, False)
    store.record("05_national_responses", "germany-renewables-rise", "code_task", 41.501, True)
    store.record("00_start_here", "why-hesitate", "reflection", "=Trust is the problem, not money.", None)
    path = hand_in_csv(store, "-Ann Example", tmp_path / "hand_ins")  # apart from the progress file
    written = path.read_text(encoding="utf-8-sig")
    assert ",-41.501," in written and "'-Ann Example" in written and "'=Trust" in written
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert problems == []
    assert list(attempts["answer"]) == ["-41.501", "41.501", "=Trust is the problem, not money."]
    assert set(attempts["student"]) == {"-Ann Example"}
    wrong = report.common_wrong_answers(attempts)
    entry = ENTRIES[("05_national_responses", "germany-renewables-rise")]
    mistake = next(m for m in entry["mistakes"] if m["value"] == -41.501)
    assert wrong.loc[0, "wrong_answer"] == "-41.501" and wrong.loc[0, "feedback"] == mistake["feedback"]


# --- files a teacher will meet ------------------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "is empty"),
    "only a byte-order mark": (b"\xef\xbb\xbf\r\n", "is empty"),
    "columns only": (("\ufeff" + ",".join(HAND_IN_COLUMNS) + "\r\n").encode("utf-8"), "holds no answers yet"),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "most likely an Excel workbook"),
    "binary": (bytes(range(256)) * 4, "is not a CSV file (it is not text)"),
    "another table": (b"name,score\nAnn,3\nBen,5\n", "is not a hand-in file"),
    "missing columns": (
        b"student,lesson,exercise\nAnn,00_start_here,summit-place\n",
        "is missing the columns correct, answer",
    ),
    "a cut line": (
        (
            b"student,lesson,exercise,kind,attempt,correct,answer,saved_at\n"
            b'Ann,00_start_here,summit-place,multiple_choice,1,True,"Deauville, France",2025-09-08T10:00:00+00:00\n'
            b"Ann,00_start_here\n"
        ),
        "1 line could not be read and was left out (line 3)",
    ),
    "an unknown exercise": (
        (
            b"student,lesson,exercise,kind,attempt,correct,answer,saved_at\n"
            b"Ann,00_start_here,no-such-question,multiple_choice,1,True,x,2025-09-08T10:00:00+00:00\n"
        ),
        "not in the question banks (for example 'no-such-question'",
    ),
}


@pytest.mark.parametrize("content, words", BAD_FILES.values(), ids=list(BAD_FILES))
def test_a_damaged_file_gets_one_sentence_naming_it_and_the_rest_is_read(demo, tmp_path, content, words):
    folder = copy_of(demo, tmp_path)
    (folder / "after_fukushima_Bad-File.csv").write_bytes(content)
    attempts, problems = report.read_hand_ins(folder)
    assert len(problems) == 1, problems
    assert "after_fukushima_Bad-File.csv" in problems[0] and words in problems[0]
    assert "Traceback" not in problems[0] and problems[0].endswith(".")
    assert set(report.students(attempts)) >= {f"Student {n:02d}" for n in range(1, STUDENTS + 1)}
    assert len(attempts[attempts["file"] != "after_fukushima_Bad-File.csv"]) == len(raw_rows(demo))


def test_a_missing_or_empty_folder_and_a_stray_workbook_are_said_plainly(tmp_path):
    attempts, problems = report.read_hand_ins(tmp_path / "nowhere")
    assert attempts.empty and problems[0].startswith("The folder") and "does not exist" in problems[0]
    (tmp_path / "one.csv").write_text("student\n")
    attempts, problems = report.read_hand_ins(tmp_path / "one.csv")
    assert attempts.empty and problems == [
        f"{tmp_path / 'one.csv'} is a file, not a folder: give the folder that holds the hand-ins."
    ]
    (tmp_path / "one.csv").unlink()
    (tmp_path / "marks.xlsx").write_bytes(b"PK\x03\x04")
    attempts, problems = report.read_hand_ins(tmp_path)
    assert attempts.empty
    assert problems == [
        "marks.xlsx is a spreadsheet, not a CSV file: open it and save it as 'CSV UTF-8 (comma delimited)'.",
        f"There are no .csv files in {tmp_path.name}.",
    ]


def test_two_files_from_one_student_keep_the_one_with_more_attempts(demo, tmp_path):
    folder = copy_of(demo, tmp_path)
    full = folder / "after_fukushima_Student-04.csv"
    lines = full.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    older = folder / "after_fukushima_Student-04 (1).csv"
    older.write_text("".join(lines[:6]), encoding="utf-8-sig")
    attempts, problems = report.read_hand_ins(folder)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"after_fukushima_Student-04.csv and after_fukushima_Student-04 (1).csv are both "
        f"from Student 04: kept after_fukushima_Student-04.csv ({len(lines) - 1} attempts"
    )
    assert "left out after_fukushima_Student-04 (1).csv (5 attempts" in problems[0]
    assert "later answers" not in problems[0]
    mine = attempts[attempts["student"] == "Student 04"]
    assert len(mine) == len(lines) - 1 and set(mine["file"]) == {full.name}
    assert len(attempts) == len(raw_rows(demo))


def test_a_shorter_file_with_later_answers_is_pointed_out(demo, tmp_path):
    folder = copy_of(demo, tmp_path)
    full = folder / "after_fukushima_Student-04.csv"
    lines = full.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    later = lines[:3] + [lines[3].replace("2025-09-", "2026-09-")]  # saved a year later
    (folder / "after_fukushima_Student-04-again.csv").write_text("".join(later), encoding="utf-8-sig")
    attempts, problems = report.read_hand_ins(folder)
    assert len(problems) == 1 and "kept after_fukushima_Student-04.csv" in problems[0]
    assert problems[0].endswith("The file left out has the later answers: ask the student which is right.")


def test_identical_copies_are_counted_once(demo, tmp_path):
    folder = copy_of(demo, tmp_path)
    shutil.copy(folder / "after_fukushima_Student-07.csv", folder / "Copy of after_fukushima_Student-07.csv")
    attempts, problems = report.read_hand_ins(folder)
    assert problems == [
        "after_fukushima_Student-07.csv and Copy of after_fukushima_Student-07.csv are the same "
        "hand-in from Student 07 (identical answers): counted once."
    ]
    assert len(attempts) == len(raw_rows(demo))


def excel_resave(
    path: Path, target: Path, *, delimiter: str, encoding: str, sep_line: bool = False, rename: str | None = None
) -> None:
    """What Excel does to a hand-in opened and saved again: its own separator and encoding, no byte-order mark
    (or UTF-16 for 'Unicode Text'), TRUE/FALSE in capitals, and the formula apostrophe kept as typed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    out = io.StringIO()
    if sep_line:
        out.write(f"sep={delimiter}\r\n")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        row[5] = row[5].upper()
        if rename:
            row[0] = rename
        writer.writerow(row)
    target.write_bytes(out.getvalue().encode(encoding))


@pytest.mark.parametrize(
    "delimiter, encoding, sep_line",
    [
        (";", "cp1252", False),  # Excel in most of Europe: 'CSV (semicolon)', Windows-1252
        (",", "cp1252", False),  # Excel's plain 'CSV' in English
        (",", "utf-8", False),  # a UTF-8 file without the mark (LibreOffice, Numbers, Google Sheets)
        ("\t", "utf-16", False),  # Excel's 'Unicode Text'
        (";", "cp1252", True),  # with Excel's 'sep=;' first line
    ],
)
def test_a_file_saved_again_by_excel_reads_the_same(demo, tmp_path, delimiter, encoding, sep_line):
    folder = copy_of(demo, tmp_path)
    original = folder / "after_fukushima_Student-05.csv"
    excel_resave(original, original, delimiter=delimiter, encoding=encoding, sep_line=sep_line, rename="Zoë Çelik")
    attempts, problems = report.read_hand_ins(folder)
    if encoding == "cp1252":  # read, and said: the encoding is a guess the teacher can check on the words shown
        assert problems == [
            f"{original.name} is not saved as UTF-8: it was read as Windows' Western European text (cp1252), the "
            "way Excel saves plain 'CSV' on Windows in Western Europe. Check its words with accents ('Zoë', "
            "'Çelik'); if they look wrong, open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."
        ]
    else:
        assert problems == []
    before, _ = report.read_hand_ins(demo)
    theirs = attempts[attempts["student"] == "Zoë Çelik"].drop(columns="student").reset_index(drop=True)
    expected = before[before["student"] == "Student 05"].drop(columns="student").reset_index(drop=True)
    pd.testing.assert_frame_equal(theirs, expected)
    assert "Student 05" not in set(attempts["student"])


# --- reflections and figures ------------------------------------------------------------------------------------


def test_reflections_side_by_side_show_each_students_latest_text(demo, attempts):
    grouped = by_student_and_exercise(raw_rows(demo))
    seen_two_saves = False
    for (lesson, exercise), entry in ENTRIES.items():
        if entry["kind"] != "reflection":
            continue
        table = report.reflections(attempts, exercise)
        assert list(table.columns) == ["student", "text", "words", "long_enough", "saves"]
        mine = {s: rows for (s, les, ex), rows in grouped.items() if (les, ex) == (lesson, exercise)}
        assert list(table["student"]) == sorted(mine)
        for row in table.itertuples(index=False):
            rows = mine[row.student]
            assert row.text == rows[-1]["answer"] and row.saves == len(rows)
            assert row.words == count_words(rows[-1]["answer"]) and row.long_enough == long_enough(row.text, entry)
            seen_two_saves |= len(rows) > 1 and rows[0]["answer"] != rows[-1]["answer"]
    assert seen_two_saves, "some students saved a reflection twice: the latest text is shown"
    assert not report.reflections(attempts, "why-hesitate").empty
    assert report.prompt_of("why-hesitate") == ENTRIES[("00_start_here", "why-hesitate")]["prompt"]
    with pytest.raises(ValueError, match="No exercise is called 'nope'"):
        report.reflections(attempts, "nope")


def test_the_heat_map_colours_every_student_and_exercise(attempts):
    fig = report.heat_map(attempts, source=report.DEMO_SOURCE)
    assert isinstance(fig, matplotlib.figure.Figure) and fig._repr_png_().startswith(b"\x89PNG")
    states = report.states(attempts)
    begun = states.loc[:, states.columns.get_level_values("lesson").isin(set(attempts["lesson"]))]
    mesh = fig.axes[0].collections[0]
    assert mesh.get_array().reshape(begun.shape).tolist() == begun.to_numpy(dtype=float).tolist()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == report.students(attempts)
    outcome = report.outcomes(attempts)
    flat = begun.to_numpy()
    assert (flat == 3).sum() == (outcome["first_try"] & ~outcome["kind"].isin(UNGRADED)).sum()
    assert (flat == 4).sum() == outcome["kind"].isin(UNGRADED).sum()
    assert (flat > 0).sum() == len(outcome)
    assert fig.get_suptitle() == "How each student did on each exercise"


def test_the_first_try_chart_draws_one_bar_per_graded_exercise(attempts):
    fig = report.first_try_chart(attempts, source=report.DEMO_SOURCE)
    assert fig._repr_png_().startswith(b"\x89PNG")
    summary = report.exercise_summary(attempts)
    shown = summary[~summary["kind"].isin(UNGRADED) & (summary["tried"] > 0)]
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(shown["exercise"])
    green = [bar.get_width() for bar in ax.containers[0]]
    assert green == [float(n) for n in shown["right_first_try"]]
    one = report.first_try_chart(attempts, lesson="06_looking_back")
    in_six = summary[(summary["lesson"] == "06_looking_back") & ~summary["kind"].isin(UNGRADED)]
    assert len(one.axes[0].containers[0]) == (in_six["tried"] > 0).sum()  # the demo class has not begun it: 0


def test_the_first_try_chart_leaves_out_exercises_nobody_tried(attempts):
    """Issue 21, fault 7: a class that has begun a lesson got a bar (and a row of a 1,331-pixel chart) for every
    exercise in it, tried or not."""
    some = attempts[(attempts["lesson"] != "00_start_here") | attempts["exercise"].isin(["days-after-quake"])]
    fig = report.first_try_chart(some)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "days-after-quake" in labels
    assert not set(labels) & {e["id"] for e in BANKS[0].entries if e["id"] != "days-after-quake"}


def test_the_reflections_open_on_the_one_most_students_answered(attempts):
    chosen = report.most_answered(attempts)
    counts = attempts[attempts["kind"] == "reflection"].groupby("exercise")["student"].nunique()
    assert counts[chosen] == counts.max()
    assert report.most_answered(attempts[attempts["kind"] != "reflection"]) is None


def test_verdicts_are_counted_done_like_reflections_and_shown_beside_the_courses_reading(tmp_path):
    """Judgements (issue 19): saved verdicts are never right or wrong, never 'right at the first try', done once
    saved; the class sees each student's verdicts beside the course's reading."""
    from after_fukushima.progress import ProgressStore

    lesson, exercise = next(key for key, entry in ENTRIES.items() if entry["kind"] == "judgement")
    entry = ENTRIES[(lesson, exercise)]
    readings = list(entry["items"].values())
    own = [next(c for c in entry["categories"] if c != readings[0]), *readings[1:]]  # differs on the first only
    for name, answers in [("Ann", [own]), ("Ben", [readings, own[:1] + readings[1:]])]:
        store = ProgressStore(tmp_path / f"{name}.sqlite")
        for answer in answers:
            store.record(lesson, exercise, "judgement", answer, None)
        hand_in_csv(store, name, tmp_path / "hand_ins")
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert problems == [] and attempts["correct"].isna().all()
    outcome = report.outcomes(attempts)
    assert outcome["done"].all() and not outcome["first_try"].any() and not outcome["eventually"].any()
    row = report.exercise_summary(attempts).set_index("exercise").loc[exercise]
    assert row["tried"] == 2 and row["done"] == 2
    assert pd.isna(row["right_first_try"]) and pd.isna(row["right_eventually"]) and pd.isna(row["not_yet_right"])
    assert report.common_wrong_answers(attempts).empty, "a verdict is never a wrong answer"
    assert report.states(attempts).loc[:, (lesson, exercise)].tolist() == [4, 4]
    assert report.done_by_lesson(attempts)[lesson].tolist() == [1, 1]
    table = report.verdicts(attempts, exercise)
    assert list(table.index) == ["Ann", "Ben", report.COURSE_READING]
    assert table.iloc[:, :-1].loc[report.COURSE_READING].tolist() == readings
    assert table.iloc[:, :-1].loc["Ann"].tolist() == own  # Ben's latest save, not his first
    assert table["differ"].tolist() == [1, 1, 0]
    assert table.columns[0].startswith("1. ") and table.columns[-1] == "differ"
    with pytest.raises(ValueError, match="not a judgement"):
        report.verdicts(attempts, "why-hesitate")


def test_an_empty_class_gives_empty_tables_and_figures():
    empty = report.empty_attempts()
    assert report.common_wrong_answers(empty).empty and report.behind(empty).empty
    assert report.exercise_summary(empty)["tried"].eq(0).all()
    assert report.done_by_lesson(empty).empty and report.reflections(empty, "why-hesitate").empty
    assert report.heat_map(empty)._repr_png_() and report.first_try_chart(empty)._repr_png_()


# --- the package's rooms and the notebook -------------------------------------------------------------------------


def test_nothing_a_student_runs_imports_the_class_report():
    package = COURSE / "src" / "after_fukushima"
    student_modules = [
        package / f"{name}.py"
        for name in ("data", "progress", "scorecard", "plots", "figures", "live", "paths", "errors", "__init__")
    ]
    student_modules += [
        *(package / "exercises").glob("*.py"),
        *(package / "models").glob("*.py"),
        package / "vocabulary.py",
    ]
    for path in student_modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [
            f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if node.module
        ]
        assert not [n for n in names if "class_report" in n], path.name
    for path in [*COURSE.glob("notebooks/*.ipynb"), *COURSE.glob("exercises/*.ipynb")]:
        assert "class_report" not in path.read_text(encoding="utf-8"), path.name


def test_the_notebook_has_no_clock_no_unseeded_randomness_and_no_absolute_path():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    for forbidden in (
        "datetime.now",
        "time.time",
        "date.today",
        "import random",
        "np.random",
        "/home/",
        "/tmp/",
        "/work/",
        "C:\\",
    ):
        assert forbidden not in source, forbidden
    assert "seed=0" in source
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def run_notebook(notebook) -> nbformat.NotebookNode:
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    return notebook


def outputs_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.source[:80]
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text[:300]
            parts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def with_folder(notebook, folder: str) -> nbformat.NotebookNode:
    first = next(cell for cell in notebook.cells if "FOLDER = Path(" in cell.source)
    assert 'FOLDER = Path("hand_ins")' in first.source
    first.source = first.source.replace('FOLDER = Path("hand_ins")', f"FOLDER = Path({folder!r})")
    return notebook


def test_the_notebook_runs_top_to_bottom_on_the_invented_demo_class(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    if (NOTEBOOK.parent / "hand_ins").exists():  # a teacher's own hand-ins: run on the demo class all the same
        notebook = with_folder(notebook, str(tmp_path / "hand_ins"))
    notebook = run_notebook(notebook)
    text = outputs_text(notebook)
    assert "INVENTED DEMO CLASS" in text and "30 students" in text
    assert "after_fukushima_Student-31.csv is empty" in text
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2


def test_the_notebook_reads_a_real_folder_when_there_is_one(demo, tmp_path):
    folder = copy_of(demo, tmp_path)
    text = outputs_text(run_notebook(with_folder(nbformat.read(NOTEBOOK, as_version=4), str(folder))))
    assert "INVENTED" not in text and f"{STUDENTS} students, {len(raw_rows(demo))} answers" in text


def test_a_students_name_is_drawn_as_written_not_as_mathtext(attempts):
    """Issue 20, fault 1: figure text from a hand-in is not parsed. A name such as '$\\frac{1}{0}$' was mathtext
    (and an unbalanced '$' an error); it is drawn as the characters the student typed."""
    odd = r"Ann $\frac{1}{0}$ $"
    renamed = attempts.assign(student=attempts["student"].where(attempts["student"] != "Student 01", odd))
    fig = report.heat_map(renamed, source=report.DEMO_SOURCE)
    labels = {t.get_text(): t for t in fig.axes[0].get_yticklabels()}
    assert odd in labels and not labels[odd].get_parse_math()
    assert fig._repr_png_().startswith(b"\x89PNG")  # draws, where mathtext would raise on the lone '$'


def test_a_long_reflection_and_an_infinite_attempt_do_not_stop_the_report(store, tmp_path):
    """Issue 20, fault 2: a reflection over the csv module's 131,072-character field limit, saved and exported by
    an honest student, stopped the teacher's first cell; so did an attempt of 'inf'. Both are read now; a cell
    beyond the course's own limit (MAX_CELL) costs its line, with a sentence, and the rest of the file is read."""
    long_text = "Trust between regulators takes years. " * 5_000  # 190,000 characters
    store.record("00_start_here", "why-hesitate", "reflection", long_text, None)
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    path = hand_in_csv(store, "Ann Example", tmp_path / "hand_ins")  # apart from the progress file
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert problems == [] and len(attempts) == 2
    assert attempts.loc[attempts["exercise"] == "why-hesitate", "answer"].item() == long_text
    header = ",".join(HAND_IN_COLUMNS)
    when = ",2025-09-08T10:00:00+00:00\n"
    path.write_text(
        f"{header}\n"
        + 'Ann Example,00_start_here,summit-place,multiple_choice,inf,True,"Deauville, France"'
        + when
        + f'Ann Example,00_start_here,why-hesitate,reflection,2,,"{"x" * (report.MAX_CELL + 1)}"'
        + when
        + "Ann Example,00_start_here,days-after-quake,number,1,True,75"
        + when,
        encoding="utf-8",
    )
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert list(attempts["exercise"]) == ["summit-place", "days-after-quake"]
    assert attempts["attempt"].tolist() == [1, 1]  # 'inf' is not an attempt number: its place in the file is
    assert problems == [f"{path.name}: 1 line could not be read and was left out (line 3)."]


def test_files_and_folders_that_are_not_read_are_named(demo, tmp_path):
    """Issue 20, fault 5: a hand-in renamed (.txt, no extension) or moved into a folder of its own was skipped
    without a word. Each is named now, with what to do; hidden files (JupyterLab's checkpoints) stay quiet."""
    folder = copy_of(demo, tmp_path)
    one = sorted(folder.glob("*.csv"))[0]
    (folder / "Ben.txt").write_bytes(one.read_bytes())
    (folder / "Cara").write_bytes(one.read_bytes())
    (folder / "late").mkdir()
    (folder / ".ipynb_checkpoints").mkdir()
    attempts, problems = report.read_hand_ins(folder)
    assert "Ben.txt was not read: only .csv files are read as hand-ins (if it is one, rename it to end in .csv)." in (
        problems
    )
    assert any(p.startswith("Cara was not read") for p in problems)
    assert f"The folder late inside {folder.name} was not read: put the hand-ins themselves in {folder.name}." in (
        problems
    )
    assert not any("ipynb_checkpoints" in p for p in problems) and len(problems) == 3
    assert len(attempts) == len(raw_rows(demo))


def _right_and_wrong(entry: dict) -> tuple:
    """A right answer and a wrong one for a graded exercise, as its widget's submit takes them."""
    kind = entry["kind"]
    if kind == "multiple_choice":
        return entry["answer"], next(o for o in entry["options"] if o != entry["answer"])
    if kind == "choose_all":
        right = [o for o in entry["options"] if o in entry["answers"]]
        return right, [o for o in entry["options"] if o not in entry["answers"]][:1] + right
    if kind == "order":
        return list(entry["items"]), list(reversed(entry["items"]))
    if kind in ("match", "sort"):
        right = list((entry["pairs"] if kind == "match" else entry["items"]).values())
        return right, right[1:] + right[:1] if len(set(right)) > 1 else None
    if isinstance(entry["answer"], str):
        return entry["answer"], "no such answer"
    return entry["answer"], entry["answer"] * 2 + 1


GRADED = [(bank, entry) for bank in all_banks() for entry in bank.entries if entry["kind"] not in UNGRADED]


def test_every_answer_is_regraded_as_its_widget_graded_it(tmp_path):
    """Issue 20, fault 4: the report re-grades every answer with the course's banks; on every graded exercise of
    every bank, for a right and a wrong answer given through the real widget, it agrees with the widget."""
    from after_fukushima.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite")
    expected = []
    for bank, entry in GRADED:
        exercise = bank.exercise(entry["id"], store=store)
        for answer in _right_and_wrong(entry):
            if answer is None:
                continue
            verdict = exercise.submit(answer)
            assert verdict.correct is not None, (entry["id"], verdict)
            expected.append((entry["id"], verdict.correct))
    assert {right for _, right in expected} == {True, False} and len(expected) > 2 * len(GRADED) - 5
    hand_in_csv(store, "Ann Example", tmp_path / "hand_ins")
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert problems == []
    assert list(zip(attempts["exercise"], attempts["correct"])) == expected


def test_a_wrong_answer_marked_right_by_hand_counts_as_wrong(store, tmp_path):
    """Issue 20, fault 4: a wrong answer whose 'correct' cell was set to True in a spreadsheet counted as right."""
    store.record("00_start_here", "summit-place", "multiple_choice", "Vienna, Austria", False)
    store.record("00_start_here", "days-after-quake", "number", 75.0, True)
    path = hand_in_csv(store, "Ann Example", tmp_path / "hand_ins")
    forged = path.read_text(encoding="utf-8-sig").replace(',False,"Vienna, Austria"', ',True,"Vienna, Austria"')
    assert forged != path.read_text(encoding="utf-8-sig")
    path.write_text(forged, encoding="utf-8-sig")
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert attempts["correct"].tolist() == [False, True]
    assert problems == [
        f"{path.name}: 1 answer marked right or wrong in the file is graded otherwise by the course's question "
        "banks, and counted as the banks grade them (the file was edited, or a bank has changed since)."
    ]
    assert not report.outcomes(attempts).set_index("exercise").loc["summit-place", "eventually"]


def test_rows_under_another_students_name_are_refused(tmp_path):
    """Issue 20, fault 4: a file could carry rows under another student's name, and the report then dropped that
    student's real file (it kept the 'hand-in' with more attempts). A hand-in is one student's: the others' rows
    in it are left out with a sentence, and their own file is read."""
    from after_fukushima.progress import ProgressStore

    folder = tmp_path / "hand_ins"
    ann, ben = ProgressStore(tmp_path / "ann.sqlite"), ProgressStore(tmp_path / "ben.sqlite")
    ben.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    ben_file = hand_in_csv(ben, "Ben Example", folder)
    ann.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    ann_file = hand_in_csv(ann, "Ann Example", folder)
    forged = "".join(
        f'Ben Example,00_start_here,summit-place,multiple_choice,{n},False,"Vienna, Austria",2025-09-08T10:0{n}:00Z\n'
        for n in range(1, 6)
    )
    ann_file.write_text(ann_file.read_text(encoding="utf-8-sig") + forged, encoding="utf-8-sig")
    attempts, problems = report.read_hand_ins(folder)
    assert problems == [
        f"{ann_file.name} is Ann Example's hand-in, but 5 rows in it are under another student's name (Ben Example): "
        "left out, because a hand-in holds one student's answers. Ask each student for their own file."
    ]
    mine = attempts.set_index("student")
    assert mine.loc["Ben Example", "file"] == ben_file.name and bool(mine.loc["Ben Example", "correct"])
    assert mine.loc["Ann Example", "file"] == ann_file.name and len(attempts) == 2


def test_a_file_larger_than_any_hand_in_is_refused_and_the_rest_read(demo, tmp_path):
    """Issue 20, fault 3: a sparse 1 GiB file took 3.25 GB and many minutes. It is refused from its size alone,
    with a sentence, and the class's real hand-ins are read."""
    folder = copy_of(demo, tmp_path)
    huge = folder / "after_fukushima_Huge.csv"
    with huge.open("wb") as out:
        out.truncate(report.MAX_FILE_BYTES + 1)  # sparse: nothing written, nothing read
    attempts, problems = report.read_hand_ins(folder)
    assert problems == [
        f"{huge.name} was not read: it is 50 MB, and no hand-in comes near 50 MB. Ask the student to press "
        "'Export for my teacher' again."
    ]
    assert len(attempts) == len(raw_rows(demo))


def test_a_file_with_more_answers_than_any_hand_in_is_read_only_so_far(store, tmp_path, monkeypatch):
    """Issue 20, fault 3: 10,000 invented rows took 21 minutes and 1.8 GB. Reading stops at MAX_ROWS answers."""
    for _ in range(5):
        store.record("00_start_here", "summit-place", "multiple_choice", "Vienna, Austria", False)
    path = hand_in_csv(store, "Ann Example", tmp_path / "hand_ins")
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert len(attempts) == 3
    assert problems == [
        f"{path.name}: only its first 3 answers were read; no real hand-in has as many, so the rest were left out. "
        "Ask the student to export again."
    ]


def test_forged_files_cut_answers_and_huge_attempts_found_by_the_hostile_test(store, tmp_path, monkeypatch):
    """From the hostile test of issue 20's fixes: (1) a file named for Mallory holding only Ben's rows, more of them
    than Ben's own file, pushed Ben's real file out; (2) an order, match or sort answer cut short was re-graded as
    right; (3) an attempt of 1e19 stopped the report; (4) a number answer of many digits took minutes to parse."""
    from after_fukushima.progress import ProgressStore

    parse = grading.parse_number

    def parse_short(text, *args):  # the number parser backtracks on long digit runs: it must never see one
        assert len(str(text)) <= report.MAX_NUMBER_TEXT, len(str(text))
        return parse(text, *args)

    monkeypatch.setattr(grading, "parse_number", parse_short)

    folder = tmp_path / "hand_ins"
    ben = ProgressStore(tmp_path / "ben.sqlite")
    ben.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    own = hand_in_csv(ben, "Ben Example", folder)
    head = ",".join(HAND_IN_COLUMNS) + "\n"
    when = ",2025-09-08T10:00:00Z\n"
    rows = [f'Ben Example,00_start_here,summit-place,multiple_choice,{n},False,"Vienna, Austria"' for n in (1, 2, 3)]
    (folder / "after_fukushima_Mallory.csv").write_text(head + when.join(rows) + when, encoding="utf-8")
    sort = BANKS[0].entry("sort-statements")
    first = list(sort["items"].values())[0]
    rows = [
        f"Ann Example,00_start_here,sort-statements,sort,1,True,{first}",  # one part of seven, claimed right
        "Ann Example,00_start_here,summit-place,multiple_choice,1e19,False,Vienna",  # an attempt beyond any count
        "Ann Example,00_start_here,days-after-quake,number,1,False," + "1" * 100_000 + "x y",  # digits, no number
    ]
    (folder / "after_fukushima_Ann-Example.csv").write_text(head + when.join(rows) + when, encoding="utf-8")
    attempts, problems = report.read_hand_ins(folder)
    report.common_wrong_answers(attempts)
    bens = attempts[attempts["student"] == "Ben Example"]
    assert set(bens["file"]) == {own.name} and bens["correct"].tolist() == [True]
    anns = attempts[attempts["student"] == "Ann Example"].set_index("exercise")
    assert not anns.loc["sort-statements", "correct"] and anns.loc["summit-place", "attempt"] == 1
    assert not anns.loc["days-after-quake", "correct"]
    assert any("graded otherwise by the course's question banks" in p for p in problems)
    assert any("after_fukushima_Mallory.csv" in p and "Ben Example" in p for p in problems)


# --- issue 20, faults 1, 3, 9 and 10: every byte of a hand-in is untrusted ---------------------------------------

HEAD = ",".join(HAND_IN_COLUMNS) + "\n"


def hand_in(folder: Path, file: str, rows: list[tuple], encoding: str = "utf-8-sig") -> Path:
    """A hand-in written with the csv module: rows of (student, lesson, exercise, answer), attempt 1, saved at 10:00."""
    folder.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HAND_IN_COLUMNS)
    for student, lesson, exercise, answer in rows:
        kind = ENTRIES.get((lesson, exercise), {}).get("kind", "multiple_choice")
        writer.writerow([student, lesson, exercise, kind, 1, "", answer, "2025-09-08T10:00:00+00:00"])
    path = folder / file
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_every_table_the_report_shows_is_kept_from_mathjax(attempts):
    """Fault 1: JupyterLab's MathJax typeset '$…$' in a student's name or answer in the report's HTML tables, pandas'
    own (behind, done_by_lesson...) and TextTable's. Every one is marked not to be typeset now."""
    from after_fukushima.plots import TextTable

    odd = attempts.assign(student=attempts["student"].where(attempts["student"] != "Student 01", "$x^2$ Ann"))
    tables = [
        report.behind(odd),
        report.done_by_lesson(odd),
        report.lesson_summary(odd),
        report.exercise_summary(odd),
        report.verdicts(odd, next(e["id"] for b in BANKS for e in b.entries if e["kind"] == "judgement")),
        odd,
    ]
    for table in tables:
        html = table._repr_html_()
        assert 'class="dataframe tex2jax_ignore mathjax_ignore"' in html, html[:300]
    assert "$x^2$ Ann" in report.behind(odd)._repr_html_() or "$x^2$ Ann" in report.done_by_lesson(odd)._repr_html_()
    with pd.option_context("styler.html.mathjax", True):  # a TextTable is kept from MathJax whatever the options
        for table in (report.reflections(odd, "why-hesitate"), report.common_wrong_answers(odd)):
            html = TextTable(table)._repr_html_()
            assert re.search(r'<table [^>]*class="tex2jax_ignore mathjax_ignore"', html), html[:300]


def test_every_text_of_the_figures_is_drawn_as_written(attempts):
    """Fault 1: the source line (a folder's name) and every other text of the two figures was mathtext: '$x^$'
    stopped the figure. Long names are shortened to NAME_SHOWN characters, so that a name cannot widen the figure."""
    long_name = "Ann " + "Very-Long-Name " * 6
    renamed = attempts.assign(student=attempts["student"].where(attempts["student"] != "Student 01", long_name))
    for fig in (
        report.heat_map(renamed, source="Source: the folder $x^$"),
        report.first_try_chart(renamed, source="Source: the folder $x^$"),
    ):
        texts = fig.findobj(matplotlib.text.Text)
        assert "Source: the folder $x^$" in [t.get_text() for t in texts]
        assert not any(t.get_parse_math() for t in texts)
        assert fig._repr_png_().startswith(b"\x89PNG")
    labels = [t.get_text() for t in report.heat_map(renamed).axes[0].get_yticklabels()]
    assert long_name[: report.NAME_SHOWN - 1] + "…" in labels
    assert max(len(label) for label in labels) == report.NAME_SHOWN


def test_sentences_quote_a_students_text_shortened_and_without_control_characters(demo, tmp_path):
    """Fault 3: a file name, a student's name or an exercise id from a hand-in was echoed whole and raw into the
    report's sentences: an ANSI escape recoloured or cleared the teacher's screen, a carriage return overwrote the
    line, a direction override reversed it, and a 300-character name made a sentence of a page."""
    folder = copy_of(demo, tmp_path)
    nasty = "\x1b[2J\x1b[31mred\r\u202eevil\x00" + "x" * 150
    (folder / f"after_fukushima_{nasty.replace(chr(0), '')}.csv").write_bytes(b"")  # empty: named in a sentence
    hand_in(folder, "after_fukushima_Ann.csv", [("Ann", "00_start_here", "\x1b]0;pwned\x07" + "y" * 500, "x")])
    one = sorted(demo.glob("*.csv"))[0]
    (folder / ("\x1b[31m" + "z" * 120 + ".txt")).write_bytes(one.read_bytes())
    attempts, problems = report.read_hand_ins(folder)
    assert len(problems) == 3, problems
    for sentence in problems:
        assert not [c for c in sentence if unicodedata.category(c) in ("Cc", "Cf")], repr(sentence)
        assert len(sentence) < 400, sentence
    assert any("\\x1b[2J\\x1b[31mred\\r\\u202eevil" in p and "… is empty" in p for p in problems), problems
    assert any("for example '\\x1b]0;pwned\\x07yyy" in p for p in problems), problems
    assert len(attempts) == len(raw_rows(demo))


def test_one_name_typed_in_lookalike_ways_is_one_student(tmp_path):
    """Fault 9: 'Zoë' typed as one character (NFC) or as 'e' and an accent (NFD), with a zero-width space, or in
    full-width letters counted as different students. Names are cleaned (scorecard.clean_name): one student."""
    folder = tmp_path / "hand_ins"
    right = ("00_start_here", "summit-place", "Deauville, France")
    hand_in(folder, "after_fukushima_Zoe-Li.csv", [("Zoë Li", *right)])
    hand_in(folder, "after_fukushima_Zoe-Li (1).csv", [("Zoe\u0308  Li", *right), ("Zoe\u0308 Li", *right)])
    hand_in(folder, "after_fukushima_Zoe-Li (2).csv", [("Zo\u200bë Li\u200d", *right)])
    hand_in(folder, "after_fukushima_Ben.csv", [("Ｂｅｎ", *right)])
    attempts, problems = report.read_hand_ins(folder)
    assert report.students(attempts) == ["Ben", "Zoë Li"]
    assert attempts.loc[attempts["student"] == "Zoë Li", "file"].unique().tolist() == ["after_fukushima_Zoe-Li.csv"]
    assert sum("are both from Zoë Li" in p or "same hand-in from Zoë Li" in p for p in problems) == 2, problems


@pytest.mark.parametrize(
    "name, why",
    [
        ("Ann\u202eleB", "reverse the direction of the text"),
        ("Ann\u2067x\u2069", "reverse the direction of the text"),
        ("\u200b\u200c\u2060", "made of invisible characters only"),
        ("A" * 201, "it is 201 characters long, and no student's name is over 100"),
    ],
    ids=["right-to-left override", "isolate", "invisible", "too long"],
)
def test_a_name_that_reverses_hides_or_stretches_is_refused(tmp_path, name, why):
    """Fault 9: a name with a right-to-left override showed reversed in every table; a 200-character name made a
    giant heat map. Such a name is refused with a sentence, and the rest of the class is read."""
    folder = tmp_path / "hand_ins"
    path = hand_in(folder, "after_fukushima_X.csv", [(name, "00_start_here", "summit-place", "Deauville, France")] * 2)
    hand_in(folder, "after_fukushima_Ben.csv", [("Ben", "00_start_here", "summit-place", "Deauville, France")])
    attempts, problems = report.read_hand_ins(folder)
    assert report.students(attempts) == ["Ben"]
    assert len(problems) == 1 and problems[0].startswith(f"{path.name}: 2 rows under the name '"), problems
    assert why in problems[0] and problems[0].endswith(
        "ask the student to type their name plainly in the scorecard and export again."
    )
    assert "\u202e" not in problems[0] and len(problems[0]) < 400


def ghosts(folder: Path, count: int) -> None:
    """A flood of invented students, one right answer each, each in a file of its own."""
    for n in range(count):
        hand_in(
            folder,
            f"after_fukushima_Ghost-{n:03d}.csv",
            [(f"Ghost {n:03d}", "00_start_here", "summit-place", "Deauville, France")],
        )


def test_a_flood_of_invented_students_does_not_hide_who_is_behind(demo, attempts, tmp_path):
    """Fault 5: 200 one-row files, each claiming an invented student, pulled the class's median to one exercise or
    none, so that behind showed none of the real students who are behind, and lesson_summary an empty class. The
    median is taken over the students who have done a quarter of the most advanced one's work (summaries._reference):
    the real class's behind and summary are what they were, the ghosts listed as behind as well."""
    folder = copy_of(demo, tmp_path)
    ghosts(folder, 200)
    flooded, problems = report.read_hand_ins(folder)
    assert problems == [] and flooded["student"].nunique() == STUDENTS + 200
    real = report.behind(attempts)
    late = report.behind(flooded)
    assert set(late["student"]) - set(real["student"]) == {f"Ghost {n:03d}" for n in range(200)}
    pd.testing.assert_frame_equal(late[~late["student"].str.startswith("Ghost")].reset_index(drop=True), real)
    summary = report.lesson_summary(flooded).set_index("lesson")
    pd.testing.assert_series_equal(
        summary["median_done"], report.lesson_summary(attempts).set_index("lesson")["median_done"]
    )


def test_more_files_than_any_class_hands_in_read_the_largest_and_say_so(demo, tmp_path, monkeypatch):
    """Fault 5: no limit on the number of files; now MAX_HAND_INS (500) a folder: the largest are read, because a
    flood of invented students is many small files, and a sentence says how many were not read."""
    folder = copy_of(demo, tmp_path)
    ghosts(folder, 20)
    monkeypatch.setattr(reading, "MAX_HAND_INS", STUDENTS + 5)
    attempts, problems = report.read_hand_ins(folder)
    assert set(report.students(attempts)) >= {f"Student {n:02d}" for n in range(1, STUDENTS + 1)}
    assert attempts["student"].nunique() == STUDENTS + 5
    assert problems == [
        f"{folder.name} holds 50 hand-in files, more than the 35 a class or a year group ever hands in: the 35 "
        "largest were read, and the 15 smallest were not (after_fukushima_Ghost-005.csv, "
        "after_fukushima_Ghost-006.csv, after_fukushima_Ghost-007.csv …). Put each class's hand-ins in a folder of "
        "its own, and look for files you did not expect."
    ]


JAPANESE = [("山田 花子", "00_start_here", "why-hesitate", "主権の問題だと思います。")]
MAC_ROMAN = [("Zoë Müller", "00_start_here", "why-hesitate", "Le café est fermé.")]


@pytest.mark.parametrize("encoding, rows", [("cp932", JAPANESE), ("mac_roman", MAC_ROMAN)], ids=["cp932", "mac_roman"])
def test_a_hand_in_in_shift_jis_or_mac_roman_is_named_not_read_as_garbage(tmp_path, encoding, rows):
    """Fault 9: a hand-in saved by a Japanese Windows (cp932) or an old Mac Excel (Mac Roman) was read as cp1252,
    the names and reflections garbage, without a word. It is not read now, and a sentence says why and what to do."""
    folder = tmp_path / "hand_ins"
    path = hand_in(folder, "after_fukushima_X.csv", rows, encoding=encoding)
    hand_in(folder, "after_fukushima_Ben.csv", [("Ben", "00_start_here", "summit-place", "Deauville, France")])
    attempts, problems = report.read_hand_ins(folder)
    assert report.students(attempts) == ["Ben"]
    assert problems == [
        f"{path.name} was not read: it is not saved as UTF-8, and its letters beyond English cannot be read with "
        "certainty (it may be in Japanese Windows' Shift-JIS (cp932), in a Mac's 'Mac Roman', or in another "
        "encoding). Open it in Excel or LibreOffice and save it again as 'CSV UTF-8 (comma delimited)', or ask the "
        "student to export it again."
    ]


def test_a_guessed_encoding_is_said_with_the_words_to_check(tmp_path):
    """Fault 9, honestly: a Mac Roman file whose only accent is 'ë' reads as cp1252 ('Zo‘'); it is read, as Excel's
    cp1252 files are, but never silently: the sentence shows the words so that the teacher sees the damage."""
    folder = tmp_path / "hand_ins"
    path = hand_in(
        folder,
        "after_fukushima_Zoe.csv",
        [("Zoë", "00_start_here", "summit-place", "Deauville, France")],
        encoding="mac_roman",
    )
    attempts, problems = report.read_hand_ins(folder)
    assert len(problems) == 1 and problems[0].startswith(f"{path.name} is not saved as UTF-8: it was read as")
    assert "Check its words with accents ('Zo‘')" in problems[0]


TRICKY = ["=1+1", "'=already protected", "''=twice", "-41.501", "@SUM(A1)", "\tTab", "+x", "'plain", "a=b"]


@pytest.mark.parametrize("number", ["-131.3", "+5", "-0.5e-3", "-.5", "42"])
def test_a_negative_number_stays_a_number_in_a_spreadsheet(number):
    """Issue 21, fault 8: '-131.3' showed as text ('-131.3 with its apostrophe) in a spreadsheet."""
    assert spreadsheet_safe(number) == number
    assert spreadsheet_unsafe(spreadsheet_safe("'" + number)) == "'" + number  # typed apostrophes survive


@pytest.mark.parametrize("formula", ["-1+cmd|' /C calc'!A0", "-A1", "+SUM(1)", "=1", "-", "--1", "1e5=1"])
def test_whatever_is_not_a_plain_number_after_a_sign_stays_dead(formula):
    shown = spreadsheet_safe(formula)
    assert shown == formula if formula[0].isdigit() else shown == "'" + formula
    assert spreadsheet_unsafe(shown) == formula


def test_hand_ins_and_saved_tables_keep_formulas_dead_and_read_back_exactly(store, tmp_path):
    """Fault 9, CSV injection: every cell a spreadsheet may open starts with no formula character (= + - @, tab,
    carriage return), whatever column it is in (an exercise id from a crafted progress file too), and reads back as
    given: "'=x" came back as '=x' before; and the report's own tables, saved with save_csv, are as safe."""
    for answer in TRICKY:
        store.record("00_start_here", "why-hesitate", "reflection", answer, None)
    store.record("00_start_here", '=HYPERLINK("http://x")', "reflection", "x", None)
    path = hand_in_csv(store, "=Ann", tmp_path / "hand_ins")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(c)]
    attempts, problems = report.read_hand_ins(tmp_path / "hand_ins")
    assert list(attempts["answer"]) == TRICKY and set(attempts["student"]) == {"=Ann"}
    assert len(problems) == 1 and "not in the question banks" in problems[0]

    saved = report.save_csv(attempts.set_index("student"), tmp_path / "attempts.csv")
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert not [
        c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(c)
    ]
    assert rows[0] == ["student", *[c for c in report.ATTEMPT_COLUMNS if c != "student"]]
    back = [[spreadsheet_unsafe(c) for c in row] for row in rows[1:]]
    assert [row[0] for row in back] == ["=Ann"] * len(TRICKY)
    assert [row[rows[0].index("answer")] for row in back] == TRICKY
    wrong = report.save_csv(report.behind(attempts), tmp_path / "behind.csv")  # numbers stay numbers
    assert (
        wrong.read_text(encoding="utf-8-sig").splitlines()[0] == "lesson,student,done,answered,exercises,class_median"
    )


class _Store:
    """A progress store whose attempts break off after the first: what an unexpected error mid-export does."""

    def __init__(self, attempts, error=None):
        self.rows, self.error = attempts, error

    def setting(self, key):
        return None

    def set_setting(self, key, value):
        pass

    def attempts(self, strict=False):
        yield from self.rows[:1]
        if self.error:
            raise self.error
        yield from self.rows[1:]


def test_a_lone_surrogate_is_replaced_and_said_and_no_partial_file_is_left(store, tmp_path):
    """Fault 9: a lone surrogate (half of a character) in a name or an answer raised UnicodeEncodeError, which is not
    an OSError: the export left a .partial file behind. It is written as U+FFFD now, with a sentence; and no error
    of any kind leaves a partial file or costs the earlier hand-in."""
    from after_fukushima.scorecard import ReplacedCharacters, Scorecard

    folder = tmp_path / "hand_ins"
    rows = [
        {
            "lesson": "00_start_here",
            "exercise": "why-hesitate",
            "kind": "reflection",
            "attempt": 1,
            "correct": None,
            "answer": "Trust \ud83d matters.",
            "saved_at": "2025-09-08T10:00:00+00:00",
        }
    ]
    with pytest.warns(ReplacedCharacters, match="2 characters of your answers could not be saved"):
        path = hand_in_csv(_Store(rows), "Ann \udce9", folder)  # as the progress store may give it back
    assert "Trust \ufffd matters." in path.read_text(encoding="utf-8-sig")
    attempts, problems = report.read_hand_ins(folder)
    assert problems == [] and list(attempts["student"]) == ["Ann \ufffd"]
    card = Scorecard(store=_Store(rows), folder=folder)
    card.name.value = "Ann"
    assert card.export() is not None and "1 character of your answers could not be saved" in card.message.value
    before = (folder / "after_fukushima_Ann.csv").read_bytes()
    rows = rows * 2
    for error in (RuntimeError("unexpected"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            hand_in_csv(_Store(rows, error), "Ann", folder)
        assert (folder / "after_fukushima_Ann.csv").read_bytes() == before
        assert [p.name for p in folder.iterdir() if "partial" in p.name] == []


def test_the_hand_in_folder_and_files_are_for_their_owner_only(store, tmp_path):
    """Fault 10: on a hub with home folders others may read (0755), every student could read every other's
    hand-in. The folder is created 0700 and the file written 0600, also over an earlier file that was not."""
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    folder = tmp_path / "home" / "after_fukushima_hand_in"
    path = hand_in_csv(store, "Ann", folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    (folder / ".after_fukushima_Ann.csv.partial").write_text("left over")
    (folder / ".after_fukushima_Ann.csv.partial").chmod(0o644)
    assert stat.S_IMODE(hand_in_csv(store, "Ann", folder).stat().st_mode) == 0o600


def test_a_name_a_student_types_is_cleaned_or_refused_before_export(store, tmp_path):
    """Fault 9, at the source: the scorecard keeps the name cleaned as the report reads it, and refuses one that
    would show reversed, with a sentence."""
    from after_fukushima.scorecard import Scorecard

    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    card = Scorecard(store=store, folder=tmp_path)
    card.name.value = "Ann\u202eleB"
    assert card.export() is None and "reverse the direction of the text" in card.message.value
    card.name.value = "Zoe\u0308\u200b Li"
    path = card.export()
    assert path.name == "after_fukushima_Zoe-Li.csv" and "Zoë Li," in path.read_text(encoding="utf-8-sig")


@pytest.mark.timeout(120)
def test_pipes_links_and_folders_named_csv_get_the_right_sentence_and_never_hang(demo, tmp_path):
    """Fault 9: a named pipe (FIFO) named .csv was called 'not named .csv', and opening one (one put in place of a
    file meanwhile) would wait for ever; a link to a file outside the folder was followed and read (any file on
    the computer); a folder named .csv was called a folder to put hand-ins in. Each gets its own sentence now."""
    import os

    folder = copy_of(demo, tmp_path)
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(sorted(demo.glob("*.csv"))[0], outside)
    outside.write_text(outside.read_text(encoding="utf-8-sig").replace("Student 01", "Stranger"), encoding="utf-8")
    os.mkfifo(folder / "pipe.csv")
    (folder / "link.csv").symlink_to(outside)
    (folder / "broken.csv").symlink_to(folder / "gone.csv")
    (folder / "copy.csv").symlink_to(folder / "after_fukushima_Student-02.csv")  # inside: read, counted once
    (folder / "late.csv").mkdir()
    attempts, problems = report.read_hand_ins(folder)
    name = folder.name
    assert sorted(problems) == sorted(
        [
            "pipe.csv is not a file but a named pipe (FIFO): it was not opened (reading it could wait for ever). "
            "Remove it, and put the hand-in files themselves in the folder.",
            f"link.csv is a link to something outside {name}: it was not followed (a link can point at any file on "
            "the computer). Put a copy of the hand-in itself in the folder.",
            "broken.csv could not be opened (No such file or directory): it may be a broken link.",
            f"The folder late.csv inside {name} was not read: its name ends in .csv, but it is a folder; put the "
            f"hand-ins themselves in {name}.",
            "after_fukushima_Student-02.csv and copy.csv are the same hand-in from Student 02 (identical answers): "
            "counted once.",
        ]
    )
    assert "Stranger" not in set(attempts["student"]) and len(attempts) == len(raw_rows(demo))
    found, said = reading._read_file(folder / "pipe.csv", reading._exercise_index(BANKS))  # a pipe in place of a file
    assert found == [] and said == [problems[[p.startswith("pipe.csv") for p in problems].index(True)]]


# --- the hostile test after issue 20's fixes -------------------------------------------------------------------


def write_rows(folder: Path, file: str, lines: list[str], end: str = "\n", first: str = "") -> Path:
    """A hand-in written as given: ``first`` (a 'sep=' line, say), the column names and ``lines``, each ending in
    ``end``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    path.write_bytes((first + end.join([",".join(HAND_IN_COLUMNS), *lines]) + end).encode("utf-8"))
    return path


QUAKE = "00_start_here,days-after-quake,number"  # right answer 75 (days)


@pytest.mark.parametrize("length", [140_000, 1_000_100], ids=["over the csv module's own limit", "over MAX_CELL"])
def test_a_first_line_longer_than_the_csv_field_limit_is_a_sentence_not_a_traceback(tmp_path, length):
    """H1: a first line of one cell longer than the csv module's field limit (131,072 in a fresh kernel; the
    report's MAX_CELL once raised) with no ';' or tab made _header raise csv.Error out of read_hand_ins."""
    folder = tmp_path / "hand_ins"
    write_rows(folder, "after_fukushima_Anna.csv", [f"Anna,{QUAKE},1,True,75,2025-09-08T08:30:00+00:00"])
    aaron = folder / "after_fukushima_Aaron.csv"
    aaron.write_text(",".join(HAND_IN_COLUMNS) + "," + "x" * length + "\n", encoding="utf-8")
    before = csv.field_size_limit()
    try:
        csv.field_size_limit(131_072)  # as in a fresh kernel, whatever the tests before did
        attempts, problems = report.read_hand_ins(folder)
    finally:
        csv.field_size_limit(before)
    assert report.students(attempts) == ["Anna"]
    assert len(problems) == 1 and problems[0].startswith(aaron.name), problems
    if length > report.MAX_CELL:
        assert "its first line is over 1,000,000 characters long" in problems[0]


def test_a_first_line_of_many_short_columns_is_read_by_its_columns(tmp_path):
    """H1, the other side: a first line over the field limit as one cell but of many short column names is read
    (split at ';' it would be one cell too long, which is no reason to refuse it), and said."""
    folder = tmp_path / "hand_ins"
    path = folder / "after_fukushima_Anna.csv"
    folder.mkdir()
    extra = ",".join(f"c{n}" for n in range(200_000))
    path.write_text(
        f"{','.join(HAND_IN_COLUMNS)},{extra}\nAnna,{QUAKE},1,True,75,2025-09-08T08:30:00+00:00\n", encoding="utf-8"
    )
    attempts, problems = report.read_hand_ins(folder)
    assert attempts["correct"].tolist() == [True]
    assert problems == [
        f"{path.name}: its first line names 200,008 columns, but line 2 holds 8 cells: was it edited in a "
        "spreadsheet? Its lines were read by the columns the first line names; if its answers look wrong, ask for "
        "the file as exported."
    ]


class CountingText(str):
    """Text that counts how often a character or a slice of it is taken (the work of a scan in Python)."""

    taken = 0

    def __getitem__(self, key):
        CountingText.taken += 1
        return str.__getitem__(self, key)


def test_telling_western_text_does_not_look_at_every_character_in_python():
    """H2 (1): _looks_western took about 11.7 µs a character, looking at each one in Python and going on after it
    had its three example words: a 5 MB file of accented letters took 48 s. It scans with regular expressions now,
    and looks at no more than EXAMPLE_LOOKS characters beyond ASCII for the examples."""
    words = " ".join(["Zoë", "Ça", "déjà", "été"] * 25_000)
    CountingText.taken = 0
    western, examples = decoding._looks_western(CountingText(words))
    assert western and examples == ["Zoë", "Ça", "déjà"]
    assert CountingText.taken <= 4_000, CountingText.taken  # 600,000 before
    assert decoding._looks_western(CountingText(words + " a é b")) == (False, [])  # a lone accent, at the very end
    assert decoding._looks_western(CountingText(words + " Zo‘e")) == (False, [])  # Mac Roman's 'ë' read as cp1252


def test_an_answer_with_more_parts_than_options_is_left_out_and_wrong_parts_is_capped(tmp_path):
    """H2 (2): a choose_all answer of 100,000 parts ('o1 | o2 | …') made common_wrong_answers take 40 s and
    685 MB, one entry per part. Such an answer is left out at reading, with a sentence, and wrong_parts never
    gives more entries than the exercise has options (and each ticked option once)."""
    entry = ENTRIES[("04_the_obstacles", "check-stances")]
    flood = " | ".join(f"o{n}" for n in range(100_000))
    parts = report.wrong_parts(entry, flood)
    assert len(parts) <= len(entry["options"]) + len(entry["answers"]), len(parts)
    assert report.wrong_parts(entry, "China | China | China | Germany") == [
        ("ticked: China", entry["feedback"]["China"]),
        *[(f"not ticked: {a}", report.MISSED) for a in entry["answers"] if a != "Germany"],
    ]
    folder = tmp_path / "hand_ins"
    path = write_rows(
        folder,
        "after_fukushima_Eve.csv",
        [
            "Eve,04_the_obstacles,check-stances,choose_all,1,False,China,2025-09-08T08:30:00+00:00",
            f'Eve,04_the_obstacles,check-stances,choose_all,2,False,"{flood}",2025-09-08T08:31:00+00:00',
        ],
    )
    attempts, problems = report.read_hand_ins(folder)
    assert attempts["answer"].tolist() == ["China"]
    assert problems == [
        f"{path.name}: answers to 1 exercise have more parts than the exercise has options (for example 100,000 "
        "parts in 'check-stances', which has 7): no exercise saves such an answer, so they were left out. Ask the "
        "student to export again."
    ]
    head, _, flooded = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(head + flooded, encoding="utf-8")
    attempts, problems = report.read_hand_ins(folder)  # nothing but the answer left out: not 'holds no answers yet'
    assert attempts.empty and len(problems) == 1 and "have more parts than the exercise" in problems[0], problems


def test_right_at_the_first_try_comes_from_the_attempt_numbers_not_the_row_order(tmp_path):
    """F1: a file listing a right attempt 3 above a wrong attempt 1 was counted right at the first try, with the
    wrong answer as the latest. Attempts are ordered by number (then time), and a file whose attempts are not
    numbered 1, 2, 3… in the order of their times is named in a sentence."""
    folder = tmp_path / "hand_ins"
    path = write_rows(
        folder,
        "after_fukushima_Mallory.csv",
        [
            f"Mallory,{QUAKE},3,True,75,2025-09-08T08:30:00+00:00",
            f"Mallory,{QUAKE},1,False,10,2025-09-08T08:20:00+00:00",
        ],
    )
    attempts, problems = report.read_hand_ins(folder)
    (row,) = report.outcomes(attempts).itertuples(index=False)
    assert (row.first_try, row.eventually, row.latest) == (False, True, "75")
    assert problems == [
        f"{path.name}: the attempts at 1 exercise (for example 'days-after-quake') are not numbered 1, 2, 3… in the "
        "order of their times, as the scorecard writes them: the file was edited. They are counted in the order of "
        "their attempt numbers (then times); ask the student to export again."
    ]
    write_rows(  # numbered 1, 2, but attempt 2 saved before attempt 1
        folder,
        "after_fukushima_Mallory.csv",
        [f"Mallory,{QUAKE},1,True,75,2025-09-08T08:30:00+00:00", f"Mallory,{QUAKE},2,False,10,2025-09-08T08:20:00Z"],
    )
    attempts, problems = report.read_hand_ins(folder)
    assert report.outcomes(attempts)["first_try"].tolist() == [True] and len(problems) == 1, problems
    assert "are not numbered 1, 2, 3… in the order of their times" in problems[0]
    assert "a student who deletes the rows of wrong attempts" in report.__doc__


def test_a_file_named_in_other_letters_does_not_push_out_the_students_own(tmp_path):
    """M1: _owns compared file names in any letter case, so a forged after_fukushima_ANNA.csv with more rows beat
    Anna's own after_fukushima_Anna.csv. Only the exact name the scorecard gives is the student's own; a file
    claiming the student otherwise is named with its attempts and times, and answers dated in the future are
    called suspicious."""
    folder = tmp_path / "hand_ins"
    own = write_rows(folder, "after_fukushima_Anna.csv", [f"Anna,{QUAKE},1,True,75,2025-09-08T08:30:00+00:00"])
    forged = write_rows(
        folder,
        "after_fukushima_ANNA.csv",
        [f"Anna,{QUAKE},{n},False,{n},2099-01-0{n}T08:30:00+00:00" for n in (1, 2, 3)],
    )
    attempts, problems = report.read_hand_ins(folder)
    assert set(attempts["file"]) == {own.name} and attempts["correct"].tolist() == [True]
    assert (
        f"{forged.name}: 3 answers are dated in the future, which the scorecard never writes: the file was edited, "
        "or the student's clock is wrong. Be wary of it if another file claims the same student." in problems
    )
    assert (
        f"{own.name} and {forged.name} are both from Anna: kept {own.name} (1 attempt, the last saved 2025-09-08 "
        f"08:30 UTC) and left out {forged.name} (3 attempts, the last saved 2099-01-03 08:30 UTC, in the future: "
        "suspicious). The file left out has the later answers: ask the student which is right." in problems
    )
    own.unlink()  # two files, neither named exactly: the fuller is kept, and the sentence says to ask
    copy = write_rows(folder, "after_fukushima_Anna (1).csv", [f"Anna,{QUAKE},1,True,75,2025-09-08T08:30:00Z"])
    attempts, problems = report.read_hand_ins(folder)
    assert any(
        p.startswith(f"{forged.name} and {copy.name} are both from Anna")
        and p.endswith(
            "Neither is named exactly as the scorecard names Anna's hand-in (after_fukushima_Anna.csv): ask the "
            "student which is theirs."
        )
        for p in problems
    ), problems


@pytest.mark.parametrize(
    "invisible",
    ["\u034f", "\ufe0f", "\U000e0100", "\u17b4", "\u17b5", "\u2800", "\u3164", "\u1160", "\u115f", "\uffa0", "\xad"],
)
def test_invisible_characters_do_not_make_another_student(invisible):
    """M2: clean_name let default-ignorable and blank characters through: 'Anna\\u034f' was another student shown
    as 'Anna', and a Hangul filler alone was accepted as a name."""
    from after_fukushima.scorecard import clean_name

    assert clean_name(f"An{invisible}na{invisible}") == "Anna"
    with pytest.raises(ValueError, match="made of invisible characters only"):
        clean_name(invisible * 3)


def test_a_name_mixing_latin_and_cyrillic_letters_is_pointed_out(tmp_path):
    """M2: lookalike letters are not detected (the docstring says so), but a name mixing Latin letters with Cyrillic
    or Greek ones gets a sentence, for the teacher to check."""
    from after_fukushima.scorecard import clean_name

    assert "Lookalike letters of other scripts (a Cyrillic 'а' in 'Аnna') are not detected" in clean_name.__doc__
    folder = tmp_path / "hand_ins"
    path = write_rows(folder, "after_fukushima_Anna.csv", [f"\u0410nna,{QUAKE},1,True,75,2025-09-08T08:30:00Z"])
    write_rows(folder, "after_fukushima_Bob.csv", [f"Bob,{QUAKE},1,True,75,2025-09-08T08:30:00Z"])
    write_rows(folder, "after_fukushima_Irina.csv", [f"Ирина,{QUAKE},1,True,75,2025-09-08T08:30:00Z"])
    _, problems = report.read_hand_ins(folder)
    assert problems == [
        f"{path.name}: the name '\u0410nna' mixes Latin and Cyrillic letters, which can look alike ('а' in Cyrillic, "
        "'a' in Latin) and then make two students of one name: check it is how the student writes their name."
    ]


def test_a_judgement_answer_that_is_not_a_verdict_per_statement_is_not_done(tmp_path):
    """M3: any text counted a judgement as done ('x' was done, and verdicts() showed empty verdicts for it). It is
    done only with one of the bank's categories for each of its statements, as the exercise saves it."""
    entry = ENTRIES[("00_start_here", "first-verdicts")]
    own = " | ".join(entry["categories"][0] for _ in entry["items"])
    folder = tmp_path / "hand_ins"
    rows = ["x", " | ".join(["maybe"] * len(entry["items"])), entry["categories"][0], own]
    for n, (student, answer) in enumerate(zip(["Ann", "Ben", "Cy", "Di"], rows)):
        write_rows(
            folder,
            f"after_fukushima_{student}.csv",
            [f'{student},00_start_here,first-verdicts,judgement,1,,"{answer}",2025-09-08T08:3{n}:00Z'],
        )
    attempts, problems = report.read_hand_ins(folder)
    done = report.outcomes(attempts).set_index("student")["done"].to_dict()
    assert done == {"Ann": False, "Ben": False, "Cy": False, "Di": True}
    assert len(problems) == 3 and all(
        "does not give one of the bank's verdicts for each of its statements" in p for p in problems
    ), problems
    table = report.verdicts(attempts, "first-verdicts")
    assert (table.loc[["Ann", "Ben", "Cy"]].iloc[:, :-1] == "").all().all()
    assert table.loc["Di"].iloc[:-1].tolist() == own.split(" | ")


def test_a_sep_line_with_carriage_returns_only_is_read(tmp_path):
    """M5: Excel's 'sep=,' line with a Mac's CR-only line endings was reported as 'holds no answers yet': the
    header was split with splitlines() and the body at '\\n'. Both split lines alike now."""
    folder = tmp_path / "hand_ins"
    write_rows(
        folder, "after_fukushima_Anna.csv", [f"Anna,{QUAKE},1,True,75,2025-09-08T08:30:00Z"], end="\r", first="sep=,\r"
    )
    attempts, problems = report.read_hand_ins(folder)
    assert attempts["answer"].tolist() == ["75"] and problems == []


def test_a_lone_surrogate_in_utf8_gets_its_own_sentence(tmp_path):
    """L1: a half of a character written as UTF-8 bytes (as CESU-8 and Java write them) in an otherwise UTF-8 file
    was told it may be Shift-JIS or Mac Roman and not read. It is read, the half shown as U+FFFD, and said."""
    folder = tmp_path / "hand_ins"
    path = write_rows(folder, "after_fukushima_Anna.csv", [f"Anna,{QUAKE},1,False,SURROGATE,2025-09-08T08:30:00Z"])
    path.write_bytes(path.read_bytes().replace(b"SURROGATE", b"7\xed\xa0\x805"))
    attempts, problems = report.read_hand_ins(folder)
    assert attempts["answer"].tolist() == ["7\ufffd5"]
    assert problems == [
        f"{path.name} is UTF-8 but for 1 half of a character (a lone surrogate, which some programs write for an "
        "emoji or a character copied in pieces): it was read as \ufffd (the replacement character). Check that "
        "student's answers where it shows; the rest of the file is read as written."
    ]


@pytest.mark.parametrize("odd", ["\x0b", "\x0c", "\x85", "\u2028"])
def test_a_header_with_an_odd_line_break_gets_a_true_sentence(tmp_path, odd):
    """L1: characters that str.splitlines() (but not the csv module) takes for line breaks, in a column name: the
    sentence names the column that cannot be found, as it is."""
    folder = tmp_path / "hand_ins"
    path = folder / "after_fukushima_Anna.csv"
    folder.mkdir()
    head = ",".join(HAND_IN_COLUMNS).replace("lesson", f"les{odd}son")
    path.write_text(f"{head}\nAnna,{QUAKE},1,True,75,2025-09-08T08:30:00Z\n", encoding="utf-8")
    _, problems = report.read_hand_ins(folder)
    assert problems == [
        f"{path.name} is missing the column lesson, so it cannot be read as a hand-in; was it edited in a "
        "spreadsheet? Ask for the file as exported."
    ]


# --- issue 21, fault 7: the summary's median over a lesson few have begun, and how the tables read -------------


def test_a_lesson_one_student_finished_has_that_students_median_not_zero(attempts):
    """Fault 7: lesson_summary's median_done was taken over the whole class, so a lesson one student had finished
    read 0.0. It is now the median over the students who started the lesson, and students_finished says how many
    did every exercise."""
    bank = next(b for b in BANKS if b.lesson == "03_the_proposal")
    done = report.done_by_lesson(attempts)
    finisher = done[bank.lesson].idxmax()
    assert done.loc[finisher, bank.lesson] == len(bank.entries)  # the demo class has a student who finished it
    alone = attempts[(attempts["lesson"] != bank.lesson) | (attempts["student"] == finisher)]
    row = report.lesson_summary(alone).set_index("lesson").loc[bank.lesson]
    assert row["students_started"] == 1 and row["students_finished"] == 1
    assert row["median_done"] == len(bank.entries)
    nobody = report.lesson_summary(alone[alone["lesson"] != bank.lesson]).set_index("lesson").loc[bank.lesson]
    assert nobody["students_started"] == 0 and pd.isna(nobody["median_done"])
    everyone = report.lesson_summary(attempts).set_index("lesson")
    started = done.loc[done.index.isin(attempts.loc[attempts["lesson"] == bank.lesson, "student"]), bank.lesson]
    assert everyone.loc[bank.lesson, "median_done"] == statistics.median(started)
    assert everyone.loc[bank.lesson, "students_finished"] == (done[bank.lesson] == len(bank.entries)).sum()


def test_the_reports_tables_show_shares_as_percentages_and_no_row_numbers(attempts):
    """Fault 7: shares showed as 0.130435 and a bare 0, 1, 2... index; as_table shows a share as a whole
    percentage and keeps row labels only where they name someone."""
    summary = report.lesson_summary(attempts)
    html = report.as_table(summary)._repr_html_()
    share = summary.loc[0, "first_try_share"]
    assert f">{share:.0%}<" in html and f"{share:.6f}"[:8] not in html
    assert "row_heading" not in html  # no row numbers
    named = report.as_table(report.done_by_lesson(attempts))._repr_html_()
    assert "row_heading" in named and ">Student 01<" in named


def test_the_heat_map_opens_on_the_lesson_the_class_is_on(attempts):
    """Issue 21, walkthrough: the heat map of every lesson begun drew 51 exercise names at 6 pt (5 px on a
    1024x768 projector). The report now opens it on the lesson the class is on: the furthest that half the
    students have begun, not one that a single student ahead has begun."""
    begun_by = attempts.groupby("lesson")["student"].nunique()
    lesson = report.current_lesson(attempts)
    assert begun_by[lesson] >= STUDENTS / 2
    later = [other for other in begun_by.index if other > lesson]
    assert later and all(begun_by[other] < STUDENTS / 2 for other in later)  # a few students are ahead
    one = attempts[attempts["student"] == "Student 01"]
    assert report.current_lesson(one) == max(one["lesson"])
    assert report.current_lesson(attempts.iloc[0:0]) is None
    figure = report.heat_map(attempts, lesson=lesson)
    names = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert len(names) == len(next(b for b in BANKS if b.lesson == lesson).entries)


def test_the_first_try_chart_counts_whole_students(tmp_path):
    """Issue 21, walkthrough: with three hand-ins the chart's 'students' axis had ticks at 0.25, 0.50..., fractions
    of a student. Its ticks are whole numbers now."""
    report.demo_class(tmp_path, students=3, seed=1)
    small, _ = report.read_hand_ins(tmp_path)
    figure = report.first_try_chart(small)
    figure.canvas.draw()
    ticks = [tick for tick in figure.axes[0].get_xticks() if 0 <= tick <= figure.axes[0].get_xlim()[1]]
    assert len(ticks) >= 2 and all(float(tick).is_integer() for tick in ticks), ticks


def test_who_is_behind_uses_the_summarys_median_and_only_lessons_the_class_has_begun(attempts):
    """Re-walk of issue 21: 'Who is behind' gave a class median of 2 where the lesson table said 4 (two medians
    over different students), and listed as behind students in a lesson only one of three had begun."""
    late = report.behind(attempts)
    summary = report.lesson_summary(attempts).set_index("lesson")
    assert len(late)
    for lesson, median in late.groupby("lesson")["class_median"].first().items():
        assert median == summary.loc[lesson, "median_done"], lesson
    begun_by = attempts.groupby("lesson")["student"].nunique()
    few = [lesson for lesson in begun_by.index if begun_by[lesson] < STUDENTS / 2]
    assert few and not set(few) & set(late["lesson"])  # lesson 05, begun by a few students ahead
    # Three students: two began lesson 04 (different amounts done), one has not. The median is over the two.
    done = report.done_by_lesson(attempts)["04_the_obstacles"]
    most, some = done.idxmax(), done[(done > 0) & (done < done.max())].index[0]
    other = next(name for name in done.index if name not in (most, some))
    three = attempts[attempts["student"].isin([most, some, other])]
    three = three[~((three["student"] == other) & (three["lesson"] == "04_the_obstacles"))]
    small = report.behind(three)
    medians = small.groupby("lesson")["class_median"].first()
    assert medians["04_the_obstacles"] == (done[most] + done[some]) / 2
    assert (
        medians["04_the_obstacles"]
        == report.lesson_summary(three).set_index("lesson").loc["04_the_obstacles", "median_done"]
    )
