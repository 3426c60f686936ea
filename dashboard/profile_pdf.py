"""The governor profile's tables, charts and PDF, built once from the data the page shows.

The page (pages/profile.py) and the PDF both call these builders on the same ``GovernorProfile``
(already restricted and suppressed by dashboard/data_access/governor.py), so the printed profile
matches the screen: same sentences, same tables, same charts, plus the data date and source.
Pure functions over DataFrames; the PDF is made by components/pdf.profile_pdf (fpdf2).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import profile_text
from dashboard.access import SUPPRESSED
from dashboard.components import charts, pdf
from dashboard.components.format import (
    code_legend,
    fmt_count,
    fmt_measure,
    fmt_year,
    is_missing,
)
from dashboard.components.measures import label
from dashboard.components.measures import measure as measure_info
from dashboard.components.text import explain
from warehouse import figures as F
from warehouse import settings

HEADLINES = {
    "ks2": [
        "ks2_rwm_expected_pct",
        "ks2_rwm_higher_pct",
        "ks2_reading_progress",
        "ks2_writing_progress",
        "ks2_maths_progress",
        "ks2_reading_scaled_score",
        "ks2_maths_scaled_score",
        "ks2_gps_scaled_score",
    ],
    "ks4": [
        "ks4_attainment8",
        "ks4_progress8",
        "ks4_basics_94_pct",
        "ks4_basics_95_pct",
        "ks4_ebacc_aps",
        "ks4_ebacc_entry_pct",
    ],
}
HEADLINE_COLUMNS = [
    "Measure",
    "School",
    "Local authority",
    "National",
    "Compared with national",
    "What it means",
]
LATEST_COLUMNS = ["Measure", "Year", "School", "Local authority", "National", "What it means"]
N_TREND_YEARS = 5  # the issue: trends over up to five published years
KEY_STAGE_NAMES = {"ks2": "End of primary school (Key Stage 2)", "ks4": "GCSE (Key Stage 4)"}
ATTAINMENT = {"ks2": "ks2_rwm_expected_pct", "ks4": "ks4_attainment8"}
CONTEXT = ["pupils_on_roll", "fsm_pct", "fsm6_pct", "sen_support_pct", "ehcp_pct", "eal_pct"]
ABSENCE = ["overall_absence_pct", "persistent_absence_pct"]
GROUPS = [
    "disadvantaged",
    "non_disadvantaged",
    "boys",
    "girls",
    "eal",
    "prior_low",
    "prior_middle",
    "prior_high",
]
GROUP_NAMES = F.group_labels(  # labelled by warehouse/figures.toml [groups]
    ("disadvantaged", "non_disadvantaged", "boys", "girls", "eal", "prior_low", "prior_middle",
     "prior_high")
)  # fmt: skip
ERAS = {
    "legacy": "Graded inspection (to August 2024)",
    "sub_judgements_2024": "Graded areas, no overall grade (September 2024 to November 2025)",
    "report_card": "Report card (from November 2025)",
}
GRADES = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
CONCERNS = {
    "SM": "special measures",
    "SWK": "serious weaknesses",
    "NTI": "notice to improve",
    "RSI": "requires significant improvement",
}


CONTEXT_NOTE = "These figures describe the pupils; they are not a judgement of the school."
SUPPORT_NOTE = (
    "Reasons from published data and inspections are given in the same words the council's staff "
    "see. Information the council holds in confidence is not shown here."
)


def scope_note(profile) -> str:
    """Which national and LA population the attendance and context figures compare with."""
    scopes = profile.measures.loc[
        profile.measures["key_stage"].isin(["census", "absence"]), "national_scope"
    ].dropna()
    if scopes.empty:
        return "National figures are for all state-funded schools in England."
    phase = str(scopes.iloc[0]).replace("state_funded_", "").replace("_", " ")
    return (
        f"Attendance and context are compared with state-funded {phase} schools: the local "
        f"authority's and England's figures for schools of this phase."
    )


def key_stages(profile) -> list[str]:
    """The key stages with results for this school (primary: ks2; secondary: ks4; both possible)."""
    have = set(profile.measures["key_stage"])
    return [k for k in ("ks2", "ks4") if k in have]


def latest_year(profile, key_stage: str) -> int | None:
    m = profile.measures
    years = m.loc[m["key_stage"] == key_stage, "time_period"]
    return int(years.max()) if len(years) else None


def _versus(measure: str, value: Any, other: Any) -> str:
    word = profile_text.compare(measure, value, other)
    return "" if word is None else word.replace("the same as", "same as") + " national"


def headline_table(profile, key_stage: str) -> pd.DataFrame:
    """Latest year, all pupils: school, LA and national figures of each headline measure."""
    year = latest_year(profile, key_stage)
    m = profile.measures
    rows = []
    for name in HEADLINES[key_stage]:
        r = m[(m["measure"] == name) & (m["pupil_group"] == "all") & (m["time_period"] == year)]
        if r.empty:
            continue
        r = r.iloc[0]
        rows.append(
            {
                "Measure": label(name),
                "School": fmt_measure(name, r["value"], r["status_code"]),
                "Local authority": fmt_measure(name, r["la_value"], r["la_status_code"]),
                "National": fmt_measure(name, r["national_value"], r["national_status_code"]),
                "Compared with national": _versus(name, r["value"], r["national_value"]),
                "What it means": explain(name),
            }
        )
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def series(profile, measure: str, group: str = "all") -> pd.DataFrame:
    """This school, LA and national over the published years (for trend_chart and its table)."""
    m = profile.measures
    r = m[(m["measure"] == measure) & (m["pupil_group"] == group)].sort_values("time_period")
    r = r[r["time_period"].isin(sorted(r["time_period"].unique())[-N_TREND_YEARS:])]
    parts = [
        pd.DataFrame(
            {
                "series": name,
                "time_period": r["time_period"].astype(int),
                "value": pd.to_numeric(r[v], errors="coerce"),
                "status_code": r[s],
            }
        )
        for name, v, s in [
            ("This school", "value", "status_code"),
            ("Local authority", "la_value", "la_status_code"),
            ("National", "national_value", "national_status_code"),
        ]
        if r[v].notna().any() or name == "This school"
    ]
    return pd.concat(parts, ignore_index=True)


def series_table(data: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The figures behind a trend chart, as people read them."""
    if data.empty:
        return data
    out = data.assign(
        Year=data["time_period"].map(fmt_year),
        Figure=[
            fmt_measure(measure, v, s)
            for v, s in zip(data["value"], data["status_code"], strict=True)
        ],
    )
    return (
        out.pivot(index="Year", columns="series", values="Figure")
        .reset_index()
        .rename_axis(None, axis=1)
    )


