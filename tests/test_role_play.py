"""Lesson 04's role-play cards: current with the data and the model, one per country, numbers from the model."""

from pathlib import Path

from after_fukushima.models.cooperation import Weights, course_attributes, positions
from after_fukushima.teacher.role_play import SMALL_CLASS, TARGET, cards

CARDS = Path(__file__).resolve().parents[1].joinpath(*TARGET)


def test_the_cards_file_is_current():
    assert CARDS.read_text(encoding="utf-8") == cards(), "run `make cards` after changing data/ or the model"


def test_one_card_per_country_with_its_model_position():
    text = cards()
    attrs = course_attributes()
    model = positions(attrs, Weights())
    assert text.count("\n## ") == len(attrs) == 30
    for country in attrs.index:
        card = text.split(f"\n## {country}\n", 1)[1].split("\n## ", 1)[0]
        assert f"Reactors in service on 11 March 2011: {int(attrs.loc[country, 'reactors'])};" in card
        position = model.loc[country, "position"]
        assert f"The model calls you {'an' if position == 'intermediate' else 'a'} **{position}**." in card
    assert set(SMALL_CLASS) <= set(attrs.index)
