"""Every write about companies, domains, members and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsplatform.billing.entitlements import check_capacity
from opsplatform.realtime.publish import close_member_sockets
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import tenant_context
from tenants.models import Domain, Invitation, Membership, RoleGrant, Tenant, User
from tenants.roles import OWNER_ONLY_ROLES, RoleCode

VALID_ROLES = frozenset(RoleCode.values)
# The outbox handler that emails an invitation (tenants/outbox.py).
INVITATION_EMAIL = "tenants.invitation_email"
# The plan's limit on seats (tenants/module.py): active members and open invitations.
MEMBERS_LIMIT = "tenants.members"


# -- companies --------------------------------------------------------------


@transaction.atomic
def tenant_create(
    *,
    name: str,
    slug: str,
    time_zone: str = "UTC",
    currency: str = "USD",
    default_language: str = "en",
    logo=None,
    owner_email: str = "",
    invited_by: User | None = None,
    send_invitation: bool = True,
) -> Tenant:
    """A new company with its ``<slug>.<base domain>`` address, and its owner invited.

    ``send_invitation=False`` makes the invitation without emailing it: a company
    that signs itself up sends its owner straight to the invitation page, and the
    verification email it already sent is the way back (docs/billing.md).
    """
    tenant = Tenant(
        name=name,
        slug=slug,
        time_zone=time_zone,
        currency=currency,
        default_language=default_language,
    )
    if logo:
        tenant.logo = logo
    tenant.full_clean()
    tenant.save()
    domain_add(tenant=tenant, domain=f"{slug}.{settings.BASE_DOMAIN}", is_primary=True)
    if owner_email:
        invitation_create(
            tenant=tenant,
            email=owner_email,
            roles=[RoleCode.OWNER],
            invited_by=invited_by,
            as_platform=True,
            send_email=send_invitation,
        )
    return tenant


@transaction.atomic
def domain_add(*, tenant: Tenant, domain: str, is_primary: bool = False) -> Domain:
    if is_primary:
        # Row by row, so each address that stops being primary has its history entry.
        for previous in Domain.objects.select_for_update(no_key=True).filter(
            tenant=tenant, is_primary=True
        ):
            previous.is_primary = False
            previous._change_reason = _("No longer the primary address")
            previous.save(update_fields=["is_primary"])
    row = Domain(tenant=tenant, domain=domain.strip().lower(), is_primary=is_primary)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def tenant_suspend(*, tenant: Tenant, reason: str = "", by: User | None = None) -> Tenant:
    tenant = Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
    if tenant.status == Tenant.Status.SUSPENDED:
        return tenant
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_reason = reason
    tenant._change_reason = _("Suspended: %(reason)s") % {"reason": reason or "-"}
    if by is not None:
        tenant._history_user = by
    tenant.save(update_fields=["status", "suspended_reason"])
    return tenant


@transaction.atomic
def tenant_set_two_factor_requirement(
    *, tenant: Tenant, required: bool, by: User | None = None
) -> Tenant:
    """An owner's rule: every member of this company signs in with a second factor."""
    tenant = Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
    if tenant.require_two_factor == required:
        return tenant
    tenant.require_two_factor = required
    tenant._change_reason = (
        _("Two-factor authentication required")
        if required
        else _("Two-factor authentication optional")
    )
    if by is not None:
        tenant._history_user = by
    tenant.save(update_fields=["require_two_factor"])
    return tenant


@transaction.atomic
def tenant_reactivate(*, tenant: Tenant, by: User | None = None) -> Tenant:
    tenant = Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
    if tenant.status == Tenant.Status.ACTIVE:
        return tenant
    tenant.status = Tenant.Status.ACTIVE
    tenant.suspended_reason = ""
    tenant._change_reason = _("Reactivated")
    if by is not None:
        tenant._history_user = by
    tenant.save(update_fields=["status", "suspended_reason"])
    return tenant


# -- roles ------------------------------------------------------------------


def _clean_roles(roles) -> list[str]:
    codes = sorted({str(code) for code in roles})
    unknown = [code for code in codes if code not in VALID_ROLES]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s") % {"role": unknown[0]}})
    if not codes:
        raise ValidationError({"roles": _("Choose at least one role.")})
    return codes


