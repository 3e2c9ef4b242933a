"""Notebook hygiene: every lesson and worksheet is stored as a clean Restart & Run All.

nbval (run by `make test` over notebooks/ and exercises/) re-executes each notebook and compares its
outputs strictly; these tests check what nbval does not: how the notebooks were saved.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/*.ipynb")])
LESSONS = sorted(ROOT.glob("notebooks/*.ipynb"))
TEMPLATE = ROOT / "templates" / "lesson_template.ipynb"  # what CONTRIBUTING.md's "add a lesson" copies
LAST_LESSON = max(int(path.name[:2]) for path in LESSONS)
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/tmp/|/work/|/Users/|[A-Za-z]:\\\\|site-packages)")
LESSON_PARTS = [
    "Overview",
    "Learning objectives",
    "Prerequisites",
    "Time",
    "Key takeaways",
    "Discussion questions",
    "Sources",
]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def read(path):
    return nbformat.read(path, as_version=4)


def test_there_are_notebooks_to_check():
    assert ROOT / "notebooks" / "00_start_here.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_saved_as_a_clean_run_from_the_top(path):
    notebook = read(path)
    nbformat.validate(notebook)
    counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "run Kernel > Restart and Run All, or `make execute`"
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"a stored error in: {cell.source[:60]}"
            assert not (output.output_type == "stream" and output.name == "stderr"), cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_absolute_paths_and_the_usual_kernel(path):
    notebook = read(path)
    assert notebook.metadata.kernelspec.name == "python3"
    assert "widgets" not in notebook.metadata, "widget state belongs to a session, not to the stored notebook"
    text = nbformat.writes(notebook)
    assert not ABSOLUTE_PATH.search(text), ABSOLUTE_PATH.search(text).group(0)


def number_of(path) -> str:
    """A lesson's number as its title gives it: '03', or 'NN' in the template."""
    return "NN" if path == TEMPLATE else path.name[:2]


@pytest.mark.parametrize("path", [*LESSONS, TEMPLATE], ids=ids([*LESSONS, TEMPLATE]))
def test_every_lesson_has_the_course_structure(path):
    markdown = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")
    assert markdown.startswith(f"# {number_of(path)} · "), "the title starts with the lesson number"
    for part in LESSON_PARTS:
        assert re.search(rf"(\*\*{part}\*\*|^#+ {part})", markdown, re.MULTILINE), f"no '{part}'"
    assert re.search(r"^## 1\. ", markdown, re.MULTILINE), "sections are numbered"
    assert markdown.index("Key takeaways") > markdown.index("## 1. "), "takeaways come after the sections"


WORKSHEETS = sorted(ROOT.glob("exercises/*.ipynb"))
SHOWN = re.compile(r'questions\.exercise\("([a-z0-9-]+)"\)')


def exercises_shown(path) -> list[str]:
    return [ident for cell in read(path).cells if cell.cell_type == "code" for ident in SHOWN.findall(cell.source)]


@pytest.mark.parametrize("path", WORKSHEETS, ids=ids(WORKSHEETS))
def test_every_worksheet_has_enough_exercises_of_enough_kinds(path):
    from after_fukushima import load_bank

    markdown = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")
    assert markdown.startswith(f"# Worksheet {path.name[:2]} · ") and "## Sources" in markdown
    lesson = ROOT / "notebooks" / path.name.replace("_worksheet_", "_")  # 01_worksheet_x.ipynb is lesson 01_x's
    assert lesson.exists() and path.name[:18] != lesson.name[:18]  # two tabs in JupyterLab can be told apart
    bank = load_bank(lesson.stem)
    kinds = [bank.entry(ident)["kind"] for ident in exercises_shown(path)]
    assert len(kinds) >= 8 and len(set(kinds)) >= 5 and kinds.count("code_task") >= 2, kinds
    in_lesson = exercises_shown(lesson)
    assert 2 <= len(in_lesson) <= 4 or path.stem == "00_start_here"
    every = set(exercises_shown(path)) | set(in_lesson)
    assert every == set(bank.ids), "every question in the bank is asked somewhere, and only once"
    assert len(every) == len(exercises_shown(path)) + len(in_lesson)


