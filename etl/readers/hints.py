"""What to tell a council when no reader recognises a file it listed: which known format the header
comes closest to and which of that format's key columns are missing or renamed.

The signatures mirror the readers' recognise() functions (tests/etl/readers/test_hints.py checks that
each full signature is recognised by its reader, so the two cannot drift apart silently).
"""

from __future__ import annotations

from collections.abc import Sequence

# kind -> the columns its reader needs to recognise a file (one alternative per kind is enough here)
SIGNATURES: dict[str, tuple[str, ...]] = {
    "ks2": ("RECTYPE", "URN", "TELIG", "PTRWM_EXP", "READPROG"),
    "ks4": ("RECTYPE", "URN", "ATT8SCR", "P8MEA"),
    "census": ("URN", "LA", "ESTAB", "NOR", "PNUMFSMEVER"),
    "absence": ("URN", "PERCTOT", "PPERSABS10"),
    "gias": ("URN", "EstablishmentName", "TypeOfEstablishment (name)"),
    "spine": ("URN", "LAESTAB", "SCHNAME", "ISPRIMARY"),
    "ofsted": ("URN", "Overall effectiveness", "Quality of education", "Inspection start date"),
    "neighbours": ("la_code", "neighbour_la_code", "rank"),
}
_NAMES = {
    "ks2": "a key stage 2 performance-tables file",
    "ks4": "a key stage 4 performance-tables file",
    "census": "a school census file",
    "absence": "an absence file",
    "gias": "a GIAS establishments extract",
    "spine": "a performance-tables school information (spine) file",
    "ofsted": "an Ofsted inspections file",
    "neighbours": "a statistical neighbours file",
}


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lower().split())


def closest(header: Sequence[str]) -> tuple[str, list[str]] | None:
    """(kind, missing key columns) of the format sharing most key columns with ``header`` (at least
    half of them), or None when the header resembles nothing we read."""
    have = {_norm(h) for h in header}
    best = None
    for kind, cols in SIGNATURES.items():
        present = [c for c in cols if _norm(c) in have]
        if len(present) * 2 < len(cols) or len(present) == len(cols):
            continue
        score = len(present) / len(cols)
        if best is None or score > best[0]:
            best = (score, kind, [c for c in cols if _norm(c) not in have])
    return (best[1], best[2]) if best else None


def unrecognised_hint(header: Sequence[str]) -> str:
    """A sentence for the refusal message ('' when the header resembles no known format)."""
    hit = closest(header)
    if hit is None:
        return ""
    kind, missing = hit
    cols = ", ".join(missing)
    return (
        f"It looks like {_NAMES[kind]} but has no column {cols} (missing or renamed: the published "
        "column names must be kept)."
    )
