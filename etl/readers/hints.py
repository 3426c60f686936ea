"""What to tell a council when no reader recognises a file (or a workbook sheet): which known format
the header comes closest to and which of that format's key columns are missing or renamed, e.g.
"It looks like an Ofsted official statistics file (2016 to 2019) but has no column Inspection start date".

The signatures mirror the readers' recognise() functions (tests/etl/readers/test_hints.py checks that
each full signature is recognised by its reader, so the two cannot drift apart silently). Every Ofsted
layout (etl/readers/ofsted.py LAYOUTS) is a signature of its own, named with its years, so the hint
says which Ofsted publication a file resembles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

# kind -> the columns its reader needs to recognise a file (one alternative per kind is enough here)
SIGNATURES: dict[str, tuple[str, ...]] = {
    "ks2": ("RECTYPE", "URN", "TELIG", "PTRWM_EXP", "READPROG"),
    "ks4": ("RECTYPE", "URN", "ATT8SCR", "P8MEA"),
    "census": ("URN", "LA", "ESTAB", "NOR", "PNUMFSMEVER"),
    "absence": ("URN", "PERCTOT", "PPERSABS10"),
    "gias": ("URN", "EstablishmentName", "TypeOfEstablishment (name)"),
    "gias_links": ("URN", "LinkURN", "LinkType"),
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
    "gias_links": "a GIAS establishment links file",
    "spine": "a performance-tables school information (spine) file",
    "ofsted": "an Ofsted inspections file",
    "neighbours": "a statistical neighbours file",
}


class Match(NamedTuple):
    kind: str
    missing: list[str]
    label: str  # "an Ofsted management information file of 2019 to August 2024"
    score: float  # share of the signature's columns present


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lower().split())


def _candidates() -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, label, columns): every kind's signature, and each Ofsted layout with its years."""
    from etl.readers import ofsted

    out = [(k, _NAMES[k], cols) for k, cols in SIGNATURES.items()]
    out += [("ofsted", layout.label, layout.signature) for layout in ofsted.LAYOUTS]
    return out


def closest(header: Sequence[str]) -> Match | None:
    """The format sharing most key columns with ``header`` (at least half of them, not all), or None
    when the header resembles nothing we read. Ties go to the longer (more specific) signature."""
    have = {_norm(h) for h in header}
    best: tuple[float, int, Match] | None = None
    for kind, label, cols in _candidates():
        present = [c for c in cols if _norm(c) in have]
        if len(present) * 2 < len(cols) or len(present) == len(cols) or len(present) < 2:
            continue
        score = len(present) / len(cols)
        if best is None or (score, len(cols)) > best[:2]:
            missing = [c for c in cols if _norm(c) not in have]
            best = (score, len(cols), Match(kind, missing, label, score))
    return best[2] if best else None


def unrecognised_hint(header: Sequence[str]) -> str:
    """A sentence for the refusal or report line ('' when the header resembles no known format)."""
    hit = closest(header)
    if hit is None:
        return ""
    cols = ", ".join(hit.missing)
    plural = "columns" if len(hit.missing) > 1 else "column"
    return (
        f"It looks like {hit.label} but has no {plural} {cols} (missing or renamed: the published "
        "column names must be kept)."
    )
