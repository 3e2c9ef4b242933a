"""The course's figure style and the interactive country figure."""

import matplotlib
import pytest

from after_fukushima import figures, load_table
from after_fukushima.data import load_geojson
from after_fukushima.explorers import TimelineExplorer
from after_fukushima.plots import PALETTE, new_figure

matplotlib.use("Agg")


def test_a_course_figure_has_a_title_a_unit_and_a_source_line():
    fig, ax = new_figure("Nuclear share (%)", ylabel="% of generation", source="Source: OWID")
    assert ax.get_title(loc="left") == "Nuclear share (%)"
    assert ax.get_ylabel() == "% of generation"
    assert "Source: OWID" in [text.get_text() for text in ax.texts]
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]


def _texts(fig) -> list[str]:
    texts = [text.get_text() for ax in fig.axes for text in ax.texts]
    if fig._supxlabel is not None:
        texts.append(fig._supxlabel.get_text())
    return texts


@pytest.mark.parametrize(
    "draw, tables",
    [
        (lambda: figures.tsunami_against_design(load_table("accident_figures")), "accident_figures"),
        (lambda: figures.earthquake_energy(load_table("largest_earthquakes")), "largest_earthquakes"),
        (lambda: figures.ines_levels(load_table("nuclear_accidents")), "nuclear_accidents"),
        (lambda: figures.release_estimates(load_table("accident_figures")), "accident_figures"),
        (lambda: figures.opinion_2011(load_table("public_opinion_2011")), "public_opinion_2011"),
        (lambda: figures.sites_map(load_geojson("country_outlines"), load_table("reactor_sites")), "reactor_sites"),
        (lambda: figures.largest_fleets(load_table("reactor_fleet")), "reactor_fleet"),
        (lambda: figures.world_buildout(load_table("reactor_fleet")), "reactor_fleet"),
    ],
)
def test_every_lesson_figure_has_a_title_and_names_its_source(draw, tables):
    fig = draw()
    assert repr(fig).startswith("<Figure: ") and len(repr(fig)) > 20
    sources = [text for text in _texts(fig) if text.startswith("Source: ")]
    assert len(sources) == 1 and len(sources[0]) > 20
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_row_sources_names_publishers_without_addresses():
    rows = load_table("accident_figures").query("quantity in ['design_basis', 'inundation']")
    assert figures.row_sources(rows) == "Source: Japan Times, 9 Jul 2011; Bloomberg, 10 Apr 2011"


def test_the_energy_chart_uses_the_magnitude_rule():
    quakes = load_table("largest_earthquakes")
    fig = figures.earthquake_energy(quakes)
    widths = sorted(bar.get_width() for bar in fig.axes[0].patches)
    assert widths[-1] == pytest.approx(10 ** (1.5 * (9.5 - 9.1)))  # Valdivia against Tōhoku


def test_the_timeline_steps_and_says_when_the_time_is_unknown():
    timeline = load_table("fukushima_timeline")
    explorer = TimelineExplorer(timeline, source="Source: test")
    assert len(explorer.events) == (timeline["date"] <= "2011-03-16").sum()
    assert explorer.previous.disabled and "14:46" in explorer.text.value
    assert "whole site" in explorer.text.value and "unit site" not in explorer.text.value
    explorer.step(-1)
    assert explorer.slider.value == 0
    explorer.next.click()
    assert explorer.slider.value == 1 and "tsunami" in explorer.text.value
    day_only = explorer.events.index[explorer.events["time"].isna()][0]
    explorer.slider.value = day_only
    assert "(time not given)" in explorer.text.value
    explorer.step(+100)
    assert explorer.next.disabled and explorer.slider.value == len(explorer.events) - 1


def test_the_ines_chart_shows_every_level_and_labels_each_bar():
    accidents = load_table("nuclear_accidents")
    ax = figures.ines_levels(accidents).axes[0]
    assert list(ax.get_xticks()) == list(range(8))
    accidents = accidents.sort_values("date")
    labels = [text.get_text() for text in ax.texts if not text.get_text().startswith("Source: ")]
    assert labels == [str(level) for level in accidents["ines_level"]]


def test_an_interactive_figure_raises_no_warning_a_student_would_see():
    """With PYTHONWARNINGS=default an ipympl DeprecationWarning reached students as stderr (issue 12, fault 10)."""
    import warnings

    from after_fukushima.plots import interactive_figure

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        interactive_figure("A title", ylabel="y", source="Source: test")


def test_a_text_table_escapes_what_students_wrote():
    """Issue 20, fault 1: the class report shows reflections through TextTable, whose Styler did not escape, so a
    hand-in's markup ran in the teacher's JupyterLab. Cells, row labels and column labels are all escaped."""
    import pandas as pd

    from after_fukushima.plots import TextTable

    attack = "<img src=x onerror=alert(1)>"
    frame = pd.DataFrame({attack: [attack, "plain & simple", 3.5]}, index=[attack, "Student 02", "Student 03"])
    shown = TextTable(frame)._repr_html_()
    assert "<img" not in shown
    assert shown.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # the cell, the row label, the column label
    assert "plain &amp; simple" in shown and ">3.5<" in shown  # text escaped once, a number as a number
    assert repr(TextTable(frame)) == repr(frame)
    named = TextTable(frame.rename_axis(index=attack, columns="<s>what</s>"))._repr_html_()  # the labels' names
    assert "<img" not in named and "<s>" not in named and "&lt;s&gt;what&lt;/s&gt;" in named


