"""Issue 20, fault 1, in a real JupyterLab and Chromium: the teacher's class report (teacher/class_report.ipynb) run
on a folder of hand-ins whose every column carries markup, script, MathJax and template syntax. No script runs,
no dialog opens, the text is shown as the students typed it, and MathJax typesets none of it.
See conftest.py for the server and the browser."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from after_fukushima.scorecard import HAND_IN_COLUMNS
from after_fukushima.teacher import class_report as report

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "lab/tree/teacher/class_report.ipynb"
REFLECTION = "why-hesitate"  # the reflection the notebook shows side by side

# Each marks the page if it ever runs: window.__afRan collects the names of what ran.
RAN = "window.__afRan=(window.__afRan||[]).concat"
NAMES = [  # each a student (and the file they hand in): short enough to be a name, every one a trap
    "<img src=x onerror=alert(1)>",
    "$x^2$ Mallory",
    "<script>alert(2)</script>",
    "</td></tr></table><b id=af-out>Bob</b>",
    "{{ 7*7 }} Tom ${7*7}",
    '<a href="javascript:alert(3)">Joe</a>',
]
ANSWER = (  # a reflection and a wrong answer that try everything at once
    f"<img src=x onerror=\"{RAN}('img')\"> <script>{RAN}('script')</script> "
    f"<svg onload=\"{RAN}('svg')\"></svg> </td></tr></table><b id=af-escaped>out of the table</b> "
    "$\\frac{a}{b}$ and $$\\int_0^1 y\\,dy$$ and \\(z^2\\) "
    "<a href=\"javascript:window.__afRan=['link']\">a link</a> {{ 7*7 }} <style>body{display:none}</style>"
)
# What the page must show literally, as typed (the whole answer is cut by the tables only at their width).
LITERAL = [*NAMES[:3], "$\\frac{a}{b}$ and $$\\int_0^1 y\\,dy$$ and \\(z^2\\)", "{{ 7*7 }}", "<svg onload="]


def hostile_folder(folder: Path) -> None:
    """A small invented class, and six students whose every cell is a trap; their files are named with traps too."""
    report.demo_class(folder, students=8, seed=0)
    for n, name in enumerate(NAMES):
        rows = [
            [name, "00_start_here", REFLECTION, "reflection", 1, "", ANSWER, "2025-09-08T10:00:00+00:00"],
            [name, "00_start_here", "summit-place", "<b>kind</b>", "<i>1</i>", "", ANSWER, "<script>x</script>"],
            [name, "00_start_here", "days-after-quake", "number", "$1$", "False", ANSWER, "{{ now }}"],
            [name, "00_start_here", "summit-place", "multiple_choice", 2, ANSWER, "Vienna, Austria", ""],
            [name, "<img src=x onerror=alert(4)>", "$y$", "reflection", 1, "", "x", ""],
        ]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HAND_IN_COLUMNS)
        writer.writerows(rows)
        file = f"after_fukushima_<img src=x onerror=alert({n + 10})> $y$ {{{{x}}}} javascript:alert(1).csv"
        (folder / (file if n == 0 else f"after_fukushima_Trap-{n}.csv")).write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def report_page(page, lab):
    """The class report opened and run on the hostile folder; page.dialogs records any dialog (dismissed)."""
    teacher = lab.root / "teacher"
    shutil.rmtree(teacher, ignore_errors=True)
    (teacher / "hand_ins").mkdir(parents=True)
    shutil.copy(ROOT / "teacher" / "class_report.ipynb", teacher / "class_report.ipynb")
    hostile_folder(teacher / "hand_ins")
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(lab.url(NOTEBOOK))
    page.wait_for_function(
        "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'", timeout=90_000
    )
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    try:
        page.wait_for_function(
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle' && "
            "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".every(p => /\\[\\d+\\]/.test(p.textContent)) && "
            "document.querySelectorAll('.jp-OutputArea-output img[src^=\"data:image/png\"]').length === 2",
            timeout=180_000,
        )
    except PlaywrightTimeout:
        raise AssertionError("the class report did not finish running within 180 s") from None
    page.wait_for_timeout(3000)  # time for MathJax, which typesets after the outputs are shown
    return page


def test_markup_in_every_column_of_a_hand_in_is_shown_as_text(report_page):
    page = report_page
    outputs = page.locator(".jp-OutputArea")
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    # Nothing ran: no handler, no script, no dialog, no link to script.
    assert page.evaluate("window.__afRan") is None
    assert page.dialogs == []
    made = page.evaluate(
        """() => [...document.querySelectorAll('.jp-OutputArea-output')].flatMap(o => [...o.querySelectorAll(
             'img[src="x"], script, svg, iframe, a[href^="javascript:"], #af-out, #af-escaped, b, i')])
             .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert made == [], made
    styles = page.evaluate("[...document.querySelectorAll('.jp-OutputArea-output style')].map(s => s.textContent)")
    assert not [s for s in styles if "display:none" in s.replace(" ", "")], "a student's <style> is in the page"
    # The students' text is on the page as they typed it: in the behind table, the reflections, the wrong answers.
    text = "\n".join(outputs.all_inner_texts())
    for literal in LITERAL:
        assert literal in text, literal
    assert text.count("$\\frac{a}{b}$") >= 2, "in the reflections and in the commonest wrong answers"
    tables = page.locator(".jp-OutputArea-output table")
    assert tables.count() >= 5 and "</td></tr></table><b id=af-out>Bob</b>" in "\n".join(tables.all_inner_texts())
    # MathJax typeset nothing a student wrote...
    assert page.locator(".jp-OutputArea mjx-container, .jp-OutputArea .MathJax").count() == 0
    # ...though it is at work in this page: a formula of the teacher's own, in a cell added now, is typeset.
    control = "from IPython.display import HTML\nHTML(\"<p class='af-control'>$z^2 + 1$</p>\")"
    page.evaluate(
        """source => {
          const app = window.jupyterapp;
          return app.commands.execute('notebook:insert-cell-below').then(() => {
            app.shell.currentWidget.content.activeCell.model.sharedModel.setSource(source);
            return app.commands.execute('notebook:run-cell');
          });
        }""",
        control,
    )
    page.locator(".af-control mjx-container").first.wait_for(timeout=60_000)
    assert page.locator(".jp-OutputArea mjx-container").count() == page.locator(".af-control mjx-container").count()
