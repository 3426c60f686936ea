"""The governor profile page made ready to draw: every sentence, table and chart of pages/profile.py,
built once per profile and kept, so a rerun only draws (issue 20).

``view(profile, similar, pupil_figures)`` builds a ``ProfileView`` with the profile_pdf and
profile_text helpers the PDF uses too (same sentences, same tables), Markdown escaped and tables
wrapped in ``render.Escaped``. It is cached under ``profile.key``: the key dashboard/data_access/
governor.py made the profile under (build, the user's schools, the URN, role, deployment,
suppression threshold, the school's app entries, the day). The similar-schools rows and the pupil
figures are decided by the same fields (build, schools, URN, role, threshold), so equal keys give
equal views, and a view is only ever served to a user whose own profile carries that key: a
governor never receives another school's view. Nothing here reads data or writes the audit log;
the page asks the data-access layer for the profile (audited) on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import profile_pdf, pupil_progress, render
from dashboard.components import charts
from dashboard.components import similar as similar_view
from dashboard.components.format import fmt_year
from dashboard.components.measures import label
from dashboard.components.safe import md_escape
from dashboard.components.text import explain
from dashboard.data_access import governor, pupils
from dashboard.data_access import similar as similar_data
from dashboard.data_access.core import cached

# The profile's sections made only when opened (components/sections.py): (label, widget key). A
# governor's sign-in draws the school's headline figures, what stands out, each key stage's
# headline table and trend, the inspections and the council's support category with its reasons;
# the charts (Vega compiles each spec in the browser) and the other tables (every cell drawn as
# Markdown) wait behind these, each a click away, with the same content as before.
KEY_STAGE_SECTIONS = {
    ks: (f"Chart and pupil groups: {label(measure)} over time", f"profile_open_{ks}")
    for ks, measure in profile_pdf.ATTAINMENT.items()
}
SIMILAR = ("Table: each measure against schools with a similar intake", "profile_open_similar")
PUPILS = ("Tables: pupil groups from the council's pupil data", "profile_open_pupils")
ACHIEVEMENT = ("Table: achievement scores", "profile_open_achievement")
ATTENDANCE = ("Table and chart: absence", "profile_open_attendance")
CONTEXT = ("Table: the school's pupils", "profile_open_context")
SECTIONS = (*KEY_STAGE_SECTIONS.values(), SIMILAR, PUPILS, ACHIEVEMENT, ATTENDANCE, CONTEXT)


@dataclass(frozen=True)
class Chart:
    chart: object  # the Altair chart (memoised by components/charts, so its spec is kept too)
    table: pd.DataFrame  # the figures behind it
    key: str
    title: str
    description: str


@dataclass(frozen=True)
class KeyStage:
    section: tuple[str, str]  # KEY_STAGE_SECTIONS: holds the chart and the pupil groups
    heading: str
    caption: str
    headline: render.Escaped
    chart: Chart
    trend_lines: tuple[str, ...]  # Markdown list items, escaped
    groups_heading: str
    groups_caption: str
    groups: render.Escaped | None


@dataclass(frozen=True)
class SupportView:
    heading: str
    opening: str
    help: str
    reasons: str
    more: tuple[str, ...]
    action: str
    note: str


@dataclass(frozen=True)
class ProfileView:
    title: str
    caption: str
    stands_out: str
    key_stages: tuple[KeyStage, ...]
    similar: similar_view.Section
    pupils: tuple | None  # pupil_progress.governor_section
    achievement: render.Escaped | None
    achievement_caption: str
    attendance_note: str
    attendance: render.Escaped
    absence_chart: Chart | None
    context_note: str
    context: render.Escaped
    inspections_caption: str
    inspections: render.Escaped | None
    support: SupportView | None
    codes: str | None
    source: str


def _items(lines) -> str:
    return "\n".join(f"- {md_escape(line)}" for line in lines)


def _key_stage(profile, ks: str) -> KeyStage:
    measure = profile_pdf.ATTAINMENT[ks]
    chart, data = profile_pdf.trend_chart(profile, measure)
    groups = profile_pdf.groups_table(profile, measure)
    return KeyStage(
        section=KEY_STAGE_SECTIONS[ks],
        heading=f"{profile_pdf.KEY_STAGE_NAMES[ks]}, {fmt_year(profile_pdf.latest_year(profile, ks))}",
        caption=explain(f"key_stage_{ks[-1]}"),
        headline=render.Escaped(profile_pdf.headline_table(profile, ks)),
        chart=Chart(
            chart,
            profile_pdf.series_table(data, measure),
            key=f"trend_{ks}",
            title=f"{label(measure)}: over time",
            description=f"Line chart of {label(measure)} for the school, the local authority and England",
        ),
        trend_lines=tuple(f"- {md_escape(line)}" for line in profile_pdf.trend_lines(profile, ks)),
        groups_heading=f"Pupil groups: {label(measure)}",
        groups_caption=explain("disadvantaged") + " " + explain("disadvantaged_gap"),
        groups=render.Escaped(groups) if len(groups) else None,
    )


def _support(sup) -> SupportView | None:
    if sup is None:
        return None
    opening, reasons, more = profile_pdf.support_lines(sup)
    return SupportView(
        heading=f"Support from the council ({fmt_year(sup.time_period)})",
        opening=md_escape(opening),
        help=explain(sup.category),
        reasons=_items(reasons),
        more=tuple(
            f"**{md_escape(heading)}:**\n" + "\n".join(f"- {md_escape(x)}" for x in lines)
            for heading, lines in more
        ),
        action=f"**Recommended action:** {md_escape(profile_pdf.plain_action(sup.recommended_action))}",
        note=profile_pdf.SUPPORT_NOTE,
    )


def build(profile, similar: pd.DataFrame, pupil_figures: pd.DataFrame) -> ProfileView:
    """Everything pages/profile.py draws, in its order (uncached)."""
    school, urn = profile.school, int(profile.school["urn"])
    absence_chart = None
    if (profile.measures["measure"] == "persistent_absence_pct").any():
        chart, data = profile_pdf.trend_chart(profile, "persistent_absence_pct")
        absence_chart = Chart(
            chart,
            profile_pdf.series_table(data, "persistent_absence_pct"),
            key="trend_absence",
            title="Persistent absence: over time",
            description="Line chart of persistent absence for the school and England",
        )
    inspections = profile_pdf.inspections_table(profile)
    codes = profile_pdf.codes_note(profile)
    return ProfileView(
        title=md_escape(school["name"]),
        caption=md_escape(
            f"Unique reference number (URN) {urn} · {school.get('phase') or ''} · "
            f"{school.get('school_type') or ''} · {school.get('la_name') or ''}. "
            f"Data as at: {profile.data_date}"
        ),
        stands_out=_items(profile_pdf.summary(profile)),
        key_stages=tuple(_key_stage(profile, ks) for ks in profile_pdf.key_stages(profile)),
        similar=similar_view.prepare(similar, plain=True),
        pupils=pupil_progress.governor_section(pupil_figures),
        achievement=render.Escaped(profile_pdf.achievement_table(profile))
        if len(profile.achievement)
        else None,
        achievement_caption=explain("achievement_score") + " " + explain("national_percentile"),
        attendance_note=profile_pdf.scope_note(profile),
        attendance=render.Escaped(profile_pdf.latest_rows(profile, profile_pdf.ABSENCE)),
        absence_chart=absence_chart,
        context_note=profile_pdf.CONTEXT_NOTE,
        context=render.Escaped(profile_pdf.latest_rows(profile, profile_pdf.CONTEXT)),
        inspections_caption=explain("inspection") + " " + explain("report_card_areas"),
        inspections=render.Escaped(inspections) if len(inspections) else None,
        support=_support(profile.support),
        codes=md_escape(f"Codes: {codes}") if codes else None,
        source=md_escape(f"Source: {profile.source}. Data as at: {profile.data_date}"),
    )


@cached
def _view(key: tuple, _profile, _similar: pd.DataFrame, _pupil_figures: pd.DataFrame):
    return build(_profile, _similar, _pupil_figures)


def view(profile, similar: pd.DataFrame, pupil_figures: pd.DataFrame) -> ProfileView:
    """``build``, cached under the profile's key (see the module docstring); a profile made
    without a key (by hand, in a test) is built every time."""
    if not profile.key:
        return build(profile, similar, pupil_figures)
    return _view(profile.key, profile, similar, pupil_figures)


def warm(identity, urns) -> None:
    """Make the views of ``urns`` (a federation governor's schools) ready, their charts' specs
    too, drawing nothing and recording no view: switching school then only draws. The page calls
    it after it is drawn."""
    for urn in urns:
        profile = governor.school_profile(identity, urn, audited=False)
        if profile is None:
            continue
        convert_charts(
            view(
                profile,
                similar_data.comparison(identity, urn),
                pupils.school_group_figures(identity, urn),
            )
        )


def convert_charts(ready: ProfileView) -> None:
    """Convert the view's charts not converted yet (the spec is kept with the chart,
    components/charts): the page's sections draw them without converting."""
    for c in [*(ks.chart for ks in ready.key_stages), ready.absence_chart]:
        if c is not None and not charts.converted(c.chart):
            charts.vega_lite_spec(c.chart)
