"""Where the course's folders are, whatever folder a notebook was opened from."""

import os
from pathlib import Path

from after_fukushima.errors import CourseError

ROOT_VARIABLE = "AFTER_FUKUSHIMA_ROOT"


def _looks_like_course(folder: Path) -> bool:
    return (folder / "data").is_dir() and (folder / "exercises" / "banks").is_dir()


def course_root() -> Path:
    """The folder holding data/ and exercises/.

    Looked for, in order: $AFTER_FUKUSHIMA_ROOT; the checkout this package was installed from
    (an editable install from src/); the working folder and its parents.
    """
    override = os.environ.get(ROOT_VARIABLE)
    if override:
        folder = Path(override).expanduser()
        if not _looks_like_course(folder):
            raise CourseError(f"{ROOT_VARIABLE} points to {folder}, which has no data/ and exercises/banks/ folders.")
        return folder
    candidates = [Path(__file__).resolve().parents[2], Path.cwd(), *Path.cwd().parents]
    for folder in candidates:
        if _looks_like_course(folder):
            return folder
    raise CourseError(
        "I cannot find the course folder (the one with data/ and exercises/). Open the notebooks from the "
        f"course checkout, or set {ROOT_VARIABLE} to its path."
    )


def data_dir() -> Path:
    return course_root() / "data"


def banks_dir() -> Path:
    return course_root() / "exercises" / "banks"
