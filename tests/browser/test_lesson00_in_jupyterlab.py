"""Lesson 00 in a real JupyterLab and Chromium: every exercise kind, hints, the ipympl figure, progress,
keyboard use and accessible names. See conftest.py for the server and the browser."""

import re

from chromium import exercises_in
from playwright.sync_api import TimeoutError as PlaywrightTimeout

EXERCISES = exercises_in("notebooks/00_start_here.ipynb")
NOTEBOOK = "lab/tree/notebooks/00_start_here.ipynb"


def open_and_run_all(page, lab, notebook=NOTEBOOK, exercises=EXERCISES):
    page.goto(lab.url(notebook))
    page.wait_for_function(
        "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'", timeout=90_000
    )
    # Start Run All without awaiting its promise: if JupyterLab never settles it, the wait below fails
    # with a screenshot instead of the test hanging.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    try:
        page.wait_for_function(
            f"document.querySelectorAll('.af-exercise').length === {exercises} && "
            "document.querySelectorAll('.jp-Cell-inputArea .jp-InputPrompt').length > 0 && "
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle' && "
            "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".every(p => /\\[\\d+\\]/.test(p.textContent))",
            timeout=90_000,
        )
    except PlaywrightTimeout:
        shown = page.locator(".af-exercise").count()
        raise AssertionError(f"{notebook}: after 90 s of Run All, {shown} of {exercises} exercises shown") from None
    assert page.get_by_text("Error displaying widget").count() == 0


IDLE = "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"


