"""Domain logic of the dashboard (no Streamlit, no rendering): statements made from figures."""
