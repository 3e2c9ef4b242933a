"""Issue 23, item 2: a control change redraws only the artists that change, over a saved background (a blit), and
the picture is exactly the one a full draw of the same state gives."""

import matplotlib
import numpy as np
import pytest

from after_fukushima import explorers
from after_fukushima.data import load_table
from after_fukushima.explorers import CountryExplorer, InstrumentTimeline, ResponseExplorer, TimelineExplorer
from after_fukushima.models import simulator as simulator_module
from after_fukushima.models.cooperation import Design, Weights, course_attributes, net_gain, stable_memberships
from after_fukushima.models.simulator import CooperationSimulator, gain_reach

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def both_live(monkeypatch):
    """A figure and its twin share a key: keep_one would close the first when the second is made."""
    monkeypatch.setattr(explorers, "keep_one", lambda key, widget: None)
    monkeypatch.setattr(simulator_module, "keep_one", lambda key, widget: None)


@pytest.fixture(scope="module")
def attrs():
    return course_attributes()


def country_explorer():
    return CountryExplorer(
        load_table("nuclear_share"),
        "nuclear_share_pct",
        start="Germany",
        title="Nuclear share of electricity generation (%)",
        ylabel="% of electricity generated",
        unit="%",
        source="Source: OWID",
    )


def slide(value):
    def step(figure):
        figure.slider.value = value

    return step


def setting(name, value):
    def step(figure):
        getattr(figure, name).value = value

    return step


FIGURES = {
    "simulator": (
        lambda: CooperationSimulator(course_attributes()),
        [
            setting("depth", 1.0),
            setting("portal", True),
            setting("vendor_duty", 0.9),
            setting("cost_rule", "fleet"),
            setting("depth", 0.25),
            setting("portal", False),
        ],
    ),
    "country explorer": (
        country_explorer,
        [
            lambda figure: figure.add("France"),
            lambda figure: figure.add("Japan"),
            lambda figure: figure.remove("Germany"),  # France and Japan keep their colours
            lambda figure: figure.add("Lithuania"),
            lambda figure: figure.show(["Japan"]),
            lambda figure: figure.show([]),
            lambda figure: figure.add("Sweden"),
        ],
    ),
    "instrument timeline": (
        lambda: InstrumentTimeline(load_table("safety_instruments"), load_table("nuclear_accidents"), source="test"),
        [slide(3), slide(10), slide(-1), slide(0)],  # -1: the last row, which may have no place on the axis
    ),
    "response explorer": (
        lambda: ResponseExplorer(
            load_table("reactor_fleet"), load_table("nuclear_share"), load_table("national_responses"), source="test"
        ),
        # Japan first, then fleets from two to three digits wide and back, and a country with a proposal
        [setting("picker", "United States"), setting("picker", "Germany"), setting("picker", "Italy")]
        + [setting("picker", "Taiwan"), setting("picker", "Japan")],
    ),
    "fukushima timeline": (
        lambda: TimelineExplorer(load_table("fukushima_timeline"), source="test"),
        [slide(5), slide(12), slide(-1), slide(0)],
    ),
}


def pixels(figure) -> np.ndarray:
    return np.asarray(figure.figure.canvas.buffer_rgba()).copy()


class Counts:
    """Counts, on one figure, full figure draws, draw_idle requests and each animated artist's draws."""

    def __init__(self, box, monkeypatch):
        self.figure_draws = self.idle = self.renders = 0
        self.artist_draws: dict[int, int] = {}
        figure, canvas = box.figure, box.figure.canvas
        draw, draw_idle = figure.draw, canvas.draw_idle

        def counted_draw(renderer):
            self.figure_draws += 1
            return draw(renderer)

        def counted_idle(*args, **kwargs):
            self.idle += 1
            return draw_idle(*args, **kwargs)

        render = box.blitter._draw_artists

        def counted_render():
            self.renders += 1
            return render()

        monkeypatch.setattr(figure, "draw", counted_draw)
        monkeypatch.setattr(canvas, "draw_idle", counted_idle)
        monkeypatch.setattr(box.blitter, "_draw_artists", counted_render)
        self.box, self.monkeypatch = box, monkeypatch
        self.watch()

    def watch(self):
        """Count the draws of every artist the figure animates now (a new country's line is a new artist)."""
        for artist in self.box.blitter.artists:
            if id(artist) in self.artist_draws:
                continue
            self.artist_draws[id(artist)] = 0

            def counted(renderer, artist=artist, draw=artist.draw):
                self.artist_draws[id(artist)] += 1
                return draw(renderer)

            self.monkeypatch.setattr(artist, "draw", counted)

    def reset(self):
        self.figure_draws = self.idle = self.renders = 0
        self.artist_draws = dict.fromkeys(self.artist_draws, 0)


def resolve(step, figure):
    """Slider steps given as -1 mean the last option."""
    if getattr(step, "__closure__", None) and step.__closure__[0].cell_contents == -1:
        return slide(len(figure.slider.options) - 1)
    return step


