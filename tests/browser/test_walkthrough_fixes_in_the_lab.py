"""Issue 21, the walkthrough of lessons 03-06, in a real JupyterLab and Chromium: what only a browser shows.

Worksheet 03 reopened without running it: the scorecard says once that it is a saved copy, with no broken-link
icon on its parts and nothing in it clickable (fault 1). Worksheet 03 answered after Run All: Export counts the
table again, so that it agrees with the file (fault 2), and Check pressed again and again on the same order of
``order-instruments`` saves one attempt and says so (fault 4). JupyterLab Dark: the circle of an unchecked radio
button and the box of an unchecked checkbox stand out at least 3:1 from the background, measured on the pixels
the browser draws (fault 5).
"""

import io
import json
import shutil
from pathlib import Path

from chromium import exercises_in
from PIL import Image
from playwright.sync_api import expect
from test_lesson00_in_jupyterlab import choose, exercise, open_and_run_all, save_and_stop_kernels
from test_reopened_and_projected import IDLE, contrast

from after_fukushima import load_bank
from after_fukushima.progress import ProgressStore
from after_fukushima.scorecard import SAVED_COPY

WORKSHEET = "exercises/03_worksheet_the_proposal.ipynb"
FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "radio_contrast.json"  # for the notes


def run_worksheet(page, lab, notebook: str = WORKSHEET):
    open_and_run_all(page, lab, f"lab/tree/{notebook}", exercises_in(WORKSHEET))
    page.locator(".af-scorecard-box").wait_for(timeout=30_000)


def test_a_reopened_scorecard_says_it_is_a_saved_copy(page, lab):
    # A copy of the worksheet, so that the other tests of this module open it as shipped, not saved with the state
    # of this test's widgets (restoring those while Run All starts once logged "widget model not found").
    copy = WORKSHEET.replace(".ipynb", "_saved_copy.ipynb")
    shutil.copy(lab.root / WORKSHEET, lab.root / copy)
    run_worksheet(page, lab, copy)
    save_and_stop_kernels(page)
    page.wait_for_function(IDLE, timeout=90_000)
    card = page.locator(".af-scorecard-box.jupyter-widgets-disconnected")
    card.wait_for(timeout=60_000)
    card.scroll_into_view_if_needed()
    said = card.evaluate("node => getComputedStyle(node, '::before').content")
    shown = card.evaluate("node => getComputedStyle(node, '::before').display")
    assert SAVED_COPY in said and shown != "none"
    assert card.evaluate("node => getComputedStyle(node).pointerEvents") == "none"  # no Export that does nothing
    icons = card.evaluate(
        """node => [...node.querySelectorAll('.jupyter-widgets-disconnected')]
        .filter(part => getComputedStyle(part, '::before').display !== 'none').length"""
    )
    assert icons == 0  # one sentence, not a broken-link icon on the table, Refresh, the name and Export
    assert card.locator("table.af-scorecard").count() == 1  # the counts as they were saved are still there


def test_export_counts_the_table_again_and_the_same_order_checked_again_is_saved_once(page, lab):
    run_worksheet(page, lab)
    bank = load_bank("03_the_proposal")
    items = bank.entry("order-instruments")["items"]
    before = len(ProgressStore(lab.progress).attempts("03_the_proposal", "order-instruments"))
    order = exercise(page, "order-instruments")
    for place, item in zip(["1st", "2nd", "3rd", "4th", "5th", "6th"], reversed(items)):
        choose(order, place, item)
    check = order.get_by_role("button", name="Check", exact=True)
    for _ in range(6):  # the walkthrough reached '6 attempts' this way
        check.click()
    order.locator(".af-feedback").filter(has_text="You checked this answer already").wait_for(timeout=30_000)

    card = page.locator(".af-scorecard-box")
    card.get_by_role("textbox", name="Your name").fill("Ann Lee")
    card.get_by_role("button", name="Export for my teacher").click()
    card.get_by_text("Saved all your answers").wait_for(timeout=30_000)  # handled after every Check above
    rows = ProgressStore(lab.progress).attempts("03_the_proposal", "order-instruments")[before:]
    assert [row["answer"] for row in rows] == [list(reversed(items))]
    expect(order.locator(".af-attempts")).to_have_text(f"{before + 1} attempt{'s' if before else ''}")
    assert "✘ Not yet." in order.locator(".af-feedback").inner_text()  # the verdict stays in view
    answered = len({a["exercise"] for a in ProgressStore(lab.progress).attempts("03_the_proposal")})
    row = card.locator("table.af-scorecard tr").filter(has_text="03_the_proposal")
    expect(row.locator("td").nth(2)).to_have_text(f"{answered} / {len(bank.ids)}")  # not the 0 of Run All
    assert page.js_errors == []


# A control's outline as the browser draws it, across the middle row of its picture (where a circle's edge is upright):
# the contrast of each pixel with the background 4 px outside the control, and the thickest run of pixels at 3:1 or
# more. Chromium's own dark radio button and checkbox have a one-pixel grey ring (about 4:1 at its brightest pixel)
# around a dark grey fill (1.6:1): from the back of a room, a dark grey disc on near-black.
def outline(page, control) -> dict:
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    clip = {"x": box["x"] - 4, "y": box["y"] - 4, "width": box["width"] + 8, "height": box["height"] + 8}
    picture = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    background = picture.getpixel((0, 0))
    as_css = "rgb({}, {}, {})".format
    row = [picture.getpixel((x, picture.height // 2)) for x in range(picture.width)]
    ratios = [contrast(as_css(*background), as_css(*pixel)) for pixel in row]
    thickest = run = 0
    for ratio in ratios:
        run = run + 1 if ratio >= 3 else 0
        thickest = max(thickest, run)
    return {"highest contrast": round(max(ratios), 2), "outline px at 3:1": thickest}


def test_unchecked_radio_buttons_and_checkboxes_stand_out_in_the_dark_theme(page, lab):
    """An outline at least 2 px thick at 3:1 or more in JupyterLab Dark, and still in Light."""
    open_and_run_all(page, lab)
    radio = exercise(page, "summit-place").get_by_role("radio", name="Tokyo, Japan")
    box = page.locator(".af-exercise input[type=checkbox]").first
    assert not radio.is_checked() and not box.is_checked()
    measured = {}
    for theme in ("JupyterLab Dark", "JupyterLab Light"):  # Light last: the next tests start in it
        page.evaluate(f"window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}})")
        page.wait_for_function(f"document.body.dataset.jpThemeName === '{theme}'", timeout=30_000)
        page.wait_for_timeout(1500)  # the theme's style sheet applied
        measured[theme] = {"radio": outline(page, radio), "checkbox": outline(page, box)}
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(measured, indent=1), encoding="utf-8")
    # At least 3:1 (WCAG 2.1 non-text contrast), over an outline at least 2 px thick, like JupyterLab's focus ring.
    assert all(m["outline px at 3:1"] >= 2 for ratios in measured.values() for m in ratios.values()), measured
