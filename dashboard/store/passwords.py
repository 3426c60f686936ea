"""The password rule, as the NCSC advises ("Password administration for system owners"): a
minimum length, a deny-list of the passwords attackers try first, and NO composition rules (no
"one capital, one digit, one symbol", which push people to predictable patterns). Sign-in
throttling (dashboard/store/throttle.py) is what makes a short list enough."""

from __future__ import annotations

import string

MIN_LENGTH = 8  # NCSC: at least 8 characters where sign-in is throttled
MAX_LENGTH = 256  # a longer "password" is someone trying to make hashing slow

# The commonest passwords in published breach corpora (NCSC's 100,000 most-breached list starts
# with these), plus the names of this product and its users' world. Compared case-insensitively
# with spaces removed, so "Pass word1" and "PASSWORD1" are refused too.
COMMON = frozenset(
    """
    123456 123456789 12345678 1234567890 1234567 12345 123123 111111 000000 654321 666666 121212
    112233 123321 987654321 11111111 00000000 88888888 12341234 87654321 1q2w3e4r 1q2w3e4r5t
    1qaz2wsx qwerty qwerty123 qwertyuiop qwerty1 qwertz azerty asdfgh asdfghjk asdfghjkl zxcvbnm
    zxcvbnm1 password password1 password12 password123 passw0rd p@ssw0rd p@ssword pa55word
    password! letmein letmein1 welcome welcome1 welcome123 iloveyou iloveyou1 admin admin123
    administrator root toor changeme changeme1 default guest master master123 monkey dragon
    football baseball superman batman trustno1 sunshine princess starwars shadow michael
    jennifer jordan23 whatever freedom ninja mustang access hello123 hellohello abc123 abcd1234
    abcdefg abcdefgh abcdefghi a1b2c3d4 aa123456 qazwsx qazwsxedc computer internet secret
    secret123 summer summer2024 summer2025 summer2026 winter2024 winter2025 winter2026 spring2025
    autumn2025 january2025 monday123 liverpool arsenal chelsea manutd tottenham cheese chocolate
    cookie pokemon minecraft charlie daniel thomas george harry oliver jessica ashley
    loveme lovely flower 7777777 55555555 99999999 123654 147258369 159753 zaq12wsx
    school school123 teacher teacher1 governor governor1 headteacher education council
    council123 county county123 ofsted ofsted123 dashboard streamlit eastmoor eastmoor1
    """.split()
)


def problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is refused, in words for the person choosing it; None if it is fine."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"A password has at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters"
    if not password.strip():
        return "A password cannot be only spaces"
    squashed = "".join(password.split()).lower()
    if len(set(squashed)) <= 2:
        return "A password cannot be one or two characters repeated"
    if squashed in COMMON or _is_run(squashed):
        return "That password is on the list of passwords attackers try first: choose another"
    if username and squashed in {username.lower(), username.lower()[::-1]}:
        return "A password cannot be the username"
    return None


def _is_run(text: str) -> bool:
    """A straight run along the keyboard or the alphabet (12345678, abcdefgh, 87654321)."""
    rows = (string.digits + "0", string.ascii_lowercase, "qwertyuiop", "asdfghjkl", "zxcvbnm")
    return any(text in row or text in row[::-1] for row in rows)
