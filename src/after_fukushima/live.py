"""One live copy of each widget a notebook cell makes.

Re-running a cell makes its widgets again; the copies it made before would stay alive in the kernel (with their
figures, controls, layouts and styles) for as long as the kernel runs: forty re-runs of the country explorer
once took the live widgets from 13 to 493. ``keep_one`` closes the earlier copies.

In JupyterLab each cell has an id, which the kernel receives with the code: when a cell runs again, every
widget it made the time before is closed. Where no id is sent (nbclient, a plain Python session), a widget is
the same as an earlier one when its ``key`` is equal, and the earlier one is closed.
"""

import ipywidgets as widgets

_by_key: dict[tuple, widgets.Widget] = {}
_by_cell: dict[str, tuple[int, list[widgets.Widget]]] = {}  # cell id -> (its run, the widgets that run made)


def _running_cell() -> tuple[str, int] | None:
    """(id of the cell being run, its execution count), or None outside a front end that sends cell ids."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    cell = (kernel.get_parent().get("metadata") or {}).get("cellId")
    return (cell, shell.execution_count) if cell else None


def keep_one(key: tuple, widget: widgets.Widget) -> None:
    """Register ``widget``, made by the running cell, and close what that cell made the last time it ran.

    ``key`` (for example an exercise's lesson and id, or a figure's class and title) is used where the front
    end sends no cell id.
    """
    running = _running_cell()
    if running is None:
        earlier = _by_key.get(key)
        if earlier is not None and earlier is not widget:
            close_all(earlier)
        _by_key[key] = widget
        return
    cell, run = running
    last_run, made = _by_cell.get(cell, (run, []))
    if last_run != run:
        for earlier in made:
            close_all(earlier)
        made = []
    _by_cell[cell] = (run, [*made, widget])


def close_all(widget: widgets.Widget) -> None:
    """Close ``widget`` and every widget it holds in its traits (children, layout, style, a figure's toolbar).

    A widget shared with another live one must not be held in a trait: the course makes each Layout afresh.
    """
    seen: set[int] = set()
    waiting = [widget]
    while waiting:
        current = waiting.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for value in current.trait_values().values():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, widgets.Widget):
                    waiting.append(item)
        current.close()
