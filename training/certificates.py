"""Certificates: when one expires, what state it is in at a moment, when its renewal is due, and the
verification code printed on it.

A passed course issues a certificate. A course with `certificate_valid_months` (data protection:
12) gives certificates that expire that many calendar months after issue (the 31st becomes the
last day of a shorter month); other courses' certificates never expire. A renewal assignment is
due `renew_days` before expiry.
"""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Optional

from training.due import as_utc

STATES = ("valid", "expiring", "expired", "revoked")
# Crockford's base 32 without I, L, O, U: no letter reads as a digit, no word is spelled by accident.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, GROUP_LENGTH = 3, 4


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months, on the same day of the month or the month's last day."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"months must be a whole number >= 1, not {months!r}")
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def expiry(issued_at: datetime, valid_months: Optional[int]) -> Optional[datetime]:
    """When a certificate issued at `issued_at` expires (None: never)."""
    return None if valid_months is None else add_months(issued_at, valid_months)


def state(expires_at: Optional[datetime], now: datetime, renew_days: int, revoked: bool = False) -> str:
    """"revoked"; "expired" from the expiry moment on; "expiring" within `renew_days` before it; else "valid"."""
    if revoked:
        return "revoked"
    if expires_at is None:
        return "valid"
    at, ends = as_utc(now), as_utc(expires_at)
    if at >= ends:
        return "expired"
    return "expiring" if at >= ends - timedelta(days=renew_days) else "valid"


def renewal_due(expires_at: Optional[datetime], now: datetime, renew_days: int) -> bool:
    """Whether the renewal assignment of a certificate is due at `now` (expiring or expired)."""
    return state(expires_at, now, renew_days) in ("expiring", "expired")


def format_code(raw: bytes) -> str:
    """A verification code from random bytes: three groups of four characters ("7K2M-9XQ4-B3HT"),
    60 bits, so guessing a valid code is hopeless."""
    if len(raw) < 8:
        raise ValueError("a verification code needs at least 8 random bytes")
    number = int.from_bytes(raw[:8], "big")
    chars = []
    for _ in range(CODE_GROUPS * GROUP_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "-".join("".join(chars[i:i + GROUP_LENGTH]) for i in range(0, len(chars), GROUP_LENGTH))


def normalise_code(text: str) -> str:
    """A typed code as stored: upper case, read-alike letters mapped (O→0, I/L→1), grouped by dashes;
    "" when it cannot be one."""
    cleaned = "".join(c for c in (text or "").upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in cleaned):
        return ""
    return "-".join(cleaned[i:i + GROUP_LENGTH] for i in range(0, len(cleaned), GROUP_LENGTH))
