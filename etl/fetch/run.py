"""``python -m etl fetch DEST --la CODE``: download what the loader needs into DEST, with a manifest.

Steps:
1. Resolve every catalogue source (``sources.toml``) to concrete files: a URL, a version where the
   publisher has versions, an academic year and a status. ``--sources LOCK`` (a ``sources.lock.json``
   from an earlier fetch) resolves to exactly the files recorded there; ``--as-of DATE`` picks what
   was published on that date.
2. Download everything into a staging folder inside DEST (resumable; a failed fetch leaves DEST's
   files as they were and says which source failed).
3. Compare with the previous fetch (its lock): a new version is reported with the publisher's change
   log (EES) or a row and column diff (``etl.fetch.diff``).
4. Move the files into place and write ``manifest.csv`` (file, time_period, status and where each
   file came from), ``sources.lock.json`` and ``fetch_report.json`` (the load reads its changes into
   the load report, so the Loads page shows them).
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import shutil
import tomllib
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from etl.discover import status_from_name
from etl.fetch.diff import describe_change
from etl.fetch.ees import EesApi, summarise_changes
from etl.fetch.http import FetchError, PoliteClient, sha256_of
from etl.fetch.report import REPORT_NAME
from etl.manifest import MANIFEST_NAME, parse_time_period

CATALOGUE = Path(__file__).with_name("sources.toml")
LOCK_NAME = "sources.lock.json"
NEIGHBOURS_NAME = "statistical_neighbours.csv"


@dataclass
class FetchedFile:
    """One file in DEST, and everything needed to fetch the same bytes again."""

    file: str  # path relative to DEST
    kind: str  # what it holds (ks2, gias, ofsted, ...), for people
    source: str  # the catalogue entry's name
    via: str
    url: str
    params: dict = field(default_factory=dict)
    member: str = ""  # the file inside a downloaded ZIP
    time_period: int | None = None
    status: str = ""
    data_set_id: str = ""
    version: str = ""
    published: str = ""
    sha256: str = ""
    downloaded_at: str = ""


@dataclass
class FetchSettings:
    la: str
    years: list[int]
    neighbours: bool = False
    national: bool = True
    national_years: list[int] | None = None  # default: the same years as the LA's
    as_of: str | None = None  # ISO date
    lock: Path | None = None
    catalogue: Path = CATALOGUE
    base_urls: dict[str, str] = field(default_factory=dict)  # overrides [base] (tests)
    client: PoliteClient = field(default_factory=PoliteClient)


def fetch(dest: Path, settings: FetchSettings) -> dict:
    """Fetch into ``dest``; return the fetch report (also written to ``dest/fetch_report.json``).
    Raises FetchError naming the source; then nothing in ``dest`` has changed."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    catalogue = tomllib.loads(settings.catalogue.read_text(encoding="utf-8"))
    base = {**catalogue.get("base", {}), **settings.base_urls}
    previous = _read_lock(dest / LOCK_NAME)
    pinned = _read_lock(settings.lock) if settings.lock else None

    # Downloads land beside DEST (never inside it, where the loader would see them); a failed
    # fetch keeps its partial downloads there so the next run resumes them.
    staging = dest.parent / f".{dest.name}.fetch-partial"
    shutil.rmtree(staging / "files", ignore_errors=True)
    staging.mkdir(exist_ok=True)
    with open(dest.parent / f".{dest.name}.fetch-lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"another fetch into {dest} is running") from None
        files = (
            _refetch(pinned, staging, settings, base)
            if pinned is not None
            else _resolve_and_download(catalogue, base, staging, settings, dest)
        )
        changes = _changes(previous, files, dest, staging, settings, base)
        _swap_in(dest, staging, previous, files)
        shutil.rmtree(staging, ignore_errors=True)

    report = {
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "la": settings.la,
        "as_of": settings.as_of,
        "from_lock": str(settings.lock) if settings.lock else None,
        "files": len(files),
        "changes": changes,
    }
    _write_manifest(dest, files)
    (dest / LOCK_NAME).write_text(
        json.dumps([asdict(f) for f in files], indent=1, sort_keys=True), encoding="utf-8"
    )
    (dest / REPORT_NAME).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


# ---------------------------------------------------------------------------------- resolving
def _resolve_and_download(catalogue, base, staging, settings, dest) -> list[FetchedFile]:
    out: list[FetchedFile] = []
    for src in catalogue.get("source", []):
        if not src.get("enabled", True):
            continue
        via = src["via"]
        if via == "performance_tables":
            out += _performance_tables(src, base, staging, settings, dest)
        elif via == "gias":
            out += _gias(src, base, staging, settings)
        elif via == "govuk":
            out += _govuk(src, base, staging, settings)
        elif via == "ees":
            out += _ees(src, base, staging, settings)
        else:
            raise FetchError(f"{src['name']}: sources.toml names an unknown via {via!r}")
    return out


def _areas(src, settings, dest) -> list[str]:
    if src.get("area") == "england":
        return ["0"] if settings.national else []
    areas = [settings.la]
    if settings.neighbours:
        areas += _neighbours(settings.la, dest)
    return areas


def _neighbours(la: str, dest: Path) -> list[str]:
    """Neighbour LAs from ``statistical_neighbours.csv`` in DEST (decision 5's file)."""
    path = dest / NEIGHBOURS_NAME
    if not path.exists():
        raise FetchError(
            f"--neighbours: put {NEIGHBOURS_NAME} (la_code,neighbour_la_code,rank) in {dest} first"
        )
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("la_code", "").strip() == la]
    return [r["neighbour_la_code"].strip() for r in sorted(rows, key=lambda r: int(r["rank"]))]


