"""Errors a student can act on, shown as plain sentences instead of tracebacks.

- CourseError (a problem with the course's files or a student's input): its message alone, "Problem: ...".
- The errors students meet first with pandas (see ``advice_for``): a misspelt column (KeyError), a name
  ``query`` does not know (pandas' UndefinedVariableError), ``.item()`` on a selection that is empty or has
  several rows (ValueError "can only convert an array of size 1"), a lookup in a selection a misspelt filter
  left empty, ``and`` between two columns of conditions, ``&`` without brackets, ``=`` for ``==`` in a query.
  Each becomes the error's own line, a sentence on what it usually means, and the student's line that raised
  it; it is still an error, so Run All stops there.
- Every other error keeps IPython's usual traceback.

The handler never fails, so IPython never switches it off: text that cannot be sent to the browser (a lone
surrogate such as '\\ud800') is shown with U+FFFD in its place, and if even IPython's traceback cannot be
shown, one plain line is.
"""

import linecache
import os
import re
import sys
import textwrap
import traceback

from after_fukushima.text import displayable


class CourseError(Exception):
    """A problem with the course's files or a student's input, explained in words."""


ADVICE = {
    "KeyError": "There is no column (or row label) with that name. Names are case-sensitive and must be spelt as "
    "in the table: print table.columns to see them.",
    "UndefinedVariableError": "query() does not know this name: it is neither a column of the table nor a Python "
    "variable. Check the column's spelling, and put text in quotes: country == 'France'.",
    "item": ".item() needs exactly one value. Usually the filter kept no rows (check the spelling and capitals "
    "of the text you compare with, and compare numbers with numbers: year == 2010, not '2010') or more "
    "than one row. Look at your selection without .item() first; a one-row result is accepted as it is.",
    "empty": "The selection you looked in is empty: your filter kept no rows, so there is nothing to pick. Check "
    "the spelling and capitals of the text you compare with (the tables write 'France' and 'World', not "
    "'france' or 'world'), and compare numbers with numbers: year == 2010, not '2010'.",
    "row label": "There is no row labelled {key}. A table's rows are labelled 0, 1, 2... unless you set a column "
    "as the index: to pick a year's row by its year, use .set_index('year') first, or filter with "
    ".query('year == {key}').",
    "and": "Python's and, or and not cannot combine columns of True and False. Use & for and, | for or and ~ for "
    "not, with each condition in its own brackets: (table['country'] == 'France') & (table['year'] == 2010). "
    'Inside .query("...") the words and, or work as they are.',
    "brackets": "Put each condition in its own brackets when you combine them with & or |: & is worked out "
    "before == and <, so (table['country'] == 'France') & (table['year'] == 2010), not "
    "table['country'] == 'France' & table['year'] == 2010.",
    "query =": "Inside .query(\"...\"), compare with == (two equals signs): country == 'France'. A single = "
    "would store a value, which a query cannot do.",
    "dates": "A column of dates can only be compared with a date: day = pd.Timestamp('2011-03-11'), then "
    "table['commercial_operation'] <= day. To compare years, use table['commercial_operation'].dt.year.",
    "position": ".iloc counts rows by position from 0, and there is no row at that position. To pick a row by "
    "its label (a year, once it is the index), use .loc[...] or [...] instead.",
}
_PANDAS = ("Series", "DataFrame", "Index")


def _from_pandas(tb) -> bool:
    return any(f"{os.sep}pandas{os.sep}" in frame.filename for frame in traceback.extract_tb(tb))


def _looked_in(tb):
    """The table or column (a pandas object) that raised the error, as the traceback's frames hold it, or None."""
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        owner = getattr(owner, "obj", owner) if type(owner).__name__.endswith("Indexer") else owner  # .loc, .iloc
        if type(owner).__name__ in _PANDAS and type(owner).__module__.startswith("pandas"):
            return owner
        tb = tb.tb_next
    return None


def _empty(tb) -> bool:
    try:
        table = _looked_in(tb)
        return table is not None and len(table) == 0
    except Exception:  # an object whose length cannot be read: no claim about it
        return False


