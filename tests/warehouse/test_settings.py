"""Settings are declared once, parsed strictly and documented in docs/settings.md."""

from pathlib import Path

import pytest

from warehouse import settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_documented_and_doc_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    assert text == settings.markdown(), "run: python -m warehouse.settings > docs/settings.md"
    for s in settings.SETTINGS:
        assert s.help.strip() and f"`{s.name}`" in text


def test_defaults(monkeypatch):
    for s in settings.SETTINGS:
        monkeypatch.delenv(s.name, raising=False)
    assert settings.session_minutes() == 60
    assert settings.suppression_threshold() == 5
    assert settings.briefing_names_schools() is False
    assert settings.deployment() == "full"
    assert settings.store_path() == Path("data/store.sqlite")


@pytest.mark.parametrize(
    "name,raw",
    [
        ("SID_DEPLOYMENT", "governors"),
        ("SID_SESSION_MINUTES", "soon"),
        ("SID_BRIEFING_NAMES_SCHOOLS", "maybe"),
        ("SID_SUPPRESSION_THRESHOLD", "-1"),
    ],
)
def test_bad_values_refused(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name):
        settings.get(name)


def test_undeclared_name_is_an_error():
    with pytest.raises(KeyError):
        settings.get("SID_WAREHOUS")
