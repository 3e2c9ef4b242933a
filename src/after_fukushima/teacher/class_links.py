"""Links that bring the course to a class on a JupyterHub with nbgitpuller, and open lesson 00.

    python -m after_fukushima.teacher.class_links --hub https://hub.example.org --repo https://github.com/you/after-fukushima
    (or: make link HUB=... REPO=...)

A student who follows the link gets the repository pulled into ``targetpath`` in their home folder (cloned the
first time; later, the teacher's updates are merged with the student's own edits, which win where both
changed) and lesson 00 opened in JupyterLab. nbgitpuller must be installed in the students' image.
"""

import argparse
import sys
from urllib.parse import urlencode, urlsplit

LESSON_00 = "notebooks/00_start_here.ipynb"


def nbgitpuller_link(
    hub: str, repo: str, *, branch: str = "main", targetpath: str = "after-fukushima", depth: int | None = None
) -> str:
    """The nbgitpuller link for ``repo`` (a git URL) on the JupyterHub at ``hub`` (its base URL).

    ``targetpath`` is always given, so that every student's copy has the same folder name. ``depth=0`` fetches
    the whole history, which a repository served over plain ("dumb") HTTP needs. Raises ValueError for a hub
    or repository that is not a URL.
    """
    for name, url in (("hub", hub), ("repository", repo)):
        parts = urlsplit(url)
        if not parts.scheme or not (parts.netloc or parts.scheme == "file"):
            raise ValueError(f"The {name} must be a full address such as https://..., not '{url}'.")
    if not targetpath or "/" in targetpath.strip("/") or targetpath.startswith("."):
        raise ValueError(f"targetpath must be one folder name, such as after-fukushima, not '{targetpath}'.")
    query = {"repo": repo, "branch": branch, "targetpath": targetpath, "urlpath": f"lab/tree/{targetpath}/{LESSON_00}"}
    if depth is not None:
        query["depth"] = str(depth)
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urlencode(query)}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write the nbgitpuller link that gives each student the course.")
    parser.add_argument("--hub", required=True, help="the JupyterHub's address, e.g. https://hub.school.example")
    parser.add_argument(
        "--repo", required=True, help="the course's git repository, e.g. https://github.com/you/after-fukushima"
    )
    parser.add_argument("--branch", default="main")
    parser.add_argument("--targetpath", default="after-fukushima", help="the folder it goes to in each home")
    parser.add_argument("--depth", type=int, default=None, help="0 for a repository served over plain HTTP")
    args = parser.parse_args(argv)
    try:
        print(nbgitpuller_link(args.hub, args.repo, branch=args.branch, targetpath=args.targetpath, depth=args.depth))
    except ValueError as problem:
        print(f"Problem: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