def test_a_text_table_aligns_numbers_right_and_shows_nothing_for_missing_values():
    """Issue 21, faults 7 and 8: tables of text and numbers showed text right-aligned, shares as 0.130435, a
    missing value as NaN and a bare 0, 1, 2... index. TextTable now aligns a number column (cells and heading)
    right and text left, writes a missing value as an empty cell, applies a column's format, and hides row
    numbers that say nothing while keeping row labels that do."""
    import re

    import pandas as pd

    from after_fukushima.plots import TextTable

    frame = pd.DataFrame(
        {"lesson": ["03", "04"], "share": [0.130435, 1.0], "year": [float("nan"), 2011.0], "weight": [0.15, 500.0]}
    )
    shown = TextTable(frame, formats={"share": "{:.0%}"})._repr_html_()
    cells = re.findall(r"<td [^>]*>(.*?)</td>", shown)
    assert cells == ["03", "13%", "", "0.15", "04", "100%", "2011", "500.00"]  # one number of decimals a column
    shares = TextTable(pd.DataFrame({"share_2010_pct": [30.0, 25.3, 76.2]}))._repr_html_()
    assert re.findall(r"<td [^>]*>(.*?)</td>", shares) == ["30.0", "25.3", "76.2"]  # not '30' beside '25.3'
    assert "row_heading" not in shown  # no 0, 1 row numbers
    right = set(re.findall(r"\.col(\d) \{\s*text-align: right", shown))
    assert right == {"1", "2", "3"}  # share, year, weight: numbers; lesson (col0) stays left
    assert "NaN" not in shown and "nan" not in shown
    labelled = TextTable(frame.set_index("lesson"))._repr_html_()
    assert "row_heading" in labelled and ">03<" in labelled
    other = TextTable(pd.DataFrame({"a": [1], "b": ["x"]}))._repr_html_()
    assert re.search(r'id="(T_[^"]+)"', shown).group(1) != re.search(r'id="(T_[^"]+)"', other).group(1), (
        "two tables that align different columns share a style sheet on the page: their ids must differ"
    )


def test_a_described_figure_carries_its_description_as_its_images_alt_text():
    """Issue 24, item 2: JupyterLab shows a PNG output as an <img> with no alt text. A described figure's PNG
    output carries the description in its metadata ('alt', beside JupyterLab's width and height), which the
    course's JupyterLab extension and make site turn into the image's alt text; the plain text gives it too. The
    PNG is stored once (not again inside HTML), so nbdime shows a changed figure as a checksum."""
    import base64

    fig, _ = new_figure("A title", ylabel="y", source="Source: test")
    assert fig._repr_mimebundle_()[1] == {}  # not described: nothing to say, as before
    said = 'Bars for 3 "countries" & <others>: the first is <b>tallest</b>.'
    assert fig.describe(said) is fig and fig.description == said
    bundle, metadata = fig._repr_mimebundle_()
    assert metadata == {"image/png": {"alt": said}}
    assert set(bundle) == {"image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "<Figure: A title>\n" + said


@pytest.mark.parametrize(
    "wrong", ["", "  ", "bars for 3 countries.", "Bars for 3 countries", "(Bars for 3 countries.)"]
)
def test_a_description_is_one_sentence(wrong):
    fig, _ = new_figure("A title", ylabel="y", source="Source: test")
    with pytest.raises(ValueError, match="one sentence"):
        fig.describe(wrong)


def test_an_interactive_figure_carries_its_description_above_its_controls_and_in_its_saved_copy():
    """Issue 24, item 2: an interactive figure (FigureBox) gets a one-sentence description, shown as a line of
    text before its controls (a canvas has no text for a screen reader) and in the HTML a saved copy shows."""
    import ipywidgets as widgets

    from after_fukushima.plots import FigureBox

    control = widgets.Button(description="Next")
    box = FigureBox(children=[control])
    assert box.children == (box.caption, control) and box.caption.layout.display == "none" and box.description == ""
    box.set_description("Dots for 5 events & <more>, one at a time.")
    assert box.caption.layout.display is None
    assert "Dots for 5 events &amp; &lt;more&gt;, one at a time." in box.caption.value
    saved = box._repr_mimebundle_()["text/html"]
    assert saved.index("Dots for 5 events &amp; &lt;more&gt;") < saved.index("A saved copy")
    assert FigureBox(children=[], description="A line.").description == "A line."
    with pytest.raises(ValueError):
        box.set_description("two. Sentences.")


def test_a_text_table_puts_the_row_labels_name_in_the_top_left_heading():
    """Issue 24, item 2: a table with named row labels had two rows of headings, the second an empty heading over
    every column (each column read as its name and an empty heading by a screen reader); now one row of headings,
    the row labels' name first, and every row label a heading of its row."""
    import re

    import pandas as pd

    from after_fukushima.plots import TextTable

    frame = pd.DataFrame({"speaker": ["Caplan", "Chen"], "claim": ["a", "b"]}, index=pd.Index([3, 4], name="order"))
    shown = TextTable(frame)._repr_html_()
    head = shown.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<tr>") == 1
    assert re.findall(r"<th [^>]*>(.*?)</th>", head) == ["order", "speaker", "claim"]
    assert re.findall(r"<th [^>]*row_heading[^>]*>(.*?)</th>", shown) == ["3", "4"]
    plain = TextTable(frame.reset_index())._repr_html_()  # no row labels shown: the headings are the columns'
    assert re.findall(r"<th [^>]*>(.*?)</th>", plain) == ["order", "speaker", "claim"]
