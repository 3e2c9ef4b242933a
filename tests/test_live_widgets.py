"""Issue 12, fault 9: re-running a cell that makes widgets must not leave the earlier copies alive."""

from types import SimpleNamespace

import pytest
from ipywidgets.widgets.widget import _instances

from after_fukushima import live
from after_fukushima.data import load_table
from after_fukushima.exercises.bank import load_bank
from after_fukushima.explorers import CountryExplorer, InstrumentTimeline, ResponseExplorer, TimelineExplorer
from after_fukushima.models.cooperation import Design, course_attributes
from after_fukushima.models.simulator import CooperationSimulator
from after_fukushima.scorecard import Scorecard


def makers(store):
    shares = load_table("nuclear_share")
    bank = load_bank("00_start_here")
    return {
        "country explorer": lambda: CountryExplorer(
            shares, "nuclear_share_pct", start="France", title="Share", ylabel="%", source="OWID"
        ),
        "timeline": lambda: TimelineExplorer(load_table("fukushima_timeline"), source="test"),
        "instruments": lambda: InstrumentTimeline(
            load_table("safety_instruments"), load_table("nuclear_accidents"), source="test"
        ),
        "responses": lambda: ResponseExplorer(
            load_table("reactor_fleet"), shares, load_table("national_responses"), source="test"
        ),
        "simulator": lambda: CooperationSimulator(course_attributes()),
        "scorecard": lambda: Scorecard(store=store),
        "exercise": lambda: bank.exercise("summit-place", store=store),
        "code task": lambda: bank.exercise("france-share-2010", store=store),
    }


@pytest.mark.parametrize("what", list(makers(None)))
def test_forty_re_runs_leave_one_copy_alive(what, store):
    make = makers(store)[what]
    make()
    once = len(_instances)
    for _ in range(40):
        latest = make()
    assert len(_instances) == once, f"{what}: {len(_instances) - once} widgets left alive by 40 re-runs"
    assert latest.comm is not None and all(child.comm is not None for child in latest.children)  # still shown


def test_two_different_widgets_stay_alive_side_by_side(store):
    attrs = course_attributes()
    first = CooperationSimulator(attrs)
    second = CooperationSimulator(attrs, design=Design(depth=0.25, portal=True, vendor_duty=1.0, cost_rule="fleet"))
    assert first.comm is not None and second.comm is not None  # lesson 04 shows both


def test_in_jupyterlab_a_cell_run_again_closes_what_it_made_before(store, monkeypatch):
    """JupyterLab sends the cell's id: two widgets made by one run live on; the next run of the cell closes them."""
    bank = load_bank("00_start_here")
    run = SimpleNamespace(cell="cell-a", count=1)
    monkeypatch.setattr(live, "_running_cell", lambda: (run.cell, run.count))
    first = [bank.exercise("summit-place", store=store), bank.exercise("days-after-quake", store=store)]
    run.cell, run.count = "cell-b", 2
    other = bank.exercise("summit-place", store=store)  # the same exercise in another cell: both live
    assert all(w.comm is not None for w in [*first, other])
    run.cell, run.count = "cell-a", 3
    again = bank.exercise("summit-place", store=store)
    assert all(w.comm is None for w in first) and again.comm is not None and other.comm is not None


def test_the_response_explorers_legend_covers_no_decision_or_bar():
    """Issue 21, walkthrough: with Japan chosen, the legend inside the axes hid the decisions of 2011-2015 (pause,
    reversal, proposed reversal) and the tops of the bars. It is below the axes now, clear of everything drawn."""
    explorer = ResponseExplorer(
        load_table("reactor_fleet"),
        load_table("nuclear_share"),
        load_table("national_responses"),
        start="Japan",
        source="Source: test",
    )
    explorer.figure.canvas.draw()
    renderer = explorer.figure.canvas.get_renderer()
    (legend,) = explorer.figure.legends
    assert explorer.axes.get_legend() is None
    box, plot = legend.get_window_extent(renderer), explorer.axes.get_window_extent(renderer)
    assert box.y1 < plot.y0, (box, plot)  # wholly below the axes
