"""Calendar links sealed at rest: a private iCal URL carries its secret in the path or query
(and sometimes a password), so the store keeps only its Fernet encryption.

The key lives apart from the database: `PLANNER_SECRET_KEY` (a Fernet key, for PostgreSQL
deployments whose replicas must share it), else a 0600 key file the store creates beside the
SQLite file or in the data folder. A copy of the database alone opens no calendar link.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

SECRET_KEY_ENV = "PLANNER_SECRET_KEY"
PREFIX = "fernet:"  # what a sealed value starts with in the database


class KeyProblem(ValueError):
    """The key setting or file cannot be used; the message says which and what to do."""


class UrlCipher:
    """Seals and opens calendar URLs with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, url: str | None) -> str | None:
        if url is None:
            return None
        return PREFIX + self._fernet.encrypt(url.encode("utf-8")).decode("ascii")

    def open(self, sealed: str | None) -> str | None:
        """The URL, or None when there is none or this key cannot open it (a lost key)."""
        if not sealed:
            return None
        try:
            return self._fernet.decrypt(sealed.removeprefix(PREFIX).encode("ascii")).decode()
        except (InvalidToken, ValueError):
            return None


def _key_from_env() -> bytes | None:
    text = os.environ.get(SECRET_KEY_ENV, "").strip()
    if not text:
        return None
    try:
        Fernet(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise KeyProblem(
            f"{SECRET_KEY_ENV} is not a Fernet key (32 url-safe base64-encoded bytes); make one "
            'with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from None
    return text.encode("ascii")


def _key_from_file(path: Path) -> bytes:
    """The key in `path`, made there (0600) when missing; two processes never make two keys."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, Fernet.generate_key() + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)  # atomic, and refuses to replace a key another made
            log.info("made the calendar-link key %s", path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_bytes().strip()
    try:
        Fernet(key)
    except ValueError:
        raise KeyProblem(
            f"the key file {path} does not hold a Fernet key; restore it from a backup, or set "
            f"{SECRET_KEY_ENV}"
        ) from None
    return key


def load_cipher(key_file: Path) -> UrlCipher:
    """The cipher of `PLANNER_SECRET_KEY`, else of `key_file` (made when missing)."""
    return UrlCipher(_key_from_env() or _key_from_file(key_file))
