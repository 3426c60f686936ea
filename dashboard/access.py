"""Roles, the signed-in identity, which pages each role sees, and THE suppression function."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from warehouse import settings

MANAGER = "manager"  # improvement manager: everything, including soft intelligence
OFFICER = "officer"  # improvement officer: as manager
GOVERNOR = "governor"  # named schools only; no soft intelligence; small cohorts suppressed
BRIEFING = "briefing"  # aggregates for a projector; no soft intelligence; suppression on
ADMIN = "admin"  # users, audit log and loads
ROLES = (MANAGER, OFFICER, GOVERNOR, BRIEFING, ADMIN)
ROLE_LABELS = {
    MANAGER: "Improvement manager",
    OFFICER: "Improvement officer",
    GOVERNOR: "Governor",
    BRIEFING: "Briefing (projector)",
    ADMIN: "Administrator",
}
INTELLIGENCE_ROLES = frozenset({MANAGER, OFFICER})
SUPPRESSED_ROLES = frozenset({GOVERNOR, BRIEFING})

SUPPRESSED = "SUPP (small group)"
# Codes with which the DfE suppressed a figure before publication (its rule, not ours): a row with
# one of these and no value counts as hidden when deciding secondary suppression.
PUBLISHED_SUPPRESSION_CODES = frozenset({"SUPP", "c"})
DFE_SUPPRESSION_WORDS = (
    "suppressed by the DfE before publication (its rule: usually where 5 or fewer pupils are "
    "covered by the measure, and in other cases it judges disclosive)"
)


def suppression_rule(threshold: int | None = None) -> str:
    """THE suppression rule in words (decision 17), shown wherever SUPP codes can appear.

    Two sources, never confused: the DfE's own suppression of its published figures (code SUPP),
    and ours for figures shown to governors and on briefing screens (code "SUPP (small group)").
    """
    n = settings.suppression_threshold() if threshold is None else int(threshold)
    return (
        f"SUPP: {DFE_SUPPRESSION_WORDS}. "
        f"{SUPPRESSED}: hidden here because the group has {n} pupils or fewer, or because, with "
        "the other figures shown, it would let a hidden figure be worked out."
    )


def suppressed_meaning(threshold: int | None = None) -> str:
    """What our code "SUPP (small group)" means, for a code legend."""
    n = settings.suppression_threshold() if threshold is None else int(threshold)
    return (
        f"Hidden here: a group of {n} pupils or fewer, or a figure that would let a hidden one "
        "be worked out from the others shown"
    )


# Pupil groups that add up to the `all` group: hiding one part alone would let total - rest reveal it.
GROUP_PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("disadvantaged", "non_disadvantaged"),
    ("boys", "girls"),
    ("prior_low", "prior_middle", "prior_high"),
)


@dataclass(frozen=True)
class Identity:
    """Who is signed in, rebuilt from the store on every rerun (never from session state)."""

    username: str
    display_name: str
    role: str
    allowed_urns: frozenset[int] | None  # None: every school

    def allowed_list(self) -> list[int] | None:
        """The allowed URNs as a sorted list to bind as a query parameter (None: all)."""
        return None if self.allowed_urns is None else sorted(self.allowed_urns)


def identity_for(username: str, display_name: str, role: str, urns: Iterable[int]) -> Identity:
    """Governors see their named schools only; every other role sees all schools."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    allowed = frozenset(int(u) for u in urns) if role == GOVERNOR else None
    return Identity(username, display_name, role, allowed)


@dataclass(frozen=True)
class PageSpec:
    id: str  # also the URL path
    file: str  # in the top-level pages/ folder
    title: str
    section: str
    roles: frozenset[str]
    icon: str = ""


# Add a page here (and its file in pages/); navigation and the page guard read this list.
PAGES: tuple[PageSpec, ...] = (
    # The first page a role may see is its home page.
    PageSpec(
        "overview",
        "overview.py",
        "County overview",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/dashboard:",
    ),
    PageSpec(
        "priority",
        "priority.py",
        "Priority list",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/format_list_numbered:",
    ),
    PageSpec(
        "visits",
        "visits.py",
        "Visit plan",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/event:",
    ),
    PageSpec(
        "school",
        "school.py",
        "School drill-down",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/search:",
    ),
    PageSpec(
        "notices",
        "notices.py",
        "Notices of concern",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/report:",
    ),
    PageSpec(
        "pupils",
        "pupils.py",
        "Pupil progress",
        "Improvement",
        frozenset({MANAGER, OFFICER}),
        ":material/trending_up:",
    ),
    PageSpec(
        "profile",
        "profile.py",
        "Our school",
        "Your school",
        frozenset({GOVERNOR}),
        ":material/account_balance:",
    ),
    PageSpec(
        "briefing",
        "briefing.py",
        "Briefing",
        "Briefing",
        frozenset({BRIEFING, MANAGER, OFFICER}),
        ":material/slideshow:",
    ),
    PageSpec(
        "readiness",
        "readiness.py",
        "Inspection readiness",
        "Local authority",
        frozenset({MANAGER, OFFICER, ADMIN}),
        ":material/fact_check:",
    ),
    PageSpec(
        "districts",
        "districts.py",
        "District comparison",
        "Local authority",
        frozenset({MANAGER, OFFICER, BRIEFING}),
        ":material/compare_arrows:",
    ),
    PageSpec("schools", "schools.py", "Schools", "Schools", frozenset(ROLES), ":material/school:"),
    PageSpec(
        "method",
        "method.py",
        "How schools are banded",
        "About",
        frozenset(ROLES),
        ":material/menu_book:",
    ),
    PageSpec(
        "accessibility",
        "accessibility.py",
        "Accessibility statement",
        "About",
        frozenset(ROLES),
        ":material/accessibility:",
    ),
    PageSpec(
        "admin_users",
        "admin_users.py",
        "Users",
        "Administration",
        frozenset({ADMIN}),
        ":material/group:",
    ),
    PageSpec(
        "admin_audit",
        "admin_audit.py",
        "Audit log",
        "Administration",
        frozenset({ADMIN}),
        ":material/policy:",
    ),
    PageSpec(
        "admin_loads",
        "admin_loads.py",
        "Loads",
        "Administration",
        frozenset({ADMIN}),
        ":material/upload_file:",
    ),
)


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def can_see_page(identity: Identity | None, page_id: str) -> bool:
    return identity is not None and any(p.id == page_id for p in pages_for(identity.role))


