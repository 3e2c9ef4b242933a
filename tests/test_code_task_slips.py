"""Issue 21, fault 3: the slips students really make in each code task of the banks, and the sentence each gets.

Each slip is made with the course's own tables, as a student would make it in a cell, and checked against the
task in its bank. Two kinds of slip: a value of the wrong kind stored in the variable (the task's Check answers
it), and an error in the cell that computes it (the error handler answers it, and the task's panel no longer
shows the verdict on the variable's earlier value).
"""

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from after_fukushima import load_bank, load_table
from after_fukushima.errors import show_errors_as_sentences


def task(lesson: str, exercise_id: str, store):
    return load_bank(lesson).exercise(exercise_id, store=store)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def instruments():
    return load_table("safety_instruments")


@pytest.fixture(scope="module")
def japan():
    return load_table("nuclear_share").query("country == 'Japan' and year > 2010")


# --- a value of the wrong kind in the variable -------------------------------------------------------------


def test_a_time_span_for_years_is_told_to_take_its_days_and_divide(store, instruments):
    joint = instruments.query("short_name == 'Joint Convention'")
    for span in ((joint["in_force"] - joint["adopted"]).item(), joint["in_force"] - joint["adopted"]):
        verdict = task("03_the_proposal", "joint-years", store).check(span)
        assert verdict.status == "invalid"
        assert "time span" in verdict.message and ".dt.days" in verdict.message and "365.25" in verdict.message
        assert "type the number alone" not in verdict.message


def test_a_time_span_for_days_is_told_to_take_its_days(store, instruments):
    dated = instruments.dropna(subset=["adopted", "in_force"])
    verdict = task("03_the_proposal", "fastest-in-force", store).check((dated["in_force"] - dated["adopted"]).min())
    assert "time span" in verdict.message and ".dt.days" in verdict.message
    assert "type the number alone" not in verdict.message


def test_a_true_zero_from_a_difference_is_not_called_an_empty_filter(store, instruments):
    dated = instruments.dropna(subset=["adopted", "in_force"])
    same_year = (dated["in_force"].dt.year - dated["adopted"].dt.year).min()  # 0: adopted and in force in 1986
    verdict = task("03_the_proposal", "fastest-in-force", store).check(same_year)
    assert verdict.correct is False
    assert "kept no rows" not in verdict.message and "a value your code computed" in verdict.message


def test_the_smallest_value_itself_for_a_year_is_told_to_find_its_row(store, japan):
    verdict = task("05_national_responses", "japan-lowest-year", store).check(japan["nuclear_twh"].min())  # 0 TWh
    assert verdict.correct is False
    assert "kept no rows" not in verdict.message
    assert "not a year" in verdict.message and ".idxmin()" in verdict.message and "'year'" in verdict.message


def test_a_row_label_from_idxmin_is_not_read_as_a_year(store, japan):
    label = japan["nuclear_twh"].idxmin()
    assert label < 1800  # the row's number in the table (962), which "too early" treated as a year
    verdict = task("05_national_responses", "japan-lowest-year", store).check(label)
    assert "Too early" not in verdict.message
    assert f"is {label}, not a year" in verdict.message and "row" in verdict.message and ".loc" in verdict.message


def test_a_count_of_an_empty_filter_is_still_told_so(store):
    accidents = load_table("nuclear_accidents")
    empty = len(accidents.query("ines_level >= 5 and rating != 'Unofficial' and country == 'japan'"))
    verdict = task("01_fukushima_accident", "count-severe-accidents", store).check(empty)
    assert verdict.message.startswith("0 usually means your filter kept no rows")


def test_a_date_for_a_number_is_told_it_is_a_date(store, instruments):
    joint = instruments.query("short_name == 'Joint Convention'")
    verdict = task("03_the_proposal", "joint-years", store).check(joint["in_force"].item())
    assert verdict.status == "invalid" and "is a date" in verdict.message


# --- an error in the cell that computes the variable -------------------------------------------------------

SETUP = (
    "import pandas as pd\n"
    "from after_fukushima import load_table, figures\n"
    "units = load_table('reactor_units')\n"
    "vendors = load_table('reactor_vendors')\n"
    "designs = figures.designed_abroad(units, vendors)\n"
    "shares = load_table('nuclear_share')\n"
    "mix = load_table('electricity_mix')\n"
    "day = pd.Timestamp('2011-03-11')\n"
)


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    assert show_errors_as_sentences()
    assert shell.run_cell(SETUP).success
    yield shell
    InteractiveShell.clear_instance()