def save(page) -> None:
    """Save the open notebook once its kernel is idle, and return when the server has written the file.

    The save command's promise is awaited: waiting for the "modified" flag to clear is no proof, since a notebook
    JupyterLab autosaved a moment before is not modified while its save is still on the way.
    """
    page.wait_for_function(IDLE, timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")


def save_and_stop_kernels(page) -> None:
    """Save the open notebook (``save``), stop every kernel and wait until they are stopped, then reload the page:
    the notebook as a student finds it the next day."""
    save(page)
    page.evaluate("async () => { await window.jupyterapp.serviceManager.sessions.shutdownAll(); }")
    page.reload()


def exercise(page, ident):
    return page.locator(f".af-exercise-{ident}")


def check(panel, expected: str, button: str = "Check") -> str:
    """Press Check and wait for feedback containing `expected`; return the feedback text."""
    panel.get_by_role("button", name=button, exact=True).click()
    feedback = panel.locator(".af-feedback")
    feedback.filter(has_text=expected).wait_for(timeout=15_000)
    return feedback.inner_text()


def hint(panel, expected: str) -> None:
    panel.get_by_role("button", name=re.compile("Hint")).click()
    panel.locator(".af-hint").filter(has_text=expected).wait_for(timeout=15_000)


def choose(panel, label: str, option: str) -> None:
    panel.get_by_role("combobox", name=label, exact=True).select_option(label=option)


def test_every_exercise_kind_answers_in_the_browser(page, lab):
    open_and_run_all(page, lab)

    mc = exercise(page, "summit-place")
    mc.get_by_role("radio", name="Vienna, Austria").check()
    check(mc, "Vienna is where the IAEA has its headquarters")
    hint(mc, "G8 presidency")
    mc.get_by_role("radio", name="Deauville, France").check()
    assert "37th G8 summit" in check(mc, "✔ Correct.")
    assert "2 attempts · solved" in mc.inner_text()

    number = exercise(page, "days-after-quake")
    box = number.get_by_role("textbox", name="Your answer")
    box.fill("seventy")
    check(number, "is not a number")
    box.fill("2,5")
    check(number, "That looks like months")
    hint(number, "From 11 March to 31 March is 20 days")
    box.fill("75 days")
    check(number, "✔ Correct.")

    order = exercise(page, "events-in-order")
    events = [
        "Earthquake and tsunami hit Fukushima Daiichi",
        "Germany announces a three-month moratorium on extending plant lifetimes",
        "Japan's prime minister says the energy plan will be rethought from a clean slate",
        "China Daily publishes the report",
        "G8 summit opens in Deauville",
        "IAEA ministerial conference on nuclear safety opens in Vienna",
    ]
    wrong = [events[1], events[0], *events[2:]]
    for slot, event in zip(["1st", "2nd", "3rd", "4th", "5th", "6th"], wrong):
        choose(order, slot, event)
    check(order, "4 of 6 are in the right place. Start with 'Germany announces")  # where it goes is not said yet
    hint(order, "Germany reacted within days")
    for slot, event in zip(["1st", "2nd"], events):
        choose(order, slot, event)
    check(order, "✔ Correct.")

    match = exercise(page, "speakers-affiliations")
    pairs = {
        "Leslie Vinjamuri": "SOAS, University of London",
        "Richard Caplan": "University of Oxford",
        "Shao Beibei": "University of Oxford",
        "Chen Xiaoqiu": "Nuclear and radiation safety center, Ministry of Environmental Protection (China)",
    }
    for name, institution in pairs.items():
        choose(match, name, institution)
    check(match, "3 of 4 pairs are right. Look again at: Shao Beibei.")
    choose(match, "Shao Beibei", "Tsinghua University")
    check(match, "✔ Correct.")

    choose_all = exercise(page, "obstacles-named")
    choose_all.get_by_role("checkbox", name="No international body for nuclear energy existed yet").check()
    check(choose_all, "The IAEA had existed since 1957")
    choose_all.get_by_role("checkbox", name="No international body for nuclear energy existed yet").uncheck()
    for option in [
        "Countries' political and economic interests pull in different directions",
        "Companies seeking profit may keep core technologies to themselves",
        "Putting a mechanism into practice may take time and is the hard part",
    ]:
        choose_all.get_by_role("checkbox", name=option).check()
    check(choose_all, "✔ Correct.")

    sort = exercise(page, "sort-statements")
    answers = ["obstacle", "case for", "national response", "obstacle", "proposal", "proposal", "national response"]
    rows = sort.locator(".widget-toggle-buttons")
    for row, category in enumerate(answers):
        rows.nth(row).get_by_role("button", name=category, exact=True).click()
    check(sort, "6 of 7 are sorted right. Look again at statement 6.")
    rows.nth(5).get_by_role("button", name="case for", exact=True).click()
    check(sort, "✔ Correct.")

    reflection = exercise(page, "why-hesitate")
    reflection.get_by_role("textbox", name="Your reflection").fill(
        "A government may fear that <b>outside</b> inspectors would expose commercial secrets."
    )
    reflection.get_by_text("13 / 25 words").wait_for(timeout=15_000)
    text = check(reflection, "✔ Saved.", button="Save")
    assert "Aim for at least 25 words" in text and "A strong answer" not in text
    reflection.get_by_role("textbox", name="Your reflection").fill(
        "A government may fear that <b>outside</b> inspectors would expose commercial secrets, that rivals "
        "could use their findings, and that meeting common standards would cost time and money it lacks."
    )
    check(reflection, "A strong answer might mention", button="Save")
    assert "<b>outside</b>" in reflection.get_by_role("textbox").input_value()  # kept as typed
    assert reflection.locator("b", has_text="outside").count() == 0  # and never rendered as markup

    verdicts = exercise(page, "first-verdicts")
    rows = verdicts.locator(".widget-toggle-buttons")
    rows.nth(0).get_by_role("button", name="likely", exact=True).click()
    check(verdicts, "a verdict", button="Save")  # two statements left without one: a sentence, nothing saved
    for row in (1, 2):
        rows.nth(row).get_by_role("button", name="unlikely", exact=True).click()
    text = check(verdicts, "kept (not graded)", button="Save")
    assert "wrong" not in text.lower() and "Not yet" not in text
    assert verdicts.locator(".af-verdicts tr.af-verdict").count() == 3  # each beside the course's reading

    code = exercise(page, "france-share-2010")
    cell = page.locator(".jp-CodeCell").filter(has_text="france_share_2010 = None")
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(
        "france_share_2010 = shares.query(\"country == 'France' and year == 2010\")"
        '["nuclear_share_pct"].item()\nfrance_task.check(france_share_2010)'
    )
    page.keyboard.press("Shift+Enter")
    code.locator(".af-feedback").filter(has_text="✔ Correct.").wait_for(timeout=30_000)
    hint(code, "Copy the query in the cell above")
    check(code, "About three quarters (76%) of France's electricity")

    assert page.js_errors == []


def test_the_country_picker_redraws_the_figure(page, lab):
    open_and_run_all(page, lab)
    explorer = page.locator(".widget-vbox").filter(has=page.locator(".jupyter-matplotlib")).last
    canvas = explorer.locator(".jupyter-matplotlib canvas").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    before = canvas.screenshot()
    explorer.get_by_role("combobox", name="Country").select_option(label="France")
    explorer.get_by_role("button", name="Add").click()  # its name also holds the icon glyph
    explorer.get_by_text("France, 1985-").wait_for(timeout=15_000)
    assert explorer.get_by_text("Germany, 1985-").count() == 1  # added beside Germany, not instead of it
    page.wait_for_timeout(1500)
    with_france = canvas.screenshot()
    assert with_france != before
    explorer.get_by_role("button", name="Germany").click()  # its chip takes it off
    explorer.get_by_text("Germany, 1985-").wait_for(state="detached", timeout=15_000)
    page.wait_for_timeout(1500)
    assert canvas.screenshot() != with_france
    assert page.js_errors == []


def test_progress_survives_a_reload_and_a_new_kernel(page, lab):
    open_and_run_all(page, lab)
    number = exercise(page, "days-after-quake")
    number.get_by_role("textbox", name="Your answer").fill("75")
    check(number, "✔ Correct.")
    page.evaluate("window.jupyterapp.serviceManager.sessions.shutdownAll()")
    page.reload()
    open_and_run_all(page, lab)
    number = exercise(page, "days-after-quake")
    assert number.get_by_role("textbox", name="Your answer").input_value() == "75"
    assert "Your last saved answer, as you left it:" in number.inner_text() and "✔ Correct." in number.inner_text()
    scorecard = page.locator(".af-scorecard")
    scorecard.scroll_into_view_if_needed()
    row = scorecard.locator("tbody tr").first.inner_text()
    answered = int(re.search(rf"(\d+) / {EXERCISES}", row).group(1))
    assert answered >= 1  # the earlier tests in this module may have answered more
    assert page.js_errors == []


def test_an_exercise_can_be_answered_with_the_keyboard_alone(page, lab):
    open_and_run_all(page, lab)
    mc = exercise(page, "summit-place")
    mc.get_by_role("radio").first.focus()  # arrive by keyboard: from here on, keys only
    page.keyboard.press("Space")  # selects the focused option, Deauville
    for _ in range(8):
        if page.evaluate("document.activeElement.textContent.trim()") == "Check":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    mc.locator(".af-feedback").filter(has_text="✔ Correct.").wait_for(timeout=15_000)
    assert page.js_errors == []


CONTROL = re.compile(r"\s*- (button|checkbox|combobox|radio|textbox|slider|spinbutton|switch)\b(.*)")


def test_every_control_has_an_accessible_name(page, lab):
    open_and_run_all(page, lab)
    unnamed = []
    for output in page.locator(".jp-OutputArea").all():
        for line in output.aria_snapshot().splitlines():
            control = CONTROL.match(line)
            if control and not re.match(r'\s*"[^"]*\w', control.group(2)):
                unnamed.append(line.strip())
    assert unnamed == []
