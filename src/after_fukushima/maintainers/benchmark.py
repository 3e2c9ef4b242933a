"""How long the things students wait for take: loading each table, pressing Check with a long saved history,
lesson 04's cooperation simulator (one breadth-against-depth curve, and each control change to the redrawn
figure), and running each notebook.

    python -m after_fukushima.maintainers.benchmark        (or: make bench)

Prints the median of a few runs. Timings are measured here, never asserted in tests: machines differ. A
maintainer's tool, run by `make bench` before and after a change that could slow a lesson down.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from after_fukushima.data import load_table, table_names
from after_fukushima.exercises.bank import load_bank
from after_fukushima.maintainers.execute_notebooks import course_notebooks, execute_copy
from after_fukushima.models.cooperation import Design, Weights, breadth_vs_depth, course_attributes
from after_fukushima.models.simulator import CooperationSimulator, timing
from after_fukushima.paths import course_root
from after_fukushima.progress import ProgressStore, _row


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def simulator_rows() -> list[tuple[str, float]]:
    """(what, median seconds) for lesson 04's simulator on the course data."""
    attrs = course_attributes()
    rows = [
        (
            "breadth_vs_depth (30 countries, 101 depths)",
            median_seconds(lambda: breadth_vs_depth(attrs, Design(), Weights()), 21),
        )
    ]
    for control, seconds in timing(CooperationSimulator(attrs), runs=11).items():
        rows.append((f"simulator: {control} change to redrawn figure", seconds))
    return rows


def check_to_saved_rows(histories=(10, 1_000, 100_000), runs: int = 41) -> list[tuple[str, float]]:
    """(what, median seconds) from pressing Check on a number exercise to its attempt being saved, with a
    progress database that already holds each number of attempts (spread over 50 exercises)."""
    rows = []
    bank = load_bank("00_start_here")
    for history in histories:
        with tempfile.TemporaryDirectory() as scratch:
            store = ProgressStore(Path(scratch) / "progress.sqlite")
            earlier = [
                _row(
                    {
                        "lesson": "00_start_here",
                        "exercise": f"earlier-{n % 50}",
                        "kind": "reflection",
                        "attempt": 1 + n // 50,
                        "correct": None,
                        "answer": "A saved reflection. " * 10,
                    }
                )
                for n in range(history)
            ]
            store._run(
                lambda connection, earlier=earlier: connection.executemany(
                    "INSERT INTO attempts (lesson, exercise, kind, attempt, correct, answer, saved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    earlier,
                )
            )
            exercise = bank.exercise("days-after-quake", store=store)
            rows.append(
                (
                    f"Check to saved, {history:,} attempts saved before",
                    median_seconds(lambda exercise=exercise: exercise.submit("70"), runs),
                )
            )
    return rows


def main() -> int:
    print(f"{'what':<48} {'median':>9}")
    for name in table_names():
        seconds = median_seconds(lambda name=name: load_table(name), 5)
        print(f"{'load_table(' + repr(name) + ')':<48} {seconds * 1000:>7.1f} ms")
    for label, seconds in check_to_saved_rows() + simulator_rows():
        print(f"{label:<48} {seconds * 1000:>7.1f} ms")
    for path in course_notebooks():
        label = f"run {path.relative_to(course_root())}"
        print(f"{label:<48} {median_seconds(lambda path=path: execute_copy(path), 3):>7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
