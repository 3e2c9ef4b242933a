"""Every exercise kind: the right answer, each wrong answer's own feedback, hints, and bad input.

Each behaviour is checked twice where it matters: through ``submit`` (the one path the Check button
uses) and through a simulated click (set the control, then ``check_button.click()``).
"""

import html
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from after_fukushima.exercises.base import InvalidAnswer
from after_fukushima.exercises.kinds import KINDS, count_words, parse_number

SCRIPT = "<script>alert('x')</script>"

MULTIPLE_CHOICE = {
    "id": "capital",
    "kind": "multiple_choice",
    "prompt": "Which city hosts the IAEA?",
    "options": ["Vienna", "Geneva", "Paris"],
    "answer": "Vienna",
    "feedback": {"Geneva": "Geneva hosts other UN bodies.", "Paris": "Paris hosts the OECD."},
    "hints": ["It is in Austria.", "It is on the Danube."],
    "explanation": "The IAEA sits in Vienna.",
}
CHOOSE_ALL = {
    "id": "gases",
    "kind": "choose_all",
    "prompt": "Which are noble gases?",
    "options": ["Neon", "Argon", "Oxygen", "Nitrogen"],
    "answers": ["Neon", "Argon"],
    "feedback": {"Oxygen": "Oxygen reacts readily.", "Nitrogen": "Nitrogen forms many compounds."},
    "hints": ["Two of them."],
    "explanation": "Neon and argon are noble gases.",
}
NUMBER = {
    "id": "wave",
    "kind": "number",
    "prompt": "How high (m)?",
    "answer": 13.1,
    "tolerance": 0.5,
    "unit": "m",
    "unit_aliases": ["metres", "meters"],
    "too_low": "Higher than that.",
    "too_high": "Lower than that.",
    "mistakes": [{"value": 5.7, "feedback": "That is the design basis."}],
    "hints": ["More than 10."],
    "explanation": "About 13 m.",
}
ORDER = {
    "id": "steps",
    "kind": "order",
    "prompt": "Order these.",
    "items": ["First", "Second", "Third"],
    "feedback": {"First": "It starts.", "Second": "It is in the middle.", "Third": "It ends."},
    "hints": ["Count."],
    "explanation": "1, 2, 3.",
}
MATCH = {
    "id": "pairs",
    "kind": "match",
    "prompt": "Match.",
    "pairs": {"Chen": "Beijing", "Caplan": "Oxford"},
    "feedback": {"Chen": "Chen works in China.", "Caplan": "Caplan works in England."},
    "hints": ["Think of countries."],
    "explanation": "Chen: Beijing; Caplan: Oxford.",
}
SORT = {
    "id": "sorting",
    "kind": "sort",
    "prompt": "Sort.",
    "categories": ["proposal", "obstacle"],
    "items": {"Share data.": "proposal", "Interests clash.": "obstacle"},
    "feedback": {"Share data.": "Sharing is proposed.", "Interests clash.": "Clashing interests block it."},
    "hints": ["Proposals say what to do."],
    "explanation": "One of each.",
}
JUDGEMENT = {
    "id": "verdicts",
    "kind": "judgement",
    "prompt": "Your verdict on each claim.",
    "categories": ["supported", "partly", "not supported"],
    "items": {"A mechanism may come.": "not supported", "Interests differ.": "supported"},
    "feedback": {"A mechanism may come.": "No mechanism was set up.", "Interests differ.": "Positions split in 2011."},
    "hints": ["Judge a forecast by what happened."],
    "explanation": "The course's reading, with its evidence.",
}
REFLECTION = {
    "id": "think",
    "kind": "reflection",
    "prompt": "Why?",
    "min_words": 5,
    "hints": ["Think of interests."],
    "explanation": "A strong answer mentions sovereignty.",
}
CODE_NUMBER = {
    "id": "mean",
    "kind": "code_task",
    "prompt": "Compute the mean.",
    "variable": "mean_value",
    "answer": 2.5,
    "tolerance": 0.01,
    "solution": "mean_value = 2.5",
    "mistakes": [{"value": 10.0, "feedback": "That is the sum."}],
    "too_low": "Too low.",
    "too_high": "Too high.",
    "hints": ["Use .mean()."],
    "explanation": "The mean is 2.5.",
}
CODE_TEXT = {
    "id": "top",
    "kind": "code_task",
    "prompt": "Which country?",
    "variable": "top_country",
    "answer": "France",
    "solution": "top_country = 'France'",
    "mistakes": [{"value": "Belgium", "feedback": "Belgium is second."}],
    "otherwise": "Sort by the share.",
    "explanation": "France led.",
}


