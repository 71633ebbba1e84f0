"""When a volunteer's guardian must consent too: the form, the service and the import all ask it here."""

from __future__ import annotations

# 《个人信息保护法》 art. 31: a child under 14 needs a parent's or guardian's consent.
GUARDIAN_CONSENT_BELOW_AGE = 14


def needs_guardian(age: int) -> bool:
    """Whether a volunteer of ``age`` (whole years) needs a guardian's consent as well as their own."""
    return age < GUARDIAN_CONSENT_BELOW_AGE
