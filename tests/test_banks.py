"""The question banks: every real exercise can be answered right and wrong, and bad banks say what is wrong."""

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from after_fukushima import figures, load_table
from after_fukushima.exercises.bank import BankError, all_banks, load_bank, read_bank
from after_fukushima.exercises.kinds import KINDS, UNGRADED
from after_fukushima.progress import ProgressStore
from after_fukushima.teacher.answer_key import render

EXERCISES = [(bank, entry) for bank in all_banks() for entry in bank.entries]
IDS = [f"{bank.lesson}:{entry['id']}" for bank, entry in EXERCISES]


def right_answer(entry: dict):
    """The correct answer to a bank entry, in the form the widget's submit() takes."""
    kind = entry["kind"]
    if kind == "multiple_choice":
        return entry["answer"]
    if kind == "choose_all":
        return list(reversed(entry["answers"]))  # order does not matter
    if kind == "number":
        return f"{entry['answer']} {entry.get('unit', '')}".strip()
    if kind == "order":
        return list(entry["items"])
    if kind == "match":
        return list(entry["pairs"].values())
    if kind in ("sort", "judgement"):  # a judgement: the course's reading (any verdicts are saved alike)
        return list(entry["items"].values())
    if kind == "reflection":
        return " ".join(["considered"] * max(entry.get("min_words", 0), 10))  # long enough to see the model answer
    if kind == "code_task":
        namespace = {"load_table": load_table, "pd": pd, "figures": figures}  # what a worksheet's first cell imports
        exec(entry["solution"], namespace)  # the reference solution, run as a student would
        return namespace[entry["variable"]]
    raise AssertionError(f"no right answer known for {kind}")


def wrong_answers(entry: dict):
    """(answer, the feedback that answer must produce) for every wrong option the bank lists."""
    kind = entry["kind"]
    if kind == "multiple_choice":
        return [(option, entry["feedback"][option]) for option in entry["options"] if option != entry["answer"]]
    if kind == "choose_all":
        return [
            ([*entry["answers"], option], entry["feedback"][option])
            for option in entry["options"]
            if option not in entry["answers"]
        ]
    if kind == "order":
        items = entry["items"]
        return [
            ([items[i + 1], items[i], *items[:i], *items[i + 2 :]], entry["feedback"][items[i + 1]])
            for i in range(len(items) - 1)
        ]
    if kind == "match":
        lefts, rights = list(entry["pairs"]), list(entry["pairs"].values())
        swapped = rights[1:] + rights[:1]
        return [(swapped, entry["feedback"][left]) for left in lefts]
    if kind == "sort":
        statements, categories = list(entry["items"]), entry["categories"]
        result = []
        for n, statement in enumerate(statements):
            answer = list(entry["items"].values())
            answer[n] = next(c for c in categories if c != answer[n])
            result.append((answer, entry["feedback"][statement]))
        return result
    if kind in ("number", "code_task"):
        return [(mistake["value"], mistake["feedback"]) for mistake in entry.get("mistakes", [])]
    return []


@pytest.mark.parametrize("bank, entry", EXERCISES, ids=IDS)
def test_every_exercise_accepts_its_right_answer(bank, entry, store):
    exercise = bank.exercise(entry["id"], store=store)
    verdict = exercise.submit(right_answer(entry))
    assert verdict.status == ("saved" if entry["kind"] in UNGRADED else "correct"), verdict
    if entry.get("explanation"):
        assert entry["explanation"][:40] in exercise.feedback.value.replace("&#x27;", "'")


@pytest.mark.parametrize("bank, entry", EXERCISES, ids=IDS)
def test_every_wrong_option_gets_its_own_feedback(bank, entry, tmp_path):
    for n, (answer, feedback) in enumerate(wrong_answers(entry)):
        exercise = bank.exercise(entry["id"], store=ProgressStore(tmp_path / f"{n}.sqlite"))
        if exercise.reveal_after:  # sort, match, order: the first tries do not give the answer away
            verdict = exercise.submit(answer)
            assert verdict.correct is False and feedback not in verdict.message, (answer, verdict)
            exercise = bank.exercise(entry["id"], store=ProgressStore(tmp_path / f"{n}-later.sqlite"))
            exercise.attempts = exercise.reveal_after  # after other wrong tries (the same answer again is none)
        verdict = exercise.submit(answer)
        assert verdict.correct is False and feedback in verdict.message, (answer, verdict)


@pytest.mark.parametrize("bank, entry", EXERCISES, ids=IDS)
def test_every_exercise_has_hints_and_an_explanation(bank, entry):
    assert entry.get("hints"), "students need at least one hint before the answer"
    assert entry.get("explanation"), "a correct answer should be explained"


def test_every_kind_appears_in_lesson_00():
    """Lesson 00 tours the kinds: a kind missing from it fails here."""
    in_00 = {entry["kind"] for entry in load_bank("00_start_here").entries}
    assert set(KINDS) == in_00, set(KINDS) - in_00


JUDGEMENTS = [(bank, entry) for bank, entry in EXERCISES if entry["kind"] == "judgement"]