def feedback_text(exercise) -> str:
    """The feedback as the student reads it: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", exercise.feedback.value))


def click_check(exercise):
    exercise.check_button.click()
    return feedback_text(exercise)


# --- multiple choice ------------------------------------------------------------------------------


def test_multiple_choice_correct_shows_explanation_and_counts(make_exercise):
    exercise = make_exercise(MULTIPLE_CHOICE)
    verdict = exercise.submit("Vienna")
    assert verdict.correct is True
    assert "The IAEA sits in Vienna." in feedback_text(exercise)
    assert "1 attempt · solved" in exercise.status.value


@pytest.mark.parametrize("wrong", ["Geneva", "Paris"])
def test_multiple_choice_each_wrong_option_has_its_own_feedback(make_exercise, wrong):
    exercise = make_exercise(MULTIPLE_CHOICE)
    verdict = exercise.submit(wrong)
    assert verdict.correct is False
    assert verdict.message == MULTIPLE_CHOICE["feedback"][wrong]
    assert "The IAEA sits in Vienna." not in feedback_text(exercise)


def test_multiple_choice_by_clicking(make_exercise):
    exercise = make_exercise(MULTIPLE_CHOICE)
    assert exercise.choices.value is None  # nothing is pre-selected
    assert "Choose one of the options" in click_check(exercise)
    assert exercise.attempts == 0  # an empty answer is not an attempt
    exercise.choices.value = "Paris"
    assert "Paris hosts the OECD." in click_check(exercise)
    exercise.choices.value = "Vienna"
    assert "✔ Correct." in click_check(exercise)
    assert exercise.attempts == 2


@pytest.mark.parametrize("bad", [None, "", "Vienne", SCRIPT])
def test_multiple_choice_rejects_what_is_not_an_option(make_exercise, bad):
    exercise = make_exercise(MULTIPLE_CHOICE)
    verdict = exercise.submit(bad)
    assert verdict.status == "invalid" and exercise.attempts == 0
    assert "<script>" not in exercise.feedback.value  # shown as text, never as markup


# --- hints (shared by every kind) ------------------------------------------------------------------


def test_hints_appear_one_at_a_time_then_run_out(make_exercise):
    exercise = make_exercise(MULTIPLE_CHOICE)
    assert exercise.hint_box.value == "" and exercise.hint_button.description == "Hint (2 left)"
    exercise.hint_button.click()
    assert "It is in Austria." in exercise.hint_box.value and "Danube" not in exercise.hint_box.value
    assert exercise.next_hint() == "It is on the Danube."
    assert exercise.hint_button.disabled and exercise.hint_button.description == "No more hints"
    assert exercise.next_hint() is None


def test_hint_text_is_escaped(make_exercise):
    exercise = make_exercise({**MULTIPLE_CHOICE, "hints": [SCRIPT]})
    exercise.next_hint()
    assert "<script>" not in exercise.hint_box.value and "&lt;script&gt;" in exercise.hint_box.value


def test_prompt_with_markup_is_escaped(make_exercise):
    exercise = make_exercise({**MULTIPLE_CHOICE, "prompt": f"Is {SCRIPT} safe?"})
    assert "<script>" not in exercise.prompt.value


# --- choose all -----------------------------------------------------------------------------------


def test_choose_all_correct_in_any_order(make_exercise):
    exercise = make_exercise(CHOOSE_ALL)
    assert exercise.submit(["Argon", "Neon"]).correct is True


@pytest.mark.parametrize("wrong", ["Oxygen", "Nitrogen"])
def test_choose_all_each_wrong_tick_has_its_own_feedback(make_exercise, wrong):
    exercise = make_exercise(CHOOSE_ALL)
    verdict = exercise.submit(["Neon", "Argon", wrong])
    assert verdict.correct is False and CHOOSE_ALL["feedback"][wrong] in verdict.message


def test_choose_all_says_how_many_are_missing(make_exercise):
    assert "1 option that applies is not ticked yet." in make_exercise(CHOOSE_ALL).submit(["Neon"]).message


def test_choose_all_by_clicking(make_exercise):
    exercise = make_exercise(CHOOSE_ALL)
    assert "Tick every option" in click_check(exercise)
    exercise.boxes[0].value = exercise.boxes[1].value = True
    assert "✔ Correct." in click_check(exercise)


@pytest.mark.parametrize("bad", [[], None, ["Krypton"], [SCRIPT]])
def test_choose_all_bad_input(make_exercise, bad):
    exercise = make_exercise(CHOOSE_ALL)
    assert exercise.submit(bad).status == "invalid" and "<script>" not in exercise.feedback.value


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["13.1", "13", "13,1", " 13.1 m", "13.1 metres", "13.1 m.", "13.", "1.31e1", "１３.１", 13.1, 13]
)
def test_number_accepts_what_students_type(make_exercise, typed):
    assert make_exercise(NUMBER).submit(typed).correct is True


@pytest.mark.parametrize(
    "typed, message",
    [
        ("5.7", "That is the design basis."),
        ("2", "Higher than that."),
        ("−20", "Higher than that."),  # a unicode minus sign
        ("40", "Lower than that."),
    ],
)
def test_number_feedback_depends_on_the_answer(make_exercise, typed, message):
    verdict = make_exercise(NUMBER).submit(typed)
    assert verdict.correct is False and verdict.message == message


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Type a number first"),
        ("   ", "Type a number first"),
        ("thirteen", "is not a number"),
        ("13 km", "Give the answer in m"),
        ("1e400", "far too large"),
        ("9" * 400, "far too large"),
        ("nan", "is not a number"),
        ("十三", "is not a number"),
        (SCRIPT, "is not a number"),
        (True, "not True or False"),
    ],
)
def test_number_bad_input_gets_a_sentence_and_no_attempt(make_exercise, typed, message):
    exercise = make_exercise(NUMBER)
    verdict = exercise.submit(typed)
    assert verdict.status == "invalid" and message in verdict.message
    assert exercise.attempts == 0
    assert "<script>" not in exercise.feedback.value


def test_number_by_clicking(make_exercise):
    exercise = make_exercise(NUMBER)
    exercise.entry.value = "5.7"
    assert "design basis" in click_check(exercise)
    exercise.entry.value = "13.1 m"
    assert "✔ Correct. About 13 m." in click_check(exercise)


def test_parse_number_thousands_and_decimal_comma():
    assert parse_number("1,000", []) == 1000
    assert parse_number("12,345.5", []) == 12345.5
    assert parse_number("9,1", []) == 9.1
    with pytest.raises(InvalidAnswer, match="without words or units"):
        parse_number("12 apples", [])


def test_a_decimal_comma_with_three_digits_is_read_the_way_the_student_meant():
    assert parse_number("0,148", []) == 0.148  # nobody groups thousands after a zero
    assert parse_number("5,623", [], expected=5.6) == 5.623  # the decimal reading is nearer the answer
    assert parse_number("5,623", [], expected=5000) == 5623  # the thousands reading is nearer
    assert parse_number("5,623", []) == 5623  # with nothing to go by, English usage


@pytest.mark.parametrize("typed", [3, 2, "3", "2.0"])
def test_a_value_rounded_to_a_whole_number_is_called_nearly(make_exercise, typed):
    verdict = make_exercise(CODE_NUMBER).check(typed)  # the answer is 2.5
    assert verdict.correct is False and verdict.message.startswith("Nearly: that looks like the right value")


def test_whole_number_answers_get_no_rounding_feedback(make_exercise):
    days = {**NUMBER, "answer": 75, "tolerance": 1, "mistakes": []}
    assert make_exercise(days).submit("74.5").correct is True
    assert make_exercise(days).submit("73").message == "Higher than that."


# --- order ----------------------------------------------------------------------------------------


def after_two_tries(exercise):
    """The exercise as it is after two Checks, when sort, match and order start saying what is right."""
    exercise.attempts = exercise.reveal_after
    return exercise


def test_order_correct_and_wrong(make_exercise):
    exercise = make_exercise(ORDER)
    assert exercise.submit(["First", "Second", "Third"]).correct is True
    wrong = exercise.submit(["Second", "First", "Third"])  # the 2nd Check: where 'Second' goes is not said yet
    assert wrong.message == (
        "1 of 3 are in the right place. Start with 'Second': is it really where you put it? (The Hint button helps.)"
    )
    third = exercise.submit(["Second", "Third", "First"])  # a changed answer: the same one again is no new try
    assert third.message == "0 of 3 are in the right place. Look again at 'Second': It is in the middle."


@pytest.mark.parametrize("first_wrong", ORDER["items"][:2])
def test_order_each_misplaced_item_has_its_own_feedback(make_exercise, first_wrong):
    others = [item for item in ORDER["items"] if item != first_wrong]
    answer = [first_wrong, *others] if first_wrong != "First" else ["Third", "Second", "First"]
    verdict = after_two_tries(make_exercise(ORDER)).submit(answer)
    assert ORDER["feedback"][answer[0]] in verdict.message


def test_order_controls_start_empty_in_a_fixed_order_and_click(make_exercise):
    exercise = make_exercise(ORDER)
    assert [slot.value for slot in exercise.slots] == [None, None, None]
    assert list(exercise.slots[0].options) == sorted(ORDER["items"])
    assert "3 still empty" in click_check(exercise)
    for slot, item in zip(exercise.slots, ORDER["items"]):
        slot.value = item
    assert "✔ Correct." in click_check(exercise)


@pytest.mark.parametrize(
    "bad, message",
    [
        (["First", "First", "Third"], "chosen more than once"),
        (["First", None, "Third"], "1 still empty"),
        (["First", "Second"], "for every line"),
        (["First", "Second", SCRIPT], "is not one of the choices"),
    ],
)
def test_order_bad_input(make_exercise, bad, message):
    exercise = make_exercise(ORDER)
    verdict = exercise.submit(bad)
    assert verdict.status == "invalid" and message in verdict.message and "<script>" not in exercise.feedback.value


# --- match ----------------------------------------------------------------------------------------


def test_match_correct_and_each_wrong_pair(make_exercise):
    exercise = make_exercise(MATCH)
    first = exercise.submit(["Oxford", "Beijing"])
    assert first.message == "0 of 2 pairs are right. Look again at: Chen; Caplan. (The Hint button helps.)"
    assert exercise.submit(["Beijing", "Oxford"]).correct is True
    verdict = exercise.submit(["Oxford", "Beijing"])  # the third try
    assert "0 of 2 pairs are right." in verdict.message
    assert "Chen: Chen works in China." in verdict.message and "Caplan: Caplan works in England." in verdict.message


def test_match_by_clicking_and_empty(make_exercise):
    exercise = make_exercise(MATCH)
    assert [m.description for m in exercise.matches] == ["Chen", "Caplan"]
    assert len({m.style.description_width for m in exercise.matches}) == 1  # one width: the dropdowns line up
    assert "2 still empty" in click_check(exercise)
    exercise.matches[0].value, exercise.matches[1].value = "Beijing", "Oxford"
    assert "✔ Correct." in click_check(exercise)


# --- sort -----------------------------------------------------------------------------------------


def test_sort_correct_and_each_wrong_statement(make_exercise):
    exercise = make_exercise(SORT)
    first = exercise.submit(["proposal", "proposal"])
    assert first.message == "1 of 2 are sorted right. Look again at statement 2. (The Hint button helps.)"
    assert exercise.submit(["proposal", "obstacle"]).correct is True
    verdict = exercise.submit(["proposal", "proposal"])  # the third try
    assert verdict.message == "Look again at statement 2. Clashing interests block it."


def test_a_sort_of_names_calls_each_line_by_its_name_not_a_statement_number(make_exercise):
    """Issue 21, fault 8: where the items are names (instruments, countries), the rows were labelled '1', '2' but
    the feedback still said 'Look again at statement 2', a line no student could find. The feedback and the
    'still empty' message now name the item."""
    names = {
        **SORT,
        "items": {"Assistance Convention": "proposal", "EU stress tests": "obstacle", "INES": "proposal"},
        "feedback": {"Assistance Convention": "A.", "EU stress tests": "Tests.", "INES": "A scale."},
    }
    exercise = make_exercise(names)
    first = exercise.submit(["obstacle", "obstacle", "obstacle"])
    assert first.message == "1 of 3 are sorted right. Look again at 'Assistance Convention' and 'INES'. " + (
        "(The Hint button helps.)"
    )
    exercise.submit(["proposal", "obstacle", "obstacle"])  # a second, changed try
    third = exercise.submit(["proposal", "proposal", "proposal"])
    assert third.message == "Look again at 'EU stress tests'. Tests."
    fresh = make_exercise({**names, "id": "sorting-names"})
    assert "still empty: 'Assistance Convention', 'EU stress tests', 'INES'" in click_check(fresh)


def test_sort_by_clicking(make_exercise):
    exercise = make_exercise(SORT)
    assert "2 still empty" in click_check(exercise)
    exercise.sorters[0].value, exercise.sorters[1].value = "obstacle", "obstacle"
    assert "Look again at statement 1." in click_check(exercise)
    exercise.sorters[1].value = "proposal"  # changed: the same answer checked again is no new try
    assert "Sharing is proposed." in click_check(after_two_tries(exercise))


def test_the_chosen_category_is_marked_with_a_tick(make_exercise):
    exercise = make_exercise(SORT)
    exercise.sorters[0].value = "obstacle"
    assert list(exercise.sorters[0].icons) == ["", "check"] and list(exercise.sorters[1].icons) in ([], ["", ""])
    exercise.sorters[0].value = "proposal"
    assert list(exercise.sorters[0].icons) == ["check", ""]


def test_sort_statements_are_escaped(make_exercise):
    spec = {**SORT, "items": {SCRIPT: "proposal", "b": "obstacle"}, "feedback": {SCRIPT: "x", "b": "y"}}
    rendered = "".join(
        child.value
        for child in make_exercise(spec).control.children
        if hasattr(child, "value") and isinstance(child.value, str)
    )
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


# --- judgement ------------------------------------------------------------------------------------


def test_a_judgement_is_kept_not_graded_and_shown_beside_the_course_reading(make_exercise, store):
    exercise = make_exercise(JUDGEMENT)
    assert exercise.label == "Your verdict (kept, not graded)" and exercise.check_button.description == "Save"
    verdict = exercise.submit(["partly", "supported"])
    assert verdict.status == "saved" and verdict.correct is None
    assert "1 of your 2 verdicts is the course's reading; 1 differs" in verdict.message
    text = feedback_text(exercise)
    assert "✔ Saved." in text and "✘" not in text and "Not yet" not in text
    assert "The course's reading, with its evidence." in text  # the explanation, at once: nothing to get right
    rows = re.findall(r"<tr class='af-verdict'>(.*?)</tr>", exercise.feedback.value)
    assert len(rows) == 2
    assert "partly" in rows[0] and "not supported" in rows[0] and "differs" in rows[0] and "No mechanism" in rows[0]
    assert "(same)" in rows[1] and "Positions split in 2011." in rows[1]
    assert store.latest("99_test", "verdicts")["answer"] == ["partly", "supported"]
    assert store.latest("99_test", "verdicts")["correct"] is None
    agree = exercise.submit(["not supported", "supported"])
    assert agree.status == "saved" and agree.message.endswith("All 2 of your verdicts are the course's reading too.")
    assert not exercise.solved  # never "solved": there was nothing to get right


def test_a_prediction_is_kept_in_its_own_words(make_exercise, store):
    exercise = make_exercise({**JUDGEMENT, "id": "forecast", "judged_as": "prediction"})
    assert exercise.label == "Your prediction (kept, not graded)"
    assert "Your prediction (kept, not graded)" in exercise.prompt.value
    verdict = exercise.submit(["partly", "supported"])
    assert verdict.status == "saved" and verdict.correct is None
    assert "1 of your 2 predictions is what the model does; 1 differs" in verdict.message
    assert "not a mistake" in verdict.message and "verdict" not in verdict.message
    assert "<th" in exercise.feedback.value and "What the model does" in exercise.feedback.value
    assert store.latest("99_test", "forecast")["correct"] is None


def test_an_unknown_judged_as_is_a_bank_error():
    with pytest.raises(ValueError, match="'judged_as' is 'guess'; it can be verdict or prediction"):
        KINDS["judgement"].check_spec({**JUDGEMENT, "judged_as": "guess"})


def test_a_judgement_by_clicking_save_and_every_verdict_needed(make_exercise):
    exercise = make_exercise(JUDGEMENT)
    assert "2 still empty" in click_check(exercise)
    exercise.sorters[0].value = "supported"
    assert "1 still empty" in click_check(exercise)
    exercise.sorters[1].value = "partly"
    shown = click_check(exercise)
    assert "✔ Saved." in shown and "0 of your 2 verdicts" in shown
    assert exercise.attempts == 1  # the two empty tries did not count


def test_a_judgement_comes_back_as_it_was_saved(make_exercise):
    make_exercise(JUDGEMENT).submit(["partly", "supported"])
    again = make_exercise(JUDGEMENT)
    assert [s.value for s in again.sorters] == ["partly", "supported"]
    assert "Your last saved answer" in again.feedback.value and "No mechanism was set up." in again.feedback.value


def test_a_judgement_saved_again_unchanged_is_kept_once(make_exercise, store):
    """A double click on Save, or Save pressed again after Shift+Enter, adds no attempt; a change does."""
    exercise = make_exercise(JUDGEMENT)
    for sorter, verdict in zip(exercise.sorters, ["partly", "supported"]):
        sorter.value = verdict
    for _ in range(3):
        assert "✔ Saved." in click_check(exercise)
    assert exercise.attempts == 1 and len(store.attempts("99_test", "verdicts")) == 1
    assert "1 attempt" in exercise.status.value and "af-verdict" in exercise.feedback.value
    again = make_exercise(JUDGEMENT)  # the cell run again
    again.check_button.click()
    assert again.attempts == 1 and len(store.attempts("99_test", "verdicts")) == 1
    again.sorters[0].value = "supported"
    again.check_button.click()
    assert again.attempts == 2 and store.latest("99_test", "verdicts")["answer"] == ["supported", "supported"]


def test_a_judgement_says_which_statement_is_empty_and_reads_any_value(make_exercise, store):
    exercise = make_exercise(JUDGEMENT)
    exercise.sorters[0].value = "partly"
    assert "Choose a verdict for every line first (1 still empty: statement 2)." in click_check(exercise)
    huge = "<img src=x onerror=alert(1)>" + "x" * 1_000_000
    for value, said in [
        (None, "(2 still empty: statement 1, statement 2)"),
        ([], "this answer has 0 of the 2"),
        (["partly"] * 3, "this answer has 3 of the 2"),
        ("partly", "not a single text"),
        (42, "give a list of 2, not a single int"),
        (["partly", huge], "is not one of the choices"),
    ]:
        verdict = exercise.submit(value)
        assert verdict.status == "invalid" and said in verdict.message, (value, verdict.message[:200])
    assert len(exercise.feedback.value) < 1000 and "<img" not in exercise.feedback.value
    assert store.attempts("99_test", "verdicts") == []
    assert exercise.submit(np.array(["partly", "supported"])).status == "saved"  # an array reads like a list
    assert exercise.submit(pd.Series(["supported", "supported"])).status == "saved"
    assert [a["answer"] for a in store.attempts("99_test", "verdicts")] == [["partly", "supported"], ["supported"] * 2]


def test_a_judgement_table_wraps_and_scrolls_rather_than_clipping(make_exercise):
    exercise = make_exercise(JUDGEMENT)
    verdict = exercise.submit(["partly", "partly"])
    assert verdict.message.startswith("Your verdicts are kept (not graded). 0 of your 2 verdicts are")
    assert "1 of your 2 verdicts is the course's reading" in exercise.submit(["partly", "supported"]).message
    shown = exercise.feedback.value
    assert "<div class='af-verdicts-scroll' style='overflow-x:auto" in shown and "line-height:1.4" in shown


def test_a_judgement_escapes_statements_readings_and_evidence(make_exercise):
    spec = {
        **JUDGEMENT,
        "categories": [SCRIPT, "b"],
        "items": {SCRIPT: SCRIPT, "x": "b"},
        "feedback": {SCRIPT: SCRIPT, "x": "y"},
    }
    exercise = make_exercise(spec)
    exercise.submit([SCRIPT, SCRIPT])
    assert "<script>" not in exercise.feedback.value and "&lt;script&gt;" in exercise.feedback.value
    assert "<script>" not in exercise._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"feedback": {"A mechanism may come.": "x"}}, "no feedback for the statement 'Interests differ.'"),
        ({"feedback": {**JUDGEMENT["feedback"], "Other.": "x"}}, "'feedback' names a statement that is not in"),
        ({"items": {"A mechanism may come.": "maybe", "Interests differ.": "supported"}}, "'maybe' is not one of"),
        ({"categories": ["supported"]}, "needs at least two categories"),
        (
            {"categories": ["supported | mostly", "partly"], "items": dict.fromkeys(JUDGEMENT["items"], "partly")},
            "the category 'supported | mostly' contains '|'",
        ),
    ],
)
def test_a_judgement_bank_entry_is_checked(change, problem):
    from after_fukushima.exercises.bank import check_exercise

    with pytest.raises(ValueError, match=re.escape(problem)):
        check_exercise({**JUDGEMENT, **change})


def test_done_counts_a_saved_judgement_like_a_saved_reflection():
    from after_fukushima.exercises.kinds import counts_as_done

    assert counts_as_done(JUDGEMENT, ["partly", "supported"], None)
    assert counts_as_done(JUDGEMENT, "partly | supported", None)  # as a hand-in writes it
    assert not counts_as_done(JUDGEMENT, "", None) and not counts_as_done(JUDGEMENT, [], None)
    assert not counts_as_done(REFLECTION, "too short", None) and counts_as_done(
        REFLECTION, "one two three four five", None
    )
    assert counts_as_done(SORT, ["proposal", "obstacle"], True) and not counts_as_done(SORT, ["x"], False)


# --- reflection -----------------------------------------------------------------------------------


def test_reflection_is_kept_not_graded(make_exercise, store):
    exercise = make_exercise(REFLECTION)
    text = "Governments guard sovereignty, and firms guard secrets."
    verdict = exercise.submit(text)
    assert verdict.status == "saved" and verdict.correct is None
    assert verdict.message.startswith("7 words kept.")
    assert "A strong answer mentions sovereignty." in feedback_text(exercise)
    assert store.latest("99_test", "think")["answer"] == text


def test_reflection_word_count_updates_as_the_student_types(make_exercise):
    exercise = make_exercise(REFLECTION)
    assert exercise.word_count.value == "0 / 5 words (aim for at least 5)"  # the target is shown from the start
    exercise.text.value = "one two"
    assert exercise.word_count.value == "2 / 5 words (aim for at least 5)"
    too_short = click_check(exercise)
    assert "Aim for at least 5 words" in too_short
    assert "A strong answer" not in too_short  # the model answer waits until the student has written enough
    exercise.text.value = "one two three four five"
    assert "Compare with this: A strong answer mentions sovereignty." in click_check(exercise)


@pytest.mark.parametrize("text, words", [("", 0), ("Fukushima's reactors", 2), ("安全 合作", 2), ("well-known", 1)])
def test_count_words(text, words):
    assert count_words(text) == words


def test_reflection_keeps_markup_as_text(make_exercise, store):
    exercise = make_exercise(REFLECTION)
    exercise.submit(SCRIPT)
    assert store.latest("99_test", "think")["answer"] == SCRIPT  # nothing the student wrote is lost
    assert "<script>" not in exercise.feedback.value
    assert make_exercise(REFLECTION).submit("  \n ").status == "invalid"


# --- code task ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2.5, np.float64(2.5), np.int64(2) + 0.5, pd.Series([2.5]).mean(), "2.5"])
def test_code_task_accepts_numbers_from_pandas(make_exercise, value):
    assert make_exercise(CODE_NUMBER).check(value).correct is True


@pytest.mark.parametrize(
    "value, message",
    [
        (10.0, "That is the sum."),
        (1.0, "Too low."),
        (99.0, "Too high."),
    ],
)
def test_code_task_feedback(make_exercise, value, message):
    assert make_exercise(CODE_NUMBER).check(value).message == message


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "still None"),
        (pd.Series([1.0, 2.0]), "is a Series of shape (2,)"),
        (pd.DataFrame({"a": [1], "b": [2]}), "is one row with 2 columns. Choose the column you need"),
        (pd.DataFrame({"a": []}), "is empty: Your filter kept no rows. Check the spelling and capitals"),
        (pd.Series([], dtype=float), "is empty: Your filter kept no rows."),
        (float("inf"), "far too large"),
        ("lots", "is not a number"),
        ((6, 6), "is a tuple of 2 items, not a single value. To count rows use len(table)"),
        (["India", "Poland"], "is a list of 2 items"),
    ],
)
def test_code_task_bad_values(make_exercise, value, message):
    verdict = make_exercise(CODE_NUMBER).check(value)
    assert verdict.status == "invalid" and message in verdict.message


@pytest.mark.parametrize(
    "value",
    [
        pd.Series([2.5], index=[962]),
        pd.DataFrame({"share": [2.5]}),
        pd.DataFrame({"share": [2.5]})["share"],
        np.array([2.5]),
    ],
)
def test_code_task_accepts_a_one_row_result_as_students_write_it(make_exercise, value):
    """Issue 13, fault 4: a filter to one row, without .item(), is an answer (its row label is no number)."""
    assert make_exercise(CODE_NUMBER).check(value).correct is True


def test_a_count_of_zero_is_explained_as_an_empty_filter(make_exercise):
    """Issue 13, fault 5: an empty filter counted 0 rows; 'too low, did you keep level 5?' pointed the wrong way."""
    counting = {**CODE_NUMBER, "solution": "mean_value = len(table.query('a > 1'))"}  # a count: 0 is no rows
    verdict = make_exercise(counting).check(len(pd.DataFrame({"a": []})))
    assert verdict.correct is False and verdict.message.startswith("0 usually means your filter kept no rows.")


def test_code_task_reads_the_students_variable_when_check_is_clicked(make_exercise, monkeypatch):
    namespace = {}

    class Shell:
        user_ns = namespace

    monkeypatch.setattr("IPython.get_ipython", lambda: Shell())
    exercise = make_exercise(CODE_NUMBER)
    assert "There is no variable called mean_value yet" in click_check(exercise)
    exec(CODE_NUMBER["solution"], namespace)
    assert "✔ Correct." in click_check(exercise)


def test_code_task_text_answers(make_exercise):
    exercise = make_exercise(CODE_TEXT)
    assert exercise.check("  france ").correct is True
    assert exercise.check("Belgium").message == "Belgium is second."
    assert exercise.check("Japan").message == "Sort by the share."
    row_label = exercise.check(3)  # what .idxmax() gives on a table with a numbered index
    assert row_label.status == "invalid" and ".loc[label, 'country']" in row_label.message


def test_input_that_looks_like_a_number_never_raises_and_the_box_shows_the_latest_check(store):
    """Issue 12, fault 2: '1_' raised ValueError, '1 000' got the wrong sentence, a huge int overflowed."""
    from after_fukushima import load_bank

    task = load_bank("00_start_here").exercise("days-after-quake", store=store)
    assert task.submit("75").status == "correct"
    for value, words in [
        ("1_", "Give the answer in days"),
        ("1 000", "Too many"),
        ("1\u00a0000", "Too many"),
        (float("nan"), "missing value (NaN)"),
        (10**400, "far too large"),
        (object(), "not a number"),
        ({"a": 1}, "not a number"),
    ]:
        verdict = task.submit(value)
        assert verdict.status in ("invalid", "wrong"), value
        assert words in verdict.message, (value, verdict.message)
        assert "Correct" not in task.feedback.value, value  # the old verdict does not stay on screen


def test_a_bank_saved_with_a_byte_order_mark_loads(tmp_path):
    """Issue 12, fault 7: Notepad and PowerShell save UTF-8 with a BOM."""
    from pathlib import Path

    from after_fukushima.exercises.bank import read_bank

    original = Path(__file__).resolve().parents[1] / "exercises" / "banks" / "00_start_here.toml"
    copy = tmp_path / "00_start_here.toml"
    copy.write_bytes(b"\xef\xbb\xbf" + original.read_bytes())
    assert read_bank(copy).ids == read_bank(original).ids


def test_several_wrong_statements_are_named_in_words_and_each_feedback_numbered(store, tmp_path):
    from after_fukushima import load_bank
    from after_fukushima.progress import ProgressStore

    sort = load_bank("00_start_here").exercise("sort-statements", store=store)
    right = list(sort.spec["items"].values())
    answer = ["proposal", "obstacle"] + right[2:]  # statements 1 and 2 wrong
    verdict = sort.submit(answer)
    assert verdict.message.startswith(
        f"{len(right) - 2} of {len(right)} are sorted right. Look again at statements 1 and 2."
    )
    later = load_bank("00_start_here").exercise("sort-statements", store=ProgressStore(tmp_path / "later.sqlite"))
    verdict = after_two_tries(later).submit(answer)  # the same answer as a third try (checked again, it is none)
    assert verdict.message.startswith("Look again at statements 1 and 2. (1) ")
    assert " (2) " in verdict.message


# --- what a viewer without a kernel shows ---------------------------------------------------------


def test_every_kind_has_a_readable_static_form(store):
    """Issue 13, fault 2: GitHub, nbviewer and stored outputs show the prompt and the choices, escaped."""
    from after_fukushima import load_bank

    bank = load_bank("00_start_here")
    for entry in bank.entries:
        exercise = bank.exercise(entry["id"], store=store)
        shown = exercise._repr_mimebundle_()["text/html"]
        assert html.escape(entry["prompt"]) in shown, entry["id"]
        assert "run this cell (Shift+Enter)" in shown
        for option in entry.get("options", []) + list(entry.get("items", [])) + list(entry.get("pairs", [])):
            assert html.escape(option) in shown, (entry["id"], option)
        if entry["kind"] == "order":
            listed = re.findall(r"<li>____ (.*?)</li>", shown)
            assert listed != [html.escape(item) for item in entry["items"]]  # not in the answer's order


def test_the_static_form_escapes_markup(make_exercise):
    shown = make_exercise({**SORT, "prompt": SCRIPT})._repr_mimebundle_()["text/html"]
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_with_several_ticked_the_feedback_names_the_wrong_one(store):
    from after_fukushima import load_bank

    exercise = load_bank("00_start_here").exercise("obstacles-named", store=store)
    wrong = next(o for o in exercise.spec["options"] if o not in exercise.spec["answers"])
    verdict = exercise.submit([exercise.spec["answers"][0], wrong])
    assert verdict.message.startswith(f"'{wrong}': {exercise.spec['feedback'][wrong]}")


def test_the_word_count_says_when_a_reflection_is_long_enough(make_exercise):
    exercise = make_exercise(REFLECTION)
    exercise.text.value = "one two three four five six"
    assert exercise.word_count.value == "6 / 5 words (long enough)"


def test_a_right_code_task_brings_its_explanation_under_the_cell(make_exercise):
    verdict = make_exercise({**CODE_NUMBER, "explanation": "Because the mean is half way."}).check(2.5)
    assert repr(verdict) == "✔ Correct. Because the mean is half way."


def test_nearly_follows_the_question_for_typed_answers_and_the_table_for_computed_ones(make_exercise):
    """A typed number is rounded as its question asks; a code task's value comes from a table's decimals."""
    typed = make_exercise({**NUMBER, "answer": 14.8, "tolerance": 0.6, "mistakes": []}).submit("14")
    assert typed.message.startswith("Nearly:") and "Round as the question says" in typed.message
    computed = make_exercise(CODE_NUMBER).check(2)
    assert "as the table gives it" in computed.message and "Round as the question" not in computed.message


# --- one attempt per intended Check, whatever order the value and the click arrive in ------------------------
# Issue 21, fault 1: a number box sends its value when it is left, which a click on Check does, so the value and
# the click reach the kernel together, in either order. A click handled first saw the old value and saved it again
# ("3 attempts · solved" after two answers). Each round below is one intended Check of a new answer; ``arrives``
# delivers that answer the way the widget's value reaches the kernel.


def _type_number(exercise, answer):
    exercise.entry.value = answer  # Enter pressed, or the box left


def _write_reflection(exercise, answer):
    exercise.text.value = answer


def _pick_verdict(exercise, answer):
    line, verdict = answer  # one toggle clicked: one statement's verdict changes
    exercise.sorters[line].value = verdict


ONCE_PER_CHECK = {
    "number": (
        NUMBER,
        _type_number,
        ["5.7", "13.1", "20", "13", "3 m", "13.1 metres"],  # wrong and right in turn
        [5.7, 13.1, 20.0, 13.0, 3.0, 13.1],
    ),
    "reflection": (
        REFLECTION,
        _write_reflection,
        ["Sovereignty.", "Sovereignty and secrets.", "Firms guard their secrets, states their say."],
        ["Sovereignty.", "Sovereignty and secrets.", "Firms guard their secrets, states their say."],
    ),
    "judgement": (
        JUDGEMENT,
        _pick_verdict,
        [(0, "partly"), (1, "supported"), (0, "not supported"), (1, "partly")],
        [["partly", None], ["partly", "supported"], ["not supported", "supported"], ["not supported", "partly"]],
    ),
}
ORDERS = {
    "value, then click": ["value"] * 6,
    "click, then value": ["click"] * 6,
    "in turn": ["value", "click", "value", "click", "value", "click"],
    "in turn, click first": ["click", "value", "click", "value", "click", "value"],
}


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("kind", ONCE_PER_CHECK)
def test_a_check_saves_one_attempt_whichever_of_value_and_click_arrives_first(make_exercise, store, kind, order):
    spec, arrives, answers, saved = ONCE_PER_CHECK[kind]
    exercise = make_exercise(spec)
    intended = []
    for answer, first, expected in zip(answers, ORDERS[order], saved):
        if first == "value":
            arrives(exercise, answer)
            exercise.check_button.click()
        else:  # the click overtook the value: the kernel still holds the previous answer
            exercise.check_button.click()
            arrives(exercise, answer)
        if None not in (expected if isinstance(expected, list) else [expected]):
            intended.append(expected)  # a judgement with a statement left empty is not saved
    rows = store.attempts("99_test", spec["id"])
    assert [row["answer"] for row in rows] == intended
    assert exercise.attempts == len(intended)
    assert f"{len(intended)} attempts" in exercise.status.value


@pytest.mark.parametrize("order", ["check, then click", "click, then check"])
def test_a_code_task_checked_in_code_and_by_a_click_counts_once(make_exercise, store, monkeypatch, order):
    """``task.check(x)`` under the student's cell and a click on Check for the same x are one attempt."""
    namespace = {}

    class Shell:
        user_ns = namespace

    monkeypatch.setattr("IPython.get_ipython", lambda: Shell())
    exercise = make_exercise(CODE_NUMBER)
    for value in [10.0, 2.4, 2.5, 3.0]:
        if order == "check, then click":
            namespace["mean_value"] = value  # the cell run: mean_value = ...; task.check(mean_value)
            exercise.check(value)
            exercise.check_button.click()
        else:
            exercise.check_button.click()  # still the value of the previous run
            namespace["mean_value"] = value
            exercise.check(value)
    assert [row["answer"] for row in store.attempts("99_test", "mean")] == [10.0, 2.4, 2.5, 3.0]
    # Right at 2.5, then 3.0: done, but the words beside the last (wrong) verdict do not say 'solved'.
    assert exercise.attempts == 4 and "4 attempts · right before, not this one" in exercise.status.value


