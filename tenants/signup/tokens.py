"""The pending sign-up, carried signed in the verification link.

Nothing is stored before the email is verified: the link itself holds what
the person typed, signed with the secret key, and a nonce spent when the
company is created (opsplatform.onetime), so each link creates one company.
Signed is not secret: the link shows its own content to whoever holds it,
which is the person it was mailed to.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

from django.core import signing

SALT = "tenants.signup"
# How long a verification link works.
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingSignup:
    company: str
    subdomain: str
    email: str
    owner_name: str = ""
    language: str = "en"
    nonce: str = ""

    def nonce_key(self) -> str:
        return f"signup:{self.nonce}"


class LinkExpired(Exception):
    """A well-signed link older than MAX_AGE_SECONDS; carries what it held."""

    def __init__(self, pending: PendingSignup):
        super().__init__("sign-up link expired")
        self.pending = pending


def make_token(pending: PendingSignup) -> str:
    data = asdict(pending)
    data["nonce"] = pending.nonce or secrets.token_urlsafe(16)
    return signing.dumps(data, salt=SALT, compress=True)


def _pending(data) -> PendingSignup:
    if not isinstance(data, dict):
        raise signing.BadSignature("not a sign-up")
    try:
        return PendingSignup(**{key: str(data[key]) for key in PendingSignup.__dataclass_fields__})
    except (KeyError, TypeError) as error:
        raise signing.BadSignature("not a sign-up") from error


def read_token(token: str) -> PendingSignup:
    """The pending sign-up of a valid link.

    Raises ``LinkExpired`` for a genuine but old link (the page offers to start
    again with what it held) and ``signing.BadSignature`` for anything forged.
    """
    try:
        return _pending(signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS))
    except signing.SignatureExpired as error:
        raise LinkExpired(_pending(signing.loads(token, salt=SALT))) from error


def read_token_for_prefill(token: str) -> PendingSignup | None:
    """What a link held, expired or not, to fill the form again (never to create)."""
    try:
        return _pending(signing.loads(token, salt=SALT))
    except signing.BadSignature:
        return None