def trend_chart(profile, measure: str):
    data = series(profile, measure)
    chart = charts.trend_chart(
        data,
        title=label(measure),
        y_title=label(measure),
        kind=measure_info(measure).kind,
    )
    return chart, data


def trend_lines(profile, key_stage: str) -> list[str]:
    t = profile.trends
    out = []
    for component in ("attainment", "progress"):
        r = t[(t["key_stage"] == key_stage) & (t["component"] == component)]
        if len(r):
            last = r.sort_values("time_period").iloc[-1]
            out.append(profile_text.trend(component, last["direction"], last["years"]))
    return out


def achievement_table(profile) -> pd.DataFrame:
    rows = []
    for r in profile.achievement.itertuples():
        basis = str(r.band_basis or "")
        if basis == "national" and not is_missing(r.national_percentile):
            where = (
                f"{profile_text.ordinal(int(round(r.national_percentile)))} percentile nationally"
            )
        elif not is_missing(r.rank_among_loaded):
            where = (
                f"{profile_text.ordinal(r.rank_among_loaded)} of {int(r.n_loaded)} loaded schools"
            )
        else:
            where = r.method_note if isinstance(r.method_note, str) else "not scored"
        rows.append(
            {
                "Year": fmt_year(r.time_period),
                "Key stage": "Key Stage 2" if r.key_stage == "ks2" else "Key Stage 4",
                "Achievement score": fmt_measure("achievement_score", r.achievement_score),
                "How it was made": r.method,
                "Note": r.method_note if isinstance(r.method_note, str) else "",
                "Standing": where,
            }
        )
    return pd.DataFrame(rows)


