"""Issue 13, item 9: figures fit the notebook column, and map legends cover no land."""

import matplotlib
import pytest
from matplotlib.path import Path

from after_fukushima import figures, load_table
from after_fukushima.data import load_geojson
from after_fukushima.plots import STYLE

matplotlib.use("Agg")

COLUMN_PX = 800  # a notebook column; JupyterLab shrinks a wider PNG, and its text with it


def png_width(fig) -> int:
    png = fig._repr_png_()
    return int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height


def test_the_release_figure_fits_the_column_with_text_at_the_course_sizes():
    fig = figures.release_estimates(load_table("accident_figures"))
    assert png_width(fig) <= COLUMN_PX
    for axes in fig.axes:
        labels = axes.get_yticklabels() + axes.get_xticklabels()
        assert min(label.get_fontsize() for label in labels) >= STYLE["axes.labelsize"]
        assert axes.title.get_fontsize() >= STYLE["axes.labelsize"]
    assert fig._suptitle.get_fontsize() >= STYLE["axes.titlesize"]


def test_the_release_figure_keeps_every_number_and_label():
    rows = load_table("accident_figures").set_index("quantity")
    fig = figures.release_estimates(load_table("accident_figures"))
    shown = [text.get_text().strip() for axes in fig.axes for text in axes.texts]
    names = [
        "release_nisa_april",
        "release_nsc_april",
        "release_nisa_june",
        "release_chernobyl",
        "caesium_japan",
        "caesium_stohl",
        "caesium_chernobyl",
    ]
    expected = [
        f"{rows.loc[n, 'low']:g}" + (f"-{rows.loc[n, 'high']:g}" if rows.loc[n, "high"] > rows.loc[n, "low"] else "")
        for n in names
    ]
    assert shown == expected
    labels = [label.get_text().replace("\n", " ") for axes in fig.axes for label in axes.get_yticklabels()]
    assert labels == [rows.loc[n, "label"].split(", ", 1)[1] for n in names]


def test_two_lines_keeps_dates_and_brackets_whole():
    assert figures.two_lines("NISA revised estimate of 6 June 2011") == "NISA revised estimate of\n6 June 2011"
    assert figures.two_lines("Chernobyl 1986 (as compared in 2011)") == "Chernobyl 1986\n(as compared in 2011)"
    assert figures.two_lines("Stohl et al. (2011)") == "Stohl et al. (2011)"


OUTLINES = load_geojson("country_outlines")
MAPS = {
    "sites": lambda: figures.sites_map(OUTLINES, load_table("reactor_sites")),
    "first responses": lambda: figures.responses_map(OUTLINES, load_table("national_responses")),
    "latest responses": lambda: figures.responses_map(OUTLINES, load_table("national_responses"), latest=True),
}


@pytest.mark.parametrize("draw", list(MAPS.values()), ids=list(MAPS))
def test_no_map_legend_covers_land_or_a_site(draw):
    fig = draw()
    fig.draw_without_rendering()  # lays the figure out as saving it does
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent().transformed(ax.transData.inverted())  # degrees
    covered = sorted(
        {
            feature["properties"]["name"]
            for feature in OUTLINES["features"]
            for polygon in feature["geometry"]["coordinates"]
            if Path(polygon[0]).intersects_bbox(box, filled=True)
        }
    )
    assert covered == []
    for points in ax.collections:  # the sites (the country fills are patches, not collections)
        offsets = points.get_offsets()
        assert not any(box.contains(x, y) for x, y in offsets)


def test_the_needs_grid_title_starts_at_the_figures_left_edge():
    """Issue 21, walkthrough: the needs grid's title was the axes' title, starting right of the long row labels,
    adrift over the middle of the image. It is the figure's title, from its left edge."""
    from after_fukushima import figures, load_table

    fig = figures.needs_addressed(load_table("safety_instruments"))
    fig.canvas.draw()
    assert fig.axes[0].get_title(loc="left") == ""
    title = fig.get_suptitle()
    assert title.startswith("What the instruments at work on 25 May 2011")
    left = fig._suptitle.get_window_extent().x0
    assert left < 0.05 * fig.bbox.width < fig.axes[0].get_window_extent().x0


def test_pushers_and_draggers_credits_every_table_the_model_reads():
    """Fact-check: the model behind the figure reads five tables (its cost axis uses the nuclear share, the
    exporter and phase-out flags); the source line named the publishers of three, leaving out Our World in Data."""
    from after_fukushima import figures, load_table
    from after_fukushima.data import source_line
    from after_fukushima.models.cooperation import TABLES, Weights, course_attributes, positions

    fig = figures.pushers_and_draggers(positions(course_attributes(), Weights()), load_table("positions_2011"))
    shown = " ".join(text.get_text() for ax in fig.axes for text in ax.texts)
    for table in (*TABLES, "positions_2011"):
        for publisher in source_line(table).removeprefix("Source: ").split("; "):
            assert publisher in shown, (table, publisher)
