"""Fingerprints of the report's wording, so tests can catch copied sentences without the text (a maintainer's
tool, run by `make data` after build_data; tests/test_accuracy.py reads the fingerprints with ``runs``).

The course may quote a few words of the report, attributed, but never a sentence. The full report is not
shipped (it stays in the maintainers' reference folder), so this tool writes one SHA-256 hash per run of
``RUN_LENGTH`` consecutive words of it to ``tests/report_runs.sha256``; tests/test_accuracy.py hashes every
run of the course's own text the same way and fails on a match.

    python -m after_fukushima.maintainers.report_audit --report ../shared/reference/china_daily_2011-05-25.txt
"""

import argparse
import hashlib
import re
from pathlib import Path

from after_fukushima.maintainers import CHECKOUT

RUN_LENGTH = 8  # eight words in a row is more than "a few words"
FINGERPRINTS = CHECKOUT / "tests" / "report_runs.sha256"


def words(text: str) -> list[str]:
    """Lower-case words, with punctuation, quotes and markup dropped and British/US spellings folded."""
    found = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
    return [word.replace("centre", "center").replace("isation", "ization").replace("ise", "ize") for word in found]


def runs(text: str, length: int = RUN_LENGTH) -> set[str]:
    """The hashes of every run of ``length`` consecutive words in ``text`` (a set of hex strings)."""
    tokens = words(text)
    return {
        hashlib.sha256(" ".join(tokens[n : n + length]).encode()).hexdigest() for n in range(len(tokens) - length + 1)
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True, help="the report's full text (UTF-8)")
    args = parser.parse_args(argv)
    hashes = sorted(runs(args.report.read_text(encoding="utf-8")))
    FINGERPRINTS.write_text("\n".join(hashes) + "\n", encoding="utf-8")
    print(f"wrote {len(hashes)} fingerprints of {RUN_LENGTH}-word runs to {FINGERPRINTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
