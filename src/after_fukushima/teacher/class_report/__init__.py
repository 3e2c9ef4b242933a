"""A teacher's tool: what a class's hand-in files say, as tables and two figures (teacher/class_report.ipynb).

    from after_fukushima.teacher import class_report as report
    attempts, problems = report.read_hand_ins("hand_ins")   # every after_fukushima_*.csv in the folder
    report.exercise_summary(attempts)                       # who tried each exercise, who got it right
    report.common_wrong_answers(attempts)                   # the commonest wrong answers, with the course's feedback
    report.behind(attempts)                                 # who has done the fewest exercises, lesson by lesson
    report.save_csv(report.behind(attempts), "behind.csv")  # any table, for a spreadsheet, without formulas
    report.reflections(attempts, "why-hesitate")            # every student's written reflection, side by side
    report.verdicts(attempts, "report-on-trial")            # every student's verdicts beside the course's reading
    report.heat_map(attempts), report.first_try_chart(attempts)  # the same, to look at rather than read

``report.demo_class(folder)`` writes an invented class of 30 hand-ins, to try the report on before the real ones
come in.

This package re-exports the names the teacher's notebook and the docs use; each lives in one module:

- ``reading``    the hand-in files into one table of attempts, with a sentence per problem (``read_hand_ins``),
                 and the limits no real class reaches
- ``decoding``   a file's bytes as text and its first line as columns, as spreadsheets write them back
- ``grading``    the banks' verdict on each answer (``regrade``) and what each wrong part was told
                 (``wrong_parts``)
- ``summaries``  the tables (``outcomes``, ``exercise_summary``, ``lesson_summary``, ``behind``…) and
                 ``save_csv``
- ``figures``    ``heat_map`` and ``first_try_chart``
- ``demo``       ``demo_class``

Students hand in files written by ``scorecard.hand_in_csv``. This package reads them and is read by nothing the
students' notebooks import: it sits above the scorecard, the exercises and the plots. Every byte of a hand-in is
untrusted: tables escape it (and importing this package turns off MathJax in pandas' tables), figures draw it as
written, sentences quote it shortened and without control characters (``after_fukushima.text.escaped``), and
``save_csv`` keeps it from running as a spreadsheet formula.

What the report counts comes from files the students hold, and a student can edit theirs. The banks re-grade
every answer (the file's right-or-wrong column is only a claim), and "right at the first try" is read from the
attempt numbered 1, with a sentence when a file's attempts are not numbered 1, 2, 3… in the order of their times;
but a student who deletes the rows of wrong attempts and numbers the rest again cannot be detected. Read the
first-try shares as what the students handed in, not as proof.
"""

import pandas as pd

from after_fukushima.teacher.class_report.demo import DEMO_SENTENCES, DEMO_SOURCE, demo_class
from after_fukushima.teacher.class_report.figures import (
    GRADED_STATES,
    NAME_SHOWN,
    SOURCE,
    STATE_COLOURS,
    first_try_chart,
    heat_map,
    states,
)
from after_fukushima.teacher.class_report.grading import MAX_NUMBER_TEXT, MISSED, SEPARATOR, regrade, wrong_parts
from after_fukushima.teacher.class_report.reading import (
    ATTEMPT_COLUMNS,
    MAX_CELL,
    MAX_FILE_BYTES,
    MAX_HAND_INS,
    MAX_ROWS,
    empty_attempts,
    read_hand_ins,
)
from after_fukushima.teacher.class_report.summaries import (
    COURSE_READING,
    as_table,
    behind,
    common_wrong_answers,
    current_lesson,
    done_by_lesson,
    exercise_summary,
    lesson_summary,
    most_answered,
    outcomes,
    prompt_of,
    reflections,
    save_csv,
    students,
    verdicts,
)

# Every table this package returns may show what students wrote, and JupyterLab typesets '$…$' in a table's HTML
# with MathJax: a name or an answer would be shown as a formula. Pandas then marks its tables as not to be
# typeset (the classes tex2jax_ignore and mathjax_ignore), in every table the teacher's notebook shows.
pd.set_option("display.html.use_mathjax", False)
pd.set_option("styler.html.mathjax", False)

__all__ = [
    "ATTEMPT_COLUMNS",
    "COURSE_READING",
    "DEMO_SENTENCES",
    "DEMO_SOURCE",
    "GRADED_STATES",
    "MAX_CELL",
    "MAX_FILE_BYTES",
    "MAX_HAND_INS",
    "MAX_NUMBER_TEXT",
    "MAX_ROWS",
    "MISSED",
    "NAME_SHOWN",
    "SEPARATOR",
    "SOURCE",
    "STATE_COLOURS",
    "as_table",
    "behind",
    "common_wrong_answers",
    "current_lesson",
    "demo_class",
    "done_by_lesson",
    "empty_attempts",
    "exercise_summary",
    "first_try_chart",
    "heat_map",
    "lesson_summary",
    "most_answered",
    "outcomes",
    "prompt_of",
    "read_hand_ins",
    "reflections",
    "regrade",
    "save_csv",
    "states",
    "students",
    "verdicts",
    "wrong_parts",
]
