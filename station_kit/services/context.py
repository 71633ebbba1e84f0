"""What every use case needs besides its session: the vault for personal data, bound to its database.

A database remembers which key its ID numbers are encrypted with (a keyed marker in ``keycheck``).
A key that does not give that marker back — the key file deleted and made anew, replaced or
emptied — is refused before anything is read or written with it, so one database never mixes two
keys, the same ID number never registers twice under two keys, and no reveal fails half-way.
"""

from __future__ import annotations

import hmac

from cryptography.fernet import InvalidToken
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from station_kit.config import EmptySecretKey, MissingSecretKey, get_settings, load_secret_key
from station_kit.errors import DomainError
from station_kit.models import KeyCheck, Volunteer
from station_kit.privacy import Vault


def vault_for(session: Session, *, create_key: bool = False) -> Vault:
    """The vault for the session's database, or a DomainError saying how to restore the right key.

    A database with no encrypted data yet takes the key it is given (``create_key`` makes the key
    file when there is none) and remembers it from the first write on."""
    stored = session.get(KeyCheck, 1)
    sample = None if stored is not None else _sample_cipher(session)
    vault = Vault(_secret(create=create_key and stored is None and sample is None))
    if stored is not None and not hmac.compare_digest(stored.marker, vault.key_marker()):
        raise _key_error("key.mismatch")
    if sample is not None and not _opens(vault, sample):
        raise _key_error("key.mismatch")
    return vault


def remember_key(session: Session, vault: Vault) -> None:
    """Record the key's marker in a database that has none yet (inside the caller's transaction).

    Two first writers racing on PostgreSQL both try; the loser's savepoint rolls back and it
    checks its key against the winner's marker instead."""
    if session.get(KeyCheck, 1) is not None:
        return
    try:
        with session.begin_nested():
            session.add(KeyCheck(marker=vault.key_marker()))
    except IntegrityError:
        stored = session.get(KeyCheck, 1)
        if stored is None or not hmac.compare_digest(stored.marker, vault.key_marker()):
            raise _key_error("key.mismatch") from None


def vault_opening(token: str) -> Vault:
    """The configured key's vault, refused unless it opens ``token`` (a cipher already stored):
    for a migration that re-encrypts data before the database has a key marker."""
    vault = Vault(_secret(create=False))
    if not _opens(vault, token):
        raise _key_error("key.mismatch")
    return vault


def _secret(*, create: bool) -> bytes:
    settings = get_settings()
    try:
        return load_secret_key(settings, create=create)
    except MissingSecretKey as missing:
        raise _key_error("key.missing", path=missing.path) from None
    except EmptySecretKey as empty:
        raise _key_error("key.empty", path=empty.path) from None


def _sample_cipher(session: Session) -> str | None:
    return session.exec(select(Volunteer.id_number_cipher).limit(1)).first()


def _opens(vault: Vault, token: str) -> bool:
    try:
        vault.decrypt(token)
    except InvalidToken:
        return False
    return True


def _key_error(key: str, **params) -> DomainError:
    params.setdefault("path", str(get_settings().key_path))
    return DomainError.on("key", key, **params)
