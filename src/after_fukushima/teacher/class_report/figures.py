"""The class report's figures: a heat map of students by exercises, and a chart of first tries per exercise.

Called by the teacher's notebook (through ``teacher.class_report``). Both take the attempts table
``reading.read_hand_ins`` gives and draw students' names and answers as written, never as mathtext
(``_as_written``), in the course's figure style (``after_fukushima.figures.panels``, ``plots.PALETTE``).
"""

import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from after_fukushima.exercises.bank import Bank
from after_fukushima.exercises.kinds import UNGRADED
from after_fukushima.figures import panels
from after_fukushima.plots import PALETTE, SMALLEST_STATIC_TEXT_PT
from after_fukushima.teacher.class_report.summaries import course_exercises, exercise_summary, outcomes, students
from after_fukushima.text import escaped

SOURCE = "Source: the students' hand-in files"

GRADED_STATES = [
    "not tried",
    "tried, not yet right",
    "right after retrying",
    "right at the first try",
    "saved (reflection or verdict, not graded)",
]
STATE_COLOURS = ["#EEEEEE", PALETTE["vermillion"], PALETTE["sky"], PALETTE["green"], PALETTE["blue"]]


def _short(lesson: str) -> str:
    return lesson.split("_", 1)[0]


def _begun(attempts: pd.DataFrame, banks: list[Bank] | None) -> list[str]:
    """The lessons with at least one attempt; every lesson if there are no attempts at all."""
    lessons = list(dict.fromkeys(lesson for lesson, _ in course_exercises(banks)))
    started = set(attempts["lesson"])
    return [lesson for lesson in lessons if lesson in started] or lessons


def states(attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None) -> pd.DataFrame:
    """Students × exercises, each cell an index into GRADED_STATES: 0 not tried, 1 tried but not yet right,
    2 right after retrying, 3 right at the first try, 4 saved (a reflection or a judgement, not graded).
    Index: student (by name); columns: (lesson, exercise) in course order."""
    course = course_exercises(banks, lesson)
    columns = pd.MultiIndex.from_tuples(
        [(lesson_id, entry["id"]) for lesson_id, entry in course], names=["lesson", "exercise"]
    )
    table = pd.DataFrame(0, index=pd.Index(students(attempts), name="student"), columns=columns)
    for row in outcomes(attempts, banks).itertuples(index=False):
        if (row.lesson, row.exercise) in columns:
            state = 4 if row.kind in UNGRADED else 3 if row.first_try else 2 if row.eventually else 1
            table.loc[row.student, (row.lesson, row.exercise)] = state
    return table


def _lesson_bands(ax, lessons: list[str], axis: str) -> None:
    """Lines between lessons and the lessons' numbers along the other side of ``axis``."""
    edges = [n for n in range(1, len(lessons)) if lessons[n] != lessons[n - 1]]
    starts = [0, *edges]
    ends = [*edges, len(lessons)]
    for edge in edges:
        (ax.axvline if axis == "x" else ax.axhline)(edge - 0.5, color=PALETTE["black"], linewidth=1)
    centres = [(a + b - 1) / 2 for a, b in zip(starts, ends)]
    names = [f"Lesson {_short(lessons[a])}" for a in starts]
    if axis == "x":
        top = ax.secondary_xaxis("top")
        top.set_xticks(centres, names, fontsize=9)
        top.tick_params(length=0)
    else:
        right = ax.secondary_yaxis("right")
        right.set_yticks(centres, names, fontsize=9)
        right.tick_params(length=0)


def heat_map(attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None, source: str = SOURCE):
    """A figure: one row per student, one column per exercise (course order), each cell coloured by how it went:
    right at the first try, right after retrying, tried but not yet right, saved (a reflection or a judgement,
    not graded), or not tried.
    Only the lessons someone has started, unless ``lesson`` names one.

    Read across a row for one student (a long grey stretch: behind), down a column for one exercise (much red:
    a question to take up in class). Returns a Figure that shows itself when a notebook cell returns it.
    """
    table = states(attempts, banks, lesson)
    if lesson is None:
        table = table.loc[:, table.columns.get_level_values("lesson").isin(_begun(attempts, banks))]
    n_students, n_exercises = table.shape
    width = max(7.0, 2.5 + 0.16 * n_exercises)  # room for each exercise's name at the smallest static size
    fig, (ax,) = panels(
        "How each student did on each exercise", source, 1, 1, figsize=(width, 2.6 + 0.24 * max(n_students, 1))
    )
    ax.grid(False)
    cmap = ListedColormap(STATE_COLOURS)
    ax.pcolormesh(
        np.arange(n_exercises + 1) - 0.5,
        np.arange(n_students + 1) - 0.5,
        table.to_numpy(dtype=float) if n_students else np.zeros((0, n_exercises)),
        cmap=cmap,
        vmin=-0.5,
        vmax=len(STATE_COLOURS) - 0.5,
        edgecolors="white",
        linewidth=0.4,
    )
    ax.set_xlim(-0.5, n_exercises - 0.5)
    ax.set_ylim(max(n_students, 1) - 0.5, -0.5)
    names = [escaped(name, NAME_SHOWN) for name in table.index]
    ax.set_yticks(range(n_students), names, fontsize=SMALLEST_STATIC_TEXT_PT)
    ax.set_xticks(
        range(n_exercises), [exercise for _, exercise in table.columns], rotation=90, fontsize=SMALLEST_STATIC_TEXT_PT
    )
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    _lesson_bands(ax, [lesson_id for lesson_id, _ in table.columns], "x")
    ax.legend(
        handles=[Patch(facecolor=c, edgecolor="#999999", label=s) for s, c in zip(GRADED_STATES, STATE_COLOURS)],
        loc="lower left",
        bbox_to_anchor=(0, 1),
        borderaxespad=1.8,
        ncols=len(GRADED_STATES) if width >= 10 else 3,  # a legend wider than the figure would squeeze it
        frameon=False,
        fontsize=SMALLEST_STATIC_TEXT_PT,
    )  # above the lessons' names
    if not n_students:
        ax.text(0.5, 0.5, "No hand-ins yet", transform=ax.transAxes, ha="center", va="center")
    return _as_written(fig).describe(heat_map_sentence(table))


