"""The invented county (Eastmoor, LA 991), the invented national LAs, and every school's latent performance.

Everything here is fictional. Nothing is drawn from a real school, place or person. All randomness comes from
one numpy Generator seeded by the caller, used in a fixed order, so the same seed gives the same county.

Conversions (kept simple, as GIAS does it): a maintained school that becomes an academy closes on the day before
conversion (EstablishmentStatus Closed, ReasonEstablishmentClosed "Academy Converter") and a NEW URN opens on the
conversion date (ReasonEstablishmentOpened "Academy Converter"). GIAS "Linked establishments" says
"<new urn> Successor" on the old row and "<old urn> Predecessor" on the new one. Results of a year belong to the
URN that holds the school on 1 July of that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

LA_CODE = 991
LA_NAME = "Eastmoor"
REFERENCE_DATE = date(2026, 9, 1)
# published years (decision 14: no tables for 2019/20 and 2020/21)
YEARS = (201819, 202122, 202223, 202324, 202425)
# internal years simulated only to fill the prior-year (_18, _17, _16) columns of the first published file
PRIOR_YEARS = (201617, 201718)

DISTRICTS = (
    "Ashmere Vale",
    "Brindlecombe",
    "Corrowdale",
    "Dunholt Moor",
    "Elverbridge",
    "Fennick Downs",
    "Gorsemoor",
    "Hollinshaw Marsh",
)
# invented national LAs: codes not used by any real English LA (real codes stop at 941 apart from 991-999 unused)
NATIONAL_LA_NAMES = (
    "Westholm",
    "Northcrag",
    "Sedgemoor Vale",
    "Ravensmere",
    "Kettlewick",
    "Oxbarrow",
    "Pellingford",
    "Quarnmoor",
    "Thistlebury",
    "Umbercliff",
    "Varrowdale",
    "Wendlecombe",
    "Yarrowfield",
    "Zennor Reach",
    "Ambleworth",
    "Blackmere",
    "Caldwick",
    "Dornwold",
    "Eskerby",
    "Farrowhurst",
    "Glenmarrow",
    "Hartwold",
    "Inglemere",
    "Jarrowby",
    "Kestermoor",
    "Lindenhurst",
    "Marrowdene",
    "Nethercombe",
    "Orrinshaw",
    "Pendlemoor",
    "Quillsby",
    "Rossendene",
    "Starrowfield",
    "Tarnwick",
    "Ulverdene",
    "Vennermoor",
    "Wickenhurst",
    "Yelverdale",
    "Ashwickham",
    "Brambledene",
    "Cotterwold",
    "Duncrest",
    "Embermoor",
    "Foxbarrow",
    "Greywold",
    "Hethermoor",
    "Ivydene Vale",
    "Juniper Reach",
    "Kingswold Marsh",
    "Larkmoor",
    "Mistledene",
    "Nettlecombe Vale",
    "Oakhaven Wold",
    "Pipersmere",
    "Quenby Marsh",
    "Ribbledene",
    "Sallowmere",
)
NATIONAL_LA_CODES = tuple(list(range(992, 1000)) + list(range(942, 991)))

_PREFIX = (
    "Ast",
    "Brin",
    "Cor",
    "Dun",
    "Elv",
    "Fenn",
    "Gors",
    "Holl",
    "Ister",
    "Kel",
    "Lorn",
    "Marr",
    "Nether",
    "Orr",
    "Penn",
    "Quen",
    "Ross",
    "Sedd",
    "Tarr",
    "Ulver",
    "Venn",
    "Wick",
    "Yarr",
    "Zell",
    "Ambl",
    "Brack",
    "Caul",
    "Dorn",
    "Esk",
    "Farr",
    "Glen",
    "Hart",
    "Ingle",
    "Jarr",
    "Kest",
    "Lind",
)
_SUFFIX = (
    "ingham",
    "over",
    "wick",
    "mere",
    "combe",
    "dene",
    "holt",
    "thorpe",
    "by",
    "stow",
    "hurst",
    "wold",
    "field",
    "moor",
    "bridge",
    "marsh",
    "ridge",
    "worth",
    "leigh",
    "brook",
)
_SAINTS = (
    "St Aldwyn's",
    "St Brannoc's",
    "St Cedd's",
    "St Elwin's",
    "St Hild's",
    "St Oswy's",
    "St Wenna's",
    "St Piran's",
    "St Teilo's",
    "St Erbin's",
    "Holy Trinity",
    "St Merryn's",
    "Christ Church",
    "St Fagan's",
)
_FIRST = (
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Amir",
    "Claire",
    "David",
    "Fiona",
    "Gareth",
    "Helen",
    "Imran",
    "Joanne",
    "Kieran",
    "Laura",
    "Martin",
    "Nadia",
    "Owen",
    "Paula",
    "Rachel",
    "Simon",
    "Tariq",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Beth",
    "Colin",
    "Deepa",
    "Elaine",
)
_LAST = (
    "Ashcroft",
    "Barrowby",
    "Caddick",
    "Dunmore",
    "Eversley",
    "Fairbairn",
    "Gillow",
    "Hembry",
    "Ingledew",
    "Jessop",
    "Kettering",
    "Lomax",
    "Merridew",
    "Norland",
    "Ormerod",
    "Pennick",
    "Quarrie",
    "Rudge",
    "Saltmarsh",
    "Tolley",
    "Upcott",
    "Vellacott",
    "Wragg",
    "Yeadon",
    "Aspinall",
    "Brocklehurst",
    "Chadderton",
    "Dimmock",
    "Entwistle",
    "Foulkes",
)


@dataclass
class County:
    """Everything the layout modules need. `schools` has one row per URN (predecessors and successors both)."""

    seed: int
    schools: pd.DataFrame
    las: pd.DataFrame  # la_code, la_name, postcode_area
    districts: tuple[str, ...] = DISTRICTS
    geometry: dict = field(default_factory=dict)  # filled by boundaries.build()


def _town_names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        p = _PREFIX[rng.integers(len(_PREFIX))]
        s = _SUFFIX[rng.integers(len(_SUFFIX))]
        name = p + s
        if rng.random() < 0.12:
            name = ("Upper ", "Lower ", "Great ", "Little ", "East ", "West ")[
                rng.integers(6)
            ] + name
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


# kind -> (GIAS phase, age low, age high, size mean, size sd)
_KINDS = {
    "primary": ("Primary", 4, 11, 260, 110),
    "infant": ("Primary", 4, 7, 170, 60),
    "junior": ("Primary", 7, 11, 240, 80),
    "secondary": ("Secondary", 11, 18, 1050, 330),
    "all-through": ("All-through", 4, 18, 1400, 300),
    "special": ("Not applicable", 3, 19, 110, 45),
    "nursery": ("Nursery", 2, 5, 90, 25),
    "pru": ("Not applicable", 11, 16, 45, 20),
    "16plus": ("16 plus", 16, 19, 420, 150),
    "independent": ("Not applicable", 3, 18, 320, 150),
}


def _kind_counts(n: int) -> dict[str, int]:
    c = {
        "special": max(1, round(0.04 * n)),
        "all-through": max(1, round(0.01 * n)),
        "nursery": max(1, round(0.0125 * n)),
        "pru": max(1, round(0.015 * n)),
        "16plus": max(1, round(0.01 * n)),
        "secondary": max(2, round(0.15 * n)),
        "infant": max(1, round(0.06 * n)),
        "junior": max(1, round(0.055 * n)),
        "independent": max(1, round(0.02 * n)),
    }
    c["primary"] = max(2, n - sum(c.values()))
    return c


def _types_for(kind: str, academy: bool, rng: np.random.Generator) -> tuple[str, str, str]:
    """(TypeOfEstablishment, EstablishmentTypeGroup, NFTYPE) for a school of this kind."""
    u = rng.random()
    if kind == "independent":
        return ("Other independent school", "Independent schools", "IND")
    if kind == "special":
        if academy:
            return (
                ("Academy special converter", "Academies", "ACCS")
                if u < 0.6
                else ("Academy special sponsor led", "Academies", "ACS")
                if u < 0.85
                else ("Free schools special", "Free Schools", "FSS")
            )
        return (
            ("Community special school", "Special schools", "CYS")
            if u < 0.85
            else ("Foundation special school", "Special schools", "FDS")
        )
    if kind == "nursery":
        return ("Local authority nursery school", "Local authority maintained schools", "NUR")
    if kind == "pru":
        if academy:
            return ("Academy alternative provision converter", "Academies", "ACAP")
        return ("Pupil referral unit", "Local authority maintained schools", "PRU")
    if kind == "16plus":
        return (
            ("Academy 16-19 converter", "Academies", "AC1619")
            if u < 0.5
            else ("Free schools 16 to 19", "Free Schools", "F1619")
        )
    if academy:
        if u < 0.62:
            return ("Academy converter", "Academies", "ACC")
        if u < 0.92:
            return ("Academy sponsor led", "Academies", "AC")
        return ("Free schools", "Free Schools", "F")
    if u < 0.62:
        return ("Community school", "Local authority maintained schools", "CY")
    if u < 0.80:
        return ("Voluntary controlled school", "Local authority maintained schools", "VC")
    if u < 0.94:
        return ("Voluntary aided school", "Local authority maintained schools", "VA")
    return ("Foundation school", "Local authority maintained schools", "FD")


def _school_name(town: str, kind: str, nftype: str, rng: np.random.Generator) -> tuple[str, str]:
    """(name, religious character)."""
    faith = nftype in ("VA", "VC") or (nftype in ("ACC", "AC") and rng.random() < 0.15)
    if kind in ("primary", "infant", "junior"):
        label = {"primary": "Primary School", "infant": "Infant School", "junior": "Junior School"}[
            kind
        ]
        if faith:
            if rng.random() < 0.75:
                saint = _SAINTS[rng.integers(len(_SAINTS))]
                return (
                    f"{town} {saint} Church of England {label}"
                    if rng.random() < 0.3
                    else f"{saint} CofE {label}, {town}".replace(",", ""),
                    "Church of England",
                )
            return f"{_SAINTS[rng.integers(len(_SAINTS))]} Catholic {label}", "Roman Catholic"
        if nftype in ("AC", "ACC", "F"):
            return (f"{town} {label.replace(' School', '')} Academy", "Does not apply")
        return f"{town} {label}", "Does not apply"
    if kind == "secondary":
        if faith:
            return f"{_SAINTS[rng.integers(len(_SAINTS))]} Catholic High School", "Roman Catholic"
        return (
            f"{town} Academy"
            if nftype in ("AC", "ACC", "F")
            else f"{town} {('High School', 'School', 'Community College')[rng.integers(3)]}"
        ), "Does not apply"
    if kind == "all-through":
        return f"{town} All-Through Academy", "Does not apply"
    if kind == "special":
        return (
            f"{town} {('Special School', 'Learning Centre', 'School')[rng.integers(3)]}",
            "Does not apply",
        )
    if kind == "nursery":
        return f"{town} Nursery School", "Does not apply"
    if kind == "pru":
        return (
            f"{town} {('Pupil Referral Unit', 'Alternative Provision Academy')[int(nftype == 'ACAP')]}",
            "Does not apply",
        )
    if kind == "independent":
        return (
            f"{town} {('Preparatory School', 'College', 'House School')[rng.integers(3)]}",
            "Does not apply",
        )
    return f"{town} Sixth Form College", "Does not apply"


def _make_la_schools(
    rng, la_code, la_name, n, districts, area, urn_start, convert=True, succ_start=0
):
    counts = _kind_counts(n)
    kinds: list[str] = []
    for k in (
        "primary",
        "infant",
        "junior",
        "secondary",
        "all-through",
        "special",
        "nursery",
        "pru",
        "16plus",
        "independent",
    ):
        kinds += [k] * counts[k]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    towns = _town_names(rng, len(kinds) + 8)
    academy_p = {
        "primary": 0.38,
        "infant": 0.30,
        "junior": 0.40,
        "secondary": 0.82,
        "all-through": 1.0,
        "special": 0.42,
        "nursery": 0.0,
        "pru": 0.3,
        "16plus": 1.0,
        "independent": 0.0,
    }
    rows = []
    estab_next = {
        "primary": 2001,
        "infant": 2001,
        "junior": 2001,
        "secondary": 4001,
        "all-through": 4501,
        "special": 7001,
        "nursery": 1001,
        "pru": 1101,
        "16plus": 8001,
        "independent": 6001,
    }
    district_deprivation = {d: rng.normal(0, 0.45) for d in districts}
    for i, kind in enumerate(kinds):
        phase, lo, hi, mu, sd = _KINDS[kind]
        academy = rng.random() < academy_p[kind]
        tname, tgroup, nftype = _types_for(kind, academy, rng)
        is_acad = tgroup in ("Academies", "Free Schools")
        town = towns[i]
        name, relig = _school_name(town, kind, nftype, rng)
        district = districts[rng.integers(len(districts))]
        estab = estab_next[kind]
        estab_next[kind] += 1 + int(rng.integers(0, 3))
        pupils = int(max(mu * 0.35, rng.normal(mu, sd)))
        if kind == "primary" and rng.random() < 0.12:  # small rural schools: cohorts of 10 or fewer
            pupils = int(rng.integers(30, 75))
        dep = district_deprivation[district] + rng.normal(0, 0.8)  # deprivation z-score
        fsm = float(np.clip(22 + 10 * dep + rng.normal(0, 3), 2, 70))
        if kind in ("special", "pru"):
            fsm = float(np.clip(fsm + 18, 5, 80))
        rows.append(
            dict(
                urn=urn_start + i,
                la_code=la_code,
                la_name=la_name,
                estab=estab,
                name=name,
                kind=kind,
                phase=phase,
                age_low=lo,
                age_high=hi,
                type_name=tname,
                type_group=tgroup,
                nftype=nftype,
                is_academy=is_acad,
                religious=relig,
                district=district,
                town=town,
                pupils=pupils,
                fsm_pct=round(fsm, 1),
                dep=dep,
                status="Open",
                open_date=None,
                close_date=None,
                reason_open="Not applicable",
                reason_close="Not applicable",
                linked="",
                no_results=False,
                postcode_area=area,
            )
        )
    df = pd.DataFrame(rows)
    # open dates: academies opened on conversion, others long-standing (blank as in GIAS)
    acad_idx = np.flatnonzero(df["is_academy"].to_numpy())
    for j in acad_idx:
        y = int(rng.integers(2011, 2019))
        df.at[j, "open_date"] = date(y, int((9, 4, 1)[rng.integers(3)]), 1)
        if df.at[j, "type_name"] == "Academy converter":
            df.at[j, "reason_open"] = "Academy Converter"
        elif df.at[j, "type_name"].startswith("Free"):
            df.at[j, "reason_open"] = "New Provision"
    n_all = len(df)
    n_new = max(1, round(0.01 * n_all))
    n_closed = max(1, round(0.015 * n_all))
    n_conv = max(1, round(0.04 * n_all)) if convert else 0
    mainstream = np.flatnonzero(
        df["kind"].isin(["primary", "secondary", "infant", "junior"]).to_numpy()
    )
    picks = rng.permutation(mainstream)
    new_idx = picks[:n_new]
    closed_idx = picks[n_new : n_new + n_closed]
    maint = [j for j in picks[n_new + n_closed :] if not df.at[j, "is_academy"]]
    conv_idx = maint[:n_conv]
    for j in new_idx:
        y = int((2024, 2025)[rng.integers(2)])
        df.at[j, "open_date"] = date(y, 9, 1)
        df.at[j, "type_name"], df.at[j, "type_group"], df.at[j, "nftype"] = (
            "Free schools",
            "Free Schools",
            "F",
        )
        df.at[j, "is_academy"] = True
        df.at[j, "reason_open"] = "New Provision"
        df.at[j, "no_results"] = True
        df.at[j, "pupils"] = int(df.at[j, "pupils"] * (0.25 if y == 2025 else 0.45))
        df.at[j, "name"] = df.at[j, "town"] + (
            " Free School" if df.at[j, "kind"] != "secondary" else " Academy"
        )
    for j in closed_idx:
        y = int((2021, 2023, 2025)[rng.integers(3)])
        df.at[j, "status"] = "Closed"
        df.at[j, "close_date"] = date(y, 8, 31)
        df.at[j, "reason_close"] = ("Closure", "Result of Amalgamation/Merger")[rng.integers(2)]
    extra = []
    next_urn = succ_start  # successor URNs
    for j in conv_idx:
        conv = (date(2022, 9, 1), date(2023, 4, 1), date(2024, 9, 1))[rng.integers(3)]
        new = df.loc[j].to_dict()
        df.at[j, "status"] = "Closed"
        df.at[j, "close_date"] = date.fromordinal(conv.toordinal() - 1)
        df.at[j, "reason_close"] = "Academy Converter"
        df.at[j, "linked"] = f"{next_urn} Successor"
        kind = new["kind"]
        new.update(
            urn=next_urn,
            open_date=conv,
            reason_open="Academy Converter",
            is_academy=True,
            type_name="Academy converter",
            type_group="Academies",
            nftype="ACC",
            linked=f"{df.at[j, 'urn']} Predecessor",
            estab=new["estab"] + 0,
        )
        if kind in ("primary", "infant", "junior"):
            label = {"primary": "Primary", "infant": "Infant", "junior": "Junior"}[kind]
            new["name"] = f"{new['town']} {label} Academy"
        else:
            new["name"] = f"{new['town']} Academy"
        new["predecessor"] = int(df.at[j, "urn"])
        extra.append(new)
        next_urn += 1
    if extra:
        df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
    if "predecessor" not in df:
        df["predecessor"] = np.nan
    return df


def _latent(rng: np.random.Generator, df: pd.DataFrame) -> pd.DataFrame:
    """Latent performance: intake (prior attainment mean), value added, persistent trend, absence propensity.

    A successor academy inherits its predecessor's latent values (same pupils, same building)."""
    n = len(df)
    dep = df["dep"].to_numpy()
    df["intake"] = -0.22 * dep + rng.normal(
        0, 0.15, n
    )  # KS1/KS2 prior attainment mean (pupil sd 1)
    df["va"] = -0.4 * dep + rng.normal(0, 1.4, n)  # value added in KS2 progress points
    u = rng.random(n)
    slope = np.where(
        u < 0.15, rng.normal(0.6, 0.2, n), np.where(u > 0.85, rng.normal(-0.6, 0.2, n), 0.0)
    )
    df["trend"] = slope  # progress points per year (persistent improvers and decliners)
    df["absence_z"] = 0.55 * dep + rng.normal(0, 0.8, n)
    df["ebacc_policy"] = rng.normal(0, 0.8, n)
    df["eal_share"] = np.clip(rng.beta(1.1, 6.0, n) + 0.03 * dep, 0.0, 0.85)
    df["sen_share"] = np.clip(rng.normal(0.13, 0.04, n) + 0.01 * dep, 0.02, 0.4)
    df["quality"] = 0.25 * df["va"] + 1.0 * df["trend"] - 0.2 * dep + rng.normal(0, 0.5, n)
    pred = df["predecessor"].to_numpy()
    by_urn = {int(u_): i for i, u_ in enumerate(df["urn"])}
    for i, p in enumerate(pred):
        if p == p:  # not NaN
            k = by_urn[int(p)]
            for c in (
                "dep",
                "intake",
                "va",
                "trend",
                "absence_z",
                "ebacc_policy",
                "eal_share",
                "sen_share",
                "fsm_pct",
                "district",
                "town",
                "quality",
            ):
                df.at[i, c] = df.at[k, c]
            df.at[i, "quality"] = (
                df.at[k, "quality"] + 0.3
            )  # conversions often follow a fresh start
    return df


