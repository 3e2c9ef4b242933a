"""What the browser tests (tests/browser) and the JupyterHub tests (tests/hub) share: the system's Chromium,
found without downloading one, and a free port on 127.0.0.1."""

import json
import os
import re
from pathlib import Path

CANDIDATES = [
    os.environ.get("AFTER_FUKUSHIMA_CHROMIUM", ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
]
CHROMIUM = next((path for path in CANDIDATES if path and Path(path).is_file()), None)
REQUIRED = os.environ.get("AFTER_FUKUSHIMA_REQUIRE_BROWSER") == "1"  # set by .ci/run: a skip would be a failure
NO_BROWSER = "no Chromium found (install the 'chromium' package, or set AFTER_FUKUSHIMA_CHROMIUM)"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-extensions",
]


ROOT = Path(__file__).resolve().parents[1]


def exercises_in(notebook: str) -> int:
    """How many exercises a notebook shows (its `.exercise("id")` calls): what the browser waits to see."""
    cells = json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    return sum(len(re.findall(r'\.exercise\("', "".join(c["source"]))) for c in cells if c["cell_type"] == "code")
