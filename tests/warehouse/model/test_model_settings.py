"""The settings file: validated strictly, applied to DuckDB, and the method page generated from it."""

from __future__ import annotations

import copy
import os
import shutil
import tomllib

import pytest

from warehouse import model_settings as ms
from warehouse.connection import open_in_memory


def raw():
    with ms.SETTINGS_PATH.open("rb") as fh:
        return tomllib.load(fh)


def test_settings_file_is_valid_and_every_setting_has_help():
    s = ms.load()
    assert len(s) == sum(len(v) for v in ms.SCHEMA.values())
    assert all(x.help for x in s.values())
    assert (
        s["achievement_weight_attainment"].value == 0.6
        and s["achievement_weight_progress"].value == 0.4
    )


def test_misspelt_key_is_an_error():
    d = copy.deepcopy(raw())
    d["achievement"]["weight_atainment"] = d["achievement"].pop("weight_attainment")
    with pytest.raises(ms.SettingsError, match="unknown key achievement.weight_atainment"):
        ms.parse(d)


def test_unknown_section_missing_help_and_wrong_type_are_errors():
    d = copy.deepcopy(raw())
    d["acheivement"] = {}
    with pytest.raises(ms.SettingsError, match=r"unknown section \[acheivement\]"):
        ms.parse(d)
    d = copy.deepcopy(raw())
    d["bands"]["n_bands"] = {"value": 5}
    with pytest.raises(ms.SettingsError, match="bands.n_bands"):
        ms.parse(d)
    d = copy.deepcopy(raw())
    d["bands"]["n_bands"]["value"] = "five"
    with pytest.raises(ms.SettingsError, match="bands.n_bands must be int"):
        ms.parse(d)


def test_weights_must_add_up_to_one():
    d = copy.deepcopy(raw())
    d["achievement"]["weight_progress"]["value"] = 0.5
    with pytest.raises(ms.SettingsError, match="add up to 1"):
        ms.parse(d)


def test_apply_sets_variables_and_table():
    con = open_in_memory()
    ms.apply(con)
    assert con.execute("SELECT getvariable('achievement_weight_progress')").fetchone()[0] == 0.4
    assert con.execute("SELECT getvariable('achievement_progress_not_published_ks2')").fetchone()[
        0
    ] == [202324, 202425]
    n = con.execute("SELECT count(*) FROM model_settings").fetchone()[0]
    assert n == len(ms.load()) + 1  # plus as_at_latest_date


def test_latest_as_at_from_load_info():
    con = open_in_memory()
    con.execute("CREATE TABLE load_info (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO load_info VALUES ('started_at', '2026-05-04T10:00:00')")
    assert str(ms.latest_as_at(con, ms.load())) == "2026-05-04"


def test_method_page_is_current():
    assert ms.METHOD_PATH.read_text(encoding="utf-8") == ms.method_markdown(), (
        "docs/method.md is stale: python -c 'import warehouse.model_settings as m; m.write_method()'"
    )


def test_method_page_lists_every_setting_and_rule():
    text = ms.method_markdown()
    for s in ms.load().values():
        assert f"`{s.section}.{s.key}`" in text
    for rule in ("I1_inadequate", "I5_low_achievement_progress", "T5_independent_signals", "T6_stuck",
                 "W5_concerns_complaints", "W7_similar_schools"):  # fmt: skip
        assert rule in text


def test_the_method_page_is_made_again_when_the_settings_file_changes(tmp_path):
    path = tmp_path / "model_settings.toml"
    shutil.copyfile(ms.SETTINGS_PATH, path)
    first = ms.current_method_markdown(path)
    assert first == ms.method_markdown(ms.load(path))
    assert ms.current_method_markdown(path) is first  # kept while the file is unchanged
    text = path.read_text(encoding="utf-8")
    changed = text.replace("weight_attainment = { value = 0.6", "weight_attainment = { value = 0.7")
    changed = changed.replace("weight_progress = { value = 0.4", "weight_progress = { value = 0.3")
    assert changed != text
    before = path.stat()
    path.write_text(changed, encoding="utf-8")  # same size; the time set back: only content differs
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = ms.current_method_markdown(path)
    assert second != first and second == ms.method_markdown(ms.load(path))
