"""A local stand-in for the publishers `python -m etl fetch` talks to, answering as their documents say
(docs/fetch.md): the DfE performance-tables download service, the GIAS daily extract, the GOV.UK
Content API, and the Explore Education Statistics API (paging, versions, change logs, gzip CSV,
problem-details errors, 429 with Retry-After, Range requests).

It serves the real published files in shared/data/real, so a fetch followed by a load can be compared
with loading the same files by hand. Tests change its state (publish a new version, fail a host).
"""

from __future__ import annotations

import gzip
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

OFSTED_PAGE = (
    "/api/content/government/statistical-data-sets/"
    "monthly-management-information-ofsteds-school-inspections-outcomes"
)
MAX_PAGE_SIZE = 40
ABSENCE_SET = "7588c2d6-9e8a-4d84-8f19-6b8d52a01fbd"
ABSENCE_PUB = "cbbd299f-8297-44bc-92ac-558bcf51f8ad"


@dataclass
class EesVersion:
    version: str
    published: str
    csv: bytes
    changes: dict
    status: str = "Published"


@dataclass
class PublisherState:
    real: Path
    # (area, "YYYY-YYYY") -> {member name in the ZIP: file in shared/data/real}
    performance: dict = field(default_factory=dict)
    gias_date: str = "20220420"
    ees_versions: list[EesVersion] = field(default_factory=list)
    failing_prefixes: set[str] = field(default_factory=set)  # paths answering 503 every time
    rate_limit_once: set[str] = field(default_factory=set)  # paths answering 429 once
    requests: list[tuple[str, dict]] = field(default_factory=list)  # (path, headers) seen
    ofsted_bytes: bytes | None = None  # replaces the Ofsted file's content (a republished file)


def real_state(real: Path) -> PublisherState:
    state = PublisherState(real=real)
    for y, name in (("2016-2017", "2016"), ("2017-2018", "2017"), ("2018-2019", "2018")):
        state.performance[("850", y)] = {f"{y}/850_ks2final.csv": f"ks2/{name}_850_ks2final.csv"}
    state.performance[("0", "2018-2019")] = {
        "2018-2019/england_ks4provisional.csv": "ks4/england_ks4provisional.csv",
        "2018-2019/england_census.csv": "census/england_census.csv",
    }
    state.performance[("0", "2016-2017")] = {}  # an area and year with nothing published
    absence = (real / "absence/england_abs.csv").read_bytes()
    state.ees_versions.append(
        EesVersion("1.0", "2019-03-21T09:30:00+00:00", absence, {"majorChanges": {}})
    )
    return state


def publish_absence_revision(state: PublisherState) -> None:
    """Version 1.1: one school's overall absence revised, and a filter option added."""
    text = state.ees_versions[-1].csv.decode("utf-8-sig").splitlines()
    header = text[0].split(",")
    i = header.index("PERCTOT")
    row = text[1].split(",")
    row[i] = "4.9" if row[i] != "4.9" else "5.1"
    text[1] = ",".join(row)
    state.ees_versions.append(
        EesVersion(
            "1.1",
            "2019-06-20T09:30:00+00:00",
            ("\n".join(text) + "\n").encode("utf-8"),
            {
                "versionNumber": "1.1",
                "majorChanges": {},
                "minorChanges": {
                    "filterOptions": [
                        {
                            "filter": {"id": "school_type", "label": "School type"},
                            "options": [
                                {"currentState": {"id": "aB1", "label": "Special"}},
                            ],
                        }
                    ]
                },
            },
        )
    )


