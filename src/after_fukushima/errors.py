"""Errors a student can act on, shown as one plain sentence instead of a traceback."""

import sys


class CourseError(Exception):
    """A problem with the course's files or a student's input, explained in words."""


def _print_sentence(shell, etype, value, tb, tb_offset=None):
    print(f"Problem: {value}", file=sys.stderr)


def show_errors_as_sentences() -> None:
    """Inside IPython/Jupyter, show CourseError as its message alone (no traceback)."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: exceptions behave normally
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((CourseError,), _print_sentence)
