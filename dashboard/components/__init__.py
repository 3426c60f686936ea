"""Shared presentation components: formatting, palette, charts, exports, PDF, slides, explanations.

They take pandas DataFrames that the data-access layer has already restricted and suppressed, and
render them. No SQL, no file reading, no connections here.
"""
