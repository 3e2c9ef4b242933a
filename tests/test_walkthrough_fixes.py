"""Issue 21, faults a walkthrough of lessons 03-06 found in the exercises and the scorecard.

1. A reopened scorecard said nothing and showed broken-link icons (the exercises' saved-copy rule, for it too).
2. The scorecard's table was stale when Export wrote the file.
3. '2 attempts · solved' stood beside '✘ Not yet.'.
4. Check pressed again on the same answer counted a new attempt (any kind, not only those whose value and click
   can arrive together).
5. Unchecked radio buttons and checkboxes were dark grey on JupyterLab Dark's near-black (the contrast itself is
   measured in tests/browser/test_walkthrough_fixes.py).
"""

import html
import re

import pytest
from test_exercise_kinds import CHOOSE_ALL, MULTIPLE_CHOICE, NUMBER, ORDER, REFLECTION  # the same example specs

from after_fukushima import load_bank
from after_fukushima.exercises.base import COURSE_CSS, EXERCISE_SAVED_COPY, saved_copy_css
from after_fukushima.exercises.kinds import KINDS
from after_fukushima.scorecard import SAVED_COPY, Scorecard


def text_of(widget_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", widget_html))


# --- 1. the saved copy of a scorecard -----------------------------------------------------------------------


def test_one_rule_writes_the_saved_copy_for_the_exercises_and_the_scorecard(store):
    card = Scorecard(store=store)
    assert saved_copy_css("af-scorecard-box", SAVED_COPY) in card.table.value
    assert saved_copy_css("af-exercise", EXERCISE_SAVED_COPY) in COURSE_CSS
    rules = saved_copy_css("af-scorecard-box", SAVED_COPY)
    # the sentence once, above the box; no icon on its parts; nothing in it clickable
    assert (
        f'.af-scorecard-box.jupyter-widgets-disconnected::before {{ display: block; content: "{SAVED_COPY}";' in rules
    )
    assert ".af-scorecard-box .jupyter-widgets-disconnected::before { display: none; }" in rules
    assert ".af-scorecard-box.jupyter-widgets-disconnected { opacity: 0.75; pointer-events: none; }" in rules
    assert "current counts" in SAVED_COPY


def test_a_saved_copy_sentence_is_escaped_for_css_and_a_bad_class_name_is_refused():
    rules = saved_copy_css("af-box", 'Say "hi" \\ bye')
    assert 'content: "Say \\"hi\\" \\\\ bye";' in rules
    with pytest.raises(ValueError, match="is not a CSS class name"):
        saved_copy_css("af-box { color: red }", "x")


# --- 2. the table at export ----------------------------------------------------------------------------------


def test_export_counts_the_table_again_so_that_it_agrees_with_the_file(store, tmp_path):
    bank = load_bank("00_start_here")
    card = Scorecard(store=store, folder=tmp_path / "hand_in")  # Run All reached the scorecard: nothing yet
    size = len(bank.ids)
    unstyled = re.sub(r" style='[^']*'", "", card.table.value)
    assert f"<td>0 / {size}</td><td>0 / {size}</td>" in unstyled
    bank.exercise("summit-place", store=store).submit("Deauville, France")  # answered after, in the same kernel
    bank.exercise("days-after-quake", store=store).submit("70")
    card.name.value = "Ann Lee"
    assert card.export() is not None
    unstyled = re.sub(r" style='[^']*'", "", card.table.value)
    assert f"<td>00_start_here</td><td>Start here</td><td>2 / {size}</td><td>1 / {size}</td>" in unstyled
    # The table says when it was counted, so that a stale count is never taken for the current one.
    assert "press Refresh to count your latest answers" in text_of(card.table.value)


def test_export_without_a_name_still_counts_the_table_again(store, tmp_path):
    bank = load_bank("00_start_here")
    card = Scorecard(store=store, folder=tmp_path / "hand_in")
    bank.exercise("summit-place", store=store).submit("Deauville, France")
    card.name.value = ""
    assert card.export() is None and "Type your name first" in card.message.value
    unstyled = re.sub(r" style='[^']*'", "", card.table.value)
    assert f"<td>1 / {len(bank.ids)}</td><td>1 / {len(bank.ids)}</td>" in unstyled


# --- 3. the status beside a wrong verdict --------------------------------------------------------------------


def make(spec, store):
    return KINDS[spec["kind"]](spec, lesson="99_test", store=store)


def test_right_once_then_wrong_does_not_say_solved_beside_not_yet(store):
    exercise = make(MULTIPLE_CHOICE, store)
    exercise.submit("Vienna")
    assert "1 attempt · solved" in exercise.status.value
    exercise.submit("Paris")
    assert "✘ Not yet." in text_of(exercise.feedback.value)
    assert text_of(exercise.status.value) == "2 attempts · right before, not this one"
    assert exercise.solved  # done once right: the scorecard still counts it
    exercise.submit("Vienna")
    assert text_of(exercise.status.value) == "3 attempts · solved"


def test_a_session_later_the_status_still_agrees_with_the_verdict_shown(store):
    make(MULTIPLE_CHOICE, store).submit("Vienna")
    make(MULTIPLE_CHOICE, store).submit("Geneva")
    again = make(MULTIPLE_CHOICE, store)  # reopened: the last answer, wrong, comes back
    assert "✘ Not yet." in text_of(again.feedback.value)
    assert text_of(again.status.value) == "2 attempts · right before, not this one"


# --- 4. the same answer checked again ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, wrong, other",
    [
        (ORDER, ["Second", "First", "Third"], ["Third", "Second", "First"]),
        (MULTIPLE_CHOICE, "Paris", "Geneva"),
        (CHOOSE_ALL, ["Neon"], ["Neon", "Oxygen"]),
        (NUMBER, "20", "3"),
    ],
    ids=["order", "multiple_choice", "choose_all", "number"],
)
def test_checking_the_same_answer_again_is_not_a_new_attempt(store, spec, wrong, other):
    exercise = make(spec, store)
    first = exercise.submit(wrong)
    shown = text_of(exercise.feedback.value)
    for _ in range(5):
        again = exercise.submit(wrong)
    assert again == first  # the verdict it had
    said = text_of(exercise.feedback.value)
    assert said.startswith("You checked this answer already: change something, then Check.")
    assert said.endswith(shown)  # the previous verdict stays visible under the sentence
    assert exercise.attempts == 1 and len(store.attempts("99_test", spec["id"])) == 1
    assert text_of(exercise.status.value) == "1 attempt"
    exercise.submit(other)  # a changed answer is a new attempt, and so is going back to the first one
    exercise.submit(wrong)
    assert exercise.attempts == 3 and len(store.attempts("99_test", spec["id"])) == 3
    assert "already" not in text_of(exercise.feedback.value)


