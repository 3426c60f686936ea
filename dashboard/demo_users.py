"""Demo users, one per role, for the bundled fictional county: `python -m dashboard.demo_users`.

Governors' schools are picked from the built warehouse when the users are created (LA 991
"Eastmoor" by default), never hard-coded. Every demo user has the password DEMO_PASSWORD; the
login page shows the accounts while the store holds only demo users.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from dashboard.access import ROLE_LABELS
from dashboard.store import users
from warehouse import settings
from warehouse.connection import open_read_only, resolve_build
from warehouse.queries import schools as schools_q

DEMO_PASSWORD = "eastmoor-demo"
DEFAULT_LA = 991
FIXED = [  # username, display name, role
    ("manager", "Demo improvement manager", "manager"),
    ("officer", "Demo improvement officer", "officer"),
    ("briefing", "Demo briefing screen", "briefing"),
    ("admin", "Demo administrator", "admin"),
]


def pick_governor_schools(warehouse: Path, la_code: int | None = None) -> dict[str, list[int]]:
    """governor1: first primary; governor2: first secondary; federation: the next two primaries,
    all of the council the warehouse serves (home_la) unless ``la_code`` says otherwise."""
    con = open_read_only(resolve_build(warehouse))
    try:
        la_code = la_code or schools_q.home_la(con) or DEFAULT_LA
        df = schools_q.list_schools(con, allowed=None, la_code=la_code)
    finally:
        con.close()
    df = df[df["status"].fillna("Open").str.startswith("Open")].sort_values("urn")
    if len(df) < 4:
        raise SystemExit(
            f"The warehouse {warehouse} holds fewer than 4 open schools of LA {la_code}"
        )
    primaries = [int(u) for u in df.loc[df["phase"] == "Primary", "urn"]]
    secondaries = [int(u) for u in df.loc[df["phase"] == "Secondary", "urn"]]
    everyone = [int(u) for u in df["urn"]]
    first = primaries[0] if primaries else everyone[0]
    second = next(u for u in secondaries + everyone if u != first)
    rest = [u for u in primaries + everyone if u not in (first, second)]
    federation = list(dict.fromkeys(rest))[:2]
    return {"governor1": [first], "governor2": [second], "federation": federation}


def create_demo_users(
    warehouse: Path | None = None, store: Path | None = None, la_code: int | None = None
) -> list[str]:
    """Create whichever demo users are missing; returns the usernames created."""
    warehouse = Path(warehouse or settings.warehouse_path())
    governors = pick_governor_schools(warehouse, la_code)
    wanted = [(u, d, r, []) for u, d, r in FIXED] + [
        ("governor1", "Demo governor (one school)", "governor", governors["governor1"]),
        ("governor2", "Demo governor (one school)", "governor", governors["governor2"]),
        (
            "federation",
            "Demo federation governor (two schools)",
            "governor",
            governors["federation"],
        ),
    ]
    created = []
    for username, display, role, urns in wanted:
        if users.get_user(username, store) is None:
            users.create_user(
                username, display, role, DEMO_PASSWORD, urns, is_demo=True, path=store
            )
            created.append(username)
    return created


def demo_accounts_table(store: Path | None = None) -> pd.DataFrame:
    """For the login page: no URNs or names, since anyone can see that page."""
    rows = [
        {
            "Username": u.username,
            "Role": ROLE_LABELS.get(u.role, u.role),
            "Schools": f"{len(u.urns)} named" if u.role == "governor" else "all",
            "Password": DEMO_PASSWORD,
        }
        for u in users.list_users(store)
        if u.is_demo and u.active
    ]
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="default: SID_WAREHOUSE")
    parser.add_argument(
        "--store", default=None, help="a SQLite file or postgresql:// URL (default: the settings)"
    )
    parser.add_argument(
        "--la-code", type=int, default=None, help="default: the warehouse's home_la"
    )
    args = parser.parse_args()
    created = create_demo_users(args.warehouse, args.store, args.la_code)
    print(
        f"Created demo users: {', '.join(created) or 'none (all exist)'}; password {DEMO_PASSWORD!r}"
    )
    for user in users.list_users(args.store):
        if user.is_demo:
            schools = ", ".join(str(u) for u in sorted(user.urns)) or "all"
            print(f"  {user.username:<11} {user.role:<9} schools: {schools}")


if __name__ == "__main__":
    main()
