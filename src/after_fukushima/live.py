"""One live copy of each widget a notebook cell makes.

Re-running a cell makes its widgets again; the copies it made before would stay alive in the kernel (with their
figures, controls, layouts and styles) for as long as the kernel runs: forty re-runs of the country explorer
once took the live widgets from 13 to 493. ``keep_one`` closes the earlier copies.

In JupyterLab each cell has an id, which the kernel receives with the code: when a cell runs again, every
widget it made the time before is closed. Where no id is sent (nbclient, the classic notebook) the cell's code
stands for it. Outside IPython (a script, a test), a widget is the same as an earlier one when its ``key`` is
equal, and the earlier one is closed.
"""

import ipywidgets as widgets

_by_key: dict[tuple, widgets.Widget] = {}
_by_cell: dict[str, tuple[int, list[widgets.Widget]]] = {}  # cell id -> (its run, the widgets that run made)


def _running_cell() -> tuple[str, int] | None:
    """(the cell being run, its execution count), or None outside IPython. The cell is its id where the front
    end sends one (JupyterLab), else its code (nbclient, the classic notebook): two cells with the same code
    then count as one, the price of not leaking."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    kernel = getattr(shell, "kernel", None)
    cell = (kernel.get_parent().get("metadata") or {}).get("cellId") if kernel is not None else None
    if not cell:
        history = getattr(shell, "user_ns", {}).get("_ih") or [""]
        cell = f"code:{hash(history[-1])}"
    return cell, getattr(shell, "execution_count", 0)


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
