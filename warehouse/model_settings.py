"""The school model's settings: load and validate model_settings.toml, hand them to SQL, write the method page.

Every weight, cut-off and rule threshold lives in ``warehouse/model_settings.toml`` as a table
``{ value = ..., help = "..." }``. ``load()`` refuses a file with an unknown (misspelt), missing or
mistyped key. ``apply(con)`` writes the ``model_settings`` table and one DuckDB variable per setting
(``<section>_<key>``, read in SQL with ``getvariable('achievement_weight_attainment')``).
``method_markdown()`` generates docs/method.md from the same values, so the docs never drift.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

SETTINGS_PATH = Path(__file__).with_name("model_settings.toml")
METHOD_PATH = Path(__file__).resolve().parent.parent / "docs" / "method.md"

# The schema: every key the file must hold, with its type. Anything else is an error.
_STR, _INT, _FLOAT, _BOOL = "str", "int", "float", "bool"
_STRS, _INTS, _FLOATS = "list[str]", "list[int]", "list[float]"
SCHEMA: dict[str, dict[str, str]] = {
    "as_at": {"reference_date": _STR, "intelligence_window_months": _INT},
    "distribution": {
        "national_min_coverage": _FLOAT,
        "national_min_las": _INT,
        "min_cohort": _INT,
        "excluded_phases": _STRS,
    },
    "achievement": {
        "weight_attainment": _FLOAT,
        "weight_progress": _FLOAT,
        "progress_not_published_ks2": _INTS,
        "progress_not_published_ks4": _INTS,
    },
    "bands": {
        "n_bands": _INT,
        "low_percentile": _FLOAT,
        "require_significance": _BOOL,
        "gap_margin_ks2": _FLOAT,
        "gap_margin_ks4": _FLOAT,
        "absence_low_percentile": _FLOAT,
    },
    "trend": {
        "n_years": _INT,
        "threshold_ks2_rwm_expected_pct": _FLOAT,
        "threshold_ks4_attainment8": _FLOAT,
        "threshold_ks2_progress": _FLOAT,
        "threshold_ks4_progress8": _FLOAT,
    },
    "rules": {
        "results_not_judged_phases": _STRS,
        "intensive_achievement_percentile": _FLOAT,
        "intensive_consecutive_years": _INT,
        "declining_progress_years": _INT,
        "watch_achievement_percentile": _FLOAT,
        "persistent_absence_percentile": _FLOAT,
        "concerns_complaints_min": _INT,
        "previous_inspection_max_years": _INT,
        "min_independent_sources": _INT,
        "headteacher_role_patterns": _STRS,
        "closed_notice_statuses": _STRS,
        "safeguarding_failed": _STRS,
        "inadequate_categories": _STRS,
        "report_card_urgent": _STR,
        "report_card_needs_attention": _STR,
        "evidence_weight_intensive": _FLOAT,
        "evidence_weight_targeted": _FLOAT,
        "evidence_weight_watch": _FLOAT,
        "evidence_half_life_months": _INT,
        "evidence_source_bonus": _FLOAT,
    },
    "actions": {
        "academy_concern": _STR,
        "intensive_maintained": _STR,
        "targeted_maintained": _STR,
        "universal": _STR,
        "universal_watch": _STR,
        "not_categorised": _STR,
        "confidential_line": _STR,
    },
    "la_triggers": {
        "red_margin_pct_points": _FLOAT,
        "red_margin_concern_pct": _FLOAT,
        "red_margin_attainment8": _FLOAT,
        "red_margin_progress_ks2": _FLOAT,
        "red_margin_progress8": _FLOAT,
        "national_inspection_min_share": _FLOAT,
        "complaints_amber": _INT,
        "complaints_red": _INT,
        "ofsted_complaint_pattern": _STR,
        "direction_threshold": _FLOAT,
        "primary_phases": _STRS,
        "secondary_phases": _STRS,
    },
    "similar_schools": {
        "group_size": _INT,
        "ks2_fields": _STRS,
        "ks2_weights": _FLOATS,
        "ks4_fields": _STRS,
        "ks4_weights": _FLOATS,
        "min_field_coverage": _FLOAT,
        "well_below_percentile": _FLOAT,
        "well_above_percentile": _FLOAT,
        "watch_years": _INT,
    },
}

# Context fields a similar-schools group can use (warehouse/sql/model/similar_schools.sql maps each
# to its published source measures, in order of preference).
SIMILAR_FIELDS = (
    "prior_low_pct",
    "prior_high_pct",
    "prior_ks2_aps",
    "disadvantaged_pct",
    "eal_pct",
    "sen_support_pct",
    "ehcp_pct",
    "pupils",
)
# The smallest group the shipped settings may ask for (issue 22: at least 30 schools). Tests that
# work groups out by hand pass smaller groups as Setting objects, which parse() never sees.
SIMILAR_MIN_GROUP = 30


class SettingsError(ValueError):
    """The settings file is wrong: unknown, missing or mistyped key, or an impossible value."""


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    value: Any
    help: str
    type: str

    @property
    def name(self) -> str:
        """The DuckDB variable / model_settings name: ``<section>_<key>``."""
        return f"{self.section}_{self.key}"


def _check_type(kind: str, value: Any) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _FLOAT:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == _STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == _INTS:
        return isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
    if kind == _FLOATS:
        return isinstance(value, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        )
    raise AssertionError(kind)


def parse(data: dict[str, Any], origin: str = "model_settings.toml") -> dict[str, Setting]:
    """Validate parsed TOML against SCHEMA; return settings by name. Every problem is reported at once."""
    errors: list[str] = []
    out: dict[str, Setting] = {}
    for section in data:
        if section not in SCHEMA:
            errors.append(f"unknown section [{section}] (known: {', '.join(SCHEMA)})")
    for section, keys in SCHEMA.items():
        given = data.get(section, {})
        if not isinstance(given, dict):
            errors.append(f"[{section}] must be a table")
            continue
        for key in given:
            if key not in keys:
                errors.append(f"unknown key {section}.{key} (misspelt? known: {', '.join(keys)})")
        for key, kind in keys.items():
            if key not in given:
                errors.append(f"missing key {section}.{key}")
                continue
            entry = given[key]
            if not isinstance(entry, dict) or set(entry) != {"value", "help"}:
                errors.append(f'{section}.{key} must be {{ value = ..., help = "..." }}')
                continue
            if not isinstance(entry["help"], str) or not entry["help"].strip():
                errors.append(f"{section}.{key} needs a line of help")
            if not _check_type(kind, entry["value"]):
                errors.append(f"{section}.{key} must be {kind}, got {entry['value']!r}")
                continue
            value = entry["value"]
            if kind == _FLOAT:
                value = float(value)
            elif kind == _FLOATS:
                value = [float(x) for x in value]
            out[f"{section}_{key}"] = Setting(section, key, value, entry["help"].strip(), kind)
    if not errors:
        errors.extend(_check_values(out))
    if errors:
        raise SettingsError(f"{origin}: " + "; ".join(errors))
    return out


def _check_values(s: dict[str, Setting]) -> list[str]:
    errors = []
    wa, wp = s["achievement_weight_attainment"].value, s["achievement_weight_progress"].value
    if not math.isclose(wa + wp, 1.0) or wa < 0 or wp < 0:
        errors.append(f"achievement weights must be >= 0 and add up to 1 (got {wa} + {wp})")
    ref = s["as_at_reference_date"].value
    if ref:
        try:
            dt.date.fromisoformat(ref)
        except ValueError:
            errors.append(f"as_at.reference_date must be YYYY-MM-DD or empty, got {ref!r}")
    for name in (
        "bands_low_percentile",
        "rules_intensive_achievement_percentile",
        "rules_watch_achievement_percentile",
        "rules_persistent_absence_percentile",
        "bands_absence_low_percentile",
    ):
        if not 0 < s[name].value <= 100:
            errors.append(f"{name} must be in (0, 100]")
    if s["bands_n_bands"].value < 2:
        errors.append("bands.n_bands must be at least 2")
    if s["trend_n_years"].value < 2:
        errors.append("trend.n_years must be at least 2")
    if not 0 < s["distribution_national_min_coverage"].value <= 1:
        errors.append("distribution.national_min_coverage must be in (0, 1]")
    errors.extend(_check_similar(s))
    return errors


def _check_similar(s: dict[str, Setting]) -> list[str]:
    errors = []
    if s["similar_schools_group_size"].value < SIMILAR_MIN_GROUP:
        errors.append(f"similar_schools.group_size must be at least {SIMILAR_MIN_GROUP}")
    for ks in ("ks2", "ks4"):
        fields = s[f"similar_schools_{ks}_fields"].value
        weights = s[f"similar_schools_{ks}_weights"].value
        unknown = [f for f in fields if f not in SIMILAR_FIELDS]
        if unknown:
            errors.append(
                f"similar_schools.{ks}_fields: unknown {', '.join(unknown)} (known: {', '.join(SIMILAR_FIELDS)})"
            )
        if not fields or len(fields) != len(set(fields)):
            errors.append(f"similar_schools.{ks}_fields must name at least one field, each once")
        if len(weights) != len(fields) or any(w <= 0 for w in weights):
            errors.append(
                f"similar_schools.{ks}_weights needs one weight above 0 per field ({len(fields)})"
            )
    if not 0 < s["similar_schools_min_field_coverage"].value <= 1:
        errors.append("similar_schools.min_field_coverage must be in (0, 1]")
    lo, hi = (
        s["similar_schools_well_below_percentile"].value,
        s["similar_schools_well_above_percentile"].value,
    )
    if not 0 < lo < hi < 100:
        errors.append(
            "similar_schools: need 0 < well_below_percentile < well_above_percentile < 100"
        )
    if s["similar_schools_watch_years"].value < 1:
        errors.append("similar_schools.watch_years must be at least 1")
    return errors


def load(path: Path | str = SETTINGS_PATH) -> dict[str, Setting]:
    """Read and validate a settings file."""
    path = Path(path)
    with path.open("rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    return parse(data, str(path))


def _sql_literal(setting: Setting) -> str:
    v = setting.value
    if setting.type == _STR:
        return "'" + v.replace("'", "''") + "'"
    if setting.type == _BOOL:
        return "TRUE" if v else "FALSE"
    if setting.type == _INT:
        return f"{int(v)}::INTEGER"
    if setting.type == _FLOAT:
        return f"{float(v)!r}::DOUBLE"
    if setting.type == _STRS:
        return "[" + ", ".join("'" + x.replace("'", "''") + "'" for x in v) + "]::VARCHAR[]"
    if setting.type == _INTS:
        return "[" + ", ".join(str(int(x)) for x in v) + "]::INTEGER[]"
    if setting.type == _FLOATS:
        return "[" + ", ".join(repr(float(x)) for x in v) + "]::DOUBLE[]"
    raise AssertionError(setting.type)


def latest_as_at(con: duckdb.DuckDBPyConnection, settings: dict[str, Setting]) -> dt.date:
    """The as-at date of the latest year: the reference_date setting, else the load date, else today."""
    ref = settings["as_at_reference_date"].value
    if ref:
        return dt.date.fromisoformat(ref)
    has_info = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'load_info' AND schema_name = current_schema() "
        "AND database_name = current_database()"
    ).fetchone()[0]
    if has_info:
        rows = con.execute(
            "SELECT key, value FROM load_info WHERE key IN ('load_date', 'started_at', 'started')"
        ).fetchall()
        found = dict(rows)
        for key in ("load_date", "started_at", "started"):
            if found.get(key):
                try:
                    return dt.date.fromisoformat(str(found[key])[:10])
                except ValueError:
                    pass
    return dt.date.today()


def apply(
    con: duckdb.DuckDBPyConnection,
    path: Path | str = SETTINGS_PATH,
    settings: dict[str, Setting] | None = None,
) -> dict[str, Setting]:
    """Write ``model_settings`` (name, section, key, value as JSON, type, help) and set one variable per setting.

    Also sets ``as_at_latest_date`` (the as-at date used for the latest year, see method.md) and
    records it in ``model_settings`` so every build says which date its categories used.
    """
    settings = settings if settings is not None else load(path)
    con.execute(
        "CREATE OR REPLACE TABLE model_settings (name VARCHAR PRIMARY KEY, section VARCHAR, key VARCHAR, "
        "value_json VARCHAR, type VARCHAR, help VARCHAR)"
    )
    rows = [
        (s.name, s.section, s.key, json.dumps(s.value), s.type, s.help) for s in settings.values()
    ]
    latest = latest_as_at(con, settings)
    rows.append(
        (
            "as_at_latest_date",
            "as_at",
            "latest_date",
            json.dumps(latest.isoformat()),
            "date",
            "The as-at date actually used for the latest year of this build.",
        )
    )
    con.executemany("INSERT INTO model_settings VALUES (?, ?, ?, ?, ?, ?)", rows)
    for s in settings.values():
        con.execute(f"SET VARIABLE {s.name} = {_sql_literal(s)}")
    con.execute(f"SET VARIABLE as_at_latest_date = DATE '{latest.isoformat()}'")
    return settings


def run_model(
    con: duckdb.DuckDBPyConnection,
    path: Path | str = SETTINGS_PATH,
    settings: dict[str, Setting] | None = None,
) -> None:
    """Apply the settings and build every model table (warehouse/sql/model in order.txt order)."""
    from warehouse.sql_files import run_folder

    apply(con, path, settings)
    run_folder(con, "model")


# --------------------------------------------------------------------------------------------
# The method page, generated from the settings.


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(none)"
    if value == "":
        return "(empty)"
    return str(value)


# The worked example: five schools of one KS2 year in a national file (the same numbers as the tests'
# scenario, tests/warehouse/model/scenario.py, 2018/19), computed here with the current settings.
EXAMPLE_SCHOOLS = {  # name: (RWM expected %, (reading, writing, maths progress), mean upper CI limit)
    "A": (50.0, (0.0, 0.0, 0.0), 2.0),
    "B": (60.0, (-2.0, -4.0, -3.0), -1.0),
    "C": (70.0, (1.0, 1.0, 1.0), 3.0),
    "D": (80.0, (-1.0, -1.0, -1.0), 1.0),
    "E": (90.0, (3.0, 3.0, 3.0), 5.0),
}


def worked_example(s: dict[str, Setting]) -> dict[str, dict[str, float]]:
    """Scores, percentiles and bands of EXAMPLE_SCHOOLS, by the method the page describes."""
    wa = s["achievement_weight_attainment"].value
    wp = s["achievement_weight_progress"].value
    nb = s["bands_n_bands"].value
    att = {k: v[0] for k, v in EXAMPLE_SCHOOLS.items()}
    prog = {k: sum(v[1]) / 3 for k, v in EXAMPLE_SCHOOLS.items()}

    def z(values: dict[str, float]) -> dict[str, float]:
        mean = sum(values.values()) / len(values)
        sd = math.sqrt(sum((x - mean) ** 2 for x in values.values()) / len(values))
        return {k: (x - mean) / sd for k, x in values.items()}

    za, zp = z(att), z(prog)
    ach = {k: wa * za[k] + wp * zp[k] for k in att}
    out = {}
    n = len(ach)
    for k in ach:
        rank = 1 + sum(1 for x in ach.values() if x < ach[k] - 1e-12)
        pct = 100.0 * (rank - 1) / (n - 1)
        prank = 1 + sum(1 for x in prog.values() if x < prog[k] - 1e-12)
        ppct = 100.0 * (prank - 1) / (n - 1)
        out[k] = {
            "attainment": att[k],
            "progress": prog[k],
            "attainment_z": za[k],
            "progress_z": zp[k],
            "achievement": ach[k],
            "percentile": pct,
            "band": min(nb, 1 + math.floor(pct * nb / 100)),
            "progress_percentile": ppct,
            "ci_upper": EXAMPLE_SCHOOLS[k][2],
        }
    return out


def _worked_example(s: dict[str, Setting]) -> str:
    wa = s["achievement_weight_attainment"].value
    wp = s["achievement_weight_progress"].value
    nb = s["bands_n_bands"].value
    ex = worked_example(s)
    att = [v["attainment"] for v in ex.values()]
    prog = [v["progress"] for v in ex.values()]
    am, pm = sum(att) / 5, sum(prog) / 5
    asd = math.sqrt(sum((x - am) ** 2 for x in att) / 5)
    psd = math.sqrt(sum((x - pm) ** 2 for x in prog) / 5)
    b = ex["B"]
    lines = [
        "Five schools make up the national file for one KS2 year (their cohorts add up to the national cohort).",
        "",
        "| school | RWM expected % | reading, writing, maths progress | progress (mean) | attainment z | progress z | achievement | percentile | band |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for k, v in ex.items():
        r = ", ".join(f"{x:g}" for x in EXAMPLE_SCHOOLS[k][1])
        lines.append(
            f"| {k} | {v['attainment']:g} | {r} | {v['progress']:g} | {v['attainment_z']:.4f} | {v['progress_z']:.4f} "
            f"| {v['achievement']:.4f} | {v['percentile']:g} | {v['band']} |"
        )
    lines += [
        "",
        f"Attainment: mean {am:g}, population standard deviation sqrt(((50-70)^2 + (60-70)^2 + 0 + (80-70)^2 + (90-70)^2) / 5) = {asd:.4f}.",
        f"Progress: mean {pm:g}, standard deviation {psd:.4f}.",
        "",
        "School B:",
        "",
        f"- attainment z = (60 - {am:g}) / {asd:.4f} = {b['attainment_z']:.4f}",
        f"- progress = (-2 - 4 - 3) / 3 = -3; progress z = (-3 - {pm:g}) / {psd:.4f} = {b['progress_z']:.4f}",
        f"- achievement = {wa:g} x ({b['attainment_z']:.4f}) + {wp:g} x ({b['progress_z']:.4f}) = {b['achievement']:.4f}",
        f"- lowest of the five, so rank 1 from the bottom: percentile = 100 x (1 - 1) / (5 - 1) = {b['percentile']:g},"
        f" band = 1 + floor({b['percentile']:g} x {nb} / 100) = {b['band']}",
        f"- progress -3 is the lowest (percentile {b['progress_percentile']:g}) and its upper confidence limit"
        f" (-1 - 2 + 0) / 3 = {b['ci_upper']:g} is below 0: a progress concern (T4). With the same in the previous"
        " year, rule I5 makes B intensive.",
        "",
        f"If B's progress were suppressed, or the year one without published progress, its achievement would be its"
        f" attainment z alone, {b['attainment_z']:.4f}, labelled 'attainment only'.",
    ]
    return "\n".join(lines)


def _similar_section(s: dict[str, Setting]) -> list[str]:
    """Section 8 of the method page: how the similar-schools groups are made (issue 22)."""

    def v(name: str) -> str:
        return _fmt(s[name].value)

    def fields(ks: str) -> str:
        f, w = s[f"similar_schools_{ks}_fields"].value, s[f"similar_schools_{ks}_weights"].value
        return ", ".join(f"`{a}` x {b:g}" for a, b in zip(f, w, strict=True))

    return [
        "## 8. Similar schools (tables `similar_school_groups`, `similar_school_comparison`)",
        "",
        "Each school is also compared with the schools whose pupils are most like its own, so a school serving a",
        "deprived community is not judged only against national, and a school with a favoured intake not flattered.",
        "",
        "- **Pool**: every school with a scored result of the same key stage and year (KS2 = primary, KS4 =",
        "  secondary; the phases and small cohorts of section 1 are left out). When a national school-level file",
        "  is loaded for that key stage and year (decision 8) the pool is every such school in England, never the",
        "  county alone; otherwise it is the loaded schools only, and every page that shows the comparison says",
        "  so ('among the 309 loaded Hampshire schools only; no national KS2 file loaded for 2018/19').",
        f"- **Context fields and weights** (field x weight). KS2: {fields('ks2')}. KS4: {fields('ks4')}.",
        "  Each field comes from the cohort's own figure in the performance file (KS2: PTKS1GROUP_L/_H,",
        "  PTFSM6CLA1A, PTEALGRP2, PSENELK, PSENELE, TELIG; KS4: KS2APS, PTFSM6CLA1A, PTEALGRP2, PSENAPK4,",
        "  PSENSE4, TPUP), else the school census of the same year (FSM in 6 years, EAL, SEN support, EHC plan);",
        f"  a source is used only when at least {v('similar_schools_min_field_coverage')} of the pool has it, else the",
        "  field is left out and the basis names it (`similar_field_sources`, `similar_school_pools`).",
        "- **Standardised**: z = (value - pool mean) / pool population standard deviation. A school without a",
        "  used field sits at the pool mean for it (z = 0, `similar_school_features.imputed`).",
        "- **Distance** between two schools = sqrt(sum over fields of weight x (z difference)^2).",
        f"- **Group**: the {v('similar_schools_group_size')} nearest other schools (ties go to the lower URN), stored with",
        "  the build in `similar_school_groups` (urn, similar_urn, distance, rank).",
        "- **Comparison** for each headline measure (KS2 RWM expected %, mean KS2 progress; Attainment 8,",
        "  Progress 8): the group mean of the schools that have the figure, their number, and the school's",
        "  position = 100 x (group schools with a lower figure + half of those with the same) / group schools",
        f"  with the figure. Well below: position <= {v('similar_schools_well_below_percentile')}; well above (shown as a strength):",
        f"  position >= {v('similar_schools_well_above_percentile')}. Plain words: 'well above most', 'above most' (over 50),",
        "  'in the middle of', 'below most', 'well below most' schools with a similar intake.",
        f"- **Watch signal** (decision 11): well below on the same measure in each of the last {v('similar_schools_watch_years')} published",
        "  years of the school. It is evidence beside the school, never a category on its own.",
        "- **Who sees the group**: managers and officers can list a school's group (names, context and figures)",
        "  on the school's drill-down; governors see the group's size and average only, never the names.",
        "",
        "Worked example (tests/warehouse/model/test_similar_schools.py, groups of 3 on disadvantaged % alone):",
        "twelve schools at 0, 5, ..., 55% disadvantaged have mean 27.5 and standard deviation",
        "sqrt(3575 / 12) = 17.2603. The school at 25% has the schools at 20% and 30% at distance 5 / 17.2603 =",
        "0.2897, then 15% and 35% tied at 0.5794: the lower URN (15%) completes the group. With results 60, 70",
        "and 80 in its group and 50 itself, its group mean is 70 and its position 0: well below; if the same in",
        "the previous year, a watch signal.",
        "",
    ]


_method_memo: tuple[bytes, str] | None = None  # (the file's bytes, its method page)


def current_method_markdown(path: Path | str = SETTINGS_PATH) -> str:
    """``method_markdown(load(path))``, made again only when the file's content changes (its bytes
    are read on each call, a few microseconds; parsing them took about 5 ms on every rerun of the
    method page). Content, not the modification time: an edit within one clock tick still counts."""
    global _method_memo
    raw = Path(path).read_bytes()
    memo = _method_memo
    if memo is not None and memo[0] == raw:
        return memo[1]
    text = method_markdown(load(path))
    _method_memo = (raw, text)
    return text


def method_markdown(settings: dict[str, Setting] | None = None) -> str:
    """The method page (docs/method.md), generated from the settings file."""
    s = settings if settings is not None else load()

    def v(name: str) -> str:
        return _fmt(s[name].value)

    lines = [
        "# How the school model works",
        "",
        "<!-- Generated by warehouse/model_settings.py from warehouse/model_settings.toml. Do not edit by hand:",
        '     run `python -c "import warehouse.model_settings as m; m.write_method()"`. A test checks it is current. -->',
        "",
        "Everything below that is a number or a list is a setting in `warehouse/model_settings.toml`;",
        "the values shown are the ones this build uses.",
        "",
        "## 1. Standardised measures (table `standardised_measures`)",
        "",
        "- KS2 attainment: `ks2_rwm_expected_pct` (PTRWM_EXP, % meeting the expected standard in reading, writing",
        "  and maths). KS2 progress: the mean of `ks2_reading_progress`, `ks2_writing_progress` and",
        "  `ks2_maths_progress`, only when all three are published (if any is suppressed, progress is missing).",
        "  Its confidence limits are the means of the three published limits (wider than the exact interval of",
        "  a mean, so the model is cautious about calling a result significant).",
        "- KS4 attainment: `ks4_attainment8` (ATT8SCR). KS4 progress: `ks4_progress8` (P8MEA, CI P8CILOW/P8CIUPP).",
        "- Only all-pupil values of schools in the key stage's results are used. Schools whose phase is one of "
        f"  {v('distribution_excluded_phases')} get no score (they are still categorised on inspection,",
        "  intelligence and attendance). Schools with a cohort below "
        f"{v('distribution_min_cohort')} pupils are not scored",
        "  and are left out of the distribution (`scored` = false, `not_scored_reason` says why).",
        "- **National distribution.** A key stage and year has one when the loaded schools' cohort adds up to at",
        f"  least {v('distribution_national_min_coverage')} of the national row's cohort, or the schools come from at least",
        f"  {v('distribution_national_min_las')} local authorities. Then:",
        "  z = (value - mean of the national schools) / (population standard deviation of the national schools),",
        "  and `national_percentile` is filled.",
        "- **Without a national school-level file** (decision 8), the centre is the published national figure",
        "  (for progress, 0 = national average, when no national row exists) and the spread is the population",
        "  standard deviation of the loaded schools; `national_percentile` is NULL and the rank is shown",
        "  \"among N loaded schools\" (`distribution` = 'loaded').",
        "- **Percentile** = 100 x (rank - 1) / (N - 1), with rank counted from the lowest score (tied schools share",
        "  the lowest rank of the tie), over the national schools (or the loaded schools). A lone school has",
        "  percentile NULL. `rank_among_loaded` counts from the highest score (1 = highest).",
        "- To reproduce a score by hand, `standardised_measures` holds each school's value, the centre and spread",
        "  used, and N: z = (value - centre) / spread.",
        "",
        "## 2. Achievement score (table `achievement`)",
        "",
        f"- achievement = {v('achievement_weight_attainment')} x attainment z + {v('achievement_weight_progress')} x progress z",
        "  (`method` = 'attainment and progress').",
        "- Where progress is missing the score is the attainment z alone, `method` = 'attainment only', and",
        "  `method_note` says why: progress not published for the year (KS2: "
        f"{v('achievement_progress_not_published_ks2')}; KS4: {v('achievement_progress_not_published_ks4')}),",
        "  or suppressed / not published for this school (with the code). Weights are never silently re-balanced:",
        "  the label travels with the score into every view.",
        "- `attainment_score` and `progress_score` are the published figures (percentage, Attainment 8 points,",
        "  progress points); `attainment_z` and `progress_z` the standardised ones.",
        "- National percentile, rank and band of the achievement score are computed as in section 1 among scored",
        "  schools of the same key stage and year (attainment-only and full scores are ranked together; the",
        "  method column says which is which).",
        "",
        "## 3. Bands (table `school_bands`)",
        "",
        f"- Band = 1 + floor(percentile x {v('bands_n_bands')} / 100), capped at {v('bands_n_bands')}: 1 is the lowest group. `band_basis` says",
        "  'national' or 'among N loaded schools'.",
        f"- achievement, attainment: flagged when the percentile is below {v('bands_low_percentile')}.",
        f"- progress: flagged (a **progress concern**, decision 10) when the percentile is below {v('bands_low_percentile')} AND, where",
        "  a confidence interval is published, its upper limit is below 0"
        f" (require_significance = {v('bands_require_significance')}).",
        "- attendance (overall absence) and persistent_absence: percentile of being worse within the school's phase",
        "  group (primary, secondary, special, other; national figures are published by phase): the school with the",
        "  highest absence has percentile 0, so band 1 is the worst; national when schools of at least",
        f"  {v('distribution_national_min_las')} LAs are loaded, else among loaded schools; flagged when below "
        f"{v('bands_absence_low_percentile')}.",
        "- inspection: band 1 = inadequate (grade 4, "
        f"{v('rules_inadequate_categories')}, any report-card area '{v('rules_report_card_urgent')}', safeguarding not met),",
        f"  2 = requires improvement or any area '{v('rules_report_card_needs_attention')}', 3 = neither; flagged when band <= 2.",
        "- disadvantaged_gap: gap = school disadvantaged value - national non-disadvantaged value; national gap =",
        "  national disadvantaged - national non-disadvantaged. Band 1 (flagged) when the school's gap is wider",
        f"  than the national gap by at least {v('bands_gap_margin_ks2')} points (KS2) / {v('bands_gap_margin_ks4')} (KS4); 2 when wider; 3 otherwise.",
        "- trend: band 1 'worse' (flagged), 2 'similar', 3 'better', from the attainment trend (section 5).",
        "",
        "## 4. Support category (tables `support_reasons`, `support_category`, `input_coverage`), decision 11",
        "",
        "The council's three tiers: **intensive** for schools causing concern or at risk of it; **targeted** for",
        "schools that require improvement, whose standards have declined, or where independent signals agree;",
        "everyone else **universal** (collaborative). A single soft or one-year signal is a **watch** signal:",
        "shown beside the school with its figures and dates, never a category on its own. Every rule that fires",
        "gives one reason in plain words with its figures and dates (`support_reasons`, `kind` intensive,",
        "targeted or watch). Intensive if any intensive rule fires, else targeted if any targeted rule fires,",
        "else universal.",
        "",
        "| rule_id | kind | source | fires when |",
        "|---|---|---|---|",
        "| I1_inadequate | intensive | inspection | latest graded inspection grade 4, or category of concern "
        f"{v('rules_inadequate_categories')}, or (2024/25 era) any sub-judgement 4 |",
        f"| I2_urgent_improvement | intensive | inspection | any area of the latest report card '{v('rules_report_card_urgent')}' |",
        f"| I3_safeguarding | intensive | inspection | latest inspection's safeguarding is one of {v('rules_safeguarding_failed')} |",
        "| I4_notice_of_concern | intensive | intelligence | a notice of concern open at the as-at date |",
        f"| I5_low_achievement_progress | intensive | data | achievement percentile < {v('rules_intensive_achievement_percentile')} and a progress concern in each of the last {v('rules_intensive_consecutive_years')} published years of the school's data |",
        "| I6_requires_improvement_declining | intensive | inspection | T1 or T2 together with declining standards (T3 or T4) |",
        "| T1_requires_improvement | targeted | inspection | latest graded inspection grade 3 (or any 2024/25 sub-judgement 3) |",
        f"| T2_needs_attention | targeted | inspection | any report-card area '{v('rules_report_card_needs_attention')}' |",
        f"| T3_falling_attainment | targeted | data | declining standards: attainment minus national fell at each step of the last {v('trend_n_years')} published years and is now below national |",
        f"| T4_progress_concern_two_years | targeted | data | declining standards: a progress concern (section 3) in each of the last {v('rules_declining_progress_years')} published years of progress for the school |",
        f"| T5_independent_signals | targeted | the signals' | at least {v('rules_min_independent_sources')} watch signals at once, each from a different source (data, inspection, intelligence); two from the same source do not count |",
        '| T6_stuck | targeted | inspection | below Good at the latest graded inspection and at the one before (the DfE\'s "stuck" schools, below) |',
        f"| W1_low_achievement | watch | data | achievement percentile < {v('rules_watch_achievement_percentile')} in the year itself (the latest year only) |",
        "| W2_progress_concern | watch | data | a single progress concern: the latest published progress result is a concern, the one before is not |",
        f"| W3_persistent_absence | watch | data | persistent absence in the worst {v('rules_persistent_absence_percentile')}% (nationally where a national file is loaded, else among loaded schools, as the flag says) |",
        f"| W4_headteacher_change | watch | intelligence | a leadership change whose role matches {v('rules_headteacher_role_patterns')} in the {v('as_at_intelligence_window_months')} months to the as-at date |",
        f"| W5_concerns_complaints | watch | intelligence | at least {v('rules_concerns_complaints_min')} concerns and complaints together in the {v('as_at_intelligence_window_months')} months to the as-at date |",
        f"| W6_previous_inspection | watch | inspection | the graded inspection before the latest was below Good (and the latest is not), and ended within {v('rules_previous_inspection_max_years')} years of the as-at date |",
        "| W7_similar_schools | watch | data | a headline result well below its similar schools (position <= similar_schools.well_below_percentile) in each of the last similar_schools.watch_years published years (section 8) |",
        "",
        "- **Special schools and alternative provision** (phases "
        f"{v('rules_results_not_judged_phases')}) are never categorised or flagged on attainment, progress or",
        "  achievement (I5, T3, T4, W1, W2): their published figures, often 0% at the expected standard every year,",
        "  do not measure them. Inspection, intelligence and attendance rules apply to them as to every school,",
        "  and their `rules_not_applied` says so.",
        "- **Below Good** (for T6 and W6), per era, never converted: legacy overall effectiveness 3 or 4 or a",
        "  category of concern; 2024/25 inspections (no overall grade) any sub-judgement graded 3 or 4; report",
        f"  cards any area '{v('rules_report_card_needs_attention')}' or '{v('rules_report_card_urgent')}'. A school is **stuck** as the DfE defines it for its",
        "  regional improvement teams: below Good at its latest graded inspection and at the one before.",
        "- Rules I1-I3, I6, T1, T2, T6 and W6 use the latest (and previous) inspection that ended on or before the",
        "  as-at date. 'Graded' means a legacy inspection with an overall grade, any 2024/25 inspection, or any",
        "  report card; a later inspection of a new era supersedes an older grade.",
        "- A notice of concern is open at the as-at date when it was issued on or before it and either its",
        f"  status is not one of {v('rules_closed_notice_statuses')} or its review_date is on or after the as-at date.",
        "",
        "### One sentence, the reasons, and what governors see",
        "",
        "- `summary`: one sentence naming the strongest reason with its fact and date, and the strongest reason",
        '  from another source when there is one, e.g. "Requires improvement (Ofsted, March 2024) and KS2',
        "  attainment below national and falling three published years running (4.0 percentage points below in",
        '  2023/24)". Universal schools: "Universal support; watch: ..." with the strongest watch signal, or',
        '  "no rule for targeted or intensive support applies" with the latest inspection.',
        "- `reasons`: every intensive and targeted reason, strongest first; `watch_flags`: every watch signal.",
        "- Reasons from the intelligence workbook carry `confidential` = TRUE. Governors see `governor_summary`,",
        "  `governor_reasons` and `governor_watch_flags`, where everything confidential is replaced by one line: "
        f'"{v("actions_confidential_line")}" (decision 16).',
        "",
        "### Order within a category (weight of evidence)",
        "",
        "Each reason and watch signal has `evidence` = kind weight (intensive "
        f"{v('rules_evidence_weight_intensive')}, targeted {v('rules_evidence_weight_targeted')}, watch {v('rules_evidence_weight_watch')})",
        f"x 0.5^(months from its fact date to the as-at date / {v('rules_evidence_half_life_months')}) (recency) x (1 + significance), where",
        "significance (0-1) is how far past its cut-off the figure is (for a percentile rule (cut-off - percentile) /",
        "cut-off; for falling attainment the points below national / (3 x the trend threshold); 0 for yes/no facts).",
        "`evidence_score` = the sum over the school's reasons and watch signals + "
        f"{v('rules_evidence_source_bonus')} for each independent source",
        "beyond the first. `rank_in_category` orders each LA's schools within their category by it (1 = first visit).",
        "",
        "### Coverage: rules not applied, not categorised",
        "",
        "`input_coverage` records for each school and year which inputs were loaded (results, absence, inspections,",
        "council intelligence). Where an input a rule needs is missing, `rules_not_applied` says so in plain words",
        'on every page that shows the category ("inspection rules not applied: no inspection data loaded for this',
        'school"; "attendance rule not applied: no absence data loaded for 2024/25"). A school is **not',
        "categorised** only where it has no results or absence figures (this or an earlier year), no inspection",
        "and no council intelligence record; `not_categorised_reason` says so, and says why where the files",
        "do: a school not in the GIAS file loaded (named only by a census or results file: whether it is open,",
        "and its district, are not known), or one that opened in or after that school year, with the schools it",
        "replaced and their URNs (a new URN starts with no figures; the old URN keeps them). On the real files",
        "of one county (2018/19, as at the load date) that is 31 schools named only by the census (independent",
        "schools, pupil referral units, nurseries) and 13 academies and free schools opened since. The",
        "recommended action is",
        f'"{v("actions_not_categorised")}"',
        "",
        "### Recommended action",
        "",
        "An academy or free school that is targeted or intensive gets",
        f'"{v("actions_academy_concern")}"; maintained schools get "{v("actions_intensive_maintained")}" (intensive)',
        f'or "{v("actions_targeted_maintained")}" (targeted); universal schools "{v("actions_universal")}", or with',
        f'watch signals "{v("actions_universal_watch")}"',
        "",
        "### The as-at date",
        "",
        "Each year is categorised as at the 31 August that ends it (2023/24 -> 2024-08-31), so results are",
        "reproducible. The latest year in the build instead uses `as_at.reference_date` when set"
        f" ({v('as_at_reference_date')}), else the load",
        "date in `load_info`, else today; the date used is stored in `model_settings` (as_at_latest_date) and in",
        "`support_category.as_at`.",
        "",
        "### Which years and schools",
        "",
        "A school gets a category for each year that has any school results loaded (KS2, KS4, census, absence) if it",
        "has data that year or is open at the as-at date. Academy converters have a new URN (GIAS): the old URN keeps",
        "its history and closes; the new URN starts with its own first published year, so its trend says 'not",
        "enough published years' until it has them. Nothing is carried across URNs silently.",
        "",
        "## 5. Trends (table `trends`), decision 14",
        "",
        f"- For each school, key stage, year and component (attainment, progress): the last {v('trend_n_years')} published years of",
        "  the school up to that year (no year exists for 2019/20 and 2020/21; `spans_covid_gap` marks a trend that",
        "  reaches across it, and charts never draw a line across it).",
        "- relative = school value - national value (progress is already relative: national = 0).",
        "- change = relative in the last year - relative in the first. better when change >= threshold, worse when",
        f"  <= -threshold, otherwise similar. Thresholds: KS2 RWM {v('trend_threshold_ks2_rwm_expected_pct')} points, Attainment 8 {v('trend_threshold_ks4_attainment8')},",
        f"  KS2 progress {v('trend_threshold_ks2_progress')}, Progress 8 {v('trend_threshold_ks4_progress8')}. Fewer published years: direction NULL, 'not enough published years'.",
        "- `falling_every_year` when relative fell at every step (used by rule T3 with 'now below national').",
        "- `category_transitions` counts schools by (previous category -> category) between consecutive model",
        "  years per LA, so 'left intensive' and 'entered intensive' can be read off.",
        "",
        "## 6. Pupil groups (table `group_gaps`)",
        "",
        "Every KS2/KS4 measure for every pupil group published nationally; where a school has no row for a group the",
        "value is NULL with note 'not published for this group'. 'Disadvantaged' is FSM6CLA1A (FSM in the last six",
        "years or looked after). Gaps: school disadvantaged - national non-disadvantaged (the published",
        "convention) and school disadvantaged - national disadvantaged.",
        "",
        "## 7. LA risk triggers (table `la_risk_triggers`)",
        "",
        "For each LA, phase (primary = KS2, secondary = KS4) and year: value, national value, rag, direction. Green:",
        "at or better than national; amber: worse by less than the red margin; red: worse by at least it",
        f"(percentages {v('la_triggers_red_margin_pct_points')} points; category of concern {v('la_triggers_red_margin_concern_pct')} points; Attainment 8 {v('la_triggers_red_margin_attainment8')};",
        f"KS2 progress {v('la_triggers_red_margin_progress_ks2')}; Progress 8 {v('la_triggers_red_margin_progress8')}). Direction: change in (LA - national) since the previous published",
        f"year; better/worse beyond {v('la_triggers_direction_threshold')}, else similar. Trigger 7 counts complaints made to Ofsted",
        f"(amber from {v('la_triggers_complaints_amber')}, red from {v('la_triggers_complaints_red')}); trigger 8 (Secretary of State request) is not in the data.",
        "Inspection triggers (1-3) have a national value only when a national inspection file is loaded: graded",
        f"inspections covering at least {v('la_triggers_national_inspection_min_share')} of the primary or secondary schools in the build that year, or",
        f"coming from at least {v('distribution_national_min_las')} LAs; otherwise the national value is NULL and rag 'no national comparison'. Statistical neighbours (mean of the neighbours'",
        "values) appear when `statistical_neighbours` is loaded.",
        "",
        *_similar_section(s),
        "## Worked example",
        "",
        _worked_example(s),
        "",
        "## Every setting",
        "",
        "| setting | value | what it does |",
        "|---|---|---|",
    ]
    for st in s.values():
        lines.append(f"| `{st.section}.{st.key}` | {_fmt(st.value)} | {st.help} |")
    lines.append("")
    return "\n".join(lines)


def write_method(path: Path | str = METHOD_PATH) -> Path:
    """Regenerate docs/method.md."""
    path = Path(path)
    path.write_text(method_markdown(), encoding="utf-8")
    return path
