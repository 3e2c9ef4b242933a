"""The course website's configuration and assembly (make site), without building it: tests/browser/test_site_pages.py
opens every page of a real build."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from after_fukushima.errors import CourseError
from after_fukushima.maintainers import site

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((site.SITE / "_config.yml").read_text(encoding="utf-8"))


def test_the_lessons_come_in_order_each_followed_by_its_worksheet():
    lessons = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    worksheets = {path.stem[:2]: path.stem for path in (ROOT / "exercises").glob("[0-9][0-9]_worksheet_*.ipynb")}
    expected = []
    for lesson in lessons:
        expected.append(f"notebooks/{lesson}")
        if lesson[:2] in worksheets:
            expected.append(f"exercises/{worksheets.pop(lesson[:2])}")
    assert not worksheets, f"worksheets without a lesson: {sorted(worksheets.values())}"
    toc = yaml.safe_load((site.SITE / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["root"] == "README"
    first_part = [chapter["file"] for chapter in toc["parts"][0]["chapters"]]
    assert first_part == expected


def test_every_page_exists_and_the_teachers_and_sources_pages_are_there():
    pages = site.pages()
    assert len(pages) == len(set(pages)), "a page is listed twice in site/_toc.yml"
    for page in pages:
        site.source_of(page)  # raises CourseError for a missing page
    wanted = ["teacher/index", "teacher/projecting", "teacher/role_play_cards", "teacher/class_report"]
    wanted += [f"teacher/{path.stem}" for path in (ROOT / "teacher").glob("*_plan.md")]
    wanted += ["data/README", "about/licences", "about/citation"]
    assert set(wanted) <= set(pages)
    index_pages = {path.relative_to(site.SITE).with_suffix("").as_posix() for path in site.SITE.rglob("*.md")}
    assert index_pages <= set(pages), "a page in site/ that the table of contents does not list"


def test_the_answer_key_is_not_on_the_site_and_its_index_page_says_where_it_is(tmp_path):
    assert not [page for page in site.pages() if "answer_key" in page]
    linked = site.assemble(tmp_path / "book")
    book_files = [path.relative_to(tmp_path / "book").as_posix() for path in (tmp_path / "book").rglob("*")]
    assert not [name for name in book_files if "answer_key" in name]
    assert ROOT / "notebooks" / "00_start_here.ipynb" in linked
    assert (tmp_path / "book" / "notebooks" / "00_start_here.ipynb").is_symlink()
    index = (site.SITE / "teacher" / "index.md").read_text(encoding="utf-8")
    assert "teacher/answer_key.md" in index and "make answer-key" in index


def test_assembling_leaves_the_course_files_as_they_are_and_sets_the_addresses_in_the_copy(tmp_path):
    before = (site.SITE / "_config.yml").read_bytes()
    site.assemble(tmp_path / "book", repo="https://github.com/school/after-fukushima", hub="https://hub.school.example")
    assert (site.SITE / "_config.yml").read_bytes() == before
    copied = yaml.safe_load((tmp_path / "book" / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert copied["after_fukushima_repository"] == "https://github.com/school/after-fukushima"
    assert copied["after_fukushima_hub"] == "https://hub.school.example"


def test_a_page_the_toc_names_but_the_course_lacks_is_a_sentence(tmp_path):
    config = tmp_path / "site"
    config.mkdir()
    (config / "_config.yml").write_text("title: x\n", encoding="utf-8")
    (config / "_toc.yml").write_text("format: jb-book\nroot: README\nchapters:\n  - file: notebooks/99_gone\n")
    with pytest.raises(CourseError, match=r"site/_toc.yml names the page 'notebooks/99_gone'.*correct the name"):
        site.assemble(tmp_path / "book", site=config, checkout=ROOT)


def test_nothing_in_the_configuration_fetches_from_another_host():
    config = CONFIG["sphinx"]["config"]
    assert config["nb_ipywidgets_js"] == {}, "myst-nb would load the widget manager from a CDN"
    assert CONFIG["execute"]["execute_notebooks"] == "off"
    assert "dollarmath" not in CONFIG["parse"]["myst_enable_extensions"], "MathJax would come from a CDN"
    assert not CONFIG["launch_buttons"]["thebe"] and "sphinx_thebe" in site.LEFT_OUT
    assert not any(CONFIG["html"]["comments"].values())


def test_the_readme_shows_no_remote_image():
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert images, "the README's badges are gone"
    for image in images:
        assert not urlsplit(image).scheme, f"README.md shows a remote image: {image}"
        assert (ROOT / image).is_file(), f"README.md shows {image}, which is not in the repository"


def test_run_links_open_this_notebook_on_the_hub_and_on_binder():
    links = site.run_links(
        "exercises/03_worksheet_the_proposal.ipynb",
        repo="https://github.com/school/after-fukushima",
        hub="https://hub.school.example",
    )
    pull = urlsplit(links["jupyterhub"])
    query = parse_qs(pull.query)
    assert pull.netloc == "hub.school.example" and pull.path == "/hub/user-redirect/git-pull"
    assert query["repo"] == ["https://github.com/school/after-fukushima"]
    assert query["urlpath"] == ["lab/tree/after-fukushima/exercises/03_worksheet_the_proposal.ipynb"]
    assert links["binder"] == (
        "https://mybinder.org/v2/gh/school/after-fukushima/main?urlpath=lab%2Ftree%2Fexercises%2F03_worksheet_the_proposal.ipynb"
    )


def test_unset_addresses_are_said_not_linked():
    placeholder = site.run_box(
        "notebooks/01_fukushima_accident.ipynb",
        "../_sources/x.ipynb",
        repo="https://github.com/OWNER/REPOSITORY",
        hub="",
    )
    assert "mybinder.org" not in placeholder and "git-pull" not in placeholder
    assert "No JupyterHub or Binder link: this copy of the website was built without its addresses" in placeholder
    assert '<a href="../_sources/x.ipynb" download="01_fukushima_accident.ipynb">Download' in placeholder
    no_hub = site.run_box("notebooks/01_fukushima_accident.ipynb", "x", repo="https://github.com/s/c", hub="")
    assert "https://mybinder.org/v2/gh/s/c/main" in no_hub and "No JupyterHub link: " in no_hub
    both = site.run_box(
        "notebooks/01_fukushima_accident.ipynb", "x", repo="https://github.com/s/c", hub="https://h.example"
    )
    assert "git-pull" in both and "mybinder.org" in both and "No " not in both


def test_the_readmes_placeholder_links_point_at_the_repository_set_for_the_site():
    from types import SimpleNamespace

    from docutils import nodes

    tree = nodes.section()
    tree += nodes.reference(refuri="https://OWNER.github.io/REPOSITORY/")
    tree += nodes.reference(refuri="https://mybinder.org/v2/gh/OWNER/REPOSITORY/main?urlpath=lab")
    unset = SimpleNamespace(config=SimpleNamespace(after_fukushima_repository="https://github.com/OWNER/REPOSITORY"))
    site._fill_addresses(unset, tree, "README")
    assert [ref["refuri"] for ref in tree.findall(nodes.reference)][0] == "https://OWNER.github.io/REPOSITORY/"
    chosen = SimpleNamespace(config=SimpleNamespace(after_fukushima_repository="https://github.com/school/course"))
    site._fill_addresses(chosen, tree, "README")
    assert [ref["refuri"] for ref in tree.findall(nodes.reference)] == [
        "https://school.github.io/course/",
        "https://mybinder.org/v2/gh/school/course/main?urlpath=lab",
    ]


def test_a_described_figure_gets_its_description_as_the_websites_alt_text(tmp_path):
    """Issue 24, item 2: a figure's description lives in its PNG output's metadata; myst-nb reads alt text only from
    the cell's metadata, so the book's copy of the notebook has it there (the original is not changed)."""
    import nbformat

    figure = nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}, metadata={}
    )
    described = nbformat.from_dict({**figure, "metadata": {"image/png": {"alt": "Bars for 3 countries."}}})
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A lesson"), nbformat.v4.new_code_cell("f()", outputs=[described])]
    )
    source, target = tmp_path / "lesson.ipynb", tmp_path / "book" / "lesson.ipynb"
    target.parent.mkdir()
    nbformat.write(notebook, source)
    before = source.read_bytes()
    assert site.with_alt_text(source, target) is True
    copy = nbformat.read(target, as_version=4)
    assert copy.cells[1].metadata["mystnb"]["image"]["alt"] == "Bars for 3 countries."
    assert source.read_bytes() == before

    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("f()", outputs=[figure])]), plain)
    assert site.with_alt_text(plain, tmp_path / "book" / "plain.ipynb") is False
    assert not (tmp_path / "book" / "plain.ipynb").exists()

    other = nbformat.from_dict({**figure, "metadata": {"image/png": {"alt": "Dots for 2 years."}}})
    notebook.cells[1].outputs.append(other)
    nbformat.write(notebook, source)
    with pytest.raises(CourseError, match="draw each figure in a cell of its own"):
        site.with_alt_text(source, target)
