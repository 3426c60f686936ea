"""One query for all of a user's schools, sliced per school: what a page's first choice of a school
reads instead of querying the warehouse again for each school (issue 20).

``BySchool`` holds the rows of one frame (read once per build and user's schools, so a cache made
of it is keyed exactly as the per-school query was) and hands out one school's rows as a new frame,
in the frame's order and numbered from 0: the same rows, columns and types as the query restricted
to that school. It is not a frame or a container, so the data-access cache passes it through as it
is (no copy of every school's slice per call) and no caller can change what another is served.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd


def first_positions(urns: list) -> MappingProxyType:
    """URN -> the position of its first row among ``urns`` (a frame's URN column as a list; missing
    URNs skipped): a school's row is then taken by position instead of comparing every URN."""
    first: dict[int, int] = {}
    for i, u in enumerate(urns):
        if u is not None and u == u:
            first.setdefault(int(u), i)
    return MappingProxyType(first)


class BySchool:
    def __init__(self, frame: pd.DataFrame, column: str = "urn") -> None:
        frame = frame.reset_index(drop=True)
        self._frame = frame
        urns = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        order = np.argsort(urns, kind="stable")  # each school's rows together, in frame order
        ordered = urns[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else []
        ends = [*starts[1:], len(order)] if len(order) else []
        self._rows = {
            int(ordered[a]): order[a:b] for a, b in zip(starts, ends, strict=True)
            if not np.isnan(ordered[a])
        }  # fmt: skip
        for rows in self._rows.values():
            rows.flags.writeable = False

    def __contains__(self, urn: object) -> bool:
        return int(urn) in self._rows  # type: ignore[call-overload]

    def positions(self, urn: int) -> np.ndarray:
        """The school's row positions in the frame, in order (read-only)."""
        return self._rows.get(int(urn), np.zeros(0, dtype=np.intp))

    def rows(self, urn: int, columns: list[str] | None = None) -> pd.DataFrame:
        """The school's rows (none: an empty frame with the same columns and types); ``columns``:
        only those (``rows(urn)[columns]``, without taking the other columns' cells)."""
        pos = self._rows.get(int(urn))
        frame = self._frame if columns is None else self._frame[columns]
        out = frame.iloc[0:0] if pos is None else frame.take(pos)
        out = out.copy(deep=False)
        out.index = pd.RangeIndex(len(out))
        return out

    def first(self, urn: int) -> pd.Series:
        """The school's first row (``rows(urn).iloc[0]``, without taking its other rows); KeyError
        when it has none."""
        return self._frame.iloc[int(self._rows[int(urn)][0])]
