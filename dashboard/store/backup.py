"""Back up the operational store while the app runs: ``python -m dashboard.store.backup DEST``.

Why: the store holds what the council cannot reload from any file (visits, notes, notices, users,
the audit log). Copying the file with ``cp`` while the app writes can catch the WAL half-applied;
SQLite's online backup API copies a consistent snapshot without stopping the app. The copy is then
checked (integrity_check) and its record count reported, so a scheduled job can alert on failure.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from dashboard.store import postgresql
from dashboard.store.db import connect, location, private_folder


def backup(dest: Path, source: Path | str | None = None) -> int:
    """Write a consistent copy of the store to ``dest``; the number of record versions copied."""
    if postgresql.is_url(location(source)):
        raise RuntimeError(
            "The store is in PostgreSQL (SID_STORE_URL): back it up with pg_dump, as"
            " deploy/README.md says; this command copies the SQLite store only"
        )
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists: choose a new name (backups are never overwritten)")
    private_folder(dest.parent)
    # 0600 before SQLite writes a byte: a backup holds everything the store does (O_EXCL: a
    # backup started at the same moment under the same name is refused, not overwritten)
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with connect(source) as con:
        target = sqlite3.connect(dest)
        try:
            con.backup(target)
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError(f"The backup at {dest} failed its integrity check")
            return int(target.execute("SELECT count(*) FROM records").fetchone()[0])
        finally:
            target.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="the backup file to create")
    parser.add_argument(
        "--store", default=None, help="the store (default: SID_STORE_URL, else SID_STORE_PATH)"
    )
    args = parser.parse_args(argv)
    try:
        n = backup(args.dest, args.store)
    except (FileExistsError, RuntimeError, sqlite3.Error) as err:
        print(f"Backup failed: {err}", file=sys.stderr)
        return 1
    print(f"Backed up the store to {args.dest}: {n} record versions, integrity ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
