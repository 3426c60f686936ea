"""The readers the loader tries, in order; the first whose recognise(header) is True reads the file.

Order matters only where headers could overlap: the intelligence workbook, then metadata (field lists mention data columns
only as values, never as headers, but it is cheap to rule them out), then establishments, then the
performance, census and absence files.
"""

from __future__ import annotations

from types import ModuleType

from etl.readers import (
    absence,
    boundaries,
    census,
    estimates,
    gias,
    gias_links,
    intelligence,
    ks2,
    ks4,
    metadata,
    neighbours,
    ofsted,
    pupils,
    spine,
)

READERS: list[ModuleType] = [
    intelligence,  # before metadata: a workbook's README sheet would otherwise look like documentation
    metadata,
    gias,
    gias_links,  # GIAS links file (predecessor / successor URNs)
    spine,
    ks2,
    ks4,
    census,
    absence,
    ofsted,
    neighbours,
    pupils,  # the council's pupil file and national estimates (issue 9)
    estimates,
    boundaries,  # geometry files are found by content (recognise_path); its recognise() is for headers
]


def reader_for(header) -> ModuleType | None:
    """The first reader that recognises ``header`` (normalised header cells), else None."""
    for mod in READERS:
        if mod.recognise(header):
            return mod
    return None
