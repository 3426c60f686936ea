"""One-line plain-English explanations of every measure, pupil group and category the pages show.

``explain(measure)`` is what pages put in ``help=`` tooltips, beside metrics and under charts.
Each explanation spells out its acronyms. A test parses the "Canonical measures" table of
docs/architecture.md, so a new measure cannot ship without a sentence here.
"""

from __future__ import annotations

EXPLANATIONS: dict[str, str] = {
    # KS2: end of primary school (Key Stage 2, Year 6)
    "ks2_rwm_expected_pct": "The percentage of Year 6 pupils who reached the expected standard in all three of reading, writing and maths at the end of primary school.",
    "ks2_rwm_higher_pct": "The percentage of Year 6 pupils who reached the higher standard in all three of reading, writing and maths at the end of primary school.",
    "ks2_reading_progress": "How much progress pupils made in reading between the end of infant school and the end of primary school, compared with pupils nationally who started from the same point; 0 is the national average.",
    "ks2_writing_progress": "How much progress pupils made in writing between the end of infant school and the end of primary school, compared with pupils nationally who started from the same point; 0 is the national average.",
    "ks2_maths_progress": "How much progress pupils made in maths between the end of infant school and the end of primary school, compared with pupils nationally who started from the same point; 0 is the national average.",
    "ks2_reading_scaled_score": "The average score in the Year 6 reading test, on a scale from 80 to 120 where 100 is the expected standard.",
    "ks2_maths_scaled_score": "The average score in the Year 6 maths test, on a scale from 80 to 120 where 100 is the expected standard.",
    "ks2_gps_scaled_score": "The average score in the Year 6 grammar, punctuation and spelling test, on a scale from 80 to 120 where 100 is the expected standard.",
    "ks2_cohort": "The number of pupils at the end of primary school (Year 6) whose results are counted.",
    # KS4: GCSE (Key Stage 4, Year 11)
    "ks4_attainment8": "Attainment 8: the average of each pupil's grades across eight GCSE-level subjects, with English and maths counted twice; the higher, the better the results.",
    "ks4_progress8": "Progress 8: how pupils' Attainment 8 results compare with those of pupils nationally who had similar results at the end of primary school; 0 is the national average, +1 is one grade better in each subject.",
    "ks4_basics_94_pct": "The percentage of pupils who got a grade 4 or above (a standard pass) in both English and maths GCSE.",
    "ks4_basics_95_pct": "The percentage of pupils who got a grade 5 or above (a strong pass) in both English and maths GCSE.",
    "ks4_ebacc_aps": "English Baccalaureate average point score: pupils' average grade across the five English Baccalaureate subject areas (English, maths, science, a language, and history or geography).",
    "ks4_ebacc_entry_pct": "The percentage of pupils who took GCSEs in all five English Baccalaureate subject areas (English, maths, science, a language, and history or geography).",
    "ks4_cohort": "The number of pupils at the end of Year 11 whose GCSE results are counted.",
    # School census and absence
    "pupils_on_roll": "The number of pupils registered at the school on school census day in January.",
    "fsm_pct": "The percentage of pupils eligible for free school meals now (FSM), a sign of low family income; this is context, not a judgement of the school.",
    "fsm6_pct": "The percentage of pupils eligible for free school meals at any time in the last six years (FSM6); this is context, not a judgement of the school.",
    "sen_support_pct": "The percentage of pupils with special educational needs who get extra help at school without an education, health and care plan (SEN support).",
    "ehcp_pct": "The percentage of pupils with an education, health and care plan (EHCP): a legal plan for a child with high special educational needs.",
    "eal_pct": "The percentage of pupils whose first language is known or believed to be other than English (EAL: English as an additional language); it says nothing about how well they speak English.",
    "overall_absence_pct": "The percentage of school sessions (half days) missed by pupils, for any reason; lower is better.",
    "persistent_absence_pct": "The percentage of pupils who missed 10% or more of their school sessions (persistent absence); lower is better.",
    # The school model
    "achievement_score": "Our single summary of results: a weighted mix of attainment and progress (weights in the method), each compared with schools in the same phase and year: all schools in England where a national school-level file is loaded, otherwise only the schools loaded here (the page says which). 0 is the centre of those schools, and about two thirds of them lie between -1 and +1.",
    "attainment_z": "How far the school's results are above or below the national average for schools of its phase, measured in standard deviations (spread of schools); 0 is average.",
    "progress_z": "How far the school's progress is above or below the national average for schools of its phase, measured in standard deviations (spread of schools); 0 is average.",
    "attainment_score": "The attainment part of the achievement score: results compared with schools in the same phase and year (nationally, or among the schools loaded: the page says which); 0 is their centre.",
    "progress_score": "The progress part of the achievement score: how much pupils moved on compared with pupils nationally with the same starting point; 0 is the national average.",
    "national_percentile": "The percentage of schools in the same phase and year with a lower achievement score (nationally where a national school-level file is loaded, otherwise among the schools loaded: the page says which); 50 is the middle school. Schools with equal published figures share a percentile.",
    "rank_among_loaded": "The school's position among the schools loaded into this dashboard, from 1 (highest achievement score); used when no national file is loaded.",
    "achievement_band": "Which fifth of the schools compared (nationally, or among the schools loaded) the achievement score falls in, from band 1 (lowest 20%) to band 5 (highest 20%).",
    "disadvantaged_gap": "The school's disadvantaged pupils' result minus the national result of other pupils (the published comparison); below zero means they are behind, and higher is better.",
    "trend": "Whether the school's results compared with national have got better, worse or shown no clear change over its last published years (2019/20 and 2020/21 had no exams).",
    "attendance": "How often pupils attend school, shown through overall absence: the share of half-day sessions missed.",
    "inspection": "The school's latest Ofsted inspection outcome, in the words of the framework it was inspected under; grades from different frameworks are not converted.",
    "report_card_areas": "Ofsted report cards (from November 2025) grade each area of a school on a five-point scale, from 'Urgent improvement' to 'Exceptional', and say whether safeguarding is met.",
    "support_category": "How much support the council plans to give the school: universal, targeted or intensive, with the reasons that led to it.",
    "universal": "Universal support: the help every school gets; no rule for extra support applies.",
    "targeted": "Targeted support: extra help on specific areas, because at least one targeted rule applies (for example results in the lowest 20%).",
    "intensive": "Intensive support: the council's closest help, because at least one serious rule applies (for example an inadequate inspection or an open notice of concern).",
    # Terms and pupil groups
    "attainment": "The results pupils achieved in their tests or exams.",
    "progress": "How much pupils improved compared with pupils nationally who started from the same point.",
    "ebacc": "English Baccalaureate (EBacc): a set of GCSE subjects - English, maths, science, a language, and history or geography.",
    "eal": "English as an additional language (EAL): pupils whose first language is known or believed to be other than English.",
    "send": "Special educational needs and disabilities (SEND): pupils who need extra help to learn, with or without an education, health and care plan.",
    "fsm": "Free school meals (FSM): pupils eligible for free school meals now, a sign of low family income.",
    "fsm6": "FSM6: pupils eligible for free school meals at any time in the last six years.",
    "all": "All pupils counted for the measure.",
    "disadvantaged": "Disadvantaged pupils: those eligible for free school meals in the last six years, or looked after by a council, or adopted from care.",
    "non_disadvantaged": "Other pupils: those not counted as disadvantaged.",
    "boys": "Boys only.",
    "girls": "Girls only.",
    "prior_low": "Pupils whose results at the previous key stage were below the expected level (low prior attainment).",
    "prior_middle": "Pupils whose results at the previous key stage were at the expected level (middle prior attainment).",
    "prior_high": "Pupils whose results at the previous key stage were above the expected level (high prior attainment).",
    "key_stage_2": "Key Stage 2 (KS2): the last four years of primary school, ending with tests in Year 6 (age 11).",
    "key_stage_4": "Key Stage 4 (KS4): Years 10 and 11 of secondary school, ending with GCSEs (age 16).",
    "la": "Local authority (LA): the council responsible for schools in the area.",
    "national": "All state-funded schools in England.",
}

