"""Issue 21, faults 4 and 5: a reopened interactive figure says it is a saved copy; the simulator reads on a projector.

Fault 4: a notebook saved after running and reopened without a kernel behind its widgets shows each interactive
figure's sentence (plots.SAVED_COPY) instead of a blank figure and controls that do nothing, and a lesson opened
without running it is not marked modified. Fault 5: in JupyterLab Dark at 1024x768, at 100 % and 150 % zoom, the
simulator's chosen depth has a tick and at least 3:1 contrast with the other buttons, and the vendor-duty slider
keeps its track.
"""

import pytest
from test_lesson00_in_jupyterlab import IDLE, open_and_run_all, save, save_and_stop_kernels

from after_fukushima.plots import SAVED_COPY

DIRTY = "window.jupyterapp.shell.currentWidget.context.model.dirty"


def luminance(css: str) -> float:
    """WCAG relative luminance of a computed colour 'rgb(r, g, b)' or 'rgba(r, g, b, a)' (alpha ignored)."""
    channels = [int(float(part)) for part in css[css.index("(") + 1 : -1].split(",")[:3]]

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_lesson_opened_without_running_it_is_not_modified(page, lab):
    page.goto(lab.url("lab/tree/notebooks/05_national_responses.ipynb"))
    page.wait_for_function(IDLE, timeout=90_000)
    page.wait_for_timeout(3000)  # the widget manager restores what it finds once the kernel is ready
    assert page.evaluate(DIRTY) is False


def reopened_after_a_saved_run(page, lab) -> None:
    """Lesson 05 as a student leaves it and finds it the next day: run, saved, its kernel stopped, the page reloaded."""
    open_and_run_all(page, lab, "lab/tree/notebooks/05_national_responses.ipynb", 3)
    save_and_stop_kernels(page)
    page.wait_for_function(IDLE, timeout=90_000)


def test_a_reopened_interactive_figure_says_it_is_a_saved_copy(page, lab):
    reopened_after_a_saved_run(page, lab)
    figure = page.locator(".af-figure.jupyter-widgets-disconnected").first
    figure.wait_for(timeout=30_000)
    said = figure.evaluate("node => getComputedStyle(node, '::before').content")
    shown = figure.evaluate("node => getComputedStyle(node, '::before').display")
    assert SAVED_COPY in said and shown != "none"
    assert figure.locator("canvas").first.is_hidden()  # no blank or broken figure under the sentence
    controls = page.locator(".widget-box.jupyter-widgets-disconnected:has(> .af-figure) > .widget-dropdown").first
    assert controls.evaluate("node => getComputedStyle(node).pointerEvents") == "none"
    icons = page.evaluate(
        """() => [...document.querySelectorAll('.widget-box:has(> .af-figure) .jupyter-widgets-disconnected')]
        .filter(node => !node.classList.contains('af-figure'))
        .filter(node => getComputedStyle(node, '::before').display !== 'none').length"""
    )
    assert icons == 0  # one sentence, not a broken-link icon beside each control


@pytest.mark.parametrize("zoom", [1.0, 1.5])
def test_the_simulator_reads_on_a_dark_projector(browser, lab, zoom):
    # 1024x768 at 150 % zoom: a viewport of 1024/1.5 CSS pixels drawn with 1.5 device pixels each.
    context = browser.new_context(
        viewport={"width": round(1024 / zoom), "height": round(768 / zoom)}, device_scale_factor=zoom
    )
    page = context.new_page()
    page.js_errors = []
    try:
        page.goto(lab.url("lab/tree/notebooks/04_the_obstacles.ipynb"))
        page.wait_for_function(IDLE, timeout=90_000)
        page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
        open_and_run_all(page, lab, "lab/tree/notebooks/04_the_obstacles.ipynb", 4)
        simulator = page.locator(".widget-vbox").filter(has=page.get_by_text("Depth of the commitment:")).first
        simulator.scroll_into_view_if_needed()
        depth = simulator.locator(".widget-toggle-buttons").first
        chosen = depth.locator(".widget-toggle-button.mod-active").first
        other = depth.locator(".widget-toggle-button:not(.mod-active)").first
        style = "(node, part) => getComputedStyle(node, part)"
        tick = chosen.evaluate(f"node => ({style})(node, '::before').content")
        assert "\u2714" in tick
        chosen_bg = chosen.evaluate(f"node => ({style})(node, null).backgroundColor")
        other_bg = other.evaluate(f"node => ({style})(node, null).backgroundColor")
        chosen_fg = chosen.evaluate(f"node => ({style})(node, null).color")
        assert contrast(chosen_bg, other_bg) >= 3
        assert contrast(chosen_bg, chosen_fg) >= 4.5
        track = simulator.locator(".widget-hslider .slider-container").first
        assert track.bounding_box()["width"] >= 150  # CSS pixels: a track a pointer can use
    finally:
        context.close()


# The modified flag once every task already queued has run: the extension clears a flag set with no change one
# task after it was set, so a flag read this way is the one a student would see.
SETTLED_DIRTY = f"() => new Promise(done => setTimeout(() => setTimeout(() => done({DIRTY}), 0), 0))"


def test_a_reopened_notebook_is_modified_only_by_a_real_change(page, lab):
    """Fault 4 (last part): restoring the saved widgets of a reopened lesson does not mark it modified.

    The course saves widget state with the notebook (lab-overrides.json), and the widget manager marks the
    notebook modified for every widget it restores; the course's JupyterLab extension (labextension/) clears
    that flag when the notebook's content has not changed. A run that changes outputs, or typing in a cell,
    still marks it modified.
    """
    reopened_after_a_saved_run(page, lab)
    page.locator(".af-figure.jupyter-widgets-disconnected").first.wait_for(timeout=30_000)  # widgets restored
    assert page.evaluate(SETTLED_DIRTY) is False

    # A run that changes an output: the imports, then the Japan table, whose execution count goes from 4 to 2.
    cells = "window.jupyterapp.shell.currentWidget.content"
    for index in (1, 7):
        page.evaluate(f"{cells}.activeCellIndex = {index}")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-cell')")
        page.wait_for_function(f"{cells}.model.cells.get({index}).executionCount !== null && ({IDLE})")
    assert page.evaluate(f"{cells}.model.cells.get(7).executionCount") == 2
    assert page.evaluate(SETTLED_DIRTY) is True

    save(page)
    assert page.evaluate(DIRTY) is False
    # Typing in a cell.
    page.locator(".jp-Notebook .jp-CodeCell").nth(3).locator(".cm-content").click()
    page.keyboard.type("# a note")
    page.wait_for_function(DIRTY, timeout=30_000)
    assert page.evaluate(SETTLED_DIRTY) is True
