"""Personal data at rest and on screen (DESIGN.md §9).

ID numbers are encrypted with a key derived from the station's secret; a keyed hash of the number
finds duplicates without decrypting. Screens and exports show masked forms only: the ID number's
first 6 and last 4 characters, and a mobile phone's first 3 and last 4 digits.
"""

from __future__ import annotations

import base64
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

    def lookup_hash(self, id_number: str) -> str:
        key = _derive(self.secret, b"station_kit/id-number/lookup")
        return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """110105199001011234 → 110105********1234; short foreign numbers keep their last 4 only."""
    if len(id_number) >= 12:
        return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
    return "*" * max(len(id_number) - 4, 0) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000; a landline keeps its area code and last 2 digits."""
    digits = phone.replace("-", "").replace(" ", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 6:
        return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]
    return "*" * len(digits)
