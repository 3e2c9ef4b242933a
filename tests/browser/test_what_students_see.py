"""Issue 13 in a real JupyterLab and Chromium: text readable in the light and the dark theme (contrast measured),
a lesson reopened after its kernel stopped, Shift+Enter over an answered exercise, Enter in a number box, and
the chosen category of a sort exercise marked unmistakably."""

import json
from pathlib import Path

from test_lesson00_in_jupyterlab import check, exercise, hint, open_and_run_all, save_and_stop_kernels

CONTRAST_FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "contrast.json"  # for the notes

# WCAG 2 contrast of every visible piece of text in the exercises and the scorecard, against the colour
# actually behind it (the first opaque background up the tree, with translucent layers blended in).
CONTRASTS = """
() => {
  const parse = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]); };
  const luminance = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el.closest('.af-exercise, .af-scorecard-box')) continue;
    if (el.closest('button:disabled, style') || el.offsetParent === null) continue;  // disabled controls are exempt
    const style = getComputedStyle(el), background = behind(el);
    const colour = over([...parse(style.color).slice(0, 3), parse(style.color)[3] * Number(style.opacity)], background);
    const [a, b] = [luminance(colour), luminance(background)];
    found.push({text: node.textContent.trim().slice(0, 50), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  }
  return found;
}
"""


def answer_a_few(page):
    """Put every kind of text on screen: wrong and right feedback, a hint, a chosen category, a word count."""
    mc = exercise(page, "summit-place")
    mc.get_by_role("radio", name="Vienna, Austria").check()
    check(mc, "Vienna is where the IAEA has its headquarters")
    hint(mc, "G8 presidency")
    number = exercise(page, "days-after-quake")
    number.get_by_role("textbox", name="Your answer").fill("75")
    check(number, "✔ Correct.")
    sort = exercise(page, "sort-statements")
    sort.locator(".widget-toggle-buttons").first.get_by_role("button", name="obstacle", exact=True).click()
    exercise(page, "why-hesitate").get_by_role("textbox", name="Your reflection").fill("Sovereignty matters.")


def lowest(page) -> tuple[float, list]:
    measured = page.evaluate(CONTRASTS)
    assert len(measured) > 50, "the exercises' text was found"
    return min(m["ratio"] for m in measured), sorted(measured, key=lambda m: m["ratio"])[:3]


def test_every_text_in_the_exercises_is_readable_in_the_light_and_the_dark_theme(page, lab):
    open_and_run_all(page, lab)
    answer_a_few(page)
    figures = {}
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        page.evaluate(f"window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}})")
        page.wait_for_function(f"document.body.dataset.jpThemeName === '{theme}'", timeout=30_000)
        page.wait_for_timeout(1500)
        figures[theme] = lowest(page)
    CONTRAST_FIGURES.parent.mkdir(exist_ok=True)
    CONTRAST_FIGURES.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")
    for theme, (ratio, worst) in figures.items():
        assert ratio >= 4.5, (theme, worst)  # WCAG AA for normal text


def test_the_chosen_category_of_a_sort_exercise_stands_out(page, lab):
    open_and_run_all(page, lab)
    row = exercise(page, "sort-statements").locator(".widget-toggle-buttons").first
    row.get_by_role("button", name="case for", exact=True).click()
    chosen = row.locator("button.mod-active")
    chosen.locator(".fa-check").wait_for(timeout=15_000)  # a tick, not only a colour
    assert chosen.inner_text().strip() == "case for"
    colours = row.evaluate("""r => [...r.querySelectorAll('button')].map(b => getComputedStyle(b).backgroundColor)""")
    assert len(set(colours)) == 2  # the chosen one differs from all the others
    assert row.locator(".fa-check").count() == 1


def test_shift_enter_over_an_answered_exercise_keeps_its_verdict_and_hints(page, lab):
    open_and_run_all(page, lab)
    mc = exercise(page, "summit-place")
    mc.get_by_role("radio", name="Deauville, France").check()
    check(mc, "✔ Correct.")
    hint(mc, "G8 presidency")
    cell = page.locator(".jp-CodeCell").filter(has=page.locator(".af-exercise-summit-place"))
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    again = exercise(page, "summit-place")
    again.locator(".af-feedback").filter(has_text="Your last saved answer, as you left it").wait_for(timeout=30_000)
    text = again.inner_text()
    assert "✔ Correct." in text and "37th G8 summit" in text and "Hint 1" in text
    assert "Press Check to see the feedback again" not in text


def test_enter_in_a_number_box_checks_the_answer(page, lab):
    open_and_run_all(page, lab)
    number = exercise(page, "days-after-quake")
    box = number.get_by_role("textbox", name="Your answer")
    box.fill("2,5")
    box.press("Enter")
    number.locator(".af-feedback").filter(has_text="That looks like months").wait_for(timeout=15_000)


def test_a_lesson_reopened_after_its_kernel_stopped_still_shows_its_exercises(page, lab):
    open_and_run_all(page, lab)
    mc = exercise(page, "summit-place")
    mc.get_by_role("radio", name="Deauville, France").check()
    check(mc, "✔ Correct.")
    save_and_stop_kernels(page)
    page.wait_for_function("window.jupyterapp?.shell.currentWidget?.context?.isReady", timeout=90_000)
    page.locator(".af-exercise-summit-place").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    assert page.get_by_text("model not found").count() == 0
    reopened = exercise(page, "summit-place")
    assert "Where did the G8 leaders meet" in reopened.inner_text() and "✔ Correct." in reopened.inner_text()
    # It is a saved copy, and says what to do: run the cell again.
    banner = reopened.evaluate("e => getComputedStyle(e, '::before').content")
    assert "run this cell (Shift+Enter), or Run All, to answer again" in banner
    assert reopened.evaluate("e => getComputedStyle(e).pointerEvents") == "none"  # no Check that does nothing


def test_on_a_projector_with_the_file_browser_open_figures_fit_the_notebook(browser, lab):
    """1024x768 with the file browser open: an interactive figure is shrunk to the notebook's width, not cut off."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        open_and_run_all(page, lab)
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
        page.wait_for_timeout(1500)
        canvas = page.locator(".af-figure canvas").first
        canvas.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        right = canvas.evaluate("c => c.getBoundingClientRect().right")
        room = canvas.evaluate("c => c.closest('.jp-OutputArea-output').getBoundingClientRect().right")
        assert right <= room + 1, (right, room)
        box = canvas.bounding_box()
        assert box["height"] / box["width"] > 0.3  # shrunk in proportion, not squashed
        below = page.locator(".af-figure").first.evaluate(
            "f => f.parentElement.lastElementChild.getBoundingClientRect().top"
        )  # the figure in words
        assert below >= box["y"] + box["height"] - 1  # nothing drawn over the figure
        page.screenshot(path=str(CONTRAST_FIGURES.parent / "projector_1024_figure.png"))
    finally:
        context.close()
