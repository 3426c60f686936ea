"""The hint for an unrecognised file names the format it resembles and the columns it lacks; each
signature it knows is one its reader really recognises (so the two cannot drift apart)."""

from __future__ import annotations

import pytest

from etl.readers import hints, ofsted, registry


@pytest.mark.parametrize("kind", sorted(hints.SIGNATURES))
def test_each_full_signature_is_recognised_by_its_reader(kind):
    reader = registry.reader_for(hints.SIGNATURES[kind])
    assert reader is not None and reader.KIND == kind


@pytest.mark.parametrize("layout", ofsted.LAYOUTS, ids=lambda lay: lay.name)
def test_each_ofsted_layout_signature_is_that_layout(layout):
    assert registry.reader_for(layout.signature) is ofsted
    assert ofsted.layout_for(layout.signature) is layout


def test_a_header_missing_its_key_column_is_named():
    header = [c for c in hints.SIGNATURES["census"] if c != "URN"] + ["SCHOOLTYPE"]
    hit = hints.closest(header)
    assert (hit.kind, hit.missing) == ("census", ["URN"])
    assert "school census" in hints.unrecognised_hint(header)
    assert "no column URN" in hints.unrecognised_hint(header)


def test_an_ofsted_file_of_2018_without_its_start_date_is_named_with_its_years():
    header = [
        "URN", "School name", "Inspection end date", "Overall effectiveness", "Outcomes for pupils",
        "Quality of teaching, learning and assessment",
    ]  # fmt: skip
    hit = hints.closest(header)
    assert hit.kind == "ofsted" and hit.missing == ["Inspection start date"]
    hint = hints.unrecognised_hint(header)
    assert "an Ofsted file of 2016 to 2019" in hint
    assert "no column Inspection start date" in hint


def test_an_official_statistics_sheet_without_its_inspection_date_is_named():
    header = ["URN", "School name", "Ofsted phase", "Publication date", "Overall effectiveness"]
    hint = hints.unrecognised_hint(header)
    assert "official statistics data sheet" in hint and "no column Inspection date" in hint


def test_a_header_like_nothing_gets_no_hint():
    assert hints.closest(["Name", "Address", "Phone"]) is None
    assert hints.unrecognised_hint(["Name", "Address", "Phone"]) == ""
