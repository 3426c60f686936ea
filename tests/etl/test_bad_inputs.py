"""The bad-input corpus (tests/etl/bad_inputs): every broken file goes through the real loader into a
warehouse already serving a good build, and must give what cases.yml promises: a refusal naming the
file (and line and column) with the previous build untouched, or a load whose rejects are exactly the
broken rows and cells while every other row of every file is still there."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.etl.bad_inputs import harness

CASES = harness.read_cases()


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> harness.Base:
    return harness.build_base(tmp_path_factory.mktemp("bad_inputs_base"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: harness.Case, base: harness.Base, tmp_path):
    harness.check(harness.run_case(case, base, tmp_path), base)


def test_the_corpus_covers_the_issue():
    assert len(CASES) >= 30
    outcomes = {c.expect for c in CASES}
    assert outcomes == {"loaded", "refused"}
    files = {
        p.suffix for c in CASES if c.folder.is_dir() for p in c.folder.rglob("*") if p.is_file()
    }
    assert {".csv", ".xlsx"} <= files


def test_the_base_build_loaded_every_base_file_without_rejects(base):
    assert base.report.ok and not base.report.rejects
    loaded = {f.file_name for f in base.report.files if f.action == "loaded"}
    assert {"991_ks2final.csv", "edubasealldata20251101.csv", "intelligence.xlsx"} <= loaded


def test_a_wrong_expectation_fails(base, tmp_path):
    """The harness can fail: a refused case checked as if it loaded, and a loaded case with one
    reject too few, both raise."""
    by_id = {c.id: c for c in CASES}
    refused = by_id["ks2_html_error_page"]
    out = harness.run_case(replace(refused, expect="loaded", rejects=()), base, tmp_path / "a")
    with pytest.raises(AssertionError, match="refused"):
        harness.check(out, base)
    out = harness.run_case(replace(refused, message=("line 99",)), base, tmp_path / "b")
    with pytest.raises(AssertionError, match="line 99"):
        harness.check(out, base)


def test_cases_yml_mistakes_are_named(tmp_path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "one").mkdir()
    bad = tmp_path / "cases.yml"
    entry = "- {id: one, file: a.csv, broken: x, expect: loaded, rejects: []}\n"
    for text, message in [
        (entry.replace("loaded", "loded"), "expect must be one of"),
        (entry.replace("rejects: []", "rejcts: []"), "unknown field"),
        (entry.replace("id: one", "id: two"), "no folder"),
        (entry.replace(", rejects: []", ""), "must list its rejects"),
        (entry + entry, "id used twice"),
    ]:
        bad.write_text(text)
        with pytest.raises(harness.CaseError, match=message):
            harness.read_cases(bad, tmp_path / "cases")
    bad.write_text("[]\n")
    with pytest.raises(harness.CaseError, match="folders with no case: one"):
        harness.read_cases(bad, tmp_path / "cases")