class _Handler(BaseHTTPRequestHandler):
    state: PublisherState  # set on the class made per server

    def log_message(self, *args):  # quiet
        pass

    # ---------------------------------------------------------------- plumbing
    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _problem(self, status: int, title: str, kind: str) -> None:
        self._json(status, {"title": title, "type": kind, "status": status})

    def _file(self, body: bytes, ctype: str, gz: bool = False) -> None:
        """Whole body, or the asked-for Range (206) as real servers do."""
        headers = {"Accept-Ranges": "bytes"}
        if gz:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            return self._send(206, body[start:], ctype, headers)
        return self._send(200, body, ctype, headers)

    # ---------------------------------------------------------------- routes
    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        st = self.state
        st.requests.append((url.path, dict(self.headers)))
        if any(url.path.startswith(p) for p in st.failing_prefixes):
            return self._problem(503, "Service unavailable.", "Service Unavailable")
        if url.path in st.rate_limit_once:
            st.rate_limit_once.discard(url.path)
            self.send_response(429)
            self.send_header("Retry-After", "2")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if url.path == "/download-data":
            return self._performance(q)
        if url.path.startswith("/gias/"):
            return self._gias(url.path.removeprefix("/gias/"))
        if url.path == OFSTED_PAGE:
            return self._json(200, _ofsted_page())
        if url.path == "/media/ofsted/latest_inspections.csv":
            ofsted = (
                st.ofsted_bytes
                or (
                    st.real
                    / "ofsted/maintained-schools-and-academies-inspections-and-outcomes-as-at-31-december-2017-oxfordshire.csv"
                ).read_bytes()
            )
            return self._file(ofsted, "text/csv")
        if url.path.startswith("/v1/"):
            return self._ees(url.path, q)
        return self._problem(404, "The requested resource could not be found.", "Not Found")

    def _performance(self, q):
        files = self.state.performance.get((q.get("regions"), q.get("year")))
        if q.get("download") != "true" or files is None:
            return self._problem(404, "No data for that year and area.", "Not Found")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, rel in files.items():
                zf.writestr(member, (self.state.real / rel).read_bytes())
        return self._file(buf.getvalue(), "application/zip")

    def _gias(self, name):
        date = name[-12:-4]  # the extract is published every day with the same layout
        if not date.isdigit() or date < self.state.gias_date:
            return self._problem(404, "The requested resource could not be found.", "Not Found")
        if name == f"edubasealldata{date}.csv":
            return self._file((self.state.real / "gias/20220420_gias.csv").read_bytes(), "text/csv")
        if name == f"links_edubasealldata{date}.csv":
            body = (
                b"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
                b"116213,140000,Example Academy,Successor,01-09-2013\n"
            )
            return self._file(body, "text/csv")
        return self._problem(404, "The requested resource could not be found.", "Not Found")

    def _ees(self, path, q):
        parts = path.strip("/").split("/")  # v1, publications|data-sets, ...
        size = int(q.get("pageSize", 20))
        if size > MAX_PAGE_SIZE:
            return self._json(
                400,
                {
                    "title": "There are validation errors with the request.",
                    "type": "Bad Request",
                    "status": 400,
                    "errors": {"pageSize": [{"message": "Must be 40 or less.", "code": "max"}]},
                },
            )
        page = int(q.get("page", 1))
        versions = self.state.ees_versions
        if parts[1] == "publications" and len(parts) == 2:
            pubs = [
                {"id": f"0000-{i}", "title": f"Pupil statistics {i}", "slug": f"other-{i}"}
                for i in range(45)
            ] + [{"id": ABSENCE_PUB, "title": "Pupil absence in schools in England", "slug": "pa"}]
            search = q.get("search", "").lower()
            pubs = [p for p in pubs if search.split()[0] in p["title"].lower()] if search else pubs
            return self._json(200, _paged(pubs, page, size))
        if parts[1] == "publications" and parts[2] == ABSENCE_PUB and parts[3] == "data-sets":
            sets = [{"id": "0000-x", "title": "Absence by region"}]
            sets.append({"id": ABSENCE_SET, "title": "Absence by school", "status": "Published"})
            return self._json(200, _paged(sets, page, size))
        if parts[1] == "data-sets" and parts[2] == ABSENCE_SET:
            if len(parts) == 4 and parts[3] == "versions":
                return self._json(200, _paged([_version_json(v) for v in versions], page, size))
            if len(parts) == 6 and parts[5] == "changes":
                hit = [v for v in versions if v.version == parts[4]]
                if not hit:
                    return self._problem(
                        404, "The requested resource could not be found.", "Not Found"
                    )
                return self._json(200, hit[0].changes)
            if len(parts) == 4 and parts[3] == "csv":
                want = q.get("dataSetVersion") or versions[-1].version
                hit = [v for v in versions if v.version == want]
                if not hit:
                    return self._problem(
                        404, "The requested resource could not be found.", "Not Found"
                    )
                return self._file(hit[0].csv, "text/csv", gz=True)
        return self._problem(404, "The requested resource could not be found.", "Not Found")


def _paged(items: list, page: int, size: int) -> dict:
    total_pages = max(1, -(-len(items) // size))
    return {
        "paging": {
            "page": page,
            "pageSize": size,
            "totalResults": len(items),
            "totalPages": total_pages,
        },
        "results": items[(page - 1) * size : page * size],
    }


def _version_json(v: EesVersion) -> dict:
    return {
        "version": v.version,
        "type": "Minor" if not v.version.endswith(".0") else "Major",
        "status": v.status,
        "published": v.published,
        "notes": "",
        "totalResults": 21216,
        "file": {"id": "f1"},
        "release": {"title": "2017/18 Final", "slug": "2017-18-final"},
        "timePeriods": {"start": "2017/18", "end": "2017/18"},
        "geographicLevels": ["School"],
        "filters": [],
        "indicators": ["PERCTOT", "PPERSABS10"],
    }


def _ofsted_page() -> dict:
    return {
        "title": "Monthly management information: Ofsted's school inspections outcomes",
        "details": {
            "attachments": [
                {
                    "title": "Management information - state-funded schools - latest inspections as at 30 November 2017",
                    "url": "/media/ofsted/old.csv",
                    "created_at": "2017-12-14T09:30:00.000+00:00",
                },
                {
                    "title": "Management information - state-funded schools - latest inspections as at 31 December 2017",
                    "url": "/media/ofsted/latest_inspections.csv",
                    "filename": "latest_inspections_as_at_31_december_2017.csv",
                    "created_at": "2018-01-16T09:30:00.000+00:00",
                },
                {
                    "title": "Management information - further education and skills",
                    "url": "/media/ofsted/fes.csv",
                    "created_at": "2018-01-16T09:30:00.000+00:00",
                },
            ]
        },
    }


class Publishers:
    """``with Publishers(real) as pub:`` a running server at ``pub.base``."""

    def __init__(self, real: Path):
        self.state = real_state(real)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def base_urls(self) -> dict[str, str]:
        return {
            "performance_tables": self.base,
            "gias": f"{self.base}/gias",
            "govuk": self.base,
            "ees": self.base,
        }

    def __enter__(self) -> Publishers:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
