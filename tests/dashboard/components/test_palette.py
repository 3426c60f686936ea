"""Contrast ratios (WCAG 2.2) and the rule that colour is never the only signal."""

import pytest

from dashboard.components import palette as p


def test_contrast_formula_known_values():
    assert p.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert p.contrast_ratio("#FFF", "#FFFFFF") == pytest.approx(1.0)
    assert p.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert p.contrast_ratio("#0072B2", "#FFFFFF") == pytest.approx(5.19, abs=0.01)
    with pytest.raises(ValueError):
        p.contrast_ratio("blue", "#FFFFFF")


@pytest.mark.parametrize(("fg", "bg"), p.TEXT_PAIRS)
def test_text_pairs_meet_4_5(fg, bg):
    assert p.contrast_ratio(fg, bg) >= 4.5


@pytest.mark.parametrize(("fg", "bg"), p.PROJECTOR_TEXT_PAIRS)
def test_projector_text_meets_7(fg, bg):
    assert p.contrast_ratio(fg, bg) >= p.PROJECTOR_THEME["min_text_contrast"] >= 7


def test_chart_marks_meet_3_against_white():
    marks = p.SERIES_COLOURS + [e.colour for e in [*p.CATEGORIES.values(), *p.RAG.values()]]
    for colour in marks:
        assert p.contrast_ratio(colour, p.WHITE) >= 3.0, colour


def test_every_category_and_rag_has_word_symbol_shape_and_distinct_signals():
    for group in (p.CATEGORIES, p.RAG):
        encs = list(group.values())
        for e in encs:
            assert e.word and e.symbol and e.shape and e.colour
            assert e.label == f"{e.symbol} {e.word}"
        for attr in ("word", "symbol", "shape", "colour"):
            assert len({getattr(e, attr) for e in encs}) == len(encs), attr
    assert p.category("Targeted").symbol == "◆"
    assert p.rag("RED").symbol == "✕"


def test_projector_sizes():
    assert p.PROJECTOR_THEME["title_pt"] >= 40 and p.PROJECTOR_THEME["body_pt"] >= 28
