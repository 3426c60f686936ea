"""The hint for an unrecognised file names the format it resembles and the columns it lacks; each
signature it knows is one its reader really recognises (so the two cannot drift apart)."""

from __future__ import annotations

import pytest

from etl.readers import hints, registry


@pytest.mark.parametrize("kind", sorted(hints.SIGNATURES))
def test_each_full_signature_is_recognised_by_its_reader(kind):
    reader = registry.reader_for(hints.SIGNATURES[kind])
    assert reader is not None and reader.KIND == kind


def test_a_header_missing_its_key_column_is_named():
    header = [c for c in hints.SIGNATURES["census"] if c != "URN"] + ["SCHOOLTYPE"]
    assert hints.closest(header) == ("census", ["URN"])
    assert "school census" in hints.unrecognised_hint(header)
    assert "no column URN" in hints.unrecognised_hint(header)


def test_a_header_like_nothing_gets_no_hint():
    assert hints.closest(["Name", "Address", "Phone"]) is None
    assert hints.unrecognised_hint(["Name", "Address", "Phone"]) == ""
