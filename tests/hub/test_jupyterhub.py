"""The course on a real JupyterHub: two students log in with Chromium, each runs lesson 00 in their own server
and answers an exercise, and each one's progress database holds only their own answer. See conftest.py for
the hub (deploy/local/jupyterhub_config.py) and the browser."""

import json
from pathlib import Path

from chromium import exercises_in

from after_fukushima.progress import ProgressStore

EXERCISES = exercises_in("notebooks/00_start_here.ipynb")
ANSWERS = {"ada": ("Deauville, France", "✔ Correct."), "grace": ("Vienna, Austria", "Vienna is where the IAEA")}
KERNEL_IDLE = "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"


def log_in(page, hub, student: str) -> None:
    """Log in with the shared password: the hub starts the student's server and opens lesson 00."""
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(student)
    page.locator("#password_input").fill(hub.password)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{student}/lab/tree/notebooks/00_start_here.ipynb*", timeout=150_000)


def run_all(page) -> None:
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    # Start Run All without awaiting its promise: if JupyterLab never settles it, the wait below fails
    # with a screenshot instead of the test hanging.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        f"document.querySelectorAll('.af-exercise').length === {EXERCISES} && "
        "document.querySelectorAll('.jp-Cell-inputArea .jp-InputPrompt').length > 0 && "
        "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle' && "
        "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every(p => /\\[\\d+\\]/.test(p.textContent))",
        timeout=120_000,
    )
    assert page.get_by_text("Error displaying widget").count() == 0


def answer_summit_place(page, option: str, expected: str) -> None:
    panel = page.locator(".af-exercise-summit-place")
    panel.get_by_role("radio", name=option).check()
    panel.get_by_role("button", name="Check", exact=True).click()
    panel.locator(".af-feedback").filter(has_text=expected).wait_for(timeout=15_000)


def server_and_kernels(hub, student: str):
    """The student's single-user server and the processes below it (the lesson's kernel)."""
    hub.track()
    for process in hub.tracked.values():
        try:
            if "jupyterhub.singleuser" in process.cmdline() and process.environ().get("JUPYTERHUB_USER") == student:
                return process, process.children(recursive=True)
        except hub.psutil.Error:
            continue
    raise AssertionError(f"no running server found for {student}")


def test_two_students_each_keep_their_own_progress(hub, pages):
    print(f"\nhub figures: the hub and proxy answered {hub.start_seconds:.1f} s after the hub was started")
    for student in ANSWERS:  # both logged in, both servers running, before either answers
        log_in(pages.open(student), hub, student)
        print(f"hub figures: {student}'s server started in {hub.server_start_seconds(student):.1f} s (hub's log)")

    for student, (option, expected) in ANSWERS.items():
        page = pages[student]
        run_all(page)
        answer_summit_place(page, option, expected)
        assert page.js_errors == []

        home = hub.homes / student
        server, kernels = server_and_kernels(hub, student)
        assert server.environ()["AFTER_FUKUSHIMA_ROOT"] == str(home / "after-fukushima")
        kernel = next(p for p in kernels if "ipykernel_launcher" in " ".join(p.cmdline()))
        assert Path(kernel.cwd()) == home / "after-fukushima" / "notebooks"  # the student's copy of the lesson
        connection = Path(kernel.cmdline()[kernel.cmdline().index("-f") + 1])
        assert json.loads(connection.read_text())["transport"] == "ipc"  # the kernel has no TCP port to lose
        assert kernel.environ()["AFTER_FUKUSHIMA_PROGRESS"] == str(home / ".after_fukushima" / "progress.sqlite")
        server_mib, kernels_mib = (sum(p.memory_info().rss for p in group) / 2**20 for group in ([server], kernels))
        print(
            f"hub figures: {student}'s memory after Run All (RSS): server {server_mib:.0f} MiB + "
            f"{len(kernels)} kernel process(es) {kernels_mib:.0f} MiB = {server_mib + kernels_mib:.0f} MiB"
        )

    for student, (option, _) in ANSWERS.items():
        progress = hub.homes / student / ".after_fukushima" / "progress.sqlite"
        assert progress.is_file(), f"{student} has no progress database"
        attempts = ProgressStore(progress).attempts()
        assert [(a["exercise"], a["answer"], a["correct"]) for a in attempts] == [
            ("summit-place", option, option == "Deauville, France")
        ], (student, attempts)
