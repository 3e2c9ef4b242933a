"""The course as a website (``make site``): Jupyter Book 1 from the stored outputs, served by any static host.

    python -m after_fukushima.maintainers.site [--repo https://github.com/you/after-fukushima]
                                               [--hub https://hub.school.example] [--out _site]

Jupyter Book 1 reads only files under its book folder, and the course's files live where the course needs them
(README.md, notebooks/, exercises/, teacher/, ...). So ``assemble`` makes a scratch book in ``_site/book``: the
configuration and index pages of ``site/`` copied, and each page ``site/_toc.yml`` names linked (a symbolic link)
from the checkout at the same relative path, so that the course's own relative links keep working; a notebook
whose figures are described is copied instead, with each description where myst-nb reads alt text. ``build``
then writes the website to ``_site/html`` with Sphinx, without running a notebook (nbval already did).

This module is also the Sphinx extension the book loads (``setup``): it puts a "Run this lesson" box under the
title of every notebook page, with a JupyterHub link (nbgitpuller, the teacher's ``class_links``), a Binder link
and the notebook to download; where the repository or the hub is not set, the box says so instead of linking.
"""

import argparse
import shutil
import subprocess
import sys
import time
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import nbformat
import yaml
from docutils import nodes

from after_fukushima.errors import CourseError
from after_fukushima.maintainers import CHECKOUT
from after_fukushima.teacher.class_links import nbgitpuller_link

SITE = CHECKOUT / "site"
"""The website's configuration: _config.yml, _toc.yml and the section index pages."""
BUILD = CHECKOUT / "_site"
"""Where ``make site`` works (git-ignored): book/ (the scratch book), doctrees/, and html/, the website."""
ALSO = ("LICENSE", "LICENSE-CONTENT", "CITATION.cff", "site/badges/binder.svg", "site/badges/website.svg")
"""Files the pages include or show that are not pages themselves (licences, citation, README's badges)."""
PLACEHOLDER = "OWNER/REPOSITORY"
"""What README.md and site/_config.yml say where the course's repository address goes."""
LEFT_OUT = ("sphinx_thebe", "sphinx_comments")
"""Extensions Jupyter Book always loads and the website does without: thebe declares its CDN address twice on each
page (a script error) and would fetch thebe from unpkg.com; comments are off."""
TARGET = "after-fukushima"
"""The folder nbgitpuller puts the course in, in each student's home (as ``make link``)."""


