"""Reads of sign-up: the trial plan, and what became of a verification link."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from opsplatform.tenancy.context import tenant_context
from tenants.signup.tokens import PendingSignup


def trial_plan():
    """The plan a self-signed-up company tries (BILLING_TRIAL_PLAN), or None when not loaded."""
    from opsplatform.billing.models import Plan

    return Plan.objects.filter(code=settings.BILLING_TRIAL_PLAN).first()


@dataclass(frozen=True)
class Created:
    """The company a link already created, and the owner's open invitation (None once accepted)."""

    tenant: object
    invitation: object | None


def created_by(pending: PendingSignup) -> Created | None:
    """The company this sign-up already made: its address, owned or being joined by its email.

    A company at the same address that this email does not own is someone
    else's: the caller treats it as "taken".
    """
    from tenants.models import Invitation, Membership, Tenant
    from tenants.roles import RoleCode

    tenant = Tenant.objects.filter(slug__iexact=pending.subdomain).first()
    if tenant is None:
        return None
    with tenant_context(tenant):
        member = Membership.objects.filter(
            user__email__iexact=pending.email,
            status=Membership.Status.ACTIVE,
            role_grants__role=RoleCode.OWNER,
        ).exists()
        if member:
            return Created(tenant, None)
        invitations = Invitation.objects.filter(email__iexact=pending.email).order_by("-pk")
        for invitation in invitations:
            if (
                invitation.status == Invitation.Status.PENDING
                and RoleCode.OWNER in invitation.roles
            ):
                return Created(tenant, invitation)
    return None
