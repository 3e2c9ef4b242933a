"""Errors a student can act on, shown as plain sentences instead of tracebacks.

- CourseError (a problem with the course's files or a student's input): its message alone, "Problem: ...".
- The three errors students meet first with pandas: a misspelt column (KeyError), a name ``query`` does not
  know (pandas' UndefinedVariableError) and ``.item()`` on a selection that is empty or has several rows
  (ValueError "can only convert an array of size 1"). Each becomes the error's own line, a sentence on what it
  usually means, and the student's line that raised it; it is still an error, so Run All stops there.
- Every other error keeps IPython's usual traceback.

The handler never fails, so IPython never switches it off: text that cannot be sent to the browser (a lone
surrogate such as '\\ud800') is shown with U+FFFD in its place, and if even IPython's traceback cannot be
shown, one plain line is.
"""

import linecache
import os
import sys
import textwrap
import traceback


class CourseError(Exception):
    """A problem with the course's files or a student's input, explained in words."""


def displayable(text: str) -> str:
    """``text`` as it can be sent to a browser and printed: a lone surrogate (half of an emoji, from a paste cut
    short or a Python escape such as '\\ud800') becomes U+FFFD, the replacement character; a surrogate pair becomes
    the character it stands for. UTF-8, and so JSON to the browser, cannot carry a lone surrogate."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


ADVICE = {
    "KeyError": "There is no column (or row label) with that name. Names are case-sensitive and must be spelt as "
    "in the table: print table.columns to see them.",
    "UndefinedVariableError": "query() does not know this name: it is neither a column of the table nor a Python "
    "variable. Check the column's spelling, and put text in quotes: country == 'France'.",
    "item": ".item() needs exactly one value. Usually the filter kept no rows (check the spelling and capitals "
    "of the text you compare with, and compare numbers with numbers: year == 2010, not '2010') or more "
    "than one row. Look at your selection without .item() first; a one-row result is accepted as it is.",
}


def _from_pandas(tb) -> bool:
    return any(f"{os.sep}pandas{os.sep}" in frame.filename for frame in traceback.extract_tb(tb))


def advice_for(error: BaseException, tb=None) -> str | None:
    """The sentence for one of the three common pandas errors, or None for any other error (a KeyError counts
    only when raised inside pandas: a dictionary's KeyError is not about columns)."""
    name = type(error).__name__
    if name == "KeyError":
        return ADVICE[name] if tb is not None and _from_pandas(tb) else None
    if name in ADVICE:
        return ADVICE[name]
    if isinstance(error, ValueError) and "can only convert an array of size 1" in str(error):
        return ADVICE["item"]
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
    """Inside IPython/Jupyter, show CourseError and the three common pandas errors as sentences. True if
    installed (False in plain Python, where exceptions behave normally); calling it again changes nothing."""
    try:
        from IPython import get_ipython
        from pandas.errors import UndefinedVariableError
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((CourseError, KeyError, UndefinedVariableError, ValueError), _as_sentences)
    return True
