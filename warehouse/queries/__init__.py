"""Named, parameterised query functions; each module is named after what its functions return.

Every function takes a DuckDB connection or cursor first and binds values as parameters; the SQL
lives in warehouse/sql/queries/. Access control is not done here: call them through
dashboard/data_access.py, which passes the caller's allowed URNs as ``allowed``.
"""
