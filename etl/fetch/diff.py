"""What changed between two copies of a published table, for publishers without a change log.

Rows are matched on the school's URN where the table has one (aggregate rows without a URN on
their whole leading identifying cells), so "3 schools added, 2 removed, 41 cells changed in 17
schools; columns added: PCON_CODE" reads as a person would describe a revised file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

KEY_COLUMNS = ("URN", "urn", "school_urn")
MAX_NAMED = 8


def _read(path: Path) -> pd.DataFrame | None:
    if path.suffix.lower() != ".csv":
        return None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=enc, on_bad_lines="skip"
            )
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError):
            return None
    return None


def describe_change(old_path: Path, new_path: Path) -> str:
    old, new = _read(old_path), _read(new_path)
    if old is None or new is None:
        return "the file's bytes differ (not a table the comparison can read)"
    added_cols = [c for c in new.columns if c not in old.columns]
    removed_cols = [c for c in old.columns if c not in new.columns]
    key = next((k for k in KEY_COLUMNS if k in old.columns and k in new.columns), None)
    parts = []
    if key is None:
        parts.append(f"{len(old):,} rows before, {len(new):,} now")
    else:
        o = old.assign(_k=_keys(old, key)).drop_duplicates("_k").set_index("_k")
        n = new.assign(_k=_keys(new, key)).drop_duplicates("_k").set_index("_k")
        gained = n.index.difference(o.index)
        lost = o.index.difference(n.index)
        both = n.index.intersection(o.index)
        shared = [c for c in n.columns if c in o.columns]
        diff = o.loc[both, shared] != n.loc[both, shared]
        cells = int(diff.to_numpy().sum())
        rows = int(diff.any(axis=1).sum())
        if len(gained):
            parts.append(f"{len(gained)} rows added ({_names(gained)})")
        if len(lost):
            parts.append(f"{len(lost)} rows removed ({_names(lost)})")
        if cells:
            changed_cols = diff.any(axis=0)
            cols = [c for c in shared if changed_cols[c]]
            parts.append(
                f"{cells:,} cells changed in {rows:,} rows (columns {', '.join(cols[:MAX_NAMED])}"
                + ("..." if len(cols) > MAX_NAMED else "")
                + ")"
            )
    if added_cols:
        parts.append("columns added: " + ", ".join(added_cols[:MAX_NAMED]))
    if removed_cols:
        parts.append("columns removed: " + ", ".join(removed_cols[:MAX_NAMED]))
    return "; ".join(parts) or "same rows and cells (only formatting or order differs)"


def _keys(df: pd.DataFrame, key: str) -> pd.Series:
    """The URN, or for rows without one (LA and national totals) the first three cells."""
    fallback = df.iloc[:, : min(3, df.shape[1])].astype(str).agg("|".join, axis=1)
    return df[key].where(df[key].str.strip() != "", "row " + fallback)


def _names(index) -> str:
    shown = ", ".join(str(k) for k in list(index)[:MAX_NAMED])
    return shown + (", ..." if len(index) > MAX_NAMED else "")
