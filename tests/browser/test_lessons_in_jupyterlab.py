"""The interactive figures of lessons 01-05 answer their controls in JupyterLab. (That every lesson and worksheet
runs in the browser without an error is checked with its accessibility, in test_accessibility.py: one Run All each.)"""

from playwright.sync_api import expect
from test_lesson00_in_jupyterlab import open_and_run_all

from after_fukushima import load_table


def redraws(panel, act, expected: str) -> bool:
    """Do `act()` on an interactive figure's panel, wait for `expected` text in it; True if the figure changed."""
    canvas = panel.locator(".jupyter-matplotlib canvas").first
    before = canvas.screenshot()
    act()
    panel.get_by_text(expected).first.wait_for(timeout=15_000)
    panel.page.wait_for_timeout(1000)
    return canvas.screenshot() != before


def cut_labels(timeline, button: str) -> list[str]:
    """Press ``button`` until it is disabled, each time waiting for the slider's readout to change (so labels must
    differ from one step to the next); return the labels the readout showed cut."""
    readout, cut = timeline.locator(".widget-readout").first, []
    press = timeline.get_by_role("button", name=button)
    while not press.is_disabled():
        before = readout.inner_text()
        press.click()
        expect(readout).not_to_have_text(before)
        if readout.evaluate("node => node.scrollWidth > node.clientWidth"):
            cut.append(readout.inner_text())
    return cut


def test_the_timeline_steps_through_the_accident(page, lab):
    open_and_run_all(page, lab, "lab/tree/notebooks/01_fukushima_accident.ipynb", 3)
    timeline = page.locator(".widget-vbox").filter(has=page.get_by_role("button", name="Next")).last
    # The first events as the course's table has them (their opening words), so the test follows the data.
    first, second, third = (" ".join(event.split()[:5]) for event in load_table("fukushima_timeline")["event"][:3])
    timeline.get_by_text(first).first.wait_for(timeout=15_000)
    assert timeline.get_by_role("button", name="Previous").is_disabled()
    next_event = timeline.get_by_role("button", name="Next")
    next_event.click()
    timeline.get_by_text(second).first.wait_for(timeout=15_000)
    assert redraws(timeline, next_event.click, third)
    # Every event's label fits the slider's readout (ipywidgets cuts it at about 150 px: "12 March (time not giv").
    events = load_table("fukushima_timeline").query("date <= '2011-03-16'")["event"]
    readout = timeline.locator(".widget-readout").first
    cut = []
    for event in events.iloc[3:]:
        next_event.click()
        timeline.get_by_text(" ".join(event.split()[:5])).first.wait_for(timeout=15_000)
        if readout.evaluate("node => node.scrollWidth > node.clientWidth"):
            cut.append(readout.inner_text())
    assert next_event.is_disabled() and cut == [], f"labels cut in the slider's readout: {cut}"
    assert page.js_errors == []


def test_the_instrument_timeline_steps_through_the_toolbox(page, lab):
    open_and_run_all(page, lab, "lab/tree/notebooks/03_the_proposal.ipynb", 4)
    timeline = page.locator(".widget-vbox").filter(has=page.get_by_role("button", name="Next")).last
    timeline.get_by_text("International Atomic Energy Agency (IAEA)").first.wait_for(timeout=15_000)
    # Every instrument's label fits the slider's readout ('1996 Convention on Nuclear Safety (CNS)' was cut).
    cut = cut_labels(timeline, "Next")
    assert cut == [], f"labels cut in the slider's readout: {cut}"
    cut_labels(timeline, "Previous")  # back to the first, for the steps below

    def three_steps():  # IAEA 1957 -> NEA 1958 -> standards 1958 -> OSART 1982
        for _ in range(3):
            timeline.get_by_role("button", name="Next").click()

    assert redraws(timeline, three_steps, "Operational Safety Review Team (OSART)")
    assert page.js_errors == []


def test_the_cooperation_simulator_answers_its_controls(page, lab):
    open_and_run_all(page, lab, "lab/tree/notebooks/04_the_obstacles.ipynb", 4)
    simulator = page.locator(".widget-vbox").filter(has=page.get_by_text("Depth of the commitment:")).first
    simulator.get_by_text("27 of 30 countries join").wait_for(timeout=15_000)
    deepest = simulator.get_by_role("button", name="binding standards with inspection and consequences (1)")
    assert redraws(simulator, deepest.click, "25 of 30 countries join")
    assert redraws(simulator, simulator.get_by_role("checkbox").check, "29 of 30 countries join")
    assert page.js_errors == []


def test_the_country_explorer_switches_country(page, lab):
    open_and_run_all(page, lab, "lab/tree/notebooks/05_national_responses.ipynb", 3)
    explorer = page.locator(".widget-vbox").filter(has=page.get_by_label("Country")).first
    explorer.get_by_text("54 reactors in service at the end of 2010").wait_for(timeout=15_000)
    assert redraws(
        explorer,
        lambda: explorer.get_by_label("Country").select_option("Germany"),
        "17 reactors in service at the end of 2010",
    )
    assert page.js_errors == []
