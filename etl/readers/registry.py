"""The readers the loader tries, in order; the first whose recognise(header) is True reads the file.

Order matters only where headers could overlap: metadata first (field lists mention data columns
only as values, never as headers, but it is cheap to rule them out), then establishments, then the
performance, census and absence files.
"""

from __future__ import annotations

from types import ModuleType

from etl.readers import absence, census, gias, ks2, ks4, metadata, spine

READERS: list[ModuleType] = [
    metadata,
    gias,
    spine,
    ks2,
    ks4,
    census,
    absence,
    # --- other readers append here (ofsted, intelligence, boundaries, neighbours) -----------------
]


def reader_for(header) -> ModuleType | None:
    """The first reader that recognises ``header`` (normalised header cells), else None."""
    for mod in READERS:
        if mod.recognise(header):
            return mod
    return None