def groups_table(profile, measure: str) -> pd.DataFrame:
    """Latest year: each pupil group against the same group nationally; disadvantaged pupils also
    against other pupils nationally and disadvantaged pupils nationally (decision 13)."""
    g = profile.group_gaps
    g = g[g["measure"] == measure]
    if g.empty:
        return pd.DataFrame()
    g = g[g["time_period"] == g["time_period"].max()]
    rows = []
    for group in GROUPS:
        r = g[g["pupil_group"] == group]
        if r.empty:
            continue
        r = r.iloc[0]
        dis = group == "disadvantaged"
        rows.append(
            {
                "Pupil group": GROUP_NAMES[group],
                "Pupils": fmt_count(
                    r["cohort"], r["status_code"] if is_missing(r["cohort"]) else None
                ),
                "School": fmt_measure(measure, r["value"], r["status_code"]),
                "Same group nationally": fmt_measure(measure, r["national_value"]),
                "Other pupils nationally": fmt_measure(measure, r["national_non_disadvantaged"])
                if dis
                else "",
                "Disadvantaged pupils nationally": fmt_measure(measure, r["national_disadvantaged"])
                if dis
                else "",
            }
        )
    return pd.DataFrame(rows)


def latest_rows(profile, names: list[str]) -> pd.DataFrame:
    """Latest published year of each measure, all pupils: school, LA and national."""
    m = profile.measures
    rows = []
    for name in names:
        r = m[(m["measure"] == name) & (m["pupil_group"] == "all")]
        if r.empty:
            continue
        r = r.sort_values("time_period").iloc[-1]
        rows.append(
            {
                "Measure": label(name, r.get("source_field")),  # persistent absence: threshold
                "Year": fmt_year(r["time_period"]),
                "School": fmt_measure(name, r["value"], r["status_code"]),
                "Local authority": fmt_measure(name, r["la_value"], r["la_status_code"])
                if not is_missing(r["la_value"]) or not is_missing(r["la_status_code"])
                else "not in the files loaded",  # the DfE may publish it elsewhere (issue 16)
                "National": fmt_measure(name, r["national_value"], r["national_status_code"]),
                "What it means": explain(name),
            }
        )
    return pd.DataFrame(rows, columns=LATEST_COLUMNS)


def _outcome(r: pd.Series) -> str:
    if r["era"] == "legacy" and not is_missing(r["overall_effectiveness"]):
        text = f"Overall effectiveness: {GRADES.get(int(r['overall_effectiveness']), r['overall_effectiveness'])}"
    elif r["era"] == "report_card":
        text = "Report card: each area graded on a five-point scale (no overall grade)"
    else:
        text = "Areas graded 1 to 4 (no overall grade)"
    if not is_missing(r["category_of_concern"]):
        text += f"; {CONCERNS.get(r['category_of_concern'], r['category_of_concern'])}"
    return text


def inspections_table(profile) -> pd.DataFrame:
    """One row per inspection, newest first, each in its own framework's words (never converted)."""
    i = profile.inspections
    if i.empty:
        return pd.DataFrame()
    keys = ["inspection_id", "era", "inspection_end"]
    rows = []
    for _, grp in i.groupby(keys, dropna=False, sort=False):
        r = grp.iloc[0]
        areas = [
            f"{str(a).replace('_', ' ').capitalize()}: {GRADES.get(int(g), g) if str(g).isdigit() else g}"
            for a, g in zip(grp["area"], grp["grade"], strict=True)
            if not is_missing(a)
        ]
        rows.append(
            {
                "Date": ""
                if is_missing(r["inspection_end"])
                else pd.Timestamp(r["inspection_end"]).strftime("%d %B %Y"),
                "Framework": ERAS.get(r["era"], r["era"]),
                "Outcome": _outcome(r),
                "Safeguarding": "" if is_missing(r["safeguarding"]) else str(r["safeguarding"]),
                "Areas as published": "; ".join(areas),
            }
        )
    return pd.DataFrame(rows)


def summary(profile, la_label: str | None = None) -> list[str]:
    sup = profile.support
    return profile_text.what_stands_out(
        profile.measures,
        profile.achievement,
        profile.trends,
        profile.group_gaps,
        None if sup is None else sup.category,
        0 if sup is None else len(sup.reasons),
        la_label or f"the local authority ({profile.school.get('la_name') or 'LA'})",
    )


def codes_note(profile) -> str | None:
    """What each code on the profile means (our own small-group code included)."""
    codes = list(profile.measures["status_code"]) + list(profile.group_gaps["status_code"])
    ours = (
        f"hidden here because the group has {settings.suppression_threshold()} pupils or fewer, "
        "or because its size could be worked out from the other groups"
    )
    legend = [(c, ours if c == SUPPRESSED else m) for c, m in code_legend(codes)]
    return "; ".join(f"{c}: {m}" for c, m in legend) or None


