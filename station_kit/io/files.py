"""Writing a file a worker asked for (an export, a certificate) so that only its owner can read it.

Exports hold names, masked numbers and hours; a certificate names a person. On a shared office PC
they are written 0600, as backups and the database are, also when they replace an older file.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` with mode 0600 (an existing file is made 0600 first, then replaced)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content)