IN_WORDS = {3: "right at the first try", 2: "right after retrying", 1: "not yet right", 4: "saved", 0: "not tried"}


def heat_map_sentence(table: pd.DataFrame) -> str:
    """The heat map in one sentence: its size, and how many of its squares are in each state (``states``)."""
    n_students, n_exercises = table.shape
    if not n_students:
        return f"An empty grid of {n_exercises} exercises: no hand-ins yet."
    counts = pd.Series(table.to_numpy().ravel()).value_counts()
    said = [f"{counts.get(state, 0)} {name}" for state, name in IN_WORDS.items()]
    return (
        f"A grid of {n_students} {'student' if n_students == 1 else 'students'} by {n_exercises} exercises, a "
        f"square each, coloured by how it went: {', '.join(said[:-1])} and {said[-1]}."
    )


NAME_SHOWN = 32  # characters of a student's name a figure shows; a longer name ends in '…'


def _as_written(fig):
    """The figure with every text drawn as the characters it holds: '$…$' in a student's name, or in a folder's
    name in the source line, is not mathtext (which would typeset it, or fail on a lone '$')."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        if text.get_wrap() and text.get_text().count("$") > 1:  # matplotlib measures wrapped lines as mathtext
            text.set_wrap(False)
            text.set_text(textwrap.fill(text.get_text(), 120))
    return fig


def first_try_chart(
    attempts: pd.DataFrame, banks: list[Bank] | None = None, lesson: str | None = None, source: str = SOURCE
):
    """A figure: one bar per graded exercise (reflections and judgements left out), as long as the number of
    students who tried it, split into right at the first try, right after retrying, and not yet right; '7/25' at
    the end of a bar means 7 of the 25 who tried were right at the first try. Exercises in course order, top to
    bottom, only those someone tried (``exercise_summary`` lists every one), in one lesson if ``lesson`` names it.
    """
    summary = exercise_summary(attempts, banks, lesson)
    summary = summary[(~summary["kind"].isin(UNGRADED)) & (summary["tried"] > 0)].reset_index(drop=True)
    n = len(summary)
    fig, (ax,) = panels(
        "Right at the first try, per exercise (reflections and verdicts are not graded)",
        source,
        1,
        1,
        figsize=(8.0, 1.8 + 0.22 * max(n, 4)),
    )
    y = np.arange(n)
    first = summary["right_first_try"].astype(float).to_numpy()
    later = (summary["right_eventually"] - summary["right_first_try"]).astype(float).to_numpy()
    never = summary["not_yet_right"].astype(float).to_numpy()
    ax.barh(y, first, color=PALETTE["green"], label="right at the first try")
    ax.barh(y, later, left=first, color=PALETTE["sky"], label="right after retrying")
    ax.barh(y, never, left=first + later, color=PALETTE["vermillion"], label="tried, not yet right")
    for k, (right, tried) in enumerate(zip(summary["right_first_try"], summary["tried"])):
        ax.text(tried, k, f" {right}/{tried}", va="center", fontsize=SMALLEST_STATIC_TEXT_PT)
    ax.set_yticks(y, summary["exercise"], fontsize=SMALLEST_STATIC_TEXT_PT if n > 30 else 9)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    ax.set_xlabel("students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole students, never 0.25 of one
    most = int(summary["tried"].max()) if n and summary["tried"].max() > 0 else 1
    ax.set_xlim(0, most * 1.12)
    ax.grid(axis="y", visible=False)
    if n:
        _lesson_bands(ax, list(summary["lesson"]), "y")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3, frameon=False, fontsize=8)
    return _as_written(fig).describe(first_try_sentence(summary))


def first_try_sentence(summary: pd.DataFrame) -> str:
    """first_try_chart's figure in one sentence: the graded exercises tried, and the lowest and highest share of
    students right at the first try (``summary``: the chart's rows of ``exercise_summary``)."""
    if not len(summary):
        return "No bars: no graded exercise has been tried yet."
    share = summary["right_first_try"] / summary["tried"]
    low, high = summary.loc[share.idxmin()], summary.loc[share.idxmax()]

    def more(at: float) -> str:
        others = int((share == at).sum()) - 1
        return f", with {others} more at {at:.0%}" if others else ""

    return (
        f"Bars for {len(summary)} graded exercises, split by how the students who tried did; lowest share right at "
        f"the first try: {low['exercise']} ({low['right_first_try']} of {low['tried']}{more(share.min())}), "
        f"highest: {high['exercise']} ({high['right_first_try']} of {high['tried']}{more(share.max())})."
    )
