"""How the priority list is drawn (rendering only; the order and figures come from
dashboard/priority.py through data_access.manager.priority_view).

``reading_table``: the few columns that answer "why" at 1366x768, as a static HTML table whose
text wraps (never cut to a column width): school, district, phase, category (symbol and word, with
the rank within it), the one-sentence reason, the key figure against national, last visit, next
review due (one column with the last visit). ``export_table``: every column (the sortable table and the visit-plan downloads).
``details``: one school's reasons in full, on demand. ``tables``: both tables, made once per
view key (manager.PriorityView.key), not on every rerun.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd
import streamlit as st

from dashboard import priority, support
from dashboard.components import format
from dashboard.components.palette import CATEGORIES
from dashboard.components.safe import md_escape
from dashboard.data_access.core import cached
from dashboard.data_access.manager import NO_DISTRICT, PriorityView
from warehouse import figures as F

# The sortable table of every school and every column: a section made when opened
# (components/sections.py). Closed, a filter change sends the browser the 25-row reading list and
# not ~350 kB of Arrow (394 schools x 27 columns at county size) for a grid nobody has opened.
EVERY_COLUMN = ("Every school, every column (sortable)", "priority_open_table")
# The visit plan's Excel and CSV: made when their section is opened, then on each filter change
# while it stays open. A file made only on click (data=callable) is not reliable in Streamlit 1.67:
# a click during a rerun asks for a file id the rerun has already dropped. Building the workbook
# for every choice of a filter was two thirds of a first district's server time.
PLAN_FILES = ("Visit plan files (Excel, CSV)", "priority_plan_files")
SECTIONS = (EVERY_COLUMN, PLAN_FILES)

# A constant (no data in it) given to st.html: a compact, readable list on a laptop. Text keeps the
# theme's colour (17:1); cells wrap (nothing is cut), short columns do not break mid-date.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-priority_list table { font-size: 0.875rem; line-height: 1.25; }
.st-key-priority_list th, .st-key-priority_list td { padding: 0.2rem 0.4rem !important;
  vertical-align: top; white-space: normal; overflow: visible; text-overflow: clip; }
.st-key-priority_list td:nth-child(2) { min-width: 8rem; }
.st-key-priority_list td:nth-child(4) { min-width: 21rem; }
.st-key-priority_list td:nth-child(5) { min-width: 6rem; }
</style>"""


def category_words(category: str, rank=None) -> str:
    """'▲ Intensive, 1st' (symbol and word: colour is never the only signal)."""
    enc = CATEGORIES.get(category)
    words = (enc.label if enc else "? Not categorised").replace(
        " ", "\u00a0", 1
    )  # symbol with word
    if rank is None or pd.isna(rank) or category == "not categorised":
        return words
    return f"{words}, {format.ordinal(rank)}"


def figure_heading(group: str) -> str:
    who = F.group_words(group)
    return f"Key figure, {who} (national)"


