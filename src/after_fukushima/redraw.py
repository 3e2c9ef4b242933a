"""Redrawing an interactive figure quickly after a control changes (students' runtime, used by the explorers and the
simulator): only the artists that change are drawn again, over a saved picture of the rest (blitting).

    blitter = Blitter(figure, [line, marker])   # these artists change; the rest of the figure never does
    line.set_ydata(...)                          # a control changed
    blitter.update()                             # restore the saved picture, draw line and marker, send the pixels

A full draw of the figure (its first showing, a resize, a new browser view, a change of pixel ratio) draws
everything but the changing ("animated") artists, saves that picture as the background, then draws the changing
artists over it; so the background is always the one of the last full draw, at the figure's current size. An
artist whose change would move anything else (an axis limit, a tick label, the layout) must not be animated: the
figure then needs a full draw, which ``Blitter.update(full=True)`` asks for.

With ipympl, ``canvas.blit`` sends the browser only the pixels that differ from the last picture sent (a "diff"
image), at once, without the round trip a ``draw_idle`` makes through the browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.artist import Artist
from matplotlib.figure import Figure

__all__ = ["Blitter"]


class Blitter:
    """Owns a figure's changing artists and the saved background they are drawn over.

    ``figure``: a matplotlib Figure whose canvas can copy and restore regions (Agg and ipympl's canvas can).
    ``artists``: the artists that change when a control changes; each is marked animated, so that a full draw
    leaves it out of the background and draws it over the background afterwards, in the order of its zorder.
    Counters ``full_draws`` (full draws seen) and ``blits`` (changes shown by a blit) let tests and maintainers
    check that a change costs one partial redraw and no full draw.
    """

    def __init__(self, figure: Figure, artists: Iterable[Artist] = ()):
        self.figure = figure
        self.canvas = figure.canvas
        self.artists: list[Artist] = []
        self.background = None  # the canvas's pixels without the animated artists, from the last full draw
        self._bounds = None  # the figure's size, dpi and panels' places when the background was saved
        self.full_draws = 0
        self.blits = 0
        self.add(*artists)
        self.canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, *artists: Artist) -> None:
        """Mark ``artists`` as changing: drawn over the background, never into it."""
        for artist in artists:
            if artist not in self.artists:
                artist.set_animated(True)
                self.artists.append(artist)

    def discard(self, *artists: Artist) -> None:
        """Stop drawing ``artists`` (for example a line taken off the figure and removed from its axes)."""
        for artist in artists:
            if artist in self.artists:
                self.artists.remove(artist)

    def _state(self) -> tuple:
        # The figure's size in pixels and the panels' places: a background saved under other ones is stale (a
        # resize, a new pixel ratio, or a savefig at another dpi, after which the layout engine moved the axes).
        return (*self.figure.bbox.bounds, self.figure.dpi, *(ax.get_position().bounds for ax in self.figure.axes))

    def _on_draw(self, event) -> None:
        # savefig draws the animated artists itself, in their zorder, and may render on another canvas: leave it
        if event.canvas is not self.canvas or self.canvas.is_saving():
            return
        self.full_draws += 1
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._bounds = self._state()
        self._draw_artists()

    def _draw_artists(self) -> None:
        renderer = self.canvas.get_renderer()
        for artist in sorted(self.artists, key=lambda artist: artist.get_zorder()):
            if artist.get_figure(root=True) is self.figure:  # still on the figure
                artist.draw(renderer)

    def ready(self) -> bool:
        """Whether a change can be shown by a blit: a background saved at the figure's current size and layout."""
        return self.background is not None and self._bounds == self._state()

    def update(self, full: bool = False) -> None:
        """Show the animated artists' new state.

        With a saved background of the current size and layout (and ``full`` False): restore it, draw the
        animated artists and blit the figure (one partial redraw, no full draw). Otherwise (nothing drawn yet, the
        figure resized or its axes moved since, or ``full=True`` because something that is not animated changed)
        ask for one full draw with ``canvas.draw_idle()``, which saves a new background.
        """
        if full or not self.ready():
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self.background)
        self._draw_artists()
        self.blits += 1
        self.canvas.blit(self.figure.bbox)
