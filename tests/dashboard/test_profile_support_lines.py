"""The governor profile (page and PDF) says what the support model says: the one-sentence summary,
watch flags apart from the reasons, the rules that could not be applied, and why a school is not
categorised (issues 15 item 4 and 17 item 7). One function feeds both, so they cannot disagree."""

from dashboard import profile_pdf
from dashboard.components import pdf
from dashboard.data_access.governor import Support

NO_OFSTED = "inspection rules not applied: no Ofsted inspection data loaded for this school's local authority"


def support(**kw) -> Support:
    base = dict(
        time_period=201819,
        category="targeted",
        reasons=["KS2 attainment below national and falling three published years running"],
        recommended_action="Targeted support",
        as_at=None,
        app_entries_counted=False,
    )
    return Support(**{**base, **kw})


def test_summary_reasons_watch_flags_and_missing_inputs_are_all_said():
    sup = support(
        summary="KS2 attainment below national three years running",
        watch_flags=("Persistent absence in the worst 10% nationally (24.1%, 2018/19)",),
        rules_not_applied=(NO_OFSTED,),
    )
    opening, reasons, more = profile_pdf.support_lines(sup)
    assert opening.startswith("The council gives the school targeted support, for the 1 reason")
    assert opening.endswith("In short: KS2 attainment below national three years running.")
    assert reasons == sup.reasons
    assert more == [
        ("Also watched (not a reason for the category on its own)", list(sup.watch_flags)),
        ("Rules the council could not apply", [NO_OFSTED]),
    ]


def test_a_school_not_categorised_says_why_and_never_reads_as_a_kind_of_support():
    sup = support(
        category="not categorised",
        reasons=[],
        not_categorised_reason="No performance data, inspection or intelligence is loaded for this school",
    )
    opening, _, _ = profile_pdf.support_lines(sup)
    assert opening == (
        "The council has not placed the school in a support category. No performance data, "
        "inspection or intelligence is loaded for this school."
    )
    assert "not categorised support" not in opening


def test_the_pdf_carries_the_same_lines_as_the_page():
    sup = support(
        watch_flags=("A headteacher change in the last 12 months",), rules_not_applied=(NO_OFSTED,)
    )
    profile = type("P", (), {"support": sup})()
    texts = [getattr(s, "text", "") for s in profile_pdf.support_sections(profile)]
    assert all(
        isinstance(s, pdf.Heading | pdf.Paragraph) for s in profile_pdf.support_sections(profile)
    )
    assert f"- {NO_OFSTED}" in texts
    assert "- A headteacher change in the last 12 months" in texts
