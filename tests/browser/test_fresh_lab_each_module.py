"""Issue 23, item 3: one JupyterLab serves every browser module of a test process, and each module finds it as a
server started for it alone would be (conftest.fresh_start): no kernel, the course's files as in the checkout, no
file a test added, the default theme, and no progress."""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
THEMES = "lab/api/settings/@jupyterlab/apputils-extension:themes"


def browser_conftest():
    spec = importlib.util.spec_from_file_location("browser_conftest", HERE / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_what_a_module_changed_is_put_back_before_the_next(lab_server):
    lab, pristine = lab_server
    conftest = browser_conftest()
    api = conftest._api
    # What a module may leave behind: a running kernel, a lesson saved over, a file of its own, the dark theme,
    # answers in the progress store.
    api(lab, "POST", "api/sessions", {"path": "notebooks/00_start_here.ipynb", "type": "notebook", "kernel": {}})
    lesson = lab.root / "notebooks" / "00_start_here.ipynb"
    lesson.write_text("{}", encoding="utf-8")
    (lab.root / "teacher").mkdir(exist_ok=True)
    (lab.root / "teacher" / "hand_in.csv").write_text("name\n", encoding="utf-8")
    api(lab, "PUT", THEMES, {"raw": json.dumps({"theme": "JupyterLab Dark"})})
    assert api(lab, "GET", THEMES)["settings"]["theme"] == "JupyterLab Dark"
    lab.progress.write_text("answers", encoding="utf-8")
    assert api(lab, "GET", "api/kernels")

    conftest.fresh_start(lab, pristine)

    assert api(lab, "GET", "api/sessions") == [] and api(lab, "GET", "api/kernels") == []
    assert lesson.read_bytes() == (ROOT / "notebooks" / "00_start_here.ipynb").read_bytes()
    assert not (lab.root / "teacher").exists()
    assert api(lab, "GET", THEMES)["settings"].get("theme", "JupyterLab Light") == "JupyterLab Light"
    assert not lab.progress.exists()