def plain_action(action: str) -> str:
    """The recommended action with its one acronym spelled out."""
    return str(action).replace("the DfE", "the Department for Education (DfE)")


KEY_FIGURES = {
    "ks2": ["ks2_rwm_expected_pct", "ks2_reading_progress", "ks2_writing_progress",
            "ks2_maths_progress"],
    "ks4": ["ks4_attainment8", "ks4_progress8", "ks4_basics_94_pct"],
}  # fmt: skip
KEY_CONTEXT = ["overall_absence_pct", "persistent_absence_pct", "fsm6_pct"]


def key_figures(profile) -> pd.DataFrame:
    """The summary's table: the headline figures of each key stage, absence and disadvantage, each
    in its latest published year against the local authority and national (``latest_rows``)."""
    names = [m for ks in key_stages(profile) for m in KEY_FIGURES[ks]] + KEY_CONTEXT
    return latest_rows(profile, names).drop(columns="What it means")


def support_lines(sup) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """What the page and the PDF say about the support category, in one place: the opening
    sentence (with the one-sentence summary, or why the school is not categorised), the reasons,
    and the further lists (watch flags; rules that could not be applied for want of an input)."""
    opening = profile_text.category(sup.category, len(sup.reasons)) + "."
    if sup.category == "not categorised" and sup.not_categorised_reason:
        opening += f" {sup.not_categorised_reason.rstrip('.')}."
    elif sup.summary:
        opening += f" In short: {sup.summary.rstrip('.')}."
    more = []
    if sup.watch_flags:
        more.append(
            ("Also watched (not a reason for the category on its own)", list(sup.watch_flags))
        )
    if sup.rules_not_applied:
        more.append(("Rules the council could not apply", list(sup.rules_not_applied)))
    return opening, list(sup.reasons), more


def support_sections(profile) -> list:
    sup = profile.support
    if sup is None:
        return []
    opening, reasons, more = support_lines(sup)
    out = [
        pdf.Heading(f"Support from the council ({fmt_year(sup.time_period)})", 2),
        pdf.Paragraph(opening),
        *[pdf.Paragraph(f"- {r}") for r in reasons],
    ]
    for heading, lines in more:
        out += [pdf.Paragraph(f"{heading}:"), *[pdf.Paragraph(f"- {x}") for x in lines]]
    return out + [
        pdf.Paragraph(f"Recommended action: {plain_action(sup.recommended_action)}"),
        pdf.Paragraph(SUPPORT_NOTE),
    ]


def summary_sections(profile) -> list:
    """The first page or two: what stands out, the key figures against the local authority and
    national, and the support category with its reasons."""
    s = profile.school
    return [
        pdf.KeyValues(
            [
                ("Unique reference number (URN)", str(s["urn"])),
                ("Local authority", s.get("la_name") or ""),
                ("Phase", s.get("phase") or ""),
                ("Type", s.get("school_type") or ""),
            ]
        ),
        pdf.Heading("Summary"),
        pdf.Heading("What stands out", 2),
        *[pdf.Paragraph(line + ".") for line in summary(profile)],
        pdf.Heading("Key figures against the local authority and national", 2),
        pdf.Table(key_figures(profile)),
        *support_sections(profile),
    ]


def pupil_sections(pupil_figures: pd.DataFrame | None) -> list:
    """The page's section on the council's pupil data (already suppressed for the governor)."""
    if pupil_figures is None or pupil_figures.empty:
        return []
    from dashboard import pupil_progress

    tables = pupil_progress.governor_tables(pupil_figures)
    if not tables:
        return []
    out: list = [
        pdf.Heading(pupil_progress.GOVERNOR_HEADING),
        pdf.Paragraph(pupil_progress.governor_note()),
    ]
    for heading, table in tables:
        out += [pdf.Heading(heading, 2), pdf.Table(table)]
    return out


def similar_sections(similar: pd.DataFrame | None) -> list:
    """'Compared with schools with a similar intake' as on the page (issue 22): sentences for the
    latest year, the table and its basis; counts and averages only, never the group's names."""
    if similar is None or similar.empty:
        return []
    from dashboard.components import similar as view

    latest = similar[similar["time_period"] == similar["time_period"].max()]
    return [
        pdf.Heading("Compared with schools with a similar intake", 2),
        *[pdf.Paragraph("- " + view.sentence(r)) for r in latest.to_dict("records")],
        pdf.Table(view.table(similar)),
        *[pdf.Paragraph(t, scale=0.85) for t in view.bases(similar)],
    ]


