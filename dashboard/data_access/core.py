"""The guards every data-access function uses: who is asking, what they may see, cache keys.

Kept in one module so the rules are enforced in one place; see the package docstring for the pattern.
"""

from __future__ import annotations

from dashboard import access
from dashboard.access import Identity

CACHE = {"show_spinner": False, "ttl": 3600, "max_entries": 256}


def allowed_key(identity: Identity) -> tuple[int, ...] | None:
    return None if identity.allowed_urns is None else tuple(sorted(identity.allowed_urns))


def require(identity: Identity, *roles: str) -> None:
    if not isinstance(identity, Identity):
        raise PermissionError("Not signed in")
    if roles and identity.role not in roles:
        raise PermissionError(f"The {identity.role} role may not do this")


def require_intelligence(identity: Identity) -> None:
    require(identity)
    if not access.can_see_intelligence(identity):
        raise PermissionError("Soft intelligence is not available to this role or deployment")


def require_names(identity: Identity) -> None:
    require(identity)
    if not access.may_name_schools(identity):
        raise PermissionError("This role sees aggregates only, not named schools")