# Other names pages or the model use for the same thing.
ALIASES: dict[str, str] = {
    "attainment_8": "ks4_attainment8",
    "attainment8": "ks4_attainment8",
    "progress_8": "ks4_progress8",
    "progress8": "ks4_progress8",
    "english_baccalaureate": "ebacc",
    "ebacc_entry": "ks4_ebacc_entry_pct",
    "persistent_absence": "persistent_absence_pct",
    "overall_absence": "overall_absence_pct",
    "achievement": "achievement_score",
    "send_support": "sen_support_pct",
    "sen": "send",
    "ehcp": "ehcp_pct",
    "report_card": "report_card_areas",
    "report_cards": "report_card_areas",
    "support_categories": "support_category",
    "category": "support_category",
    "ks2": "key_stage_2",
    "ks4": "key_stage_4",
    "local_authority": "la",
    "fsm6cla1a": "disadvantaged",
}

FALLBACK = "No explanation has been written for this measure yet."


def _key(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def has_explanation(measure: str) -> bool:
    """True when ``explain`` has a written sentence for this name."""
    k = _key(measure)
    return k in EXPLANATIONS or ALIASES.get(k) in EXPLANATIONS


def explain(measure: str) -> str:
    """The one-line explanation of a measure, pupil group or term ("Progress 8", "eal_pct", ...)."""
    k = _key(measure)
    return EXPLANATIONS.get(k) or EXPLANATIONS.get(ALIASES.get(k, ""), FALLBACK)
