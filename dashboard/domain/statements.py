"""Sentences generated from the figures they state (decisions 9, 23, 24): one place for every claim.

Pure functions: figures in, ``Statement`` out (the words, the verdict and the figures as shown), so a
test can check each claim against its own figures. Rules:

- comparisons use the figures as published and shown (``warehouse.figures.shown``): a sentence never
  says "below" beside two figures that read the same;
- "better" / "worse" only for a figure with a direction, and only where the difference is beyond the
  figure's stated threshold (``figures.toml``); otherwise "in line";
- the disadvantaged gap is the DfE's: disadvantaged pupils against non-disadvantaged pupils
  nationally, with disadvantaged pupils nationally as the second line; better/worse is said of the
  pupils' outcomes (against disadvantaged pupils nationally), never of a gap that narrowed because
  other pupils did worse (decision 24);
- "nationally" only where the comparison set is national; otherwise "among the N schools loaded
  (LA names)" (decision 9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.components.format import (
    CODE_MEANINGS,
    MINUS,
    SYMBOL_BETTER,
    SYMBOL_SAME,
    SYMBOL_WORSE,
    fmt_measure,
    fmt_year,
    format_number,
    is_missing,
    ordinal,
)
from warehouse import figures as F

BETTER, WORSE, IN_LINE = "better", "worse", "in line"
SYMBOLS = {BETTER: SYMBOL_BETTER, WORSE: SYMBOL_WORSE, IN_LINE: SYMBOL_SAME}
SUPPRESSED_WORDS = "not shown because the group is too small"
OUR_SUPPRESSION = "SUPP (small group)"  # dashboard.access.SUPPRESSED: ours, not the DfE's

# measure -> (subject, what the figure is: "{v}" is the formatted value)
PHRASES: dict[str, tuple[str, str]] = {
    "ks2_rwm_expected_pct": (
        "Reading, writing and maths",
        "{v} met the expected standard in reading, writing and maths",
    ),
    "ks2_rwm_higher_pct": (
        "Reading, writing and maths",
        "{v} reached the higher standard in reading, writing and maths",
    ),
    "ks4_attainment8": ("Attainment 8", "an average Attainment 8 score of {v}"),
    "ks4_progress8": ("Progress 8", "a Progress 8 score of {v}"),
    "ks4_basics_94_pct": ("English and maths", "{v} got grade 4 or above in English and maths"),
}


@dataclass(frozen=True)
class Statement:
    """One sentence and what it claims, so a test can hold the claim against the figures."""

    text: str
    verdict: str | None = None  # better | worse | in line | None (no direction claimed)
    figures: dict[str, float | None] = field(default_factory=dict)  # name -> value as shown

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.verdict or "", "")


@dataclass(frozen=True)
class DisadvantagedStatement:
    """The DfE comparison of an area's or school's disadvantaged pupils, as a title and two lines."""

    title: (
        str  # for a slide or a heading: names the verdict against disadvantaged pupils nationally
    )
    gap: Statement  # line 1: against non-disadvantaged pupils nationally (the DfE gap)
    second: Statement  # line 2: against disadvantaged pupils nationally (better / worse)
    note: str  # the threshold and the definition, for a footnote

    @property
    def lines(self) -> list[str]:
        return [self.gap.text, self.second.text]


def comparison_set(
    distribution: Any, n_schools: Any = None, la_names: Sequence[str] | None = None
) -> str:
    """'nationally' for a national comparison set, else 'among the N schools loaded (A, B)'."""
    if distribution == "national":
        return "nationally"
    names = [str(n) for n in (la_names or []) if not is_missing(n) and str(n).strip()]
    where = f" ({', '.join(names)})" if names else ""
    if is_missing(n_schools):
        return f"among the schools loaded{where}"
    return f"among the {int(n_schools):,} schools loaded{where}"


def verdict(name: str, value: Any, other: Any) -> str | None:
    """better | worse | in line for ``value`` against ``other`` on the shown figures, beyond the
    figure's threshold; None if either is missing or the figure has no direction."""
    f = F.figure(name)
    a, b = F.shown(name, value), F.shown(name, other)
    if a is None or b is None or f.higher_is_better is None:
        return None
    diff = F.round_half_up(a - b, f.decimals)
    if abs(diff) <= f.threshold:
        return IN_LINE
    return BETTER if (diff > 0) == f.higher_is_better else WORSE