def sections(
    profile,
    *,
    with_charts: bool = True,
    pupil_figures: pd.DataFrame | None = None,
    similar: pd.DataFrame | None = None,
) -> list:
    """The PDF's sections: the summary first, then the detail in the page's order."""
    # the detail starts on a new page, unless the summary spilled only a little onto this one
    out: list = [*summary_sections(profile), pdf.PageBreak(if_used=0.4), pdf.Heading("The detail")]
    for ks in key_stages(profile):
        year = latest_year(profile, ks)
        out += [
            pdf.Heading(f"{KEY_STAGE_NAMES[ks]}, {fmt_year(year)}", 2),
            pdf.Table(headline_table(profile, ks).drop(columns="What it means")),
        ]
        if with_charts:
            chart, _ = trend_chart(profile, ATTAINMENT[ks])
            out.append(
                pdf.Chart(
                    chart,
                    f"Trend of {label(ATTAINMENT[ks])}: school, LA and national",
                    width_share=0.8,
                )
            )
        out += [pdf.Paragraph(t + ".") for t in trend_lines(profile, ks)]
        groups = groups_table(profile, ATTAINMENT[ks])
        if len(groups):
            out += [pdf.Heading(f"Pupil groups: {label(ATTAINMENT[ks])}", 2), pdf.Table(groups)]
    out += similar_sections(similar)
    out += pupil_sections(pupil_figures)
    if len(profile.achievement):
        out += [pdf.Heading("Achievement score"), pdf.Paragraph(explain("achievement_score"))]
        out.append(pdf.Table(achievement_table(profile)))
    out += [
        pdf.Heading("Attendance"),
        pdf.Paragraph(scope_note(profile)),
        pdf.Table(latest_rows(profile, ABSENCE).drop(columns="What it means")),
    ]
    if with_charts and (profile.measures["measure"] == "persistent_absence_pct").any():
        chart, _ = trend_chart(profile, "persistent_absence_pct")
        out.append(
            pdf.Chart(chart, "Trend of persistent absence: school and national", width_share=0.8)
        )
    out += [
        pdf.Heading("Context"),
        pdf.Paragraph(CONTEXT_NOTE),
        pdf.Table(latest_rows(profile, CONTEXT).drop(columns="What it means")),
    ]
    insp = inspections_table(profile)
    out.append(pdf.Heading("Inspections"))
    out.append(pdf.Table(insp) if len(insp) else pdf.Paragraph("No inspections are loaded."))
    note = codes_note(profile)
    if note:
        out += [pdf.Heading("Codes used", 2), pdf.Paragraph(note)]
    shown = [m for ks in key_stages(profile) for m in HEADLINES[ks]] + ABSENCE + CONTEXT
    out += [
        pdf.Heading("What the measures mean", 2),
        pdf.KeyValues(
            [(label(m), explain(m)) for m in shown if (profile.measures["measure"] == m).any()]
        ),
        pdf.Heading("Source", 2),
        pdf.Paragraph(f"{profile.source}. Data as at: {profile.data_date}"),
        *[pdf.Paragraph(f"- {line}", scale=0.75) for line in getattr(profile, "source_files", ())],
    ]
    return out


def build_pdf(
    profile,
    *,
    compress: bool = True,
    with_charts: bool = True,
    font_dir: Any = pdf.DEJAVU_DIR,
    pupil_figures: pd.DataFrame | None = None,
    similar: pd.DataFrame | None = None,
) -> bytes:
    """The profile as a PDF: summary first, then the detail (with the council's pupil data when
    ``pupil_figures`` is given, suppressed as on the page); the school, source, data date and page
    number on every page. ``compress=False, font_dir=None`` leave its text readable (tests)."""
    name = profile.school["name"]
    return pdf.profile_pdf(
        f"{name}: school profile",
        sections(profile, with_charts=with_charts, pupil_figures=pupil_figures, similar=similar),
        source=profile.short_source,
        data_date=profile.data_date,
        compress=compress,
        font_dir=font_dir,
        header=f"{name} (URN {profile.school['urn']}): school profile",
    )