def advice_for(error: BaseException, tb=None) -> str | None:
    """The sentence for one of the common pandas errors, or None for any other error.

    A misspelt column or row label (KeyError, counted only when raised inside pandas: a dictionary's KeyError is
    not about columns; a whole number is a row label, and a lookup in an empty selection is said to be one),
    ``query`` not knowing a name, ``.item()``, ``.idxmin()`` or ``.iloc`` on an empty selection, ``and``/``or``
    between columns, ``&`` without brackets, ``=`` for ``==`` in a query, a date column compared with a number.
    """
    name = type(error).__name__
    text = str(error)
    in_pandas = tb is not None and _from_pandas(tb)
    if name == "KeyError":
        if not in_pandas:
            return None
        if _empty(tb):
            return ADVICE["empty"]
        key = error.args[0] if error.args else None
        if isinstance(key, int) and not isinstance(key, bool):
            return ADVICE["row label"].format(key=key)
        return ADVICE[name]
    if name in ADVICE:
        return ADVICE[name]
    if isinstance(error, ValueError):
        if "can only convert an array of size 1" in text:
            return ADVICE["item"]
        if "truth value of a" in text and "is ambiguous" in text:
            return ADVICE["and"]
        if "cannot assign without a target object" in text:
            return ADVICE["query ="]
        if re.search(r"attempt to get arg(min|max) of an empty sequence", text):
            return ADVICE["empty"]
    if isinstance(error, TypeError) and in_pandas:
        if re.search(r"for [&|]:|Cannot perform '(r?and_|r?or_)'", text):
            return ADVICE["brackets"]
        if "Invalid comparison between dtype=datetime64" in text:
            return ADVICE["dates"]
    if isinstance(error, IndexError) and in_pandas and "positional indexer is out-of-bounds" in text:
        return ADVICE["empty"] if _empty(tb) else ADVICE["position"]
    return None


def your_line(tb) -> str:
    """'line N: code' for the last line of the student's own cell in a traceback, or ''."""
    cells = [
        frame
        for frame in traceback.extract_tb(tb)
        if frame.filename.startswith("<ipython-input") or "/ipykernel_" in frame.filename
    ]
    if not cells:
        return ""
    frame = cells[-1]
    code = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    return f"line {frame.lineno}: {code}" if code else ""


def _sendable_args(value: BaseException) -> None:
    """Put U+FFFD for lone surrogates in the error's own text: the kernel sends ``str(error)`` to the browser
    after any handler, and a text it cannot encode would leave the cell running for ever."""
    try:
        value.args = tuple(displayable(arg) if isinstance(arg, str) else arg for arg in value.args)
    except Exception:  # an error that will not take new args: nothing more to do
        pass


def _as_sentences(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for the exceptions given to set_custom_exc: it shows the error and returns its lines.

    It never raises, since IPython switches off a handler that does, for the rest of the session."""
    _sendable_args(value)
    try:
        if isinstance(value, CourseError):
            print(displayable(f"Problem: {value}"), file=sys.stderr)
            return []
        advice = advice_for(value, tb)
        if advice is not None:
            where = your_line(tb)
            lines = [f"{etype.__name__}: {value}", *textwrap.wrap(advice, 88)]  # whole words on narrow screens
            lines += [f"It happened in your {where}"] if where else []
            lines = [displayable(line) for line in lines]
            shell._showtraceback(etype, displayable(str(value)), lines)  # in a kernel: an error output
            return lines
    except Exception:  # an error whose text cannot be read: IPython's own traceback, and stay installed
        pass
    try:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    except Exception:  # its text cannot be sent (a surrogate in a line of code): the same lines, made sendable
        try:
            lines = [displayable(line) for line in shell.InteractiveTB.structured_traceback(etype, value, tb)]
            shell._showtraceback(etype, displayable(str(value)), lines)
        except Exception:
            try:
                print(displayable(f"{etype.__name__} (its traceback could not be shown)"), file=sys.stderr)
            except Exception:
                pass
    return []


def show_errors_as_sentences() -> bool:
    """Inside IPython/Jupyter, show CourseError and the common pandas errors as sentences. True if
    installed (False in plain Python, where exceptions behave normally); calling it again changes nothing."""
    try:
        from IPython import get_ipython
        from pandas.errors import UndefinedVariableError
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc(
        (CourseError, KeyError, UndefinedVariableError, ValueError, TypeError, IndexError), _as_sentences
    )
    return True
