"""The briefing on a projector, in headless Chromium on the fixture county: ArrowRight / ArrowLeft move
the slides, every slide is screenshotted at 1920x1080 and 1280x720 (test-artifacts/briefing/), text
contrast read from computed styles is at least 7:1, the main heading is at least 32px at 1280x720,
and axe finds nothing serious or critical."""

from pathlib import Path

import pytest

from dashboard.components.palette import contrast_ratio
from tests.browser.conftest import axe_serious_violations, sign_in, wait_for_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing"
SLIDES = 6
TEXT = '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMetricLabel"], [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMarkdownContainer"] p'

# For each visible text element: its colour and the first non-transparent background behind it.
STYLES_JS = """sel => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null)
  .map(e => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    let bg = null, n = e;
    while (n && n.nodeType === 1) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c; break; }
      n = n.parentElement;
    }
    return {tag: e.tagName, text: e.innerText.slice(0, 40), color: rgb(getComputedStyle(e).color),
            bg: bg || [255, 255, 255], size: parseFloat(getComputedStyle(e).fontSize)};
  })"""


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02X}" for c in rgb[:3])


def _slide_number(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).get('slide')")


def test_keyboard_contrast_size_screenshots_and_axe(served_county, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ratios: list[float] = []
    for width, height in ((1920, 1080), (1280, 720)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            sign_in(page, served_county.url, "briefing", then="/briefing?area=county&slide=1")
            assert _slide_number(page) == "1"
            first_title = page.locator("h1").first.inner_text()
            page.keyboard.press("ArrowRight")
            wait_for_app(page)
            assert _slide_number(page) == "2"
            assert page.locator("h1").first.inner_text() != first_title
            page.keyboard.press("ArrowLeft")
            wait_for_app(page)
            assert _slide_number(page) == "1"
            assert page.locator("h1").first.inner_text() == first_title
            for n in range(1, SLIDES + 1):
                assert _slide_number(page) == str(n)
                page.screenshot(path=str(ARTIFACTS / f"slide-{n}-{width}x{height}.png"))
                styles = page.evaluate(STYLES_JS, TEXT)
                assert styles, "no text found on the slide"
                for s in styles:
                    ratio = contrast_ratio(_hex(s["color"]), _hex(s["bg"]))
                    ratios.append(ratio)
                    assert ratio >= 7, (n, s)
                heading = [s for s in styles if s["tag"] == "H1"][0]
                if width == 1280:
                    assert heading["size"] >= 32, heading
                if n == 1 and width == 1920:
                    bad, report = axe_serious_violations(page)
                    assert not bad, report
                if n < SLIDES:
                    page.keyboard.press("ArrowRight")
                    wait_for_app(page)
        finally:
            context.close()
    (ARTIFACTS / "contrast.txt").write_text(f"min {min(ratios):.2f} max {max(ratios):.2f}\n")