def tables(view: PriorityView, group: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``reading_table``, ``export_table``) of a priority view. The cells are made once per whole
    list (``view.list_key``, which names the user's allowed URNs); per filter only its rows are
    taken, numbered again (the position is the only cell that depends on the filters) and made
    into frames the way the functions below make them, so the types are those of the rows alone."""
    return reading_of(view, group), export_of(view, group)


def reading_of(view: PriorityView, group: str) -> pd.DataFrame:
    """``tables``' reading list (drawn on every rerun)."""
    return _filtered_table(view.key, group, 0, _view=view)


def export_of(view: PriorityView, group: str) -> pd.DataFrame:
    """``tables``' every column (the sortable table and the visit-plan files): made only when one
    of their sections is open, not for every filter choice."""
    return _filtered_table(view.key, group, 1, _view=view)


@cached
def _filtered_table(key: tuple, group: str, which: int, *, _view: PriorityView) -> pd.DataFrame:
    columns = _columns(_view.list_key, group, _ranked=_view.full)[which]
    rows = _view.rows.tolist()  # Python ints: indexing tuples with numpy ints is slower
    out = {c: [v[i] for i in rows] for c, v in columns.items()}
    if which == 0:  # the rank is the position in the filtered list (manager._ranked)
        out["No."] = [str(r) for r in range(1, len(rows) + 1)]
    else:
        out["Rank"] = list(range(1, len(rows) + 1))
    return pd.DataFrame(out)


@cached
def _columns(key: tuple, group: str, *, _ranked: pd.DataFrame) -> tuple[Mapping, Mapping]:
    """Read-only columns of tuples: shared by every rerun of the key, never copied. ``key`` is
    the list's (manager.PriorityView.list_key: its fifth item is the pupil group): what does not
    depend on the group is made once per list of every group (``_shared_columns``), in its own
    order; per group, only the group's figures are made and the rest taken in the group's order."""
    positions, shared = _shared_columns((*key[:4], *key[5:]), _ranked=_ranked)
    urns = _ranked["urn"].tolist()
    rows = [positions[u] for u in urns]
    own = _group_columns(_ranked, group)
    return tuple(
        MappingProxyType({c: own[c] if c in own else tuple(columns[c][i] for i in rows)
                          for c in _with_group_names(columns, group)})
        for columns in shared
    )  # fmt: skip


@cached
def _shared_columns(
    key: tuple, *, _ranked: pd.DataFrame
) -> tuple[Mapping, tuple[Mapping, Mapping]]:
    """(URN -> row, (reading, export) columns) of the list of ``key`` (a list's key without its
    pupil group: the build and the user's allowed URNs are in it), in ``_ranked``'s order. The
    columns of the group's figures (GROUP_NAMES) and the position (No., Rank) are made per group
    and per filter; every other cell is the same whichever group ordered the list."""
    positions = {u: i for i, u in enumerate(_ranked["urn"].tolist())}
    return MappingProxyType(positions), tuple(
        MappingProxyType({c: tuple(v) for c, v in columns.items()})
        for columns in (reading_columns(_ranked, "all"), export_columns(_ranked, "all"))
    )


# The columns whose cells depend on the pupil group (the reading list's is named after the group)
GROUP_NAMES = ("Key figure against national", "Group percentile", "Pupil group figure")
GROUP_FIELDS = ["key_stage", "measure", "group_value", "group_status", "group_cohort",
                "group_national", "group_percentile", "n_ranked", "group_ks2_rwm",
                "group_ks2_rwm_status", "group_ks4_att8", "group_ks4_att8_status",
                "sen_support_pct", "ehcp_pct"]  # fmt: skip


def _with_group_names(columns: Mapping, group: str) -> list[str]:
    """The names of ``columns`` (made for all pupils) in order, the reading list's key figure
    named after ``group``."""
    heading = figure_heading("all")
    return [figure_heading(_figure_group(group)) if c == heading else c for c in columns]


def _figure_group(group: str) -> str:
    return "all" if group == "send" else group  # SEND: census context, the figure for all pupils


def _group_columns(ranked: pd.DataFrame, group: str) -> dict[str, tuple]:
    """The cells that depend on the pupil group, as ``reading_columns`` and ``export_columns``
    make them (from the few fields they read)."""
    g = _figure_group(group)
    rows = ranked[[c for c in GROUP_FIELDS if c in ranked.columns]].to_dict("records")
    key_figures = tuple(priority.key_figure(r, g) for r in rows)
    return {
        figure_heading(g): tuple(md_escape(k) for k in key_figures),
        "Key figure against national": key_figures,
        "Group percentile": tuple(priority.percentile_text(r) for r in rows),
        "Pupil group figure": tuple(support.group_figure(r, group) for r in rows),
    }


def reading_table(view: pd.DataFrame, group: str) -> pd.DataFrame:
    """The columns a manager reads first; text escaped (st.table renders Markdown)."""
    return pd.DataFrame(reading_columns(view, group))


def reading_columns(view: pd.DataFrame, group: str) -> dict[str, list]:
    """``reading_table``'s columns as lists."""
    g = "all" if group == "send" else group
    rows = view.to_dict("records")
    return {
        "No.": [str(r["rank"]) for r in rows],
        "School, district, phase": [
            f"**{md_escape(r['name'])}** · {md_escape(_district(r['district']))}, "
            f"{md_escape(str(r['phase']).lower())}"
            for r in rows
        ],
        "Category": [category_words(r["category"], r.get("rank_in_category")) for r in rows],
        "Why": [md_escape(_why_and_watch(r)) for r in rows],
        figure_heading(g): [md_escape(priority.key_figure(r, g)) for r in rows],
        "Last visit; next review due": [md_escape(_visits(r)) for r in rows],
    }


def _district(district) -> str:
    """The district, or manager.NO_DISTRICT (the overview's bar for the same schools)."""
    return NO_DISTRICT if format.is_missing(district) else str(district)


def _visits(row) -> str:
    """'22 Jul 2026; ⚠ review 101 days overdue' (either may be missing)."""
    last = priority.last_visit(row.get("last_visit")) or "no visit recorded"
    review = row.get("next_review") or ""
    return f"{last}; {review}" if review else last


def _why_and_watch(row) -> str:
    flags = list(row.get("watch_flags") or [])
    text = priority.why(row)
    if not flags or "watch:" in text.lower():  # a universal school's summary names its watch flags
        return text
    # The flags in full are on demand (details, drill-down): in full here they would fill the screen.
    return f"{text}. ⚑ {len(flags)} watch flag{'' if len(flags) == 1 else 's'}"


def export_table(view: pd.DataFrame, group: str) -> pd.DataFrame:
    """Every column: the previous wide table plus the reading columns (one frame for the sortable
    table, the CSV and the Excel visit plan, so the downloads equal the page)."""
    return pd.DataFrame(export_columns(view, group))


def export_columns(view: pd.DataFrame, group: str) -> dict[str, list]:
    """``export_table``'s columns as lists: support.priority_columns with the reading columns
    after the first seven."""
    g = "all" if group == "send" else group
    base = support.priority_columns(view, group)
    rows = view.to_dict("records")
    extra = {
        "Rank in category": [r.get("rank_in_category") for r in rows],
        "Why": [priority.why(r) for r in rows],
        "Watch flags": ["; ".join(r.get("watch_flags") or []) for r in rows],
        "Key figure against national": [priority.key_figure(r, g) for r in rows],
        "Group percentile": [priority.percentile_text(r) for r in rows],
        "Next review due": [r.get("next_review") or "" for r in rows],
        "Rules not applied": ["; ".join(r.get("rules_not_applied") or []) for r in rows],
    }
    names = list(base)
    return {
        **{c: base[c] for c in names[:7]},
        **extra,
        **{c: base[c] for c in names[7:]},
    }


def details(row: dict) -> None:
    """One school's reasons in full, watch flags, rules not applied and the recommended action."""
    st.markdown(f"**{md_escape(category_words(row['category'], row.get('rank_in_category')))}:** "
                f"{md_escape(priority.why(row))}")  # fmt: skip
    for reason in row.get("reasons") or []:
        st.markdown("- " + md_escape(reason))
    for flag in row.get("watch_flags") or []:
        st.markdown("- Watch: " + md_escape(flag))
    for rule in row.get("rules_not_applied") or []:
        st.caption(md_escape(rule))
    st.markdown(f"**Recommended action:** {md_escape(row.get('recommended_action'))}")
