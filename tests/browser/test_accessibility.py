"""Every lesson and worksheet run in JupyterLab (Run All: every exercise shown, no error output, no JavaScript error),
then checked with axe-core's WCAG 2.x A and AA rules.

A violation in the course's own content (a notebook's outputs, its rendered markdown and the course's widgets,
all of which live in ``.jp-OutputArea-output`` or ``.jp-RenderedMarkdown``) fails the test; a violation in
JupyterLab's own chrome (menus, toolbars, side bars, cell prompts, the code editor) is listed, not failed: the
course cannot fix it. The counts per page, by rule and by where the node is, go to test-artifacts/axe.json.

axe-core comes from npm, pinned in tests/browser/axe/package.json and package-lock.json; when
tests/browser/axe/node_modules holds no copy of that version, the fixture installs it with
``npm ci --prefix tests/browser/axe``. Without npm, or when npm ci fails (offline), the accessibility checks are
skipped with a sentence saying so (after each notebook's run and its checks), unless AFTER_FUKUSHIMA_REQUIRE_BROWSER=1
(CI), which makes that a failure.

The same rules run over every page of the course's website (tests/browser/test_site_pages.py builds and serves it):
a violation in a page's article fails, one in the theme's header, side bars, search or footer is listed.

The tests run in JupyterLab Light and the site's light mode. AFTER_FUKUSHIMA_AXE_THEME="JupyterLab Dark" runs them
in JupyterLab's dark theme and the site's dark mode. The module's tests run in one pytest-xdist worker, in order
(the root conftest.py groups each browser module), so that each notebook runs once and axe.json is written once.
"""

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from chromium import REQUIRED, ROOT, exercises_in
from test_lesson00_in_jupyterlab import open_and_run_all
from test_site_pages import site_pages

AXE = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACT = ROOT / "test-artifacts" / "axe.json"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # axe-core's tags for WCAG 2.0-2.2, A and AA
# The course's own content: cells' outputs (its widgets among them) and rendered markdown; on the website, the
# page's article (the theme's header, side bars, search and footer are Jupyter Book's).
COURSE = ".jp-OutputArea-output, .jp-RenderedMarkdown"
SITE_COURSE = "article.bd-article"
THEME = os.environ.get("AFTER_FUKUSHIMA_AXE_THEME", "JupyterLab Light")

