"""How schools are banded: the model's method, generated from the settings file, for every role."""

import re

import streamlit as st

from dashboard import auth, data_access
from warehouse import model_settings

identity = auth.require_identity("method")

# The generated text says how to regenerate it inside an HTML comment: keep that in the download,
# but never hand HTML to st.markdown (raw HTML is never rendered here).
method = model_settings.current_method_markdown()  # read again when the file changes
shown = re.sub(r"<!--.*?-->\s*", "", method, flags=re.S)
shown = re.sub(r"\A# .*\n", "", shown.lstrip())  # the page title below replaces the document's

st.title("How schools are banded")

st.caption(
    "Every weight, cut-off and rule below is read from the model's settings file, so this page "
    "always describes the method the current data was scored with."
)
st.download_button(
    "Download the method (Markdown)",
    method.encode("utf-8"),
    file_name="school-model-method.md",
    mime="text/markdown",
    key="download_method",
    on_click=data_access.record_export,
    args=(identity, "method (Markdown)"),
)
st.markdown(shown)
