"""The DfE's Explore Education Statistics (EES) public data API, as documented (docs/fetch.md lists
what we relied on): ``https://api.education.gov.uk/statistics/v1``.

Endpoints used (all GET, JSON unless said):
- ``/v1/publications?search=&page=&pageSize=``            paged list of publication summaries
- ``/v1/publications/{publicationId}/data-sets?page=``    paged list of a publication's data sets
- ``/v1/data-sets/{dataSetId}``                            a data set with its ``latestVersion``
- ``/v1/data-sets/{dataSetId}/versions?page=``            paged list of its versions
- ``/v1/data-sets/{dataSetId}/versions/{version}/changes`` the change log of a version
- ``/v1/data-sets/{dataSetId}/csv?dataSetVersion=``        the whole data set as CSV (gzip-encoded)

Paged responses carry ``paging {page, pageSize, totalPages, totalResults}`` and ``results``; errors
are problem details ``{title, type, status}`` (``etl.fetch.http`` names them in its messages).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.fetch.http import Download, FetchError, PoliteClient

PAGE_SIZE = 40  # the API caps pageSize; 40 keeps the number of calls small without testing the cap


@dataclass(frozen=True)
class DataSetVersion:
    data_set_id: str
    version: str
    status: str  # Published, Deprecated, Withdrawn
    published: str | None  # ISO timestamp
    release_title: str
    release_slug: str
    time_start: str | None
    time_end: str | None
    notes: str


class EesApi:
    def __init__(self, base_url: str, client: PoliteClient):
        self.base = base_url.rstrip("/")
        self.client = client

    def _paged(self, source: str, path: str, params: dict | None = None) -> Iterator[dict]:
        page = 1
        while True:
            body = self.client.get_json(
                source,
                f"{self.base}{path}",
                {**(params or {}), "page": page, "pageSize": PAGE_SIZE},
            )
            yield from body.get("results", [])
            paging = body.get("paging") or {}
            if page >= int(paging.get("totalPages") or 1):
                return
            page += 1

    def find_publication(self, source: str, title: str) -> dict:
        """The publication whose title is ``title`` (case-insensitive), by the API's search."""
        hits = [
            p
            for p in self._paged(source, "/v1/publications", {"search": title})
            if p.get("title", "").strip().lower() == title.strip().lower()
        ]
        if not hits:
            raise FetchError(f"{source}: EES has no publication titled {title!r}")
        return hits[0]

    def find_data_set(self, source: str, publication_id: str, title: str) -> dict:
        sets = list(self._paged(source, f"/v1/publications/{publication_id}/data-sets"))
        hits = [d for d in sets if d.get("title", "").strip().lower() == title.strip().lower()]
        if not hits:
            titles = ", ".join(sorted(d.get("title", "?") for d in sets)) or "none"
            raise FetchError(
                f"{source}: the publication has no data set titled {title!r} (it has: {titles})"
            )
        return hits[0]

    def versions(self, source: str, data_set_id: str) -> list[DataSetVersion]:
        return [
            _version(data_set_id, v)
            for v in self._paged(source, f"/v1/data-sets/{data_set_id}/versions")
        ]

    def pick_version(
        self, source: str, data_set_id: str, pinned: str | None = None, as_of: str | None = None
    ) -> DataSetVersion:
        """The version to fetch: ``pinned`` exactly, else the newest published on or before
        ``as_of`` (an ISO date), else the newest published. Withdrawn versions are never chosen."""
        usable = [v for v in self.versions(source, data_set_id) if v.status != "Withdrawn"]
        if pinned:
            for v in usable:
                if v.version == pinned:
                    return v
            raise FetchError(f"{source}: data set {data_set_id} has no usable version {pinned}")
        if as_of:
            usable = [v for v in usable if v.published and v.published[:10] <= as_of]
        usable = [v for v in usable if v.published]
        if not usable:
            when = f" published by {as_of}" if as_of else ""
            raise FetchError(f"{source}: data set {data_set_id} has no version{when}")
        return max(usable, key=lambda v: (v.published, _version_key(v.version)))

    def changes(self, source: str, data_set_id: str, version: str) -> dict:
        return self.client.get_json(
            source, f"{self.base}/v1/data-sets/{data_set_id}/versions/{version}/changes"
        )

    def download_csv(self, source: str, data_set_id: str, version: str, dest: Path) -> Download:
        return self.client.download(
            source,
            f"{self.base}/v1/data-sets/{data_set_id}/csv",
            dest,
            params={"dataSetVersion": version},
        )


def _version(data_set_id: str, v: dict) -> DataSetVersion:
    release = v.get("release") or {}
    periods = v.get("timePeriods") or {}
    return DataSetVersion(
        data_set_id=data_set_id,
        version=str(v.get("version")),
        status=str(v.get("status") or "Published"),
        published=v.get("published"),
        release_title=str(release.get("title") or ""),
        release_slug=str(release.get("slug") or ""),
        time_start=periods.get("start"),
        time_end=periods.get("end"),
        notes=str(v.get("notes") or ""),
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def summarise_changes(changes: dict) -> list[str]:
    """The change log in sentences: 'major: indicator removed: pt_rwm_met_expected_standard'."""
    out = []
    for kind in ("majorChanges", "minorChanges"):
        block = changes.get(kind) or {}
        for facet, items in sorted(block.items()):
            for item in items or []:
                # filterOptions / locationOptions group their changes under a filter or level
                group = item.get("filter") or item.get("level")
                for change in item.get("options", [item]) if group else [item]:
                    cur, prev = change.get("currentState"), change.get("previousState")
                    what = "added" if prev is None else "removed" if cur is None else "changed"
                    label = _label(cur if cur is not None else prev)
                    where = f" of {_label(group)}" if group else ""
                    out.append(f"{kind[:5]}: {facet}{where} {what}: {label}")
    return out


def _label(state) -> str:
    if isinstance(state, dict):
        for key in ("label", "id", "code", "period"):
            if state.get(key):
                return str(state[key])
    return str(state)
