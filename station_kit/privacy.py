"""Personal data at rest and on screen (DESIGN.md §9).

ID numbers are encrypted with a key derived from the station's secret; a keyed hash of the number
finds duplicates without decrypting. Screens and exports show masked forms only: the ID number's
last 4 characters, and a mobile phone's first 3 and last 4 digits.

An ID number is region (6) + birth date (8) + sequence and check digit (4). A mask that kept the
region too would, beside a birth date shown anywhere, give the whole number away; so the mask keeps
the last 4 alone, and the birth date is encrypted like the number (only its year stays plain).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return hmac.new(secret, purpose, hashlib.sha256).digest()


@dataclass(frozen=True)
class Vault:
    """Encrypts and hashes ID numbers with keys derived from one secret."""

    secret: bytes

    @property
    def _fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(_derive(self.secret, b"station_kit/id-number/encrypt")))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def encrypt_date(self, day: dt.date) -> str:
        return self.encrypt(day.isoformat())

    def decrypt_date(self, token: str) -> dt.date:
        return dt.date.fromisoformat(self.decrypt(token))

    def key_marker(self) -> str:
        """A keyed value kept in the database: a key that does not give it back is not the
        database's key (a deleted, replaced or emptied key file), and is refused."""
        return hmac.new(_derive(self.secret, b"station_kit/key-check"), b"station_kit",
                        hashlib.sha256).hexdigest()

    def lookup_hash(self, id_number: str) -> str:
        key = _derive(self.secret, b"station_kit/id-number/lookup")
        return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """110105199001011234 → **************1234: every kind of number keeps its last 4 only."""
    if len(id_number) <= 4:
        return "*" * len(id_number)
    return "*" * (len(id_number) - 4) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000; a landline keeps its area code and last 2 digits."""
    digits = phone.replace("-", "").replace(" ", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 6:
        return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]
    return "*" * len(digits)


def short_name(name: str) -> str:
    """王小明 → 王**: what a public wall shows of a resident. Always two stars, so the card does not
    tell the length of the name either."""
    name = name.strip()
    return name[:1] + "**" if name else ""
