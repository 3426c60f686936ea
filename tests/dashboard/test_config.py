"""The shipped Streamlit configuration (decision 22) and an accessible theme (WCAG AA)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_security_options():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableAgentApi"] is False
    assert CONFIG["server"]["headless"] is True
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["toolbarMode"] == "minimal"
    # no table download that bypasses the neutralising, audited export writer
    assert CONFIG["client"]["disableDataExport"] is True


def test_no_full_garbage_collection_after_every_rerun():
    # gc.collect(2) after each run held the GIL ~100-170 ms per rerun, outside the page's own time
    assert CONFIG["runner"]["postScriptGC"] is False


def test_theme_meets_wcag_aa():
    theme = CONFIG["theme"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast(theme["textColor"], background) >= 4.5
        assert contrast(theme["primaryColor"], background) >= 4.5
        assert contrast(theme["linkColor"], background) >= 4.5


def test_no_unsafe_html_in_the_app_shell():
    files = [
        *(ROOT / "pages").glob("*.py"),
        ROOT / "dashboard" / "app.py",
        ROOT / "dashboard" / "render.py",
        ROOT / "dashboard" / "auth.py",
    ]
    for path in files:
        assert "unsafe_allow_html=True" not in path.read_text(), path
