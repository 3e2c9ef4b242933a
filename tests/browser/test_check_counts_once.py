"""Issue 21, fault 1 in a real JupyterLab and Chromium: typing a number and clicking Check saves one attempt.

Clicking Check leaves the number box, so the box's value (sent on blur: ``continuous_update=False``) and the
click reach the kernel together; with JupyterLab 4.6 and ipykernel 7 the two may even be handled at the same
time, in two threads (widget messages over a kernel subshell and the main shell). Before the fix most Checks
were saved twice, the second time sometimes as the previous answer. Here a student types and clicks quickly,
round after round without waiting for the feedback, and the attempts shown and the rows in the progress store
must equal the Checks intended.
"""

from playwright.sync_api import expect
from test_lesson00_in_jupyterlab import exercise, open_and_run_all

from after_fukushima.progress import ProgressStore

# Right and wrong in turn (the answer is 75 days, within 1), each different from the one before it; only the last
# gets its feedback (about weeks), so that when it shows, the last value has been checked.
TYPED = ["75", "70", "75 days", "80", "74", "60", "76", "90", "75.0", "11"]
SAVED = [75.0, 70.0, 75.0, 80.0, 74.0, 60.0, 76.0, 90.0, 75.0, 11.0]


def test_typing_a_number_and_clicking_check_quickly_saves_one_attempt_per_check(page, lab):
    open_and_run_all(page, lab)
    number = exercise(page, "days-after-quake")
    box = number.get_by_role("textbox", name="Your answer")
    check = number.get_by_role("button", name="Check", exact=True)
    before = len(ProgressStore(lab.progress).attempts("00_start_here", "days-after-quake"))
    for typed in TYPED:
        box.fill(typed)  # typed, not yet sent: the box sends its value when it is left
        check.click()  # leaves the box and clicks, at once; no wait for the feedback
    number.locator(".af-feedback").filter(has_text="about the number of weeks").wait_for(timeout=30_000)
    # A click still on its way can only find the answer checked last, "11", which adds no attempt.
    rows = ProgressStore(lab.progress).attempts("00_start_here", "days-after-quake")[before:]
    assert [row["answer"] for row in rows] == SAVED, [(r["answer"], r["saved_at"]) for r in rows]
    assert [row["correct"] for row in rows] == [True, False] * 5
    # The count is shown just after the feedback: wait for it rather than read it between the two.
    expect(number.locator(".af-attempts")).to_have_text(
        f"{before + len(TYPED)} attempts · right before, not this one", timeout=15_000
    )
    assert page.js_errors == []


def test_saving_a_reflection_again_unchanged_keeps_one_copy(page, lab):
    """Save pressed three times on the same text keeps it once; a changed text is kept again."""
    open_and_run_all(page, lab)
    reflection = exercise(page, "why-hesitate")
    box = reflection.get_by_role("textbox", name="Your reflection")
    save = reflection.get_by_role("button", name="Save", exact=True)
    before = len(ProgressStore(lab.progress).attempts("00_start_here", "why-hesitate"))
    box.fill("Sovereignty matters.")
    for _ in range(3):
        save.click()
    box.fill("Sovereignty matters to every state.")
    save.click()  # the same button's clicks are handled in order: when this one's words show, all have been
    reflection.locator(".af-feedback").filter(has_text="5 words kept.").wait_for(timeout=30_000)
    rows = ProgressStore(lab.progress).attempts("00_start_here", "why-hesitate")[before:]
    assert [row["answer"] for row in rows] == ["Sovereignty matters.", "Sovereignty matters to every state."]
    expect(reflection.locator(".af-attempts")).to_have_text(f"{before + 2} attempts", timeout=15_000)
    assert page.js_errors == []
