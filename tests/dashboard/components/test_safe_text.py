"""Escaping nasty strings, explanations for every canonical measure, no unsafe HTML anywhere."""

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.components import measures, text
from dashboard.components.safe import clean_text, md_escape, md_escape_frame, safe_filename

ROOT = Path(__file__).resolve().parents[3]
NASTY = [
    "St *Mary*'s _C of E_",
    "<script>alert(1)</script>",
    "[click me](javascript:alert(1))",
    "![img](http://evil/x.png)",
    "# Heading\n- list\n1. item",
    ":red[alarm] :material/warning: $x^2$",
    "back\\slash `code` | pipe ~strike~",
    "bidi \u202eevil\u202c and nul \x00",
]


@pytest.mark.parametrize("s", NASTY)
def test_md_escape_leaves_no_markdown_active(s):
    out = md_escape(s)
    # remove every escaped pair: no Markdown-significant character may be left unescaped
    bare = re.sub(r"\\.", "", out)
    assert not re.search(r"[*_\[\]()<>`#|:$~!\\-]", bare), (s, out)
    assert "\n" not in out and "\u202e" not in out and "\x00" not in out


def test_md_escape_round_trips_visible_text():
    assert md_escape("St *Mary*'s") == r"St \*Mary\*\'s"
    assert md_escape(None) == "" and md_escape(float("nan")) == ""
    assert md_escape("a\nb", keep_newlines=True) == "a  \nb"
    assert clean_text("ok\u202e") == "ok"


def test_frame_and_filename():
    df = pd.DataFrame({"name*": ["<b>x</b>"], "n": [1]})
    out = md_escape_frame(df)
    assert list(out.columns) == [r"name\*", "n"] and out.iloc[0, 0] == r"\<b\>x\<\/b\>"
    assert safe_filename("Results: St Mary’s <2024>", ".csv") == "results-st-mary-s-2024.csv"
    assert safe_filename("***") == "data"


def test_no_unsafe_html_in_components():
    for path in (ROOT / "dashboard" / "components").glob("*.py"):
        assert "unsafe_allow_html=" not in path.read_text(), path


def canonical_measures() -> list[str]:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    section = doc.split("## Canonical measures", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M)


def test_every_canonical_measure_is_explained_and_labelled():
    names = canonical_measures()
    assert len(names) >= 20
    for name in names:
        assert text.has_explanation(name), name
        assert name in measures.MEASURES, name


@pytest.mark.parametrize(
    "term",
    [
        "achievement score",
        "national percentile",
        "progress score",
        "persistent absence",
        "disadvantaged gap",
        "Attainment 8",
        "Progress 8",
        "EBacc",
        "EAL",
        "SEND",
        "FSM",
        "FSM6",
        "report card areas",
        "support categories",
        "universal",
        "targeted",
        "intensive",
        "disadvantaged",
        "prior_low",
        "eal",
        "boys",
    ],
)
def test_model_terms_are_explained(term):
    assert text.has_explanation(term), term
    assert text.explain(term) != text.FALLBACK


ACRONYMS = {"FSM", "FSM6", "EAL", "SEN", "SEND", "EHCP", "KS2", "KS4", "LA", "EBacc", "GCSE"}
# GCSE is the name of the qualification; everyone reading a school dashboard knows it.
ALLOWED = {"GCSE"}


def test_no_unexplained_acronyms():
    for key, sentence in text.EXPLANATIONS.items():
        for word in re.findall(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9]\b", sentence):
            if word in ACRONYMS - ALLOWED:
                assert (
                    f"({word})" in sentence
                    or f"{word}:" in sentence
                    or f"({word}," in sentence
                    or f"({word} " in sentence
                ), (key, word)


def test_unknown_measure_falls_back():
    assert text.explain("no_such_measure") == text.FALLBACK
