"""The operational store (SQLite): users, sessions, audit log, notes and visits entered in the app.

It lives apart from the warehouse the ETL rebuilds (decision 19, 20); see db.py for its schema.
"""