PAGES = sorted(
    [*ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"), *ROOT.glob("exercises/[0-9][0-9]_*.ipynb")],
    key=lambda path: (path.name[:2], path.parent.name != "notebooks"),
)
NOTEBOOKS = [str(path.relative_to(ROOT)) for path in PAGES]


def pinned_version() -> str:
    return json.loads((AXE / "package.json").read_text(encoding="utf-8"))["dependencies"]["axe-core"]


def installed_version() -> str | None:
    manifest = AXE_JS.parent / "package.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["version"] if manifest.is_file() else None


@pytest.fixture(scope="module")
def axe_script() -> Path | str:
    """tests/browser/axe/node_modules/axe-core/axe.min.js, installed with npm ci if it is missing or not the
    pinned version; or, when it cannot be had, a sentence saying why (``need_axe`` turns it into a skip, or a failure
    in CI)."""
    if AXE_JS.is_file() and installed_version() == pinned_version():
        return AXE_JS
    npm = shutil.which("npm")
    problem = None
    if npm is None:
        problem = (
            f"axe-core {pinned_version()} is not installed in tests/browser/axe and npm is not on PATH: "
            "install Node.js and npm (or run `npm ci --prefix tests/browser/axe` where npm is)"
        )
    else:
        done = subprocess.run(
            [npm, "ci", "--prefix", str(AXE), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode or not AXE_JS.is_file():
            problem = f"`npm ci --prefix tests/browser/axe` failed (exit {done.returncode}): {done.stderr[-1500:]}"
    return problem or AXE_JS


def need_axe(script: Path | str) -> Path:
    """The axe-core script, or a skip saying why there is none (a failure under AFTER_FUKUSHIMA_REQUIRE_BROWSER=1)."""
    if isinstance(script, Path):
        return script
    if REQUIRED:
        pytest.fail(f"AFTER_FUKUSHIMA_REQUIRE_BROWSER=1 but {script}")
    pytest.skip(f"accessibility checks skipped: {script}")


@pytest.fixture(scope="module")
def page(browser, lab):
    """One page for every notebook (one browser context), in THEME; JavaScript errors go to page.js_errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.js_errors.append(message.text))
    page.goto(lab.url("lab"))
    page.wait_for_function(  # the themes are loaded and the command that changes them is there
        "document.body.dataset.jpThemeName && window.jupyterapp?.commands.hasCommand('apputils:change-theme')",
        timeout=90_000,
    )
    if page.evaluate("document.body.dataset.jpThemeName") != THEME:
        set_theme(page, THEME)
    try:
        yield page
    finally:  # the theme is a server setting: the lab fixture sets it back before the next module
        context.close()


@pytest.fixture(scope="module")
def counts():
    """Per page: violations' nodes by rule, in the course's content and in JupyterLab's (on the website, the
    theme's); written to test-artifacts/axe.json when the module ends."""
    pages: dict[str, dict] = {}
    yield pages
    ARTIFACT.parent.mkdir(exist_ok=True)
    totals = {
        where: sum(sum(page.get(where, {}).values()) for page in pages.values())
        for where in ("course", "jupyterlab", "theme")
    }
    report = {"axe-core": installed_version(), "tags": WCAG, "theme": THEME, "totals": totals, "pages": pages}
    ARTIFACT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def set_theme(page, theme: str) -> None:
    page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function("theme => document.body.dataset.jpThemeName === theme", arg=theme, timeout=30_000)


# Runs axe in the page; returns its version and each violating node, with whether it lies in the course's content.
RUN_AXE = """async ([tags, course]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const nodes = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      const selector = node.target.length === 1 && typeof node.target[0] === 'string' ? node.target[0] : null;
      const element = selector ? document.querySelector(selector) : null;
      nodes.push({
        rule: rule.id, impact: node.impact, target: JSON.stringify(node.target),
        html: node.html.slice(0, 300), summary: node.failureSummary,
        course: Boolean(element && element.closest(course)),
      });
    }
  }
  return nodes;
}"""


# JupyterLab's <body> is a box of height 0 with overflow hidden, and its shell one the height of the window: axe takes
# any node outside such a box for hidden, so it would check the contrast of nothing, and of no cell below the fold.
# For the measurement the body gets the window's height and the window the notebook's, scrolled to the top.
ALL_ON_SCREEN = """() => {
  document.body.style.height = '100vh';
  const outer = window.jupyterapp.shell.currentWidget.node.querySelector('.jp-WindowedPanel-outer');
  outer.scrollTop = 0;
  return outer.scrollHeight;
}"""
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def axe_violations(page, script: Path) -> list[dict]:
    """Inject axe-core from `script` (if not yet in the page) and run WCAG's A and AA rules over the whole page,
    with the whole open notebook on screen; the window is set back to its size afterwards."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    size = page.viewport_size
    height = page.evaluate(ALL_ON_SCREEN)
    page.set_viewport_size({"width": size["width"], "height": height + size["height"]})
    page.evaluate(TWO_FRAMES)
    try:
        return page.evaluate(RUN_AXE, [WCAG, COURSE])
    finally:
        page.set_viewport_size(size)
        page.evaluate("document.body.style.height = ''")


def described(node: dict) -> str:
    return f"- {node['rule']} ({node['impact']}) at {node['target']}: {node['html']}\n    {node['summary']}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_runs_without_error_or_accessibility_violation(page, lab, axe_script, counts, notebook):
    """Run All in JupyterLab shows every exercise, no error output and no JavaScript error; then axe-core finds no
    violation in the course's content. (One run of each notebook for both checks: the browser tests' longest part.)"""
    page.js_errors.clear()
    open_and_run_all(page, lab, f"lab/tree/{notebook}", exercises_in(notebook))
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.js_errors == [], f"{notebook}: JavaScript errors after Run All: {page.js_errors}"
    script = need_axe(axe_script)
    assert page.evaluate("document.body.dataset.jpThemeName") == THEME
    nodes = axe_violations(page, script)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")  # one kernel at a time
    course = [node for node in nodes if node["course"]]
    chrome = [node for node in nodes if not node["course"]]
    counts[notebook] = {
        "course": dict(Counter(node["rule"] for node in course)),
        "jupyterlab": dict(Counter(node["rule"] for node in chrome)),
        "course_nodes": course,
    }
    print(f"{notebook} in {THEME}: JupyterLab's own violations (listed, not failed): {counts[notebook]['jupyterlab']}")
    assert not course, f"{notebook}: {len(course)} accessibility violations in the course's content:\n" + "\n".join(
        described(node) for node in course
    )


def test_no_accessibility_violation_on_the_website(browser, served, site_html, axe_script, counts):
    """Every page of the website, in one browser context, in the light mode (or dark, with THEME's Dark)."""
    axe_script = need_axe(axe_script)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    mode = "dark" if "Dark" in THEME else "light"
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")  # the theme's own switch keeps it there
    # Nothing from another host (test_site_pages fails on any such request): not waited for here.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served) else route.abort())
    page = context.new_page()
    course = []
    try:
        for name in site_pages(site_html):
            page.goto(f"{served}/{name}", wait_until="load")
            page.wait_for_load_state("networkidle")  # index.html sends the reader on to README.html
            page.add_script_tag(path=str(axe_script))
            nodes = page.evaluate(RUN_AXE, [WCAG, SITE_COURSE])
            counts[f"site/{name}"] = {
                "course": dict(Counter(node["rule"] for node in nodes if node["course"])),
                "jupyterlab": {},
                "theme": dict(Counter(node["rule"] for node in nodes if not node["course"])),
                "course_nodes": [node for node in nodes if node["course"]],
            }
            course += [{**node, "target": f"{name}: {node['target']}"} for node in nodes if node["course"]]
    finally:
        context.close()
    theme = Counter()
    for name, found in counts.items():
        if name.startswith("site/"):
            theme.update(found["theme"])
    print(f"website in {mode} mode: the theme's own violations (listed, not failed): {dict(theme)}")
    assert not course, f"{len(course)} accessibility violations in the website's articles:\n" + "\n".join(
        described(node) for node in course
    )
