"""How the notices page writes its list (rendering only: the rows come from
dashboard/data_access/notices.county_notices, both sources, already in order)."""

from __future__ import annotations

import pandas as pd

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
