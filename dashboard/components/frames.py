"""Frames for st.dataframe converted to Arrow once per data-access view key, not on every rerun.

st.dataframe converts a pandas frame to an Arrow table on every call (for a county table, the
largest single cost of a rerun once the data is cached); given a ``pyarrow.Table`` it only
serialises it. ``arrow(what, key, df)`` is that conversion (pyarrow's own, as Streamlit does it)
cached on the key of the data ``df`` is made from (build, allowed URNs, filters...): the frame is
not hashed, so pass only a table made from the data the key names.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from dashboard.data_access.core import cached


def arrow(what: str, key: tuple, df: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """``df`` as an Arrow table (or ``df`` itself when pyarrow cannot convert it: Streamlit then
    applies its own fixes), made once per (what, key)."""
    return _arrow(what, key, _df=df)


@cached
def _arrow(what: str, key: tuple, *, _df: pd.DataFrame) -> pa.Table | pd.DataFrame:
    try:
        return pa.Table.from_pandas(_df)
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
        return _df