@pytest.mark.parametrize("name", FIGURES)
def test_a_change_is_one_blit_of_the_changing_artists_and_looks_as_a_full_draw(name, monkeypatch):
    make, steps = FIGURES[name]
    figure, twin = make(), make()
    figure.figure.canvas.draw()  # the first showing: a full draw, which saves the background
    assert figure.blitter.full_draws == 1 and figure.blitter.ready()
    counts = Counts(figure, monkeypatch)
    for n, step in enumerate(steps):
        counts.reset()
        blits = figure.blitter.blits
        resolve(step, figure)(figure)
        assert figure.blitter.blits == blits + 1, f"{name}, step {n}: not shown by one blit"
        assert counts.figure_draws == 0 and counts.idle == 0, f"{name}, step {n}: a full draw for a change"
        assert counts.renders == 1, f"{name}, step {n}: the changing artists rendered {counts.renders} times"
        watched = [artist for artist in figure.blitter.artists if id(artist) in counts.artist_draws]
        drawn = [counts.artist_draws[id(artist)] for artist in watched if artist.get_figure() is not None]
        assert set(drawn) <= {1}, f"{name}, step {n}: each changing artist drawn once, not {drawn}"
        counts.watch()  # artists this step added (a country's line, a new legend) are counted from the next step
        shown = pixels(figure)

        resolve(step, twin)(twin)
        twin.figure.canvas.draw()  # the same state, drawn in full
        full = pixels(twin)
        assert shown.shape == full.shape
        differ = (shown != full).any(axis=2)
        assert not differ.any(), f"{name}, step {n}: {differ.sum()} pixels differ from a full draw"


def test_a_resize_makes_one_full_draw_and_a_new_background(monkeypatch):
    make = FIGURES["simulator"][0]
    figure = make()
    canvas = figure.figure.canvas
    canvas.draw()
    old = figure.blitter.background
    counts = Counts(figure, monkeypatch)
    canvas.handle_resize({"width": 700, "height": 420})  # what the browser sends when the page narrows
    assert counts.idle == 1 and counts.figure_draws == 0  # one full draw asked for, done when the browser asks
    assert not figure.blitter.ready()  # the saved background is the old size: never blitted again
    blits = figure.blitter.blits
    figure.depth.value = 1.0  # a change before the browser's draw: no blit over the old background
    assert figure.blitter.blits == blits and counts.idle == 2
    canvas.draw()  # the browser's draw
    assert counts.figure_draws == 1 and figure.blitter.full_draws == 2 and figure.blitter.ready()
    height, width = np.asarray(canvas.buffer_rgba()).shape[:2]
    assert (width, height) == (700, 420)
    figure.portal.value = True
    assert figure.blitter.blits == blits + 1 and counts.figure_draws == 1  # blitted, over the new background
    shown = pixels(figure)
    # The reference is a full draw of this figure: a twin drawn first at the new size lays the panels out a last
    # floating-point digit apart (constrained layout starts from the positions it has), a few pixels off.
    canvas.draw()
    differ = (shown != pixels(figure)).any(axis=2)
    assert not differ.any(), f"{differ.sum()} pixels differ from a full draw after the resize"
    assert figure.blitter.background is not old


def test_savefig_shows_the_changing_artists_and_leaves_the_background_alone(tmp_path):
    """ipympl's image for a saved notebook is a savefig: it draws the animated artists itself, in their zorder,
    and is no full draw of the canvas (its draw_event must not replace the background)."""
    figure = FIGURES["instrument timeline"][0]()
    canvas = figure.figure.canvas
    canvas.draw()
    background, draws = figure.blitter.background, figure.blitter.full_draws
    figure.slider.value = 4
    figure.figure.savefig(tmp_path / "with.png", dpi=50)
    figure.figure.savefig(tmp_path / "with.svg")
    assert figure.blitter.background is background and figure.blitter.full_draws == draws
    figure.marker.set_visible(False)
    figure.figure.savefig(tmp_path / "without.png", dpi=50)
    figure.marker.set_visible(True)
    assert (tmp_path / "with.png").read_bytes() != (tmp_path / "without.png").read_bytes()  # the ring is saved
    # Saved at another dpi, the figure was laid out again and its axes moved a little: the background is stale,
    # so the next change asks for a full draw rather than blit the ring where the axes no longer are.
    blits = figure.blitter.blits
    figure.slider.value = 9
    assert figure.blitter.blits == blits and not figure.blitter.ready()
    canvas.draw()
    figure.slider.value = 10
    assert figure.blitter.blits == blits + 1
    shown = pixels(figure)
    canvas.draw()
    assert np.array_equal(shown, pixels(figure))


def test_the_who_joins_axis_holds_every_design_the_controls_make(attrs):
    """The bars' axis is fixed, so that a change needs no new tick labels: it must hold every design's bars."""
    weights = Weights()
    reach = gain_reach(attrs, weights)
    widest = 0.0
    for depth in (0.25, 0.5, 0.75, 1.0):
        for portal in (False, True):
            for duty in np.linspace(0, 1, 5):
                for rule in ("equal", "fleet"):
                    design = Design(depth, portal, float(duty), rule)
                    members = list(stable_memberships(attrs, design, weights).largest)
                    widest = max(widest, float(np.abs(net_gain(attrs, members, design, weights)).max()))
    assert widest * 1.1 <= reach <= widest * 1.1 * 1.5  # holds them all, without leaving the bars tiny