def above_below(name: str, value: Any, other: Any) -> str | None:
    """'above' | 'below' | 'the same as' on the shown figures (no threshold: a plain fact)."""
    a, b = F.shown(name, value), F.shown(name, other)
    if a is None or b is None:
        return None
    return "above" if a > b else "below" if a < b else "the same as"


def difference_words(name: str, value: Any, other: Any) -> str | None:
    """'13 percentage points below' / '2.5 points above' / 'the same as' on the shown figures."""
    a, b = F.shown(name, value), F.shown(name, other)
    if a is None or b is None:
        return None
    f = F.figure(name)
    diff = F.round_half_up(a - b, f.decimals)
    if diff == 0:
        return "the same as"
    units = f.units or "points"
    size = format_number(abs(diff), decimals=f.decimals)
    if size == "1" and units.endswith("points"):
        units = units[:-1]
    return f"{size} {units} {'above' if diff > 0 else 'below'}"


def threshold_note(name: str) -> str:
    """'Better or worse only where the difference is more than 1 percentage point.'"""
    f = F.figure(name)
    if f.higher_is_better is None:
        return ""
    if f.threshold <= 0:
        return "Better or worse wherever the figures as published differ."
    size = format_number(f.threshold, decimals=f.decimals if f.decimals else 0)
    units = f.units or "points"
    if size == "1" and units.endswith("points"):
        units = units[:-1]
    return f"Better or worse only where the difference is more than {size} {units}."


def missing_words(status: Any) -> str:
    """Why a figure is not shown, in words (a code is named and explained)."""
    code = None if is_missing(status) else str(status).strip()
    if code == OUR_SUPPRESSION:
        return f"{SUPPRESSED_WORDS} (SUPP: small group)"
    if code == "SUPP":
        return "not shown: suppressed by the DfE before publication (SUPP)"
    if code in CODE_MEANINGS:
        meaning = CODE_MEANINGS[code]
        return f"not shown ({code}: {meaning[0].lower()}{meaning[1:]})"
    return "not published"


