"""Replacing Unique Pupil Numbers by keyed hashes at load, so no UPN ever reaches a build.

A council may hand over a pupil file with UPNs instead of its own pseudonymous keys. The reader
then keys each pupil by HMAC-SHA256(salt, UPN) (hex, first 32 characters: 128 bits). The salt is a
secret read from the file named by SID_PUPIL_SALT_FILE, kept outside the repository, so a key
cannot be turned back into a UPN by hashing every possible UPN (there are only about 10^12).
Keeping the same salt from year to year gives a pupil the same key in every year's file.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from pathlib import Path

from warehouse import settings

MIN_SALT_BYTES = 16
KEY_CHARS = 32
# A UPN: a check letter, 11 digits, then a digit (permanent) or a letter (temporary UPN).
UPN_PATTERN = r"[A-Za-z][0-9]{11}[0-9A-Za-z]"
_UPN = re.compile(UPN_PATTERN)
_REPO = Path(__file__).resolve().parents[2]


class SaltMissing(ValueError):
    """The file holds UPNs but no usable salt is configured: the file is refused."""


def read_salt() -> bytes:
    """The salt from SID_PUPIL_SALT_FILE. SaltMissing (with what to do) when unset, unreadable,
    too short, or inside the repository (where it could be committed)."""
    path = settings.pupil_salt_file()
    if path is None:
        raise SaltMissing(
            "this pupil file has UPNs, which are replaced by keyed hashes at load, but no salt is "
            "set: put a secret of at least 16 bytes in a file outside the repository and set "
            "SID_PUPIL_SALT_FILE to its path (docs/pupil-data.md). Nothing was loaded."
        )
    path = Path(path).expanduser().resolve()
    if path == _REPO or _REPO in path.parents:
        raise SaltMissing(
            f"SID_PUPIL_SALT_FILE points inside the repository ({path}); keep the salt outside it"
        )
    try:
        salt = path.read_bytes().strip()
    except OSError as exc:
        raise SaltMissing(f"cannot read the salt file named by SID_PUPIL_SALT_FILE: {exc}") from exc
    if len(salt) < MIN_SALT_BYTES:
        raise SaltMissing(
            f"the salt file named by SID_PUPIL_SALT_FILE holds {len(salt)} bytes; "
            f"at least {MIN_SALT_BYTES} are needed"
        )
    return salt


def normalise(upn: str) -> str:
    return upn.strip().upper()


def is_upn(text: str) -> bool:
    return bool(_UPN.fullmatch(text.strip()))


def key_for(upn: str, salt: bytes) -> str:
    """The pupil key of one UPN (upper-cased, spaces trimmed first)."""
    digest = hmac.new(salt, normalise(upn).encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:KEY_CHARS]


def keys_for(upns: Iterable[str], salt: bytes) -> list[str]:
    """Keys of many UPNs (one HMAC each: about a second for 500,000)."""
    return [key_for(u, salt) for u in upns]
