"""The course's figure style and the interactive country figure."""

import matplotlib

from after_fukushima import load_table
from after_fukushima.plots import PALETTE, CountryExplorer, new_figure

matplotlib.use("Agg")


def test_a_course_figure_has_a_title_a_unit_and_a_source_line():
    fig, ax = new_figure("Nuclear share (%)", ylabel="% of generation", source="Source: OWID")
    assert ax.get_title(loc="left") == "Nuclear share (%)"
    assert ax.get_ylabel() == "% of generation"
    assert "Source: OWID" in [text.get_text() for text in ax.texts]
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]


def test_the_country_figure_follows_the_picker():
    shares = load_table("nuclear_share")
    explorer = CountryExplorer(shares, "nuclear_share_pct", start="Germany", title="Nuclear share (%)",
                               ylabel="%", unit="%", source="Source: OWID")
    germany = shares[shares["country"] == "Germany"].dropna(subset=["nuclear_share_pct"])
    assert list(explorer.line.get_ydata()) == list(germany["nuclear_share_pct"])
    explorer.picker.value = "France"
    france = shares[shares["country"] == "France"].dropna(subset=["nuclear_share_pct"])
    assert list(explorer.line.get_ydata()) == list(france["nuclear_share_pct"])
    peak = france.loc[france["nuclear_share_pct"].idxmax()]
    assert f"highest {peak['nuclear_share_pct']:.1f}% in {peak['year']}" in explorer.summary.value
    assert repr(explorer) == "<Interactive figure: nuclear_share_pct by year for France>"
    assert "World" in explorer.picker.options and "Iceland" not in explorer.picker.options
