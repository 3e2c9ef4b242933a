"""data/ is derived, never edited by hand: rebuilding it from the sources gives the same bytes."""

import os
from pathlib import Path

import pytest

from after_fukushima.maintainers import build_data
from after_fukushima.maintainers.sources import curated

ROOT = Path(__file__).resolve().parents[1]
SOURCES = Path(os.environ.get("AFTER_FUKUSHIMA_SOURCES", ROOT.parent / "shared" / "sources"))


@pytest.mark.skipif(
    not (SOURCES / "owid").is_dir(),
    reason=f"the raw sources are not on this machine ({SOURCES}); set AFTER_FUKUSHIMA_SOURCES",
)
def test_rebuilding_gives_the_committed_files_byte_for_byte(tmp_path):
    for run in ("first", "second"):
        assert build_data.main(["--sources", str(SOURCES), "--out", str(tmp_path / run)]) == 0
    committed = sorted(p.name for p in (ROOT / "data").iterdir())
    assert sorted(p.name for p in (tmp_path / "first").iterdir()) == committed
    for name in committed:
        first, second = (tmp_path / "first" / name).read_bytes(), (tmp_path / "second" / name).read_bytes()
        assert first == second, f"{name} differs between two runs"
        assert first == (ROOT / "data" / name).read_bytes(), f"data/{name} is stale: run `make data`"


def test_a_wrong_sources_folder_is_refused_with_a_sentence(tmp_path, capsys):
    assert build_data.main(["--sources", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "does not look like the sources folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_hand_written_tables_in_data_match_curation(tmp_path):
    """Runs everywhere, sources or not: the curated tables need only curation/."""
    build_data.write(tmp_path, sources=tmp_path, builders=curated.BUILDERS)
    for build in curated.BUILDERS:
        name = f"{build.__name__}.csv"
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), f"run `make data`: {name}"