def _performance_tables(src, base, staging, settings, dest) -> list[FetchedFile]:
    out = []
    for area in _areas(src, settings, dest):
        years = settings.years
        if area == "0" and settings.national_years is not None:
            years = settings.national_years
        for tp in years:
            year = f"{tp // 100}-{tp // 100 + 1}"
            params = {
                "download": "true",
                "regions": area,
                "filters": ",".join(src["datatypes"]),
                "fileformat": "csv",
                "year": year,
                "meta": "false",
            }
            url = f"{base['performance_tables']}/download-data"
            label = "England" if area == "0" else f"LA {area}"
            got = settings.client.download(
                f"{src['name']} {label} {year}", url, staging / f"pt_{area}_{tp}.zip", params
            )
            got_files = _unzip(got, src, url, params, tp, staging, f"performance-tables/{year}")
            if not got_files:
                raise FetchError(
                    f"{src['name']} {label} {year}: the download held no data files (not "
                    "published for that year and area?); leave the year out with --years"
                )
            out += got_files
    return out


def _unzip(got, src, url, params, tp, staging, folder) -> list[FetchedFile]:
    if not zipfile.is_zipfile(got.path):  # one data type answers with the CSV itself
        return [_placed(got.path, f"{folder}/{got.path.stem}.csv", src, url, params, tp, staging)]
    out = []
    with zipfile.ZipFile(got.path) as zf:
        for member in zf.namelist():
            if member.endswith("/") or not member.lower().endswith(".csv"):
                continue
            target = staging / "files" / folder / Path(member).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(member))
            f = _placed(target, None, src, url, params, tp, staging)
            f.member = member
            out.append(f)
    got.path.unlink()
    return out


