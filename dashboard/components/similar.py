"""Rendering of the similar-schools comparison (issue 22): the school beside the average of the schools
with the most similar intake, its position among them, national and its LA, and what the group is.

Pure formatting of what dashboard/data_access/similar.py returns (no queries here). Words always go
with the flags, so colour is never the only signal. The group's names are shown only by
``show_group``, which pages call for managers alone (the data-access layer refuses everyone else).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.components import format, measures, sections

WELL_BELOW = "▼ well below similar schools"
WELL_ABOVE = "▲ well above similar schools (a strength)"
CONTEXT_LABELS = {
    "prior_low_pct": "Low prior attainment %",
    "prior_high_pct": "High prior attainment %",
    "prior_ks2_aps": "KS2 average point score",
    "disadvantaged_pct": "Disadvantaged %",
    "eal_pct": "EAL %",
    "sen_support_pct": "SEN support %",
    "ehcp_pct": "EHC plan %",
    "pupils": "Pupils in the cohort",
}


def _count(n) -> int:
    return 0 if format.is_missing(n) else int(n)


def position_text(row: dict) -> str:
    """'higher than 25 of the 30' / 'higher than 12 and level with 2 of the 30' (group schools with
    the figure)."""
    n, lower, equal = _count(row["group_n"]), _count(row["n_lower"]), _count(row["n_equal"])
    if n == 0:
        return "no similar school has this figure"
    level = f" and level with {equal}" if equal else ""
    return f"higher than {lower}{level} of the {n}"


def flag_text(row: dict) -> str:
    if bool(row.get("below_similar")):
        return WELL_BELOW
    if bool(row.get("above_similar")):
        return WELL_ABOVE
    return ""


def _national(row: dict) -> str:
    if format.is_missing(row.get("national_value")) and row["measure"] in (
        "ks2_progress_mean",
        "ks4_progress8",
    ):
        return format.fmt_measure(row["measure"], 0.0) + " (by definition)"
    return format.fmt_measure(row["measure"], row.get("national_value"))


def sentence(row: dict) -> str:
    """One plain sentence for a governor: the figure, the words, the group's size and average only."""
    value = format.fmt_measure(row["measure"], row["school_value"])
    if not row.get("position_words"):
        return (
            f"{format.fmt_year(row['time_period'])}, {measures.label(row['measure']).lower()}: "
            f"{value}; none of the similar schools has this figure."
        )
    return (
        f"{format.fmt_year(row['time_period'])}, {measures.label(row['measure']).lower()}: {value}, "
        f"{row['position_words']} ({position_text(row)} schools with a similar intake that have this "
        f"figure; their average {format.fmt_measure(row['measure'], row['group_mean'])})."
    )


def table(df: pd.DataFrame) -> pd.DataFrame:
    """The comparison as a display table: one row per year and measure."""
    rows = []
    for r in df.to_dict("records"):
        rows.append(
            {
                "Year": format.fmt_year(r["time_period"]),
                "Result": measures.label(r["measure"]),
                "This school": format.fmt_measure(r["measure"], r["school_value"]),
                "Similar schools' average": format.fmt_measure(r["measure"], r["group_mean"]),
                "Similar schools with the figure": f"{_count(r['group_n'])} of {_count(r['group_size'])}",
                "Position among them": position_text(r),
                "Compared with similar schools": flag_text(r) or (r["position_words"] or ""),
                "National": _national(r),
                f"LA ({r['la_name']})" if r.get("la_name") else "LA": format.fmt_measure(
                    r["measure"], r.get("la_value")
                ),
            }
        )
    out = pd.DataFrame(rows)
    # one LA column whatever its name (a school's LA is the same every year)
    la_cols = [c for c in out.columns if c.startswith("LA")]
    if len(la_cols) > 1:
        out["LA"] = out[la_cols].bfill(axis=1).iloc[:, 0]
        out = out.drop(columns=[c for c in la_cols if c != "LA"])
    return out


