"""The course website (make site) in Chromium: every page, served on 127.0.0.1, asks nothing of another host,
links only to pages and anchors that exist, and logs no console error.

The site and its server are conftest.py's fixtures ``site_html`` and ``served``, shared with test_accessibility.py.
"""

import functools
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

NOTEBOOK_PAGES = ("notebooks/", "exercises/", "teacher/class_report.html")
IDS = re.compile(r"""\s(?:id|name)=["']([^"']+)["']""")


def site_pages(html: Path) -> list[str]:
    """Every HTML page of the site, as paths under its root (Sphinx's own templates in _static left out)."""
    return sorted(
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if not path.relative_to(html).parts[0].startswith(("_static", "_sources"))
    )


@functools.cache
def anchors_in(file: Path) -> frozenset[str]:
    return frozenset(IDS.findall(file.read_text(encoding="utf-8", errors="replace")))


def link_problem(html: Path, page: str, href: str) -> str | None:
    """Why ``href`` on ``page`` (both under the site root ``html``) leads nowhere, or None if it leads somewhere."""
    address, anchor = urldefrag(href)
    path = unquote(urlsplit(address).path)
    target = (html / page).parent / path if address else html / page
    target = target.resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(html.resolve()):
        return f"{href}: outside the site"
    if not target.is_file():
        return f"{href}: no such file"
    if anchor and target.suffix == ".html" and unquote(anchor) not in anchors_in(target):
        return f"{href}: no #{anchor} on {target.relative_to(html.resolve())}"
    return None


def test_every_page_loads_only_from_the_host_links_only_to_what_exists_and_logs_no_error(browser, served, site_html):
    pages = site_pages(site_html)
    assert len(pages) > 30, f"only {len(pages)} pages in {site_html}: is it the whole course?"
    host = urlsplit(served).netloc
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    page = context.new_page()
    current = {"name": ""}

    def route(request_route):
        url = request_route.request.url
        if urlsplit(url).netloc != host and not url.startswith(("data:", "blob:", "about:")):
            problems.append(f"{current['name']}: asked another host for {url}")
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"{current['name']}: console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"{current['name']}: script error: {error}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{current['name']}: {r.status} for {r.url}"),
    )
    try:
        for name in pages:
            current["name"] = name
            page.goto(f"{served}/{name}", wait_until="load")
            page.wait_for_load_state("networkidle")
            name = current["name"] = urlsplit(page.url).path.lstrip("/")  # index.html sends the reader to README
            if name.startswith(NOTEBOOK_PAGES) and page.locator(".af-run a[download]").count() != 1:
                problems.append(f"{name}: no 'Run this lesson for real' box with the notebook to download")
            unnamed = page.eval_on_selector_all(
                "article img", "images => images.filter(i => !i.alt || /\\.(png|svg|jpe?g)$/.test(i.alt)).length"
            )
            if unnamed:
                problems.append(f"{name}: {unnamed} images whose alt text is missing or a file name")
            hidden = page.eval_on_selector_all(
                "article thead", "heads => heads.filter(h => h.textContent.trim() && !h.checkVisibility()).length"
            )
            if hidden:
                problems.append(f"{name}: {hidden} table header rows with text are hidden")
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            for href in hrefs:
                if urlsplit(href).scheme or href.startswith("//"):
                    continue  # a link to another site is the reader's choice, not a request of the page
                problem = link_problem(site_html, name, href)
                if problem:
                    problems.append(f"{name}: broken link {problem}")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems on the site in {site_html}:\n" + "\n".join(sorted(set(problems)))


def test_no_page_is_wider_than_a_phone(browser, served, site_html):
    """At 390 px wide, long inline code, addresses and lesson tables wrap: no page scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(served) else r.abort())
    page = context.new_page()
    too_wide = {}
    try:
        for name in site_pages(site_html):
            page.goto(f"{served}/{name}", wait_until="load")
            page.wait_for_load_state("networkidle")  # index.html has sent the reader on to README.html
            extra = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if extra > 0:
                too_wide[name] = extra
    finally:
        context.close()
    assert not too_wide, f"pages wider than a 390 px phone (extra px): {too_wide}"