@pytest.mark.parametrize("kind", ["number", "reflection", "code_task", "judgement"])
def test_checking_the_answer_saved_last_again_adds_no_attempt_but_a_changed_answer_does(make_exercise, store, kind):
    spec, first, second = {
        "number": (NUMBER, "5.7", "20"),
        "reflection": (REFLECTION, "One idea.", "Two ideas."),
        "code_task": (CODE_NUMBER, 10.0, 3.0),
        "judgement": (JUDGEMENT, ["partly", "supported"], ["supported", "supported"]),
    }[kind]
    exercise = make_exercise(spec)
    for answer in [first, first, first, second, second, first]:  # a changed answer, even back, is a new attempt
        verdict = exercise.submit(answer)
    assert verdict.status in ("wrong", "saved")  # the same verdict shown again
    assert len(store.attempts("99_test", spec["id"])) == exercise.attempts == 3
    again = make_exercise(spec)  # the cell run again: its saved answer checked again adds nothing
    again.submit(first)
    assert again.attempts == 3 and len(store.attempts("99_test", spec["id"])) == 3


def test_the_other_kinds_count_a_check_of_the_same_answer_once_too(make_exercise, store):
    """Issue 21 walkthrough, fault 4: a multiple choice's option is clicked before Check, never with it, but a
    Check pressed again on the same answer is no new try either (it was counted, and inflated attempt counts)."""
    exercise = make_exercise(MULTIPLE_CHOICE)
    exercise.submit("Paris")
    exercise.submit("Paris")
    assert exercise.attempts == 1 and len(store.attempts("99_test", "capital")) == 1
    exercise.submit("Geneva")
    assert exercise.attempts == 2 and len(store.attempts("99_test", "capital")) == 2