def shown(capsys) -> str:
    captured = capsys.readouterr()
    return words(captured.out + captured.err)


def test_and_between_conditions_is_a_sentence_and_the_old_verdict_goes(shell, capsys, store):
    exercise = task("04_the_obstacles", "us-designs-abroad", store)
    right = (
        "us_designs_abroad = int(((designs['vendor_country'] == 'United States') "
        "& (designs['country'] != 'United States')).sum())"
    )
    assert shell.run_cell(right).success
    exercise.check_button.click()
    assert "Correct" in exercise.feedback.value
    capsys.readouterr()

    slip = right.replace(") & (", ") and (")
    assert not shell.run_cell(slip).success
    text = shown(capsys)
    assert "use & for and" in text.lower() and "site-packages" not in text and "Traceback" not in text
    assert "Correct" not in exercise.feedback.value and "stopped with an error" in exercise.feedback.value

    exercise.check_button.click()  # the variable still holds the old, right value: not checked as if new
    assert "stopped with an error" in exercise.feedback.value and exercise.attempts == 1

    assert shell.run_cell(right).success
    exercise.check_button.click()
    assert "Correct" in exercise.feedback.value


@pytest.mark.parametrize(
    "cell, expected",
    [
        (  # a misspelt filter value, then a row lookup: the selection is empty, not the label misspelt
            "world = shares.query(\"country == 'world'\").set_index('year')['nuclear_share_pct']\n"
            "world_share_change = world[2019] - world[2010]",
            "your filter kept no rows",
        ),
        (
            "japan = shares.query(\"country == 'japan' and year > 2010\")\n"
            "japan_lowest_year = int(japan.loc[japan['nuclear_twh'].idxmin(), 'year'])",
            "your filter kept no rows",
        ),
        (
            "joint = load_table('safety_instruments').query(\"short_name == 'joint convention'\")\n"
            "joint_years = joint['in_force'].iloc[0]",
            "your filter kept no rows",
        ),
        (  # the year looked up before the year is the index
            "germany = mix.query(\"country == 'Germany'\")['renewables_share_pct']\n"
            "renewables_rise = germany[2024] - germany[2010]",
            "set_index('year')",
        ),
        (
            "us_designs_abroad = (designs['vendor_country'] == 'United States' "
            "& designs['country'] != 'United States').sum()",
            "in its own brackets",
        ),
        (
            "in_service = (units['commercial_operation'] <= day & units['permanent_shutdown'].isna())",
            "in its own brackets",
        ),
        ("france_share_2010 = shares.query(\"country = 'France' and year == 2010\")", "compare with =="),
        ("bwr_in_service = (units['commercial_operation'] <= 2011).sum()", "pd.Timestamp"),
    ],
)
def test_each_slip_in_a_cell_gets_its_own_sentence(shell, capsys, cell, expected):
    assert not shell.run_cell(cell).success
    text = shown(capsys)
    assert expected in text and "Traceback" not in text and "site-packages" not in text
    if expected == "your filter kept no rows":
        assert "no column" not in text


def test_a_wrong_column_case_still_names_the_columns(shell, capsys):
    assert not shell.run_cell("france_share_2010 = shares['Nuclear_share_pct']").success
    assert "case-sensitive" in shown(capsys)


def test_a_positional_lookup_past_the_end_says_iloc_counts_from_0(shell, capsys):
    assert not shell.run_cell("shares['year'].iloc[10**6]").success
    assert ".iloc counts rows by position from 0" in shown(capsys)


def test_other_errors_keep_their_usual_traceback(shell, capsys):
    assert not shell.run_cell("[1][3]").success
    assert "IndexError" in shown(capsys)
    assert not shell.run_cell("1 & 'a'").success
    text = shown(capsys)
    assert "TypeError" in text and "brackets" not in text


def test_a_slip_in_a_cell_that_does_not_name_the_variable_leaves_the_verdict(shell, store):
    exercise = task("04_the_obstacles", "us-designs-abroad", store)
    assert shell.run_cell("us_designs_abroad = 70").success
    exercise.check_button.click()
    assert not shell.run_cell("shares['Country']").success
    assert "Correct" in exercise.feedback.value


def test_a_series_of_time_spans_is_read_as_one_when_it_has_one_row(store):
    one = pd.Series([pd.Timedelta(days=1382)])
    assert "1,382 days" in task("03_the_proposal", "joint-years", store).check(one).message
