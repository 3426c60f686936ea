"""How the notices page writes its list (rendering only: the rows come from
dashboard/data_access/notices.county_notices_keyed, both sources, already in order), made once per
key of the rows (``screen``), not on every rerun."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from dashboard import render
from dashboard.data_access.core import cached
from dashboard.data_access.notices import SOURCE_APP

KIND_WORDS = {"notice_of_concern": "Notice of concern", "dfe_concern": "Concern raised with DfE"}


def day(value) -> str:
    """'15 Mar 2026', never broken across lines ('' when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value in ("", "None"):
        return ""
    return f"{pd.Timestamp(value):%d %b %Y}".replace(" ", "\u00a0")


def overdue_words(days) -> str:
    """'⚠ Overdue 18 days' (a symbol and words, never colour alone), or '' when not overdue."""
    n = 0 if days is None or pd.isna(days) else int(days)
    return f"⚠ Overdue {n} day{'' if n == 1 else 's'}" if n > 0 else ""


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The list as people read it: school, source, what, dates, where it is, days overdue."""
    return pd.DataFrame(
        {
            "School": table["name"],
            "URN": table["urn"].astype(int),
            "District": table["district"],
            "Source": table["source"],
            "What": table["kind"].map(KIND_WORDS).fillna(table["kind"]),
            "Issued or raised": [day(d) for d in table["date"]],
            "Review due": [day(d) for d in table["review_due"]],
            "Overdue": [overdue_words(d) for d in table["days_overdue"]],
            "Where it is": table["stage"],
        }
    )


def labels(app: pd.DataFrame) -> dict[int, str]:
    """Choices for the workflow picker: the app's own entries (workbook rows are kept as loaded)."""
    return {
        int(i): f"{n} ({u}): {KIND_WORDS.get(k, k)} of {d}"
        for i, n, u, k, d in zip(
            app["id"], app["name"], app["urn"], app["kind"], app["date"], strict=True
        )
    }


@dataclass(frozen=True)
class NoticesScreen:
    """What the notices page draws for one key of its rows, made once and shared by every rerun
    and every session with that key (the key names the build, the user's allowed URNs, the day
    and a digest of the store's entries): the three counts, the list escaped for st.table (open
    ones only, or every one), and the workflow picker's choices with each entry's school."""

    open_notices: int
    overdue: int
    open_concerns: int
    open_list: render.Escaped
    whole_list: render.Escaped
    open_choices: Mapping[int, str]
    whole_choices: Mapping[int, str]
    entry_urn: Mapping[int, int]

    def listed(self, show_closed: bool) -> tuple[render.Escaped, Mapping[int, str]]:
        return (self.whole_list, self.whole_choices) if show_closed else (
            self.open_list, self.open_choices)  # fmt: skip


def screen(key: tuple, table: pd.DataFrame) -> NoticesScreen:
    """``NoticesScreen`` of ``table`` (data_access.notices.county_notices_keyed), once per key."""
    return _screen(key, _table=table)


@cached
def _screen(key: tuple, *, _table: pd.DataFrame) -> NoticesScreen:
    is_open = _table["status"].eq("open")
    app = _table["source"].eq(SOURCE_APP)
    open_rows = _table[is_open]
    return NoticesScreen(
        open_notices=int((is_open & _table["kind"].eq("notice_of_concern")).sum()),
        overdue=int((is_open & _table["days_overdue"].gt(0)).sum()),
        open_concerns=int((is_open & _table["kind"].eq("dfe_concern")).sum()),
        open_list=render.Escaped(shown(open_rows)),
        whole_list=render.Escaped(shown(_table)),
        open_choices=MappingProxyType(labels(_table[is_open & app])),
        whole_choices=MappingProxyType(labels(_table[app])),
        entry_urn=MappingProxyType(
            {
                int(i): int(u)
                for i, u in zip(_table.loc[app, "id"], _table.loc[app, "urn"], strict=True)
            }
        ),
    )
