"""Every source a student or teacher reads can be opened by them: none cites the course's private fact sheets.

Issue 21, fault 6. The fact sheets (``../shared/reference/facts.md`` and ``facts-lessons-03-06.md``) stay with the
maintainers and are not shipped, so a citation of "course fact sheet part 2, §4a" sends a reader nowhere. Sources
name the public source the fact rests on instead. A maintainer's comment in the package may still name the fact
sheet as provenance: in Python files only string literals (what a user can see: messages, figure text, column
descriptions, docstrings) are checked.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRIVATE_SOURCE = re.compile(r"fact[ -]?sheet|facts(-lessons-03-06)?\.md|shared/reference", re.IGNORECASE)

# Files whose whole text a user reads (notebooks with their stored outputs, banks with their comments).
TEXT_FILES = [
    "notebooks/*.ipynb",
    "exercises/*.ipynb",
    "exercises/banks/*.toml",
    "teacher/*.md",
    "teacher/*.ipynb",
    "data/*.csv",
    "data/README.md",
    "data/datapackage.json",
    "curation/*.csv",
    "curation/README.md",
    "tests/claims/lesson0[3-6].toml",
]
# Modules whose strings reach users: role-play cards, figures' text, data/'s descriptions and sources.
CODE_FILES = [
    "src/after_fukushima/teacher/role_play.py",
    "src/after_fukushima/figures.py",
    "src/after_fukushima/maintainers/sources/*.py",
    "src/after_fukushima/vocabulary.py",
]


def private_citations_in_text(text: str) -> list[tuple[int, str]]:
    """(line number, matched words) for each line of ``text`` naming the private fact sheets."""
    return [
        (n, match.group(0))
        for n, line in enumerate(text.splitlines(), start=1)
        for match in [PRIVATE_SOURCE.search(line)]
        if match
    ]


def private_citations_in_strings(code: str) -> list[tuple[int, str]]:
    """(line number, matched words) for each string literal of Python ``code`` naming the private fact sheets.

    Comments are not string literals, so a maintainer's note of provenance is allowed; docstrings and the
    pieces of f-strings are checked.
    """
    return [
        (node.lineno, match.group(0))
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for match in [PRIVATE_SOURCE.search(node.value)]
        if match
    ]


def test_the_string_check_reads_strings_not_comments():
    code = '# Fact sheet part 2, §4a.\nA = "kept"\nB = f"see the fact sheet for {A}"\n'
    assert private_citations_in_strings(code) == [(3, "fact sheet")]
    assert private_citations_in_text(code) == [(1, "Fact sheet"), (3, "fact sheet")]


def found_in(pattern: str, check) -> list[str]:
    paths = sorted(ROOT.glob(pattern))
    assert paths, f"{pattern} matches no file"
    return [
        f"{path.relative_to(ROOT)}:{n}: {words}"
        for path in paths
        for n, words in check(path.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize("pattern", TEXT_FILES)
def test_no_source_cites_the_private_fact_sheet(pattern):
    """Issue 21, fault 6: every source names a public primary source a student or teacher can open, never the
    course's own fact sheet (not shipped)."""
    found = found_in(pattern, private_citations_in_text)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("pattern", CODE_FILES)
def test_no_string_a_user_sees_cites_the_private_fact_sheet(pattern):
    """Issue 21, fault 6: the strings of the modules that write role-play cards, figures and data/'s
    descriptions never send a reader to the fact sheet (comments for maintainers may)."""
    found = found_in(pattern, private_citations_in_strings)
    assert not found, "\n".join(found)


REPORT_ADDRESS = "http://www.chinadaily.com.cn/cndy/2011-05/25/content_12573607.htm"  # facts.md §0


@pytest.mark.parametrize("path", sorted(ROOT.glob("notebooks/0*.ipynb")), ids=lambda p: p.stem)
def test_every_lesson_cites_the_report_with_an_address_a_student_can_open(path):
    """Fact-check: the lessons cited the China Daily report by author, title and date only."""
    lines = [
        line
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("- ") and "China Daily" in line
    ]
    assert lines and all(REPORT_ADDRESS in line for line in lines), lines


def test_the_action_plan_dashboard_is_cited_with_its_address():
    """Fact-check: lesson 06 and its worksheet cited the IAEA Action Plan dashboard with no address."""
    for path in (ROOT / "notebooks/06_looking_back.ipynb", ROOT / "exercises/06_worksheet_looking_back.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "Action Plan dashboard" in text and "www-ns.iaea.org/actionplan" in text, path
