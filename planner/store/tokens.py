"""Private season tokens: 192 random bits from `secrets`, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128
UID_SCOPE_BYTES = 8  # a season's part of its iCal UIDs: unique, public, unrelated to the token
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_token() -> str:
    # Never a leading "-": a shell command would read the token as an option.
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def new_uid_scope() -> str:
    """16 hex characters that make a season's iCal UIDs its own (see `export.ical.scoped_uid`);
    random rather than derived from the token, which rotates and must not show in a file."""
    return secrets.token_hex(UID_SCOPE_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours (anything else is not looked up at all)."""
    return isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) is not None


def matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)


def redacted(token: str) -> str:
    """What logs may say about a token: nothing but its length."""
    return f"<token of {len(token)} chars>"