def pages(toc: Path = SITE / "_toc.yml") -> list[str]:
    """Every page ``toc`` names, in reading order: paths without suffix, relative to the book root (root first)."""
    try:
        tree = yaml.safe_load(toc.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise CourseError(f"The website's table of contents {toc} cannot be read ({problem}); restore it.") from None
    found = [tree["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(tree.get("parts"))
    walk(tree.get("chapters"))
    return found


def source_of(page: str, *, site: Path = SITE, checkout: Path = CHECKOUT) -> Path:
    """The file behind ``page``: site/ first (the index pages), then the checkout; .md, then .ipynb.

    Raises CourseError when neither exists, naming the page and the table of contents.
    """
    for folder in (site, checkout):
        for suffix in (".md", ".ipynb"):
            if (folder / f"{page}{suffix}").is_file():
                return folder / f"{page}{suffix}"
    raise CourseError(
        f"site/_toc.yml names the page '{page}', but neither {page}.md nor {page}.ipynb exists in site/ or in the "
        "course: correct the name in site/_toc.yml, or remove the entry."
    )


def assemble(
    book: Path, *, repo: str | None = None, hub: str | None = None, site: Path = SITE, checkout: Path = CHECKOUT
) -> list[Path]:
    """Make the scratch book folder ``book`` (emptied first) and return the course files it links, in page order.

    site/'s pages and configuration are copied; each course file the toc names (and ``ALSO``) is a symbolic link
    at its own relative path. ``repo`` and ``hub``, when given, replace the addresses of site/_config.yml in the
    copy (the original is not changed). Raises CourseError for a page the toc names that does not exist.
    """
    if book.exists():
        shutil.rmtree(book)
    shutil.copytree(site, book, ignore=shutil.ignore_patterns("_build", "badges"))
    linked = []
    for page in pages(site / "_toc.yml"):
        source = source_of(page, site=site, checkout=checkout)
        if source.is_relative_to(site):
            continue
        linked.append(source)
    for name in ALSO:
        if not (checkout / name).is_file():
            raise CourseError(f"The website shows {name}, which is missing from the course: restore it.")
    for source in [*linked, *(checkout / name for name in ALSO)]:
        target = book / source.relative_to(checkout)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix != ".ipynb" or not with_alt_text(source, target):
            target.symlink_to(source)
    if repo or hub:
        config_path = book / "_config.yml"
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        if repo:
            config["sphinx"]["config"]["after_fukushima_repository"] = repo
        if hub:
            config["sphinx"]["config"]["after_fukushima_hub"] = hub
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return linked


def with_alt_text(source: Path, target: Path) -> bool:
    """Write to ``target`` a copy of the notebook ``source`` whose figures carry their descriptions as the website's
    alt text, and return True; return False (nothing written) if no output of it is described.

    A course figure stores its description in its PNG output's metadata (``metadata['image/png']['alt']``, from
    after_fukushima.plots.CourseFigure), which JupyterLab's course extension reads; myst-nb takes an image's alt
    text only from its cell's metadata (``mystnb.image.alt``), so the copy puts it there. Raises CourseError for a
    cell with two differently described figures, which one cell-level alt text could not tell apart.
    """
    notebook = nbformat.read(source, as_version=4)
    described = False
    for number, cell in enumerate(notebook.cells):
        alts = {
            output.get("metadata", {}).get("image/png", {}).get("alt")
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})
        } - {None}
        if len(alts) > 1:
            raise CourseError(
                f"Cell {number + 1} of {source.name} shows {len(alts)} described figures: the website gives a cell "
                "one alt text, so draw each figure in a cell of its own."
            )
        if alts:
            cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alts.pop()
            described = True
    if described:
        nbformat.write(notebook, target)
    return described


def build(out: Path = BUILD, *, repo: str | None = None, hub: str | None = None) -> Path:
    """Assemble the book in ``out``/book and write the website to ``out``/html (replaced); return that folder.

    Runs ``jupyter-book config sphinx`` (Jupyter Book's settings as a Sphinx conf.py) and then Sphinx, from
    the stored outputs and offline. Raises CourseError, with Sphinx's own message, when the build fails.
    """
    book, html, doctrees = out / "book", out / "html", out / "doctrees"
    assemble(book, repo=repo, hub=hub)
    for folder in (html, doctrees):
        if folder.exists():
            shutil.rmtree(folder)
    bin_dir = Path(sys.executable).parent
    commands = [
        [str(bin_dir / "jupyter-book"), "config", "sphinx", str(book)],
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-d", str(doctrees), str(book), str(html)],
    ]
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise CourseError(
                f"The website did not build ({' '.join(command[:4])}...):\n{done.stdout}{done.stderr}".rstrip()
            )
        sys.stderr.write(done.stderr)
        if command[1] == "config":  # Jupyter Book always loads these; the website uses neither (see LEFT_OUT)
            with (book / "conf.py").open("a", encoding="utf-8") as conf:
                conf.write(f"\nextensions = [name for name in extensions if name not in {LEFT_OUT!r}]\n")
    return html


# The Sphinx extension: the "Run this lesson" box.


def github_path(repo: str) -> str | None:
    """'owner/name' of a GitHub repository address, else None."""
    parts = urlsplit(repo)
    path = parts.path.strip("/").removesuffix(".git")
    return path if parts.netloc == "github.com" and path.count("/") == 1 else None


def is_placeholder(address: str) -> bool:
    """True for an address not set yet: empty, or the README's OWNER/REPOSITORY."""
    return not address.strip() or PLACEHOLDER in address


def run_links(path: str, *, repo: str, hub: str, branch: str = "main") -> dict[str, str | None]:
    """The launch links for the notebook at ``path`` (relative to the repository, e.g. notebooks/00_start_here.ipynb).

    Returns {"jupyterhub": url or None, "binder": url or None}: None where the address it needs is a placeholder.
    The JupyterHub link is ``make link``'s nbgitpuller link, opening this notebook instead of lesson 00.
    """
    links: dict[str, str | None] = {"jupyterhub": None, "binder": None}
    if is_placeholder(repo):
        return links
    if not is_placeholder(hub):
        pull = urlsplit(nbgitpuller_link(hub, repo, branch=branch, targetpath=TARGET))
        query = dict(parse_qsl(pull.query))
        query["urlpath"] = f"lab/tree/{TARGET}/{path}"
        links["jupyterhub"] = pull._replace(query=urlencode(query)).geturl()
    slug = github_path(repo)
    spec = f"gh/{slug}/{branch}" if slug else f"git/{quote(repo, safe='')}/{branch}"
    links["binder"] = f"https://mybinder.org/v2/{spec}?" + urlencode({"urlpath": f"lab/tree/{path}"})
    return links


def run_box(path: str, download: str, *, repo: str, hub: str, branch: str = "main") -> str:
    """The HTML of the box that says how to run the notebook at ``path``; ``download`` is its file's URL.

    The download link always works; a JupyterHub or Binder link is given only where its address is set, and
    otherwise the box says, in one line, that this copy of the website has none (never a link that goes nowhere).
    """
    links = run_links(path, repo=repo, hub=hub, branch=branch)
    name = path.rsplit("/", 1)[-1]
    items = [
        f'<a href="{escape(download)}" download="{escape(name)}">Download this notebook</a> ({escape(name)}) and '
        "open it in the course's JupyterLab (<code>make lab</code>)"
    ]
    if links["jupyterhub"]:
        items.append(f'<a href="{escape(links["jupyterhub"])}">Open it on your class\'s JupyterHub</a>')
    if links["binder"]:
        items.append(f'<a href="{escape(links["binder"])}">Open it on Binder</a> (nothing is kept after you close it)')
    unset = [label for label, link in (("JupyterHub", links["jupyterhub"]), ("Binder", links["binder"])) if not link]
    note = ""
    if unset:
        note = (
            f'<p class="af-run-note">No {" or ".join(unset)} link: this copy of the website was built without '
            f"{'its addresses' if len(unset) > 1 else 'that address'} (site/_config.yml). On a class's JupyterHub, "
            "ask your teacher for the class link.</p>"
        )
    rows = "".join(f"<li>{item}</li>" for item in items)
    return (
        '<div class="admonition tip af-run"><p class="admonition-title">Run this lesson for real</p>'
        "<p>This page shows the notebook as it was last run; its exercises answer only in JupyterLab.</p>"
        f"<ul>{rows}</ul>{note}</div>"
    )


def _add_run_box(app, pagename, templatename, context, doctree):
    """html-page-context: put the run box under the first heading of every notebook page."""
    if doctree is None or "body" not in context:
        return
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb":
        return
    path = f"{pagename}.ipynb"
    config = app.config
    box = run_box(
        path,
        context["pathto"](f"_sources/{path}", 1),
        repo=config.after_fukushima_repository,
        hub=config.after_fukushima_hub,
        branch=config.after_fukushima_branch,
    )
    body = context["body"]
    end = body.find("</h1>")
    context["body"] = body[: end + 5] + box + body[end + 5 :] if end >= 0 else box + body


def _fill_addresses(app, doctree, docname):
    """doctree-resolved: README's OWNER/REPOSITORY links point at the repository set in site/_config.yml."""
    slug = github_path(app.config.after_fukushima_repository)
    if not slug:
        return
    owner, name = slug.split("/")
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if "OWNER" in uri and "REPOSITORY" in uri:
            uri = uri.replace("OWNER.github.io/REPOSITORY", f"{owner}.github.io/{name}")
            reference["refuri"] = uri.replace(PLACEHOLDER, slug)


def setup(app):
    """Sphinx extension entry point: the repository and hub settings (site/_config.yml) and the run box."""
    app.add_config_value("after_fukushima_repository", PLACEHOLDER, "html")
    app.add_config_value("after_fukushima_branch", "main", "html")
    app.add_config_value("after_fukushima_hub", "", "html")
    app.connect("html-page-context", _add_run_box)
    app.connect("doctree-resolved", _fill_addresses)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the course website into OUT/html from the stored outputs.")
    parser.add_argument("--repo", default=None, help="the course's repository, e.g. https://github.com/you/course")
    parser.add_argument("--hub", default=None, help="the class's JupyterHub, e.g. https://hub.school.example")
    parser.add_argument("--out", type=Path, default=BUILD, help="the build folder (default _site)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        html = build(args.out, repo=args.repo, hub=args.hub)
    except CourseError as problem:
        print(f"Problem: {problem}", file=sys.stderr)
        return 2
    files = [path for path in html.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files) / 1e6
    page_count = sum(1 for path in files if path.suffix == ".html" and "_static" not in path.relative_to(html).parts)
    print(
        f"The website: {html}/index.html ({page_count} pages, {size:.1f} MB, built in "
        f"{time.perf_counter() - started:.0f} s). Serve it with: python -m http.server -d {html}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
