"""A polite HTTP client for public data: timeouts, retries with backoff, resumable downloads, checksums.

Every failure is raised as ``FetchError`` naming the source (the catalogue entry) and the URL, so the
command line can say which publisher or data set was unavailable. Nothing here writes into the
destination folder: downloads go to a ``.part`` file in a staging folder and are moved into place by
the caller only when every source has arrived (see ``etl.fetch.run``).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
import urllib3

USER_AGENT = "school-improvement-dashboard-fetch/1 (+docs/fetch.md)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(RuntimeError):
    """A source could not be fetched. The message names the source and what went wrong."""


@dataclass(frozen=True)
class Download:
    path: Path
    sha256: str
    size: int
    url: str
    downloaded_at: str
    content_type: str


@dataclass
class PoliteClient:
    """``requests`` with the manners a public API asks for (EES error-handling guidance: back off on
    429, retry 5xx). ``sleep`` is injectable so tests do not wait."""

    timeout_s: float = 60.0
    retries: int = 4
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    # ------------------------------------------------------------------ requests with retries
    def _request(self, source: str, method: str, url: str, **kw) -> requests.Response:
        last = ""
        for attempt in range(self.retries + 1):
            try:
                resp = self.session.request(method, url, timeout=self.timeout_s, **kw)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
                if attempt == self.retries:
                    break
                self.sleep(min(self.max_wait_s, self.backoff_s * 2**attempt))
                continue
            if resp.status_code in RETRY_STATUSES and attempt < self.retries:
                self.sleep(self._wait(resp, attempt))
                last = f"HTTP {resp.status_code}"
                continue
            if resp.status_code >= 400:
                raise FetchError(f"{source}: {url} answered {_problem(resp)}")
            return resp
        raise FetchError(
            f"{source}: {url} could not be reached after {self.retries + 1} tries ({last})"
        )

    def _wait(self, resp: requests.Response, attempt: int) -> float:
        """Retry-After (seconds or an HTTP date) when the server says, else exponential backoff."""
        ra = resp.headers.get("Retry-After", "").strip()
        if ra.isdigit():
            return min(self.max_wait_s, float(ra))
        if ra:
            try:
                when = email.utils.parsedate_to_datetime(ra)
                return min(self.max_wait_s, max(0.0, (when - datetime.now(UTC)).total_seconds()))
            except (TypeError, ValueError):
                pass
        return min(self.max_wait_s, self.backoff_s * 2**attempt)

    def get_json(self, source: str, url: str, params: dict | None = None) -> dict:
        resp = self._request(source, "GET", url, params=params)
        try:
            return resp.json()
        except ValueError:
            raise FetchError(f"{source}: {resp.url} did not answer with JSON") from None

    # ------------------------------------------------------------------ file downloads
    def download(self, source: str, url: str, dest: Path, params: dict | None = None) -> Download:
        """Download ``url`` to ``dest``, resuming a ``dest.part`` left by an interrupted run (HTTP
        Range), and return its SHA-256. Gzip-encoded bodies are stored decoded."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        # Ask for the raw bytes: a resumed range of a gzip stream cannot be decoded piecemeal.
        headers["Accept-Encoding"] = "identity"
        resp = self._request(source, "GET", url, params=params, headers=headers, stream=True)
        mode = "ab" if have and resp.status_code == 206 else "wb"
        try:
            with open(part, mode) as fh:
                for chunk in resp.raw.stream(1 << 16, decode_content=False):
                    fh.write(chunk)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(
                f"{source}: {url} broke off after {part.stat().st_size} bytes "
                f"({type(exc).__name__}); run the fetch again to resume"
            ) from None
        received = part.stat().st_size - (have if mode == "ab" else 0)
        expected = resp.headers.get("Content-Length", "")
        if expected.isdigit() and int(expected) != received:
            raise FetchError(
                f"{source}: {url} ended early ({received} of {expected} bytes); run the fetch "
                "again to resume"
            )
        body = part.read_bytes()
        if resp.headers.get("Content-Encoding", "").lower() == "gzip" or body[:2] == b"\x1f\x8b":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError) as exc:
                part.unlink(missing_ok=True)
                raise FetchError(f"{source}: {url} sent a damaged gzip body ({exc})") from None
        dest.write_bytes(body)
        part.unlink(missing_ok=True)
        return Download(
            path=dest,
            sha256=hashlib.sha256(body).hexdigest(),
            size=len(body),
            url=resp.url,
            downloaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            content_type=resp.headers.get("Content-Type", ""),
        )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _problem(resp: requests.Response) -> str:
    """'HTTP 404 (Not Found: The requested resource could not be found.)' from the EES problem body."""
    detail = ""
    try:
        body = resp.json()
        if isinstance(body, dict):
            detail = ": ".join(str(body[k]) for k in ("type", "title") if body.get(k))
    except ValueError:
        pass
    return f"HTTP {resp.status_code}" + (f" ({detail})" if detail else "")
