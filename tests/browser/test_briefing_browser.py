"""The briefing on a projector, in headless Chromium on the fixture county (one server, one browser):
P enters presenting mode and Escape leaves it; ArrowRight / ArrowLeft move the slides; in presenting
mode every slide, at 1920x1080 and 1280x720, shows nothing but the slide (no sidebar, header, link
icons, buttons or "take this briefing to a room" box) and fits the screen without scrolling (the
page's and the main area's scroll height and the source line's bottom within the viewport). Each
slide is screenshotted into test-artifacts/briefing/; text contrast read from computed styles is at
least 7:1, the title at least 32px at 1280x720, and axe finds nothing serious or critical."""

from pathlib import Path

import pytest

from dashboard.components.palette import contrast_ratio
from tests.browser.conftest import axe_serious_violations, sign_in, wait_for_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing"
SLIDES = 6
TEXT = '[data-testid="stMain"] h1, [data-testid="stMetricLabel"], [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMarkdownContainer"] p'

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
# How the slide sits in the viewport, and what else is visible on it.
FIT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const source = document.querySelector('.st-key-slide_source');
  const visible = sel => Array.from(document.querySelectorAll(sel)).filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 2 && r.height > 2 &&
      getComputedStyle(e).visibility !== 'hidden'; }).length;
  return {viewport: innerHeight, doc: document.documentElement.scrollHeight,
          main: main.scrollHeight, source: source.getBoundingClientRect().bottom,
          sidebar: visible('[data-testid="stSidebar"]'), header: visible('[data-testid="stHeader"]'),
          buttons: visible('[data-testid="stMain"] button') - visible('.st-key-briefing_controls button'),
          controls: document.querySelector('.st-key-briefing_controls').getBoundingClientRect().width, links: visible('h1 a, h2 a, h3 a'),
          text: document.body.innerText};
}"""


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02X}" for c in rgb[:3])


def _param(page, name: str) -> str | None:
    return page.evaluate(f"new URLSearchParams(location.search).get('{name}')")


def test_presenting_mode_fits_each_slide_at_both_sizes(served_county, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ratios: list[float] = []
    fits: list[str] = []
    for width, height in ((1920, 1080), (1280, 720)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            sign_in(page, served_county.url, "briefing", then="/briefing?area=county&slide=1")
            assert _param(page, "slide") == "1" and _param(page, "present") is None
            assert page.get_by_text("Take this briefing to a room").count() == 1
            first_title = page.locator("h1").first.inner_text()
            page.keyboard.press("ArrowRight")
            wait_for_app(page)
            assert _param(page, "slide") == "2"
            assert page.locator("h1").first.inner_text() != first_title
            page.keyboard.press("ArrowLeft")
            wait_for_app(page)
            assert _param(page, "slide") == "1"
            page.keyboard.press("p")  # one key: presenting
            wait_for_app(page)
            assert _param(page, "present") == "1"
            for n in range(1, SLIDES + 1):
                assert _param(page, "slide") == str(n)
                page.screenshot(path=str(ARTIFACTS / f"slide-{n}-{width}x{height}.png"))
                fit = page.evaluate(FIT_JS)
                fits.append(
                    f"{width}x{height} slide {n}: document {fit['doc']}px, main {fit['main']}px, "
                    f"source line ends at {fit['source']:.0f}px of {fit['viewport']}px"
                )
                assert fit["doc"] <= fit["viewport"], fits[-1]
                assert fit["main"] <= fit["viewport"], fits[-1]
                assert fit["source"] <= fit["viewport"], fits[-1]
                assert (fit["sidebar"], fit["header"], fit["buttons"], fit["links"]) == (0,) * 4
                assert fit["controls"] <= 1  # shortcuts only: visually hidden
                assert "Take this briefing" not in fit["text"]
                assert "Source:" in fit["text"]
                styles = page.evaluate(STYLES_JS, TEXT)
                assert styles, "no text found on the slide"
                for s in styles:
                    ratio = contrast_ratio(_hex(s["color"]), _hex(s["bg"]))
                    ratios.append(ratio)
                    assert ratio >= 7, (n, s)
                heading = [s for s in styles if s["tag"] == "H1"][0]
                if width == 1280:
                    assert heading["size"] >= 32, heading
                if n == 2 and width == 1920:
                    bad, report = axe_serious_violations(page)
                    assert not bad, report
                if n < SLIDES:
                    page.keyboard.press("ArrowRight")
                    wait_for_app(page)
            page.keyboard.press("Escape")  # leaves presenting, stays on the slide
            wait_for_app(page)
            assert _param(page, "present") is None and _param(page, "slide") == str(SLIDES)
            assert page.get_by_text("Take this briefing to a room").count() == 1
        finally:
            context.close()
    (ARTIFACTS / "fit.txt").write_text("\n".join(fits) + "\n")
    (ARTIFACTS / "contrast.txt").write_text(f"min {min(ratios):.2f} max {max(ratios):.2f}\n")
