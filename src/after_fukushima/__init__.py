"""After Fukushima: the code behind the course notebooks.

Where things live:

- ``data``       load a table from data/ by name, typed and checked by data/datapackage.json
- ``plots``      one figure style: colour-blind-safe palette, titles with units, a source line
- ``exercises``  widget exercises built from the question banks in exercises/banks/
- ``progress``   every attempt saved to a per-user file, and a saved answer shown back
- ``scorecard``  progress per lesson and the CSV export (above both progress and exercises)
- ``models``     lesson 04's cooperation model and simulator
- ``paths``      where the course folders are, from any working directory
- ``errors``     CourseError: problems explained in one sentence, never a traceback
"""

from after_fukushima.data import load_table
from after_fukushima.errors import CourseError, show_errors_as_sentences
from after_fukushima.exercises import load_bank
from after_fukushima.scorecard import Scorecard

__all__ = ["CourseError", "load_table", "load_bank", "Scorecard"]

show_errors_as_sentences()
