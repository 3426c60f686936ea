"""Administration: reports of recent warehouse loads (files, rows, rejects, time)."""

import streamlit as st

from dashboard import auth, data_access
from dashboard.components import exports

identity = auth.require_identity("admin_loads")
st.title("Loads")
st.markdown(  # not a caption: inline code in faded caption text fails axe color-contrast
    "Loads are started with `python -m etl load SOURCE_DIR --warehouse PATH`; "
    "each writes a report line beside the warehouse."
)

skipped = data_access.files_not_loaded(identity)
if len(skipped):
    st.subheader("Files not loaded in the last five loads")
    st.markdown(
        "Files and workbook sheets the loader did not read, with why and, where a file resembles "
        "a known format, which one and what it lacks."
    )
    st.dataframe(skipped, hide_index=True)

reports = data_access.load_reports(identity)
if reports.empty:
    st.info("No load reports yet.")
else:
    st.dataframe(reports, hide_index=True)
    st.download_button(
        "Download load reports (CSV)",
        lambda: exports.to_csv_bytes(reports),  # made only when pressed
        file_name="load_reports.csv",
        mime="text/csv",
        key="download_loads",
        on_click=data_access.record_export,
        args=(identity, "load reports", None, len(reports)),
    )
