"""The warehouse: SQL model, the one place connections are opened, and named query functions."""