def bases(df: pd.DataFrame) -> list[str]:
    """The distinct basis sentences (what each year's group is), newest year first."""
    seen: list[str] = []
    for r in df.sort_values("time_period", ascending=False).to_dict("records"):
        text = f"{format.fmt_year(r['time_period'])}: {r['basis']}."
        if text not in seen:
            seen.append(text)
    return seen


EMPTY = (
    "No similar-schools comparison for this school: it needs a published result of its key "
    "stage in a build that makes the groups."
)


@dataclass(frozen=True)
class Section:
    """The section ready to draw (Markdown already escaped), made once by ``prepare``: a page that
    caches it draws it on every rerun without formatting the comparison again."""

    empty: bool
    sentences: tuple[str, ...] = ()  # governor wording: the latest year's sentences, as list items
    table: render.Escaped | None = None
    bases: tuple[str, ...] = ()
    watch: tuple[str, ...] = ()


def prepare(df: pd.DataFrame, *, plain: bool = False) -> Section:
    """The section 'Compared with similar schools' from the comparison rows. ``plain``: governor
    wording (sentences for the latest year first, then the table)."""
    if df.empty:
        return Section(empty=True)
    sentences = ()
    if plain:
        latest = df[df["time_period"] == df["time_period"].max()]
        sentences = tuple("- " + render.escape_md(sentence(r)) for r in latest.to_dict("records"))
    watch = df[df["below_similar_years"].fillna(False).astype(bool)]
    return Section(
        empty=False,
        sentences=sentences,
        table=render.Escaped(table(df)),
        bases=tuple(render.escape_md(text) for text in bases(df)),
        watch=tuple(
            render.escape_md(
                f"Watch: {measures.label(r['measure']).lower()} well below similar schools in "
                f"{r['below_similar_in']}."
            )
            for r in watch.to_dict("records")
        ),
    )


def draw(section: Section, *, level: int = 2, table_in: tuple[str, str] | None = None) -> None:
    """``table_in``: the (label, key) of a section made when opened (components/sections.py) that
    holds the table and its bases; the sentences and the warnings are drawn in any case."""
    render.heading("Compared with schools with a similar intake", level=level)
    if section.empty:
        st.info(EMPTY)
        return
    for line in section.sentences:
        st.markdown(line)
    if table_in is None:
        _table(section)
    elif (box := sections.section(table_in)).open:
        with box:
            _table(section)
    for text in section.watch:
        st.warning(text)


def _table(section: Section) -> None:
    render.safe_table(section.table, hide_index=True)
    for text in section.bases:
        st.caption(text)


def show(df: pd.DataFrame, *, plain: bool = False, level: int = 2) -> None:
    """The section 'Compared with similar schools'. ``plain``: governor wording (sentences for the
    latest year first, then the table)."""
    draw(prepare(df, plain=plain), level=level)


def group_table(group: pd.DataFrame) -> pd.DataFrame:
    """Managers only: the school (first row) and its group with context and results."""
    out = pd.DataFrame(
        {
            "Rank": ["this school" if r == 0 else str(int(r)) for r in group["rank"]],
            "URN": group["urn"].astype(int).astype(str),
            "School": group["name"],
            "LA": group["la_name"],
            "Distance": [format.format_number(d, decimals=2) for d in group["distance"]],
        }
    )
    for col in group.columns:
        if col in CONTEXT_LABELS:
            kind = "count" if col == "pupils" else "score" if col == "prior_ks2_aps" else "pct"
            out[CONTEXT_LABELS[col]] = [format.fmt_kind(v, kind) for v in group[col]]
    for col in group.columns:
        if col in measures.MEASURES and col not in CONTEXT_LABELS:
            out[measures.label(col)] = [format.fmt_measure(col, v) for v in group[col]]
    return out


def show_group(group: pd.DataFrame, year_label: str) -> None:
    if group.empty:
        st.info("No similar-schools group for this school and year.")
        return
    render.safe_table(group_table(group), hide_index=True)
    st.caption(
        f"{year_label}: the school and the {len(group) - 1} schools with the most similar intake, nearest "
        "first. Distance: weighted difference in context after standardising (docs/method.md section 8)."
    )
