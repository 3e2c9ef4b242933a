"""After Fukushima: the code behind the course notebooks.

Where things live (CONTRIBUTING.md has the map; pyproject.toml's import contracts, checked by make lint, keep it):

Students' runtime, what lessons and worksheets import:

- ``data``        load a table from data/ by name, typed and checked by data/datapackage.json
- ``exercises``   widget exercises built from the question banks in exercises/banks/
- ``progress``    every attempt saved to a per-user file, and a saved answer shown back (``lockfile``: its lock)
- ``scorecard``   progress per lesson and the CSV export (above both progress and exercises)
- ``plots``       one figure style; ``figures`` the static figures; ``explorers`` the interactive ones
- ``models``      lesson 04's cooperation model and simulator
- ``vocabulary``  the fixed categories of the course's tables
- ``paths``, ``errors``, ``text``, ``live``   folders; errors as sentences; student text quoted; live widgets

Teachers' tools: ``teacher`` (the class report, the answer key, role-play cards, class links).
Maintainers' tools: ``maintainers`` (building data/, the report audit, executing notebooks, benchmarks, hub load).
"""

import atexit
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path


def _writable(folder: Path) -> bool:
    """Whether matplotlib could keep its files in ``folder``, tested as matplotlib tests it (create, then check)."""
    try:
        folder = folder.resolve()
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):
        return False
    return os.access(folder, os.W_OK) and folder.is_dir()


def _matplotlib_folders() -> list[Path]:
    """The folders matplotlib would use for its configuration and its font cache (an empty list: no home)."""
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no entry in the password database
        home = None
    if sys.platform.startswith(("linux", "freebsd")):
        config, cache = os.environ.get("XDG_CONFIG_HOME"), os.environ.get("XDG_CACHE_HOME")
        if home is None and not (config and cache):
            return []
        return [Path(config or home / ".config", "matplotlib"), Path(cache or home / ".cache", "matplotlib")]
    local = os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    if home is None:
        return [Path(local, "matplotlib")] if local else []
    old = home / ".matplotlib"
    return [old if old.is_dir() or not local else Path(local, "matplotlib")]


def _own_private_folder(folder: Path) -> bool:
    info = folder.lstat()  # lstat: a link someone else planted is not ours
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def quiet_matplotlib_folder() -> str | None:
    """Give matplotlib a writable folder before it is imported, when its own is not writable.

    With a read-only home (or ``~/.config``), a home that is not a folder, or no home at all, matplotlib makes a
    temporary folder for every session, rebuilds its font cache there and prints "Matplotlib created a temporary
    cache directory..." into the lesson. Then, and only then, this sets ``MPLCONFIGDIR`` to a folder of this
    user's own in the system's temporary folder (``after-fukushima-matplotlib-<uid>``, mode 0700, kept between
    sessions so that the font cache is built once), or, if that name is taken by someone else, to a new
    temporary folder removed at exit. Returns the folder chosen, or None when nothing was needed or possible:
    ``MPLCONFIGDIR`` is set already, matplotlib's folders are writable, matplotlib was imported first (it has
    then chosen its folder, and warned, already) or no temporary folder can be made either.
    """
    if "matplotlib" in sys.modules or os.environ.get("MPLCONFIGDIR"):
        return None
    folders = _matplotlib_folders()
    if folders and all(_writable(folder) for folder in folders):
        return None
    try:
        if hasattr(os, "getuid"):
            folder = Path(tempfile.gettempdir(), f"after-fukushima-matplotlib-{os.getuid()}")
            try:
                folder.mkdir(mode=0o700, exist_ok=True)
                if _own_private_folder(folder):
                    os.environ["MPLCONFIGDIR"] = str(folder)
                    return str(folder)
            except OSError:
                pass
        made = tempfile.mkdtemp(prefix="after-fukushima-matplotlib-")
    except OSError:  # no temporary folder either: matplotlib says so itself
        return None
    atexit.register(shutil.rmtree, made, ignore_errors=True)
    os.environ["MPLCONFIGDIR"] = made
    return made


quiet_matplotlib_folder()  # first, before any module of the course imports matplotlib

from after_fukushima.data import load_table  # noqa: E402
from after_fukushima.errors import CourseError, show_errors_as_sentences  # noqa: E402
from after_fukushima.exercises import load_bank  # noqa: E402
from after_fukushima.scorecard import Scorecard  # noqa: E402

__all__ = ["CourseError", "load_table", "load_bank", "Scorecard"]

show_errors_as_sentences()
