"""How long the things students wait for take: loading each table, and running each notebook.

    python -m after_fukushima.benchmark        (or: make bench)

Prints the median of a few runs. Timings are measured here, never asserted in tests: machines differ.
"""

import statistics
import sys
import time

from after_fukushima.data import load_table, table_names
from after_fukushima.execute_notebooks import course_notebooks, execute_copy
from after_fukushima.paths import course_root


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    print(f"{'what':<48} {'median':>9}")
    for name in table_names():
        print(f"{'load_table(' + repr(name) + ')':<48} {median_seconds(lambda: load_table(name), 5) * 1000:>7.1f} ms")
    for path in course_notebooks():
        label = f"run {path.relative_to(course_root())}"
        print(f"{label:<48} {median_seconds(lambda: execute_copy(path), 3):>7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