NAMED = re.compile(r"^(\w+) = questions\.exercise\(", re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_each_code_task_has_its_own_name(path):
    """A student who goes back to an earlier task must check it, not whichever task was shown last."""
    names = [name for cell in read(path).cells if cell.cell_type == "code" for name in NAMED.findall(cell.source)]
    assert len(names) == len(set(names)), names
    checks = re.findall(r"^(\w+)\.check\(", "\n".join(cell.source for cell in read(path).cells), re.MULTILINE)
    assert set(checks) <= set(names), "every .check(...) goes through a task named in this notebook"


def markdown_of(path) -> str:
    return "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("path", [*LESSONS, TEMPLATE], ids=ids([*LESSONS, TEMPLATE]))
def test_each_section_has_a_time_marker_and_they_add_up_to_the_lesson_time(path):
    markdown = markdown_of(path)
    sections = re.findall(r"^## (\d+)\. [^\n]*\n\n\*Time: about (\d+) minutes\.\*", markdown, re.MULTILINE)
    numbered = re.findall(r"^## (\d+)\. ", markdown, re.MULTILINE)
    assert [n for n, _ in sections] == numbered, "every numbered section starts with its time marker"
    stated = int(re.search(r"\| \*\*Time\*\* \| (?:About )?(\d+) minutes", markdown).group(1))
    assert sum(int(minutes) for _, minutes in sections) == stated


LINK = re.compile(r"\]\(((?:\.\./exercises/)?[0-9]{2}_[a-z0-9_]+\.ipynb)\)")


@pytest.mark.parametrize("path", [*LESSONS, TEMPLATE], ids=ids([*LESSONS, TEMPLATE]))
def test_prerequisites_and_whats_next_link_to_lessons_that_exist(path):
    markdown = markdown_of(path)
    number = LAST_LESSON + 1 if path == TEMPLATE else int(path.name[:2])
    folder = ROOT / "notebooks"  # where the template's copy will live
    prerequisites = re.search(r"\| \*\*Prerequisites\*\* \|([^\n]*)", markdown).group(1)
    earlier = [int(link[:2]) for link in LINK.findall(prerequisites)]
    assert number == 0 or (earlier and all(n < number for n in earlier)), "prerequisites link earlier lessons"
    nexts = markdown.split("## What's next", 1)
    assert len(nexts) == 2, "a 'What's next' section"
    linked = LINK.findall(nexts[1])
    for link in [*LINK.findall(prerequisites), *linked]:
        assert (folder / link).resolve().exists(), link
    following = [link for link in linked if link.startswith(f"{number + 1:02d}_")]
    if number < LAST_LESSON:
        assert following, "links the next lesson"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_lesson_has_a_teachers_plan_and_a_row_in_the_readme(path):
    """CONTRIBUTING.md's 'add a lesson' asks for both; without a test, forgetting either would be silent."""
    assert (ROOT / "teacher" / f"{path.stem}_plan.md").exists(), f"no teacher/{path.stem}_plan.md"
    assert f"`notebooks/{path.name}`" in (ROOT / "README.md").read_text(encoding="utf-8"), "no row in README"


EVERY_NOTEBOOK = sorted([*NOTEBOOKS, *ROOT.glob("teacher/*.ipynb"), TEMPLATE])


def test_every_cell_id_is_unique_across_the_course():
    """A cell copied from another notebook keeps its id; nbdime, JupyterLab's collaboration and the website's
    anchors then confuse the two. (Worksheets 03-06 shared three ids, copied from one another.)"""
    where = {}
    for path in EVERY_NOTEBOOK:
        for cell in read(path).cells:
            here = f"{path.relative_to(ROOT)}: {cell.source.splitlines()[0][:50] if cell.source else '(empty cell)'}"
            assert cell.id not in where, (
                f"cell id {cell.id} is in both {where[cell.id]!r} and {here!r}: `make execute` gives a copied "
                "notebook's cells new ids"
            )
            where[cell.id] = here
