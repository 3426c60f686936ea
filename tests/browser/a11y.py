"""Checks the page walks share: text contrast measured in the browser, full-page screenshots, and
the thresholds the accessibility statement quotes (WCAG 2.2 AA; 7:1 on projector pages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.components.palette import PROJECTOR_THEME, contrast_ratio

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
NORMAL_TEXT = 4.5  # WCAG 2.2 1.4.3 (AA)
LARGE_TEXT = 3.0  # the same criterion for large text
PROJECTOR_TEXT = PROJECTOR_THEME["min_text_contrast"]  # 7:1 (WCAG 1.4.6, AAA) on a projector
PROJECTOR_PAGES = frozenset({"briefing"})

# Every visible text node of the document (charts are drawn in canvas/SVG and checked from their
# specs instead). Its colour and the backgrounds behind it are composited with their alpha
# channels (Streamlit writes secondary text as the text colour at partial opacity) over the white
# canvas. Hidden, zero-sized, screen-reader-only and disabled text is skipped: WCAG 1.4.3 exempts
# inactive controls, and clipped 1px text is not seen.
TEXT_STYLES_JS = """() => {
  const rgba = s => { const m = (s.match(/[\\d.]+/g) || []).map(Number);
                      return m.length >= 3 ? [m[0], m[1], m[2], m.length > 3 ? m[3] : 1] : null; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const out = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (el.closest('svg, canvas, script, style, noscript, [aria-hidden="true"], [disabled], [aria-disabled="true"]')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const style = getComputedStyle(el);
    let colour = rgba(style.color), layers = [], opacity = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      opacity *= parseFloat(s.opacity);
      const bg = rgba(s.backgroundColor);
      if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let bg = [255, 255, 255];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    const fg = over([colour[0], colour[1], colour[2], colour[3] * opacity], bg);
    out.push({text: node.textContent.trim().slice(0, 60), tag: el.tagName,
              testid: (el.closest('[data-testid]') || {dataset: {}}).dataset.testid || '',
              color: fg, bg: bg, size: parseFloat(style.fontSize),
              weight: parseInt(style.fontWeight) || 400});
  }
  return out;
}"""


@dataclass(frozen=True)
class Shortfall:
    text: str
    where: str
    ratio: float
    needed: float

    def __str__(self) -> str:
        return f"{self.ratio:.2f} < {self.needed}: {self.text!r} ({self.where})"


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, int(round(c)))):02X}" for c in rgb[:3])


def is_large(size_px: float, weight: int) -> bool:
    """WCAG large text: 18pt (24px), or 14pt (18.66px) bold."""
    return size_px >= 24 or (size_px >= 18.66 and weight >= 700)


def text_contrast(page, *, projector: bool = False) -> tuple[list[Shortfall], list[float]]:
    """Every visible text node's contrast against its effective background; the shortfalls."""
    short, ratios = [], []
    for s in page.evaluate(TEXT_STYLES_JS):
        ratio = contrast_ratio(_hex(s["color"]), _hex(s["bg"]))
        if projector:
            needed = PROJECTOR_TEXT
        else:
            needed = LARGE_TEXT if is_large(s["size"], s["weight"]) else NORMAL_TEXT
        ratios.append(ratio)
        if ratio < needed - 0.005:
            where = f"{s['tag']} in {s['testid']}, {_hex(s['color'])} on {_hex(s['bg'])}"
            short.append(Shortfall(s["text"], where, round(ratio, 2), needed))
    return short, ratios


def full_page_screenshot(page, name: str) -> Path:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the viewport
    is stretched to the content's height for the shot and put back afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(document.body.scrollHeight,
             ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], section')]
               .map(e => e.scrollHeight))"""
    )
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 12000)}
    )
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path