def _placed(path, rel, src, url, params, tp, staging) -> FetchedFile:
    """Move a downloaded file under staging/files/ and describe it."""
    files = staging / "files"
    if rel is not None:
        target = files / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        path = target
    return FetchedFile(
        file=path.relative_to(files).as_posix(),
        kind=_kind_of(path.name),
        source=src["name"],
        via=src["via"],
        url=url,
        params=dict(params),
        time_period=tp,
        status=status_from_name(path.name) or "",
        sha256=sha256_of(path),
        downloaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _kind_of(name: str) -> str:
    n = name.lower()
    for key in ("ks2", "ks4", "census", "abs", "spine", "gias", "links", "edubase", "ofsted"):
        if key in n:
            return {"abs": "absence", "edubase": "gias"}.get(key, key)
    return "other"


def _gias(src, base, staging, settings) -> list[FetchedFile]:
    """The dated daily extract; falls back a day at a time (today's appears during the morning)."""
    start = date.fromisoformat(settings.as_of) if settings.as_of else date.today()
    last_error = None
    for back in range(int(src.get("look_back_days", 7)) + 1):
        day = (start - timedelta(days=back)).strftime("%Y%m%d")
        try:
            out = []
            for pattern in src["files"]:
                name = pattern.format(date=day)
                url = f"{base['gias']}/{name}"
                got = settings.client.download(f"{src['name']} {day}", url, staging / name)
                tp = _academic_year_of(day)
                f = _placed(got.path, f"gias/{name}", src, url, {}, tp, staging)
                f.published = f"{day[:4]}-{day[4:6]}-{day[6:]}"
                out.append(f)
            return out
        except FetchError as exc:
            if "HTTP 404" not in str(exc):
                raise
            last_error = exc
    raise FetchError(f"{src['name']}: no extract in the last {back + 1} days ({last_error})")


def _academic_year_of(yyyymmdd: str) -> int:
    y, m = int(yyyymmdd[:4]), int(yyyymmdd[4:6])
    start = y if m >= 9 else y - 1
    return start * 100 + (start + 1) % 100


def _govuk(src, base, staging, settings) -> list[FetchedFile]:
    """The newest matching attachment of a GOV.UK page, via the Content API."""
    page = settings.client.get_json(src["name"], f"{base['govuk']}/api/content{src['page']}")
    wanted = [w.lower() for w in src.get("title_contains", [])]
    attachments = [
        a
        for a in (page.get("details", {}).get("attachments") or [])
        if all(w in str(a.get("title", "")).lower() for w in wanted)
        and (not settings.as_of or str(a.get("created_at", ""))[:10] <= settings.as_of)
    ]
    if not attachments:
        raise FetchError(f"{src['name']}: no attachment on {src['page']} matches {wanted}")
    newest = max(attachments, key=lambda a: str(a.get("created_at", "")))
    url = newest["url"]
    if url.startswith("/"):
        url = base["govuk"] + url
    name = newest.get("filename") or url.rsplit("/", 1)[-1]
    got = settings.client.download(src["name"], url, staging / name)
    published = str(newest.get("created_at", ""))[:10]
    tp = _academic_year_of(published.replace("-", "")) if published else None
    f = _placed(got.path, f"ofsted/{name}", src, url, {}, tp, staging)
    f.kind, f.published = "ofsted", published
    return [f]


def _ees(src, base, staging, settings, pinned: FetchedFile | None = None) -> list[FetchedFile]:
    api = EesApi(base["ees"], settings.client)
    if pinned is not None:
        ds_id, version = (
            pinned.data_set_id,
            api.pick_version(src["name"], pinned.data_set_id, pinned=pinned.version),
        )
    else:
        pub = api.find_publication(src["name"], src["publication"])
        ds_id = api.find_data_set(src["name"], pub["id"], src["data_set"])["id"]
        version = api.pick_version(src["name"], ds_id, as_of=settings.as_of)
    name = (
        Path(pinned.file).name
        if pinned is not None
        else f"{_slug(src['data_set'])}_v{version.version}.csv"
    )
    got = api.download_csv(src["name"], ds_id, version.version, staging / name)
    tp = _ees_period(version.time_end)
    f = _placed(got.path, f"ees/{name}", src, got.url.split("?")[0], {}, tp, staging)
    f.data_set_id, f.version, f.published = ds_id, version.version, version.published or ""
    f.params = {"dataSetVersion": version.version}
    f.status = status_from_name(version.release_slug) or status_from_name(version.release_title)
    f.status = f.status or ""
    return [f]


def _ees_period(end: str | None) -> int | None:
    """EES time periods read '2018/19' (academic years); other periods give no academic year."""
    try:
        return parse_time_period(end or "")
    except ValueError:
        return None


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


# ---------------------------------------------------------------------------------- reproducing
def _refetch(pinned: list[FetchedFile], staging, settings, base) -> list[FetchedFile]:
    """Fetch exactly the files of a lock again; a file whose bytes differ from the lock is an error
    (the publisher replaced it: the fetch is no longer reproducible, and we say so)."""
    out: list[FetchedFile] = []
    downloaded: dict[tuple, Path] = {}
    for old in pinned:
        if old.via == "ees":
            new = _ees({"name": old.source, "via": "ees"}, base, staging, settings, pinned=old)[0]
        else:
            key = (old.url, json.dumps(old.params, sort_keys=True))
            if key not in downloaded:
                tmp = staging / f"lock_{len(downloaded)}"
                downloaded[key] = settings.client.download(
                    old.source, old.url, tmp, old.params
                ).path
            new = _from_lock_download(old, downloaded[key], staging)
        if new.sha256 != old.sha256:
            raise FetchError(
                f"{old.source}: {old.file} is no longer the file in the lock (checksum "
                f"{new.sha256[:12]} instead of {old.sha256[:12]}); the publisher replaced it"
            )
        out.append(new)
    return out


def _from_lock_download(old: FetchedFile, path: Path, staging: Path) -> FetchedFile:
    target = staging / "files" / old.file
    target.parent.mkdir(parents=True, exist_ok=True)
    if old.member:
        with zipfile.ZipFile(path) as zf:
            target.write_bytes(zf.read(old.member))
    else:
        shutil.copyfile(path, target)
    new = FetchedFile(**{**asdict(old)})
    new.sha256 = sha256_of(target)
    new.downloaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    return new


# ---------------------------------------------------------------------------------- changes
def _changes(previous, files, dest, staging, settings, base) -> list[str]:
    """What changed since the previous fetch, in sentences for the load report."""
    if previous is None:
        return []
    before = {f.file: f for f in previous}
    # Dated names (the GIAS extract of each day): the previous file of the same source and kind.
    for f in files:
        if f.file not in before:
            same = [p for p in previous if (p.source, p.kind) == (f.source, f.kind)]
            if len(same) == 1 and same[0].file not in {g.file for g in files}:
                before[f.file] = same[0]
    by_set = {f.data_set_id: f for f in previous if f.data_set_id}
    out = []
    for f in files:
        old = before.get(f.file)
        if f.data_set_id and f.data_set_id in by_set and by_set[f.data_set_id].version != f.version:
            prev = by_set[f.data_set_id]
            log = EesApi(base["ees"], settings.client).changes(f.source, f.data_set_id, f.version)
            lines = summarise_changes(log) or ["no changes to filters, indicators or periods"]
            out.append(
                f"{f.source}: new version {f.version} (was {prev.version}, published "
                f"{f.published[:10]}): " + "; ".join(lines)
            )
        elif old is None:
            out.append(f"{f.source}: new file {f.file}")
        elif old.sha256 != f.sha256:
            out.append(
                f"{f.source}: {f.file} changed: "
                + describe_change(dest / old.file, staging / "files" / f.file)
            )
    names = {f.file for f in files} | {o.file for o in before.values()}
    ees_sets = {f.data_set_id for f in files if f.data_set_id}
    for old in previous:
        if old.file not in names and not (old.data_set_id and old.data_set_id in ees_sets):
            out.append(f"{old.source}: {old.file} is no longer published or fetched")
    return out


def _swap_in(dest: Path, staging: Path, previous, files) -> None:
    """Move the new files into DEST and remove files of the previous fetch that are gone. Only
    reached when every source arrived."""
    for f in files:
        target = dest / f.file
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / "files" / f.file, target)
    names = {f.file for f in files}
    for old in previous or []:
        if old.file not in names:
            (dest / old.file).unlink(missing_ok=True)


def _write_manifest(dest: Path, files: list[FetchedFile]) -> None:
    cols = ["file", "time_period", "status", "kind", "source", "data_set_id", "version"]
    cols += ["url", "published", "sha256", "downloaded_at"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for f in sorted(files, key=lambda f: f.file):
        row = asdict(f)
        w.writerow(["" if row[c] is None else row[c] for c in cols])
    (dest / MANIFEST_NAME).write_text(buf.getvalue(), encoding="utf-8")


def _read_lock(path: Path | None) -> list[FetchedFile] | None:
    if path is None or not Path(path).exists():
        return None
    try:
        return [FetchedFile(**row) for row in json.loads(Path(path).read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as exc:
        raise FetchError(f"{path}: not a sources.lock.json written by a fetch ({exc})") from None
