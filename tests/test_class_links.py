"""Issue 14: the nbgitpuller link a teacher gives a class (make link, after_fukushima.teacher.class_links)."""

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from after_fukushima.teacher.class_links import nbgitpuller_link


def test_the_link_pulls_the_course_into_a_named_folder_and_opens_lesson_00():
    link = nbgitpuller_link("https://hub.school.example/", "https://github.com/teacher/after-fukushima")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://hub.school.example/hub/user-redirect/git-pull"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {
        "repo": "https://github.com/teacher/after-fukushima",
        "branch": "main",
        "targetpath": "after-fukushima",
        "urlpath": "lab/tree/after-fukushima/notebooks/00_start_here.ipynb",
    }


def test_plain_http_repositories_get_their_whole_history():
    query = parse_qs(urlsplit(nbgitpuller_link("https://hub.example", "http://git.school/course.git", depth=0)).query)
    assert query["depth"] == ["0"]


@pytest.mark.parametrize(
    "hub, repo, targetpath, words",
    [
        ("hub.example", "https://github.com/x/y", "after-fukushima", "The hub must be a full address"),
        ("https://hub.example", "github.com/x/y", "after-fukushima", "The repository must be a full address"),
        ("https://hub.example", "https://github.com/x/y", "../home", "targetpath must be one folder name"),
        ("https://hub.example", "https://github.com/x/y", "", "targetpath must be one folder name"),
    ],
)
def test_a_mistyped_address_gets_a_sentence(hub, repo, targetpath, words):
    with pytest.raises(ValueError, match=words):
        nbgitpuller_link(hub, repo, targetpath=targetpath)


def test_the_command_prints_the_link_or_a_problem():
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "after_fukushima.teacher.class_links",
            "--hub",
            "https://hub.example",
            "--repo",
            "https://github.com/x/y",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("https://hub.example/hub/user-redirect/git-pull?repo=")
    bad = subprocess.run(
        [sys.executable, "-m", "after_fukushima.teacher.class_links", "--hub", "", "--repo", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("Problem: The hub must be a full address")