def _granter_roles(*, tenant: Tenant, user: User | None) -> set[str]:
    if user is None:
        return set()
    grants = RoleGrant.all_tenants.filter(
        tenant=tenant, membership__user=user, membership__status=Membership.Status.ACTIVE
    )
    return set(grants.values_list("role", flat=True))


def _check_may_grant(*, tenant: Tenant, by: User | None, roles, as_platform: bool) -> None:
    if as_platform:
        return
    granter = _granter_roles(tenant=tenant, user=by)
    if RoleCode.OWNER in granter:
        return
    if set(roles) & OWNER_ONLY_ROLES:
        raise ValidationError(
            {"roles": _("Only an owner can give the owner or CEO role.")}, code="owner_only"
        )
    if not granter & {RoleCode.HR}:
        raise ValidationError(_("Only owners and HR can invite people or change roles."))
    if set(roles) - {RoleCode.EMPLOYEE, RoleCode.MANAGER}:
        raise ValidationError(
            {"roles": _("HR can give the employee and manager roles; ask an owner for others.")},
            code="owner_only",
        )


@transaction.atomic
def membership_set_roles(
    *, membership: Membership, roles, by: User | None, as_platform: bool = False
) -> Membership:
    codes = _clean_roles(roles)
    tenant = membership.tenant
    with tenant_context(tenant):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        current = set(membership.role_grants.values_list("role", flat=True))
        changed = current.symmetric_difference(codes)
        _check_may_grant(tenant=tenant, by=by, roles=changed, as_platform=as_platform)
        if RoleCode.OWNER in current and RoleCode.OWNER not in codes:
            _refuse_last_owner(membership)
        # Who granted is named on the row itself, not left to the request
        # middleware: a grant made outside a request must still say who made it.
        for grant in membership.role_grants.filter(role__in=current - set(codes)):
            grant._change_reason = _("Role removed")
            if by is not None:
                grant._history_user = by
            grant.delete()
        for code in sorted(set(codes) - current):
            grant = RoleGrant(membership=membership, role=code)
            grant._change_reason = _("Role granted")
            if by is not None:
                grant._history_user = by
            grant.save()
    from opsplatform.permissions import forget_membership

    if by is not None:
        forget_membership(by)
    return membership


def _refuse_last_owner(membership: Membership) -> None:
    other_owners = (
        Membership.objects.filter(status=Membership.Status.ACTIVE, role_grants__role=RoleCode.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not other_owners:
        raise ValidationError(
            _("A company needs at least one active owner. Make someone else an owner first."),
            code="last_owner",
        )


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User | None) -> Membership:
    with tenant_context(membership.tenant):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if by is not None and membership.user_id == by.pk:
            raise ValidationError(_("You cannot deactivate yourself."))
        if RoleCode.OWNER in membership.role_codes():
            _refuse_last_owner(membership)
        membership.status = Membership.Status.DEACTIVATED
        membership._change_reason = _("Deactivated")
        membership.save(update_fields=["status"])
    close_member_sockets(tenant_id=membership.tenant_id, user_id=membership.user_id)
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User | None) -> Membership:
    with tenant_context(membership.tenant):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            # A seat again: within the plan's members limit, like a new member.
            check_capacity(membership.tenant, MEMBERS_LIMIT)
        membership.status = Membership.Status.ACTIVE
        membership._change_reason = _("Reactivated")
        membership.save(update_fields=["status"])
    return membership


# -- invitations ------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    tenant: Tenant,
    email: str,
    roles,
    invited_by: User | None,
    as_platform: bool = False,
    send_email: bool = True,
) -> Invitation:
    """Invite someone by email; the email goes out once the transaction commits
    (unless ``send_email`` is False: the caller hands the link over itself)."""
    email = User.objects.normalize_email(email.strip()).lower()
    codes = _clean_roles(roles)
    with tenant_context(tenant):
        _check_may_grant(tenant=tenant, by=invited_by, roles=codes, as_platform=as_platform)
        if Membership.objects.filter(
            user__email__iexact=email, status=Membership.Status.ACTIVE
        ).exists():
            raise ValidationError(
                {"email": _("%(email)s is already a member of this company.") % {"email": email}}
            )
        # An expired invitation no longer blocks a new one.
        for stale in Invitation.objects.filter(
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=timezone.now(),
        ):
            stale.revoked_at = timezone.now()
            stale._change_reason = _("Expired; replaced by a new invitation")
            stale.save(update_fields=["revoked_at"])
        invitation = Invitation(tenant=tenant, email=email, roles=codes, invited_by=invited_by)
        invitation.full_clean()
        invitation.save()
    if send_email:
        _send_invitation_after_commit(invitation)
    return invitation