@pytest.mark.parametrize("bank, entry", JUDGEMENTS, ids=[f"{bank.lesson}:{entry['id']}" for bank, entry in JUDGEMENTS])
def test_a_judgement_keeps_any_verdicts_and_marks_none_wrong(bank, entry, store):
    """Verdicts that differ from the course's reading on every statement are saved like the reading itself: never
    'wrong', never 'correct'; each statement shows the student's verdict, the course's reading and its evidence."""
    readings = list(entry["items"].values())
    different = [next(c for c in entry["categories"] if c != r) for r in readings]
    exercise = bank.exercise(entry["id"], store=store)
    verdict = exercise.submit(different)
    assert verdict.status == "saved" and verdict.correct is None
    words = exercise.words  # a verdict's or a prediction's
    assert f"0 of your {len(readings)} {words['mine']}s are {words['reading']}" in verdict.message
    shown = exercise.feedback.value.replace("&#x27;", "'")
    assert "Not yet" not in shown and "wrong" not in verdict.message.replace("not a mistake", "")
    for statement, evidence in entry["feedback"].items():
        assert evidence.replace("&", "&amp;") in shown, statement
    assert shown.count("differs: compare the evidence") == len(readings)
    saved = store.attempts(bank.lesson, entry["id"])
    assert [a["correct"] for a in saved] == [None] and saved[0]["answer"] == different


# --- validation -----------------------------------------------------------------------------------

GOOD_ENTRY = """
    [[exercise]]
    id = "place"
    kind = "multiple_choice"
    prompt = "Where?"
    options = ["Deauville", "Vienna"]
    answer = "Deauville"
    feedback = { Vienna = "Vienna hosts the IAEA." }
"""


