"""Issue 13, item 8: the country explorer compares several countries on one fixed scale."""

import matplotlib
import pytest
from matplotlib.colors import to_hex

from after_fukushima.data import load_table
from after_fukushima.explorers import CountryExplorer
from after_fukushima.plots import PALETTE

matplotlib.use("Agg")

COLUMN = "nuclear_share_pct"


@pytest.fixture(scope="module")
def shares():
    return load_table("nuclear_share")


def explorer(table, start="Germany", **extra):
    return CountryExplorer(
        table,
        COLUMN,
        start=start,
        title="Nuclear share of electricity generation (%)",
        ylabel="% of electricity generated",
        unit="%",
        source="Source: OWID",
        **extra,
    )


def known(table, country=None):
    rows = table[table[COLUMN].notna()]
    return rows if country is None else rows[rows["country"] == country].sort_values("year")


def test_the_scale_is_fixed_while_countries_come_and_go(shares):
    figure = explorer(shares)
    limits = figure.axes.get_ylim(), figure.axes.get_xlim()
    highest = known(shares)[COLUMN].max()
    assert limits[0][0] == 0 and highest <= limits[0][1] <= min(100, highest * 1.1)
    for step in (
        lambda: figure.add("France"),
        lambda: figure.add("Lithuania"),
        lambda: figure.remove("Germany"),
        lambda: figure.show(["Japan"]),
        lambda: figure.show([]),
    ):
        step()
        assert (figure.axes.get_ylim(), figure.axes.get_xlim()) == limits


def test_the_x_axis_runs_over_the_years_that_have_data(shares):
    years = known(shares)["year"]
    assert shares["year"].min() < years.min()  # the table starts before the column has values
    assert explorer(shares).axes.get_xlim() == (years.min(), years.max())
    before = shares.query("year <= 2010")
    assert explorer(before, start="France").axes.get_xlim() == (known(before)["year"].min(), 2010)


def test_a_percentage_scale_never_goes_above_100(shares):
    doubled = shares.assign(**{COLUMN: shares[COLUMN].clip(upper=50) * 2})  # some countries reach exactly 100
    assert explorer(doubled).axes.get_ylim() == (0, 100)


def test_each_country_gets_its_own_line_and_colour_from_the_palette(shares):
    countries = ["Germany", "France", "Japan", "United States"]
    figure = explorer(shares, start=countries)
    assert list(figure.lines) == countries
    colours = [to_hex(line.get_color()) for line in figure.lines.values()]
    assert len(set(colours)) == len(countries)
    assert set(colours) <= {colour.lower() for colour in PALETTE.values()}
    for country, line in figure.lines.items():
        assert list(line.get_ydata()) == list(known(shares, country)[COLUMN])
    assert [text.get_text() for text in figure.axes.get_legend().get_texts()] == countries
    kept = to_hex(figure.lines["Japan"].get_color())
    figure.remove("France")
    assert to_hex(figure.lines["Japan"].get_color()) == kept  # the others keep their colours
    assert [chip.description for chip in figure.chip_of.values()] == ["Germany", "Japan", "United States"]


def test_the_summary_describes_every_country_shown(shares):
    countries = ["Germany", "France", "Lithuania"]
    figure = explorer(shares, start=countries[0])
    for country in countries[1:]:  # as a student does: choose in the Country list, press Add
        figure.picker.value = country
        figure.add_button.click()
    assert list(figure.lines) == countries
    for country in countries:
        rows = known(shares, country)
        peak, last = rows.loc[rows[COLUMN].idxmax()], rows.iloc[-1]
        assert (
            f"{country}, {rows['year'].min()}-{rows['year'].max()}: highest {peak[COLUMN]:.1f}% in "
            f"{peak['year']}; latest {last[COLUMN]:.1f}% in {last['year']}."
        ) in figure.summary.value
    assert "Germany, France and Lithuania" in repr(figure)


def test_at_most_six_countries_with_a_sentence_when_full(shares):
    figure = explorer(shares, start=[])
    countries = [c for c in sorted(known(shares)["country"].unique()) if c != "World"][:7]
    for country in countries[:6]:
        figure.add(country)
    assert "the most the figure shows at once" in figure.summary.value
    figure.add(countries[6])
    assert len(figure.lines) == 6 and countries[6] not in figure.lines
    assert "at most 6 countries at once: remove one" in figure.summary.value
    assert countries[6] in figure.summary.value
    many = explorer(shares, start=countries)
    assert len(many.lines) == 6 and f"{countries[6]} is left out" in many.summary.value


@pytest.mark.parametrize(
    "start, sentence",
    [
        ("Atlantis", "No data for Atlantis in this figure's table"),
        (["Atlantis", "<b>Oz</b>"], "No data for Atlantis and &lt;b&gt;Oz&lt;/b&gt;"),
        ("Iceland", "No data for Iceland"),  # in the world, not in the table
        ([], "No country is shown: choose one in the Country list and press Add."),
        (None, "No country is shown"),
        (42, "No data for 42"),
    ],
)
def test_bad_or_empty_choices_get_a_sentence(shares, start, sentence):
    figure = explorer(shares, start=start)
    assert sentence in figure.summary.value
    assert figure.lines == {} and "no country yet" in repr(figure)


def test_adding_twice_or_an_unknown_name_says_so(shares):
    figure = explorer(shares, start="France")
    figure.add("France")
    assert "France is already in the figure." in figure.summary.value and len(figure.lines) == 1
    figure.add("Narnia")
    assert "No data for Narnia" in figure.summary.value and "France, 1985-" in figure.summary.value
    figure.remove("Narnia")  # nothing to take off: no error
    assert list(figure.lines) == ["France"]


def test_the_static_view_names_the_countries_and_the_scale(shares):
    before = shares.query("year <= 2010")
    figure = explorer(before, start="France")
    first, top = known(before)["year"].min(), figure.axes.get_ylim()[1]
    assert repr(figure) == (
        f"<Interactive figure: {COLUMN} by year, {first}-2010, for France; y-axis 0-{top:.0f}% for every country>"
    )
    assert "World" in figure.picker.options and "Iceland" not in figure.picker.options


def test_taking_countries_off_leaves_no_widget_alive(shares):
    from ipywidgets.widgets.widget import _instances

    figure = explorer(shares, start=[])
    alive = len(_instances)
    for _ in range(10):
        figure.add("France")
        figure.add("Japan")
        figure.remove("France")
        figure.remove("Japan")
    assert len(_instances) == alive