def test_enter_checks_a_number_once_and_a_click_after_it_adds_nothing(make_exercise, store):
    exercise = make_exercise(NUMBER)
    exercise.entry.value = "5.7"  # Enter
    assert exercise.attempts == 1 and "design basis" in feedback_text(exercise)
    for _ in range(3):
        assert "design basis" in click_check(exercise)
    assert exercise.attempts == 1 and len(store.attempts("99_test", "wave")) == 1


def test_a_value_long_after_a_save_that_found_nothing_new_waits_for_the_next_save(make_exercise, store, monkeypatch):
    """Only the value a Save overtook is saved without a click: typing later is saved by the next Save."""
    from after_fukushima.exercises import base

    clock = [100.0]
    monkeypatch.setattr(base, "monotonic", lambda: clock[0])
    exercise = make_exercise(REFLECTION)
    exercise.text.value = "First thoughts."
    exercise.check_button.click()
    exercise.check_button.click()  # Save pressed again: nothing new
    clock[0] += base.LATE_VALUE_SECONDS + 1
    exercise.text.value = "First thoughts, and more."  # typed a while later
    assert len(store.attempts("99_test", "think")) == 1
    exercise.check_button.click()
    assert [row["answer"] for row in store.attempts("99_test", "think")] == [
        "First thoughts.",
        "First thoughts, and more.",
    ]