def build(n_schools: int = 400, national_schools: int = 3000, seed: int = 2026) -> County:
    rng = np.random.default_rng(seed)
    if n_schools > 3900 or national_schools > 88000:
        raise ValueError("at most 3,900 county schools and 88,000 national schools (URN ranges)")
    county = _make_la_schools(
        rng, LA_CODE, LA_NAME, n_schools, DISTRICTS, "EM", 991001, succ_start=995001
    )
    n_las = int(np.clip(round(national_schools / 380), 8, len(NATIONAL_LA_CODES)))
    sizes = rng.multinomial(national_schools, np.full(n_las, 1 / n_las))
    frames = [county]
    las = [dict(la_code=LA_CODE, la_name=LA_NAME, postcode_area="EM")]
    urn = 900001
    for k in range(n_las):
        code, name = NATIONAL_LA_CODES[k], NATIONAL_LA_NAMES[k]
        area = ("X", "Q", "V")[k // 22] + "ABCDEFGHJKLMNOPRSTUWYZ"[
            k % 22
        ]  # no real area starts X, Q or V
        las.append(dict(la_code=code, la_name=name, postcode_area=area))
        m = int(max(sizes[k], 12))
        la_districts = tuple(f"{name} {s}" for s in ("North", "South", "East", "West", "Central"))
        frames.append(_make_la_schools(rng, code, name, m, la_districts, area, urn, convert=False))
        urn += 1000 * ((m + 100) // 1000 + 1)
    df = pd.concat(frames, ignore_index=True)
    # national LAs differ a little in intake and effectiveness
    la_shift = {la["la_code"]: rng.normal(0, 0.25) for la in las}
    la_shift[LA_CODE] = 0.35  # Eastmoor is a little more deprived than average
    df["dep"] = df["dep"] + df["la_code"].map(la_shift)
    df = _latent(rng, df)
    df = _people(rng, df)
    return County(seed=seed, schools=df.reset_index(drop=True), las=pd.DataFrame(las))


def _people(rng: np.random.Generator, df: pd.DataFrame) -> pd.DataFrame:
    n = len(df)
    df["head_title"] = np.array(["Mr", "Mrs", "Ms", "Dr", "Miss"])[rng.integers(0, 5, n)]
    df["head_first"] = np.array(_FIRST)[rng.integers(0, len(_FIRST), n)]
    df["head_last"] = np.array(_LAST)[rng.integers(0, len(_LAST), n)]
    streets = (
        "School Lane",
        "Church Road",
        "Mill Street",
        "Station Road",
        "Moor Lane",
        "Chapel Walk",
        "Orchard Way",
        "Green Lane",
        "Brook Road",
        "High Street",
    )
    df["street"] = np.array(streets)[rng.integers(0, len(streets), n)]
    return df


def academic_year_end(tp: int) -> int:
    """201819 -> 2019."""
    return 2000 + tp % 100


def holds_results(df: pd.DataFrame, tp: int) -> np.ndarray:
    """True for the URN that holds the school on 1 July of the year's summer (results belong to it)."""
    d = date(academic_year_end(tp), 7, 1)
    op = df["open_date"].map(lambda x: x is None or x != x or x <= d)
    cl = df["close_date"].map(lambda x: x is None or x != x or x >= d)
    return (op & cl & ~df["no_results"].astype(bool)).to_numpy()
