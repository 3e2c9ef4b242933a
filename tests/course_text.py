"""What a notebook of the course shows, read from its file for the accuracy tests: its prose and stored outputs."""

import json
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1]


def cells(notebook: str) -> list[dict]:
    """The cells of ``notebook``, a path from the course's root (e.g. "notebooks/04_the_obstacles.ipynb")."""
    return json.loads((COURSE / notebook).read_text(encoding="utf-8"))["cells"]


def markdown(notebook: str, sep: str = "\n\n") -> str:
    """Every markdown cell of ``notebook``, joined by ``sep``."""
    return sep.join("".join(c["source"]) for c in cells(notebook) if c["cell_type"] == "markdown")


def stored_output(notebook: str, code: str) -> str:
    """The stored text/plain output of the first code cell of ``notebook`` whose source contains ``code``.

    Raises StopIteration if no such cell has a text output (the notebook was not executed, or the code moved)."""
    return next(
        "".join(o["data"]["text/plain"])
        for c in cells(notebook)
        if c["cell_type"] == "code" and code in "".join(c["source"])
        for o in c["outputs"]
        if "data" in o and "text/plain" in o["data"]
    )