def can_see_intelligence(identity: Identity | None) -> bool:
    """Soft intelligence: managers and officers only, and never in a governor deployment."""
    return (
        identity is not None
        and settings.deployment() == "full"
        and identity.role in INTELLIGENCE_ROLES
    )


def may_name_schools(identity: Identity | None) -> bool:
    """Briefing sees named schools only where SID_BRIEFING_NAMES_SCHOOLS allows it."""
    if identity is None:
        return False
    return identity.role != BRIEFING or settings.briefing_names_schools()


def needs_suppression(identity: Identity) -> bool:
    return identity.role in SUPPRESSED_ROLES


def suppress(
    df: pd.DataFrame,
    count_col: str,
    value_cols: Sequence[str],
    threshold: int | None = None,
    *,
    group_col: str | None = None,
    by: Sequence[str] = (),
    total_group: str = "all",
    partitions: Sequence[Sequence[str]] = GROUP_PARTITIONS,
    code_col: str = "status_code",
) -> pd.DataFrame:
    """A copy of ``df`` with small groups hidden (decision 17).

    Primary: a row whose ``count_col`` is known and <= ``threshold`` (default
    SID_SUPPRESSION_THRESHOLD) loses its count and ``value_cols``, and ``code_col`` says
    "SUPP (small group)". A row with an unknown count is left as published.

    Secondary (when ``group_col`` is given): within each set of rows sharing ``by``, for each
    partition of pupil groups that adds up to the ``total_group`` row, if the total is shown and
    exactly one part is hidden, the shown part with the smallest count is hidden too (else
    total minus the other parts would reveal it). Repeated until nothing changes.
    """
    threshold = settings.suppression_threshold() if threshold is None else int(threshold)
    out = df.copy()
    counts = pd.to_numeric(out[count_col], errors="coerce")
    hide = counts.notna() & (counts <= threshold)
    # A figure the DfE suppressed (value missing, code SUPP) is as hidden as one we hide: the other
    # parts of its partition and the total must not give it away (issue 16: a group of 9, SUPP in
    # the published file, whose figure the total and the other group revealed).
    published_hidden = pd.Series(False, index=out.index)
    if code_col in out.columns and value_cols:
        codes = out[code_col].astype("object")
        no_value = out[list(value_cols)[0]].isna()
        published_hidden = no_value & codes.isin(PUBLISHED_SUPPRESSION_CODES)
    if group_col is not None and len(out):
        keys = list(by)
        # Each block's rows, in the frame's order (positions grouped by their block's number:
        # no frame is made per block). NaN keys form blocks of their own (dropna=False).
        if keys:
            codes = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
        else:
            codes = np.zeros(len(out), dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        parts = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
        # Only a block that already hides a row can hide another (a part is hidden only when
        # another part of its partition is), so blocks with nothing hidden are skipped: the same
        # result, without a Python pass over every measure of every year (most of a governor
        # profile's server time before).
        hidden_now = (hide | published_hidden).to_numpy(dtype=bool)
        # Positions and plain arrays, not labels and .loc (a school's pupil figures hide rows in
        # many blocks; .loc per row was most of a pupils page's first view of a school).
        hiding = hide.to_numpy(dtype=bool).copy()
        published = published_hidden.to_numpy(dtype=bool)
        names = out[group_col]
        is_total = names.eq(total_group).fillna(False).to_numpy(dtype=bool)
        in_part = [names.isin(list(p)).to_numpy(dtype=bool) for p in partitions]
        unknown = counts.isna().to_numpy(dtype=bool)
        known = counts.fillna(0).to_numpy(dtype=float)
        blocks = []  # (positions of the total rows, positions of each partition's rows)
        for pos in parts:
            if hidden_now[pos].any():
                blocks.append((pos[is_total[pos]], [pos[member[pos]] for member in in_part]))
        changed = True
        while changed:
            changed = False
            for total, rows_of in blocks:
                if len(total) == 0 or (hiding[total] | published[total]).all():
                    continue
                for rows in rows_of:
                    gone = hiding[rows] | published[rows]
                    shown = rows[~gone]
                    if int(gone.sum()) == 1 and len(shown):
                        # the smallest known count; unknown counts last (the first of equals)
                        smallest = min(shown, key=lambda r: (unknown[r], known[r]))
                        hiding[smallest] = True
                        changed = True
        hide = pd.Series(hiding, index=out.index)
    for col in [count_col, *value_cols]:
        out[col] = out[col].where(~hide)
    if code_col in out.columns:
        out[code_col] = out[code_col].astype("object").where(~hide, SUPPRESSED)
    else:
        out[code_col] = pd.Series(None, index=out.index, dtype="object").where(~hide, SUPPRESSED)
    return out