def disadvantaged(
    area: str,
    measure: str,
    time_period: Any,
    value: Any,
    status: Any,
    national_non_disadvantaged: Any,
    national_disadvantaged: Any,
) -> DisadvantagedStatement:
    """The DfE comparison for the disadvantaged pupils (FSM6CLA1A) of a school or an area.

    Line 1 (the DfE gap): against non-disadvantaged pupils nationally; a plain fact, no verdict.
    Line 2: against disadvantaged pupils nationally: better / worse beyond the threshold, in line
    otherwise. The title names the line-2 verdict, so a slide never calls a gap "better" because
    other pupils did worse.
    """
    _, what = PHRASES.get(measure, (F.label(measure), "{v}"))
    year = fmt_year(time_period) if not is_missing(time_period) else ""
    when = f" ({year})" if year else ""
    note = (
        "Disadvantaged pupils: eligible for free school meals in the last six years, or looked "
        "after (FSM6CLA1A). The gap is the DfE's: against non-disadvantaged pupils nationally. "
        + threshold_note(measure)
    )
    shown = F.shown(measure, value)
    nn = F.shown(measure, national_non_disadvantaged)
    nd = F.shown(measure, national_disadvantaged)
    figs = {"value": shown, "national_non_disadvantaged": nn, "national_disadvantaged": nd}
    if shown is None:
        words = missing_words(status)
        gap = Statement(f"Disadvantaged pupils in {area}{when}: {words}.", None, figs)
        second = Statement(
            "No comparison with disadvantaged pupils nationally can be made.", None, figs
        )
        return DisadvantagedStatement(f"{area}: disadvantaged pupils ({words})", gap, second, note)
    figure_text = what.format(v=fmt_measure(measure, value))
    diff1 = difference_words(measure, value, national_non_disadvantaged)
    if diff1 is None:
        line1 = f"Disadvantaged pupils in {area}{when}: {figure_text}; no national figure for non-disadvantaged pupils is loaded."
    else:
        line1 = (
            f"Disadvantaged pupils in {area}{when}: {figure_text}, {diff1} "
            f"non-disadvantaged pupils nationally ({fmt_measure(measure, nn)})."
        )
    figs["gap"] = None if nn is None else F.round_half_up(shown - nn, F.figure(measure).decimals)
    v2 = verdict(measure, value, national_disadvantaged)
    diff2 = difference_words(measure, value, national_disadvantaged)
    if v2 is None or diff2 is None:
        line2 = (
            "No national figure for disadvantaged pupils is loaded, so no better or worse is said."
        )
        title = f"{area}: disadvantaged pupils"
    else:
        figs["difference_vs_national_disadvantaged"] = F.round_half_up(
            shown - nd, F.figure(measure).decimals
        )
        head = {
            BETTER: f"{SYMBOL_BETTER} Better",
            WORSE: f"{SYMBOL_WORSE} Worse",
            IN_LINE: f"{SYMBOL_SAME} In line",
        }[v2]
        line2 = (
            f"{head} than disadvantaged pupils nationally ({fmt_measure(measure, nd)}): {diff2}."
            if v2 != IN_LINE
            else f"{head} with disadvantaged pupils nationally ({fmt_measure(measure, nd)}): {diff2}."
        )
        title_words = {
            BETTER: "did better than disadvantaged pupils nationally",
            WORSE: "did worse than disadvantaged pupils nationally",
            IN_LINE: "in line with disadvantaged pupils nationally",
        }[v2]
        title = f"{area}: disadvantaged pupils {title_words}"
    return DisadvantagedStatement(
        title, Statement(line1, None, figs), Statement(line2, v2, figs), note
    )


def against(name: str, value: Any, other: Any, who: str, status: Any = None) -> Statement:
    """'54%, 7 percentage points below the national 61% (▼ worse)' as one Statement."""
    if is_missing(value):
        return Statement(missing_words(status), None, {"value": None})
    shown_text = fmt_measure(name, value)
    diff = difference_words(name, value, other)
    v = verdict(name, value, other)
    figs = {"value": F.shown(name, value), "other": F.shown(name, other)}
    if diff is None:
        return Statement(shown_text, None, figs)
    text = f"{shown_text}, {diff} {who} {fmt_measure(name, other)}"
    if v in (BETTER, WORSE):
        text += f" ({SYMBOLS[v]} {v})"
    return Statement(text, v, figs)


def standing(
    percentile: Any, distribution: Any, rank: Any, n_schools: Any, la_names: Sequence[str] = ()
) -> Statement | None:
    """Where an achievement score stands, naming the comparison set (decision 9)."""
    where = comparison_set(distribution, n_schools, la_names)
    if distribution == "national" and not is_missing(percentile):
        p = int(F.shown("national_percentile", percentile))
        return Statement(
            f"The achievement score is higher than {p}% of schools in the same phase {where} "
            f"({ordinal(p)} percentile; 50th is the middle).",
            None,
            {"percentile": p},
        )
    if not is_missing(rank) and not is_missing(n_schools):
        return Statement(
            f"The achievement score ranks {ordinal(rank)} {where} (1st is highest); there is no "
            "national percentile because no national school-level file is loaded.",
            None,
            {"rank": int(rank), "n": int(n_schools)},
        )
    return None


__all__ = [
    "BETTER",
    "IN_LINE",
    "MINUS",
    "WORSE",
    "DisadvantagedStatement",
    "Statement",
    "above_below",
    "against",
    "comparison_set",
    "difference_words",
    "disadvantaged",
    "missing_words",
    "standing",
    "threshold_note",
    "verdict",
]