@pytest.mark.parametrize("first", ["value", "click"])
def test_a_value_and_a_click_handled_at_the_same_time_in_two_threads_save_once(make_exercise, store, first):
    """JupyterLab 4.6 and ipykernel 7 may handle widget messages over a subshell and the main shell at once: the
    second Check waits until the first is saved, then finds the answer saved already."""
    import threading

    exercise = make_exercise(NUMBER)
    record, inside, go = store.record, threading.Event(), threading.Event()

    def slow_record(*args, **kwargs):  # the first save takes a while (a busy disk, a locked file)
        if not inside.is_set():
            inside.set()
            go.wait(10)
        return record(*args, **kwargs)

    store.record = slow_record  # this test's own store only
    if first == "value":
        value = threading.Thread(target=lambda: setattr(exercise.entry, "value", "5.7"))
    else:  # the value has arrived and the click reads it, while the value's own handler has yet to run
        exercise._restoring = True
        exercise.entry.value = "5.7"
        exercise._restoring = False
        value = threading.Thread(target=lambda: exercise._on_enter({"name": "value", "old": "", "new": "5.7"}))
    click = threading.Thread(target=exercise.check_button.click)
    one, other = (value, click) if first == "value" else (click, value)
    one.start()
    assert inside.wait(10)
    other.start()
    other.join(0.5)  # without a lock the second Check saves now; with one it waits for the first
    go.set()
    one.join(10)
    other.join(10)
    assert [row["answer"] for row in store.attempts("99_test", "wave")] == [5.7]
    assert exercise.attempts == 1