def _send_invitation_after_commit(invitation: Invitation) -> None:
    """An outbox message in this transaction: the email goes out after commit,
    retried with backoff, even if the queue is down at the moment (docs/outbox.md).
    One waiting email per invitation: it carries the link current when it is sent."""
    from opsplatform import outbox

    outbox.emit(
        INVITATION_EMAIL,
        tenant=invitation.tenant_id,
        payload={"invitation_id": invitation.pk},
        dedupe_key=f"invitation:{invitation.pk}",
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    with tenant_context(invitation.tenant):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise ValidationError(_("This invitation is closed; send a new one."))
        from tenants.models import default_invitation_expiry

        invitation.expires_at = default_invitation_expiry()
        # A new link; every older email's link stops working.
        invitation.link_version += 1
        invitation._change_reason = _("Resent")
        invitation.save(update_fields=["expires_at", "link_version"])
    _send_invitation_after_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    with tenant_context(invitation.tenant):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError(_("This invitation was already accepted."))
        if not invitation.revoked_at:
            invitation.revoked_at = timezone.now()
            invitation._change_reason = _("Revoked")
            invitation.save(update_fields=["revoked_at"])
    return invitation


class InvitationClosed(Refused):
    """The invitation is no longer open (accepted, revoked or expired)."""


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    password: str = "",
    full_name: str = "",
    user: User | None = None,
) -> Membership:
    """Join the company. A new person sets a password; an existing one is already
    signed in (``user``) or proves who they are with their password."""
    tenant = invitation.tenant
    with tenant_context(tenant):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise InvitationClosed(
                _("This invitation is %(status)s. Ask for a new one.")
                % {"status": invitation.get_status_label()}
            )
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None and user.email.lower() != invitation.email.lower():
            raise ValidationError(
                _("This invitation is for %(email)s; you are signed in as someone else.")
                % {"email": invitation.email}
            )
        if existing is None:
            existing = User(email=invitation.email, full_name=full_name.strip())
            password_validation.validate_password(password, existing)
            existing.set_password(password)
            existing.full_clean()
            existing.save()
        elif user is None:
            if not existing.has_usable_password():
                password_validation.validate_password(password, existing)
                existing.set_password(password)
                existing.save(update_fields=["password"])
            elif not existing.check_password(password):
                raise ValidationError(
                    {"password": _("You already have an account; enter its password.")}
                )
            if full_name and not existing.full_name:
                existing.full_name = full_name.strip()
                existing.save(update_fields=["full_name"])
        if not existing.is_active:
            raise ValidationError(_("This account is disabled."))

        # Closed first, so the seat it held passes to the membership: at the
        # plan's cap, an invitation accepted is a seat kept, not a seat more. A
        # company now past its cap (a downgrade) refuses the join with the
        # plan's message, and the invitation stays open (docs/billing.md).
        invitation.accepted_at = timezone.now()
        invitation._change_reason = _("Accepted")
        invitation.save(update_fields=["accepted_at"])
        membership = Membership.objects.filter(user=existing).first()
        if membership is None:
            membership = Membership(user=existing)
            membership._change_reason = _("Joined by invitation")
            membership.save()
        elif not membership.is_active:
            check_capacity(tenant, MEMBERS_LIMIT)
            membership.status = Membership.Status.ACTIVE
            membership._change_reason = _("Rejoined by invitation")
            membership.save(update_fields=["status"])
        current = set(membership.role_grants.values_list("role", flat=True))
        for code in sorted(set(invitation.roles) - current):
            grant = RoleGrant(membership=membership, role=code)
            grant._change_reason = _("Granted by invitation")
            grant.save()
        from tenants.signals import member_joined

        member_joined.send(sender=Membership, membership=membership)
    return membership


# -- people -----------------------------------------------------------------


def user_set_language(*, user: User, language: str) -> User:
    codes = {code for code, _label in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