def test_checking_the_same_order_again_does_not_unlock_its_explanation(store):
    """Sort, match and order say what is right from the third try: a Check of the same answer is no try."""
    exercise = make(ORDER, store)
    exercise.submit(["Second", "First", "Third"])
    for _ in range(4):
        verdict = exercise.submit(["Second", "First", "Third"])
    assert "It is in the middle." not in text_of(exercise.feedback.value)
    assert verdict.message.startswith("1 of 3 are in the right place. Start with 'Second'")
    exercise.submit(["Second", "Third", "First"])  # the second try
    assert "Look again at 'Third': It ends." in exercise.submit(["Third", "First", "Second"]).message  # the third


def test_a_check_button_click_on_the_same_answer_says_so_too(store):
    exercise = make(ORDER, store)
    for slot, item in zip(exercise.slots, ["Second", "First", "Third"]):
        slot.value = item
    for _ in range(6):  # the walkthrough reached '6 attempts' this way
        exercise.check_button.click()
    assert exercise.attempts == 1 and len(store.attempts("99_test", "steps")) == 1
    assert "You checked this answer already" in text_of(exercise.feedback.value)


def test_the_restored_answer_checked_again_is_not_saved_again_for_any_kind(store):
    make(MULTIPLE_CHOICE, store).submit("Paris")
    reopened = make(MULTIPLE_CHOICE, store)
    reopened.check_button.click()
    assert reopened.attempts == 1 and len(store.attempts("99_test", "capital")) == 1
    assert "You checked this answer already" in text_of(reopened.feedback.value)


def test_a_reflection_saved_again_says_so_in_its_own_words(store):
    reflection = make(REFLECTION, store)
    reflection.submit("Sovereignty matters here.")
    reflection.submit("Sovereignty matters here.")
    said = text_of(reflection.feedback.value)
    assert said.startswith("You saved this answer already: change something, then Save.") and "✔ Saved." in said
    assert reflection.attempts == 1 and len(store.attempts("99_test", "think")) == 1


# --- 5. radio buttons and checkboxes drawn in the theme's colours ---------------------------------------------


def test_radio_buttons_and_checkboxes_take_their_outline_from_the_theme():
    rule = re.search(
        r'\.af-exercise input\[type="radio"\], \.af-exercise input\[type="checkbox"\] \{([^}]*)\}', COURSE_CSS
    )
    assert rule, "a rule for the exercises' radio buttons and checkboxes"
    assert "appearance: none" in rule.group(1)  # drawn by the course, not by the browser's dark grey
    assert "border: 2px solid var(--jp-ui-font-color2" in rule.group(1)


def test_a_number_box_left_by_clicking_check_is_one_check_without_a_repeat_sentence(store):
    """Re-walk of issue 21: typing a number and clicking Check sends the box's value first (checked on arrival),
    then the click, which found that answer and said "You checked this answer already" on a first Check. The
    click that follows its own value is the same Check: one attempt, the verdict, no sentence. A later click on
    the same answer is a repeat, and says so."""
    exercise = make(NUMBER, store)
    exercise.entry.value = "13"  # the box left by the click: its value arrives first
    exercise.check_button.click()  # then the click
    shown = text_of(exercise.feedback.value)
    assert "already" not in shown and "Correct" in shown
    assert exercise.attempts == 1 and len(store.attempts("99_test", "wave")) == 1
    exercise.check_button.click()  # a second click, with no value of its own: a repeat
    assert "You checked this answer already" in text_of(exercise.feedback.value) and exercise.attempts == 1