def test_a_sort_of_names_does_not_call_them_statements(store):
    """Issue 21, fault 8: the sort of instruments labelled its rows 'Statement 1. INES'."""
    from after_fukushima import load_bank

    names = load_bank("03_the_proposal").exercise("sort-binding", store=store)
    labels = [child.value for child in names.control.children if isinstance(child, widgets.HTML)]
    assert labels and not any("Statement" in label for label in labels) and "<b>1.</b>" in labels[0]
    assert not any("Statement" in choice for choice in names.static_choices())
    sentences = load_bank("00_start_here").exercise("sort-statements", store=store)
    assert "<b>Statement 1.</b>" in sentences.control.children[0].value  # sentences are still statements


def test_the_tick_on_a_chosen_category_has_a_space_before_it():
    """Issue 21, fault 8: "binds no state✔". ipywidgets 8 appends a toggle button's icon after its label
    (ToggleButtonsView.update: button.innerHTML = label, then button.appendChild(icon)), so the space the tick
    needs is on its left."""
    from after_fukushima.exercises.base import COURSE_CSS

    rule = re.search(r"\.widget-toggle-button i\.fa \{([^}]*)\}", COURSE_CSS).group(1)
    assert "margin-left" in rule and "margin-right" not in rule


def test_a_judgement_is_done_for_the_scorecard_only_as_the_class_report_counts_it():
    """Issue 22: counts_as_done and the class report share one rule (exercises.kinds.judged): a judgement is done
    with one of the bank's verdicts for each statement, not with any saved text (the scorecard said done before)."""
    from after_fukushima.exercises.kinds import counts_as_done, judged

    assert judged(JUDGEMENT, ["partly", "supported"]) and judged(JUDGEMENT, "partly | supported")
    assert not counts_as_done(JUDGEMENT, ["partly"], None)  # fewer verdicts than statements
    assert not counts_as_done(JUDGEMENT, ["partly", "maybe"], None)  # not one of the bank's verdicts
    assert not counts_as_done(JUDGEMENT, "partly | supported | partly", None)
