"""What each canonical measure is: a short label, how its numbers are written, and which way is better.

One table for every page, chart and export, so "persistent absence" is never shown with an arrow
that treats a rise as good. Names are the `measure` values of `school_measures` (docs/architecture.md)
and the score columns of the model tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    label: str  # short plain-English name for axes, table headers and headings
    kind: str  # how numbers are written: see format.KINDS
    higher_is_better: (
        bool | None
    )  # None: context, neither better nor worse (e.g. % on free school meals)


MEASURES: dict[str, Measure] = {
    # KS2 (end of primary school)
    "ks2_rwm_expected_pct": Measure("Reading, writing and maths: expected standard", "pct", True),
    "ks2_rwm_higher_pct": Measure("Reading, writing and maths: higher standard", "pct", True),
    "ks2_reading_progress": Measure("Reading progress score", "progress", True),
    "ks2_writing_progress": Measure("Writing progress score", "progress", True),
    "ks2_maths_progress": Measure("Maths progress score", "progress", True),
    "ks2_reading_scaled_score": Measure("Reading average scaled score", "scaled", True),
    "ks2_maths_scaled_score": Measure("Maths average scaled score", "scaled", True),
    "ks2_gps_scaled_score": Measure(
        "Grammar, punctuation and spelling average scaled score", "scaled", True
    ),
    "ks2_cohort": Measure("Pupils at the end of primary school", "count", None),
    "ks2_progress_mean": Measure("Progress score (reading, writing, maths mean)", "progress", True),
    # Context of the KS2 and KS4 cohorts (similar schools, issue 22)
    "ks2_prior_low_pct": Measure("Year 6 pupils with low prior attainment", "pct", None),
    "ks2_prior_high_pct": Measure("Year 6 pupils with high prior attainment", "pct", None),
    "ks2_disadvantaged_pct": Measure("Year 6 pupils who are disadvantaged", "pct", None),
    "ks2_eal_pct": Measure("Year 6 pupils whose first language is not English", "pct", None),
    "ks2_sen_support_pct": Measure("Year 6 pupils receiving SEN support", "pct", None),
    "ks2_ehcp_pct": Measure("Year 6 pupils with an EHC plan", "pct", None),
    "ks4_prior_ks2_aps": Measure("Year 11 pupils' average KS2 point score", "score", None),
    "ks4_prior_low_pct": Measure("Year 11 pupils with low prior attainment", "pct", None),
    "ks4_prior_high_pct": Measure("Year 11 pupils with high prior attainment", "pct", None),
    "ks4_disadvantaged_pct": Measure("Year 11 pupils who are disadvantaged", "pct", None),
    "ks4_eal_pct": Measure("Year 11 pupils whose first language is not English", "pct", None),
    "ks4_sen_support_pct": Measure("Year 11 pupils receiving SEN support", "pct", None),
    "ks4_ehcp_pct": Measure("Year 11 pupils with an EHC plan", "pct", None),
    # KS4 (GCSE)
    "ks4_attainment8": Measure("Attainment 8 score", "score", True),
    "ks4_progress8": Measure("Progress 8 score", "progress2", True),
    "ks4_basics_94_pct": Measure("English and maths grade 4 or above", "pct", True),
    "ks4_basics_95_pct": Measure("English and maths grade 5 or above", "pct", True),
    "ks4_ebacc_aps": Measure("English Baccalaureate average point score", "score2", True),
    "ks4_ebacc_entry_pct": Measure("Pupils entered for the English Baccalaureate", "pct", True),
    "ks4_cohort": Measure("Pupils at the end of Year 11", "count", None),
    # Census and absence (context and attendance)
    "pupils_on_roll": Measure("Pupils on roll", "count", None),
    "fsm_pct": Measure("Pupils eligible for free school meals now", "pct1", None),
    "fsm6_pct": Measure(
        "Pupils eligible for free school meals in the last six years", "pct1", None
    ),
    "sen_support_pct": Measure("Pupils receiving special educational needs support", "pct1", None),
    "ehcp_pct": Measure("Pupils with an education, health and care plan", "pct1", None),
    "eal_pct": Measure("Pupils whose first language is not English", "pct1", None),
    "overall_absence_pct": Measure("Overall absence", "pct1", False),
    "persistent_absence_pct": Measure("Persistent absence", "pct1", False),
    # The school model (warehouse/sql/model)
    "achievement_score": Measure("Achievement score", "z", True),
    "attainment_z": Measure("Attainment compared with national", "z", True),
    "progress_z": Measure("Progress compared with national", "z", True),
    "attainment_score": Measure("Attainment score", "z", True),
    "progress_score": Measure("Progress score", "z", True),
    "national_percentile": Measure("National percentile", "percentile", True),
    "rank_among_loaded": Measure("Rank among loaded schools", "count", None),
    "achievement_band": Measure("Achievement band (1 = lowest fifth)", "count", True),
    "disadvantaged_gap": Measure("Disadvantaged gap (school minus national)", "gap", True),
}


def measure(name: str) -> Measure:
    """The Measure for a name; an unknown name gets its own name as label and plain numbers."""
    return MEASURES.get(name, Measure(name.replace("_", " "), "number", None))


def label(name: str) -> str:
    """Short plain-English label of a measure (for axes, headers)."""
    return measure(name).label


def higher_is_better(name: str) -> bool | None:
    """True if a higher figure is better, False if lower is better, None for context figures."""
    return measure(name).higher_is_better
