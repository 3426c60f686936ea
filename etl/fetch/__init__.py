"""Fetch the latest published files for one local authority (issue 21; docs/fetch.md).

``http``: the polite client (timeouts, retries, resume, checksums); ``ees``: the Explore Education
Statistics API; ``diff``: row and column differences; ``run``: the command and its files
(manifest.csv, sources.lock.json, fetch_report.json); ``sources.toml``: where each file comes from.
"""
