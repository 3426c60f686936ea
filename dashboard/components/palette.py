"""Colours, shapes and words for categories and RAG ratings: colour is never the only signal.

Every category and rating pairs a colour with a word and a symbol (and a Vega-Lite point shape for
charts), so a reader who cannot tell the colours apart, or a greyscale print, loses nothing. The
colours are Okabe-Ito (colour-blind safe) or darkened from it so that a chart mark meets 3:1 against
white (WCAG 2.2 non-text contrast), and so that colours shown together stay apart in greyscale (a
photocopy, a washed-out projector, a reader who sees no hue): any two colours of one group
(categories, RAG, the first three series, neighbouring series) differ in relative luminance by at
least ``GREYSCALE_MIN_RATIO`` (1.5:1, the WCAG contrast formula applied to the two colours).
Categories and RAG run light to dark with concern: green, dark orange, dark red.
``contrast_ratio`` is the WCAG formula; the tests check every text/background pair listed in
``TEXT_PAIRS`` (4.5:1), the projector theme (7:1), every mark colour against white (3:1) and every
pair in ``colours_used_together()`` (1.5:1).

The projector theme (``PROJECTOR_THEME``) is applied without CSS or ``unsafe_allow_html``:

* the briefing page uses only Streamlit's large elements - ``st.title`` for the slide title,
  ``st.header`` for each point, ``st.metric`` for headline figures - and no ``st.caption`` or small
  text; Streamlit's light theme is black-on-white text, far above 7:1;
* charts on that page go through ``charts.projector(chart)``, which applies
  ``PROJECTOR_THEME["altair"]`` (axis, legend and title font sizes, thicker lines, bigger points);
* slides and their PDF (``slides.py``) take the colours and point sizes from this dict.
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
WHITE = "#FFFFFF"
TEXT = "#262730"  # Streamlit's light-theme text colour
MUTED_TEXT = "#595959"  # the lightest grey allowed for text on white (7:1)
GRID_GREY = "#767676"  # COVID-gap shading outline and rules (4.5:1 on white)
GAP_FILL = "#EEEEEE"  # background band only: its meaning is carried by a text label
AMBER = "#8A3A00"  # Okabe-Ito orange darkened to brown-amber: 7.8:1 on white, 2.3:1 from green
DARK_RED = "#5C1600"  # Okabe-Ito vermillion darkened: 13.4:1 on white, 1.7:1 from AMBER
DARK_PURPLE = "#5B2C83"  # a sixth series colour, darker than reddish purple and blue
GREYSCALE_MIN_RATIO = 1.5  # luminance contrast between colours shown together (see above)

# Colours for series in charts, in order: all at least 3:1 against white; the first three (This
# school, Local authority, National) pairwise and every neighbour at least GREYSCALE_MIN_RATIO apart.
SERIES_COLOURS: list[str] = [
    OKABE_ITO["blue"],
    OKABE_ITO["black"],
    OKABE_ITO["reddish_purple"],
    AMBER,
    OKABE_ITO["bluish_green"],
    DARK_PURPLE,
]
SERIES_SHAPES: list[str] = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down"]
SERIES_DASHES: list[list[int]] = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [1, 0], [6, 3]]


@dataclass(frozen=True)
class Encoding:
    """How one value is shown: colour, word, symbol in text, shape in charts, text colour on it."""

    key: str
    word: str
    symbol: str
    colour: str
    shape: str  # Vega-Lite point shape
    text_on_colour: str  # text colour when written on a fill of `colour` (4.5:1 or better)

    @property
    def label(self) -> str:
        """e.g. "◆ Targeted": the word and the symbol together, for legends and tables."""
        return f"{self.symbol} {self.word}"


CATEGORIES: dict[str, Encoding] = {
    "universal": Encoding(
        "universal", "Universal", "●", OKABE_ITO["bluish_green"], "circle", "#000000"
    ),
    "targeted": Encoding("targeted", "Targeted", "◆", AMBER, "diamond", WHITE),
    "intensive": Encoding("intensive", "Intensive", "▲", DARK_RED, "triangle-up", WHITE),
}

RAG: dict[str, Encoding] = {
    "green": Encoding("green", "Green", "✓", OKABE_ITO["bluish_green"], "circle", "#000000"),
    "amber": Encoding("amber", "Amber", "!", AMBER, "diamond", WHITE),
    "red": Encoding("red", "Red", "✕", DARK_RED, "cross", WHITE),
}

# Achievement bands (1 = lowest 20% nationally): words and symbols, colours from dark to light blue
# would rely on colour; instead every band shows its number and words.
BANDS: dict[int, str] = {
    1: "Band 1: lowest 20%",
    2: "Band 2: 20-40%",
    3: "Band 3: middle 20%",
    4: "Band 4: 60-80%",
    5: "Band 5: highest 20%",
}

# Text/background pairs the components use (foreground, background), each needing 4.5:1.
TEXT_PAIRS: list[tuple[str, str]] = [
    (TEXT, WHITE),
    (MUTED_TEXT, WHITE),
    (GRID_GREY, WHITE),
    ("#000000", GAP_FILL),  # "No data (COVID-19)" label on the gap band
    (WHITE, OKABE_ITO["blue"]),  # PDF table header
    *[(e.text_on_colour, e.colour) for e in [*CATEGORIES.values(), *RAG.values()]],
]

PROJECTOR_THEME: dict = {
    "background": WHITE,
    "text": "#000000",
    "table_header_background": "#000000",
    "table_header_text": WHITE,
    "accent": OKABE_ITO["blue"],  # chart marks only, never text
    "title_pt": 40,
    "body_pt": 28,
    "table_pt": 24,  # small tables only (at most 6 rows): still readable from the back of a room
    "min_text_contrast": 7.0,
    "altair": {
        "title": {"fontSize": 28, "subtitleFontSize": 20},
        "axis": {"labelFontSize": 20, "titleFontSize": 22},
        "legend": {"labelFontSize": 20, "titleFontSize": 22, "symbolSize": 300},
        "header": {"labelFontSize": 20, "titleFontSize": 22},
        "line": {"strokeWidth": 5},
        "point": {"size": 250},
        "text": {"fontSize": 20},
    },
}
# Pairs the projector theme writes text in: each needs 7:1.
PROJECTOR_TEXT_PAIRS: list[tuple[str, str]] = [
    (PROJECTOR_THEME["text"], PROJECTOR_THEME["background"]),
    (PROJECTOR_THEME["table_header_text"], PROJECTOR_THEME["table_header_background"]),
]


def category(key: str) -> Encoding:
    """The encoding of a support category (universal, targeted, intensive), case-insensitive."""
    return CATEGORIES[str(key).strip().lower()]


def rag(key: str) -> Encoding:
    """The encoding of a RAG rating (green, amber, red), case-insensitive."""
    return RAG[str(key).strip().lower()]


def colours_used_together() -> dict[str, list[tuple[str, str]]]:
    """Every pair of colours that can sit side by side in one chart, by group: all pairs of the
    categories, of RAG and of the first three series; neighbouring series all round the cycle."""
    series = SERIES_COLOURS

    def pairs(colours: list[str]) -> list[tuple[str, str]]:
        return [(a, b) for i, a in enumerate(colours) for b in colours[i + 1 :]]

    return {
        "categories": pairs([e.colour for e in CATEGORIES.values()]),
        "rag": pairs([e.colour for e in RAG.values()]),
        "first three series": pairs(series[:3]),
        "neighbouring series": [
            (series[i], series[(i + 1) % len(series)]) for i in range(len(series))
        ],
    }


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of "#RRGGBB" (or "#RGB")."""
    h = hex_colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    if len(h) != 6:
        raise ValueError(f"not a hex colour: {hex_colour!r}")
    r, g, b = (_channel(int(h[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1.0 (same) to 21.0 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
