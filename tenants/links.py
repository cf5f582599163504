"""Absolute addresses of a tenant's workspace, and the signed tokens in them."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

INVITATION_SALT = "tenants.invitation"
HANDOFF_SALT = "tenants.handoff"


def tenant_base_url(tenant) -> str:
    host = tenant.primary_domain or f"{tenant.slug}.{settings.BASE_DOMAIN}"
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{host}{port}"


def tenant_url(tenant, path: str) -> str:
    return tenant_base_url(tenant) + path


def invitation_token(invitation) -> str:
    return signing.dumps(
        {"i": invitation.pk, "t": invitation.tenant_id, "v": invitation.link_version},
        salt=INVITATION_SALT,
    )


def invitation_link_is_current(invitation, payload: dict) -> bool:
    """False for a link from an email that a resend replaced (links made before versions were 0)."""
    return payload.get("v", 0) == invitation.link_version


def read_invitation_token(token: str) -> dict:
    """The payload of a valid token; raises ``signing.BadSignature`` otherwise.

    Expiry is the invitation's own ``expires_at`` (it can be resent), so the
    signature only proves the link was made here.
    """
    return signing.loads(token, salt=INVITATION_SALT)


def handoff_token(*, user_id: int, tenant_id: int, nonce: str) -> str:
    return signing.dumps({"u": user_id, "t": tenant_id, "n": nonce}, salt=HANDOFF_SALT)


def read_handoff_token(token: str) -> dict:
    return signing.loads(token, salt=HANDOFF_SALT, max_age=settings.TENANT_HANDOFF_MAX_AGE_SECONDS)