def bank_file(tmp_path, body: str, name="99_test.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent('lesson = "99_test"\ntitle = "Test"\n') + textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_good_bank_loads(tmp_path):
    bank = read_bank(bank_file(tmp_path, GOOD_ENTRY))
    assert bank.ids == ["place"] and repr(bank) == "<Question bank '99_test': 1 exercises>"


@pytest.mark.parametrize(
    "change, problem",
    [
        (('kind = "multiple_choice"', 'kind = "multiple_chioce"'), "unknown kind 'multiple_chioce'"),
        (('answer = "Deauville"', 'answer = "Paris"'), "'Paris' is not one of the options"),
        (
            ('feedback = { Vienna = "Vienna hosts the IAEA." }', "feedback = {}"),
            "no feedback for the wrong option 'Vienna'",
        ),
        (('prompt = "Where?"', 'promt = "Where?"'), "unknown key 'promt' (did you mean 'prompt'?)"),
        (('options = ["Deauville", "Vienna"]', 'options = "Deauville"'), "'options' should be a list"),
        (('id = "place"', 'id = "Place 1"'), "'id' may hold only lower-case letters"),
        (('answer = "Deauville"', ""), "'answer' is missing"),
    ],
)
def test_a_bad_bank_names_file_exercise_and_problem(tmp_path, change, problem):
    path = bank_file(tmp_path, GOOD_ENTRY.replace(*change))
    with pytest.raises(BankError) as caught:
        read_bank(path)
    message = str(caught.value)
    assert message.startswith("99_test.toml, exercise #1")
    assert problem in message


def test_bank_problems_in_numbers_and_duplicates(tmp_path):
    number = """
    [[exercise]]
    id = "n"
    kind = "number"
    prompt = "How many?"
    answer = 10
    tolerance = 1
    mistakes = [{ value = 10.5, feedback = "close" }]
    """
    with pytest.raises(BankError, match=r"exercise #1 \('n'\): the mistake 10.5 would count as correct"):
        read_bank(bank_file(tmp_path, number))
    with pytest.raises(BankError, match=r"exercise #2 \('place'\): the id 'place' is used twice"):
        read_bank(bank_file(tmp_path, GOOD_ENTRY + GOOD_ENTRY))


def test_broken_toml_and_missing_bank(tmp_path, course_copy):
    with pytest.raises(BankError, match="99_test.toml is not valid TOML"):
        read_bank(bank_file(tmp_path, 'options = ["unclosed'))
    with pytest.raises(BankError, match="no \\[\\[exercise\\]\\] entries"):
        read_bank(bank_file(tmp_path, ""))
    with pytest.raises(BankError, match="The question bank 42_nothing.toml is missing"):
        load_bank("42_nothing")


def test_unknown_exercise_id_lists_the_known_ones():
    with pytest.raises(BankError, match="has no exercise 'nope'. Its exercises are: summit-place"):
        load_bank("00_start_here").exercise("nope")


def test_the_teachers_answer_key_matches_the_banks():
    key = Path(__file__).resolve().parents[1] / "teacher" / "answer_key.md"
    assert key.read_text(encoding="utf-8") == render(all_banks()), "run `make answer-key`"


def test_a_correct_answer_shows_its_source(store):
    exercise = load_bank("00_start_here").exercise("summit-place", store=store)
    exercise.submit("Deauville, France")
    assert "Source: G8 Research Group" in exercise.feedback.value


@pytest.mark.parametrize(
    "bank, entry",
    [(b, e) for b, e in EXERCISES if e["kind"] == "multiple_choice"],
    ids=[i for i, (b, e) in zip(IDS, EXERCISES) if e["kind"] == "multiple_choice"],
)
def test_the_right_option_does_not_stand_out_by_its_length(bank, entry):
    """Long options wrap and overlap in narrow windows, and a much longer option gives the answer away."""
    lengths = [len(option) for option in entry["options"] if option != entry["answer"]]
    assert max(len(option) for option in entry["options"]) <= 80
    assert len(entry["answer"]) <= max(lengths) + 10


@pytest.mark.parametrize(
    "bank, entry",
    [(b, e) for b, e in EXERCISES if e["kind"] == "order"],
    ids=[i for i, (b, e) in zip(IDS, EXERCISES) if e["kind"] == "order"],
)
def test_an_order_exercise_does_not_open_solved(bank, entry):
    """The dropdowns list the items alphabetically: that must not be the answer."""
    assert sorted(entry["items"]) != entry["items"]


# --- issue 20, fault 6: a bank a teacher edited wrongly ------------------------------------------------------


@pytest.mark.parametrize(
    "edit, problem",
    [
        (('lesson = "99_test"', 'lesson = "00_start_here"'), "it says lesson = '00_start_here', but a bank's"),
        (('options = ["Deauville", "Vienna"]', 'options = ["Deauville", "Vienna", "Vienna"]'), "'Vienna' is in"),
    ],
)
def test_edits_that_were_accepted_silently_are_named(tmp_path, edit, problem):
    path = bank_file(tmp_path, GOOD_ENTRY)
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(BankError, match=problem):
        read_bank(path)


def test_a_keyword_variable_and_a_negative_word_count_are_named(tmp_path):
    code = '[[exercise]]\nid = "n"\nkind = "code_task"\nprompt = "How many?"\nvariable = "if"\nanswer = 3\n'
    code += 'solution = "x = 3"\n'
    with pytest.raises(BankError, match="'variable' must be a Python name \\(not a keyword such as 'if'\\)"):
        read_bank(bank_file(tmp_path, code))
    reflection = '[[exercise]]\nid = "why"\nkind = "reflection"\nprompt = "Why?"\nmin_words = -5\n'
    with pytest.raises(BankError, match="'min_words' is -5; a word count cannot be below 0"):
        read_bank(bank_file(tmp_path, reflection))


def test_a_bank_saved_by_excel_in_cp1252_says_so_with_its_line(tmp_path):
    path = tmp_path / "99_test.toml"
    path.write_bytes(('lesson = "99_test"\ntitle = "Test"\n' + GOOD_ENTRY.replace("Where?", "Où?")).encode("cp1252"))
    with pytest.raises(BankError) as caught:
        read_bank(path)
    line = next(n for n, text in enumerate(path.read_bytes().split(b"\n"), start=1) if b"O\xf9" in text)
    assert str(caught.value).startswith(f"99_test.toml is not saved as UTF-8 (line {line} has a character")


def test_one_broken_bank_costs_its_lesson_only(course_copy, tmp_path):
    """A broken bank used to stop the scorecard, the hand-in of every lesson and the class report."""
    from after_fukushima.exercises.bank import usable_banks
    from after_fukushima.scorecard import Scorecard
    from after_fukushima.teacher import class_report

    broken = course_copy / "exercises" / "banks" / "03_the_proposal.toml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n[[exercise]]\nid = 'x'\n", encoding="utf-8")
    banks, problems = usable_banks()
    assert [b.lesson for b in banks] == [p.stem for p in sorted(broken.parent.glob("*.toml")) if p != broken]
    assert len(problems) == 1 and problems[0].startswith("03_the_proposal.toml, exercise #")
    assert problems[0].endswith("Its lesson is left out until the file is fixed.")
    store = ProgressStore(tmp_path / "progress.sqlite")
    store.record("00_start_here", "summit-place", "multiple_choice", "Deauville, France", True)
    card = Scorecard(store=store, folder=tmp_path / "hand_ins")
    assert "03_the_proposal.toml, exercise #" in card.table.value and "00_start_here" in card.table.value
    card.name.value = "Ann Example"
    assert card.export() is not None
    attempts, said = class_report.read_hand_ins(tmp_path / "hand_ins")
    assert said == problems and attempts["exercise"].tolist() == ["summit-place"]


def test_every_reflections_explanation_is_a_model_to_compare_with():
    """Issue 21, fault 8: Save on a long-enough reflection says 'Compare with this:' and shows the explanation;
    check-prediction's explanation was 'Your prediction is saved...', which is nothing to compare with. Each
    explanation is now a strong answer's outline, in the course's words 'A strong answer...'."""
    from after_fukushima.exercises.bank import all_banks

    weak = [
        f"{bank.lesson}/{entry['id']}: {entry.get('explanation', '')[:60]}"
        for bank in all_banks()
        for entry in bank.entries
        if entry["kind"] == "reflection"
        and not re.match(r"(A strong|Strong) (answer|prediction)s? ", entry.get("explanation", ""))
    ]
    assert not weak, weak
