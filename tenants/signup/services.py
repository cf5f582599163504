"""Every write of self-serve sign-up: the email that verifies, and the company it creates."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from opsplatform import onetime
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import tenant_context
from tenants.signup.emails import send_verification
from tenants.signup.selectors import trial_plan
from tenants.signup.subdomains import check_subdomain
from tenants.signup.tokens import MAX_AGE_SECONDS, PendingSignup, make_token

log = logging.getLogger(__name__)


class SignupClosed(Refused):
    """No trial plan to start: platform staff have not loaded the plans."""


class LinkUsed(Refused):
    """This verification link already created its company."""


def closed_message() -> str:
    return _(
        "Sign-up is not open at the moment. Please try again later or contact the platform team."
    )


def _require_trial_plan():
    # Refused rather than loading fixtures here: which plans exist is platform
    # staff's decision (manage.py load_plans), not a side effect of a visitor.
    plan = trial_plan()
    if plan is None:
        log.error("sign-up refused: the trial plan %r is not loaded", settings.BILLING_TRIAL_PLAN)
        raise SignupClosed(closed_message(), code="closed")
    return plan


def signup_start(
    *, company: str, subdomain: str, email: str, owner_name: str = ""
) -> PendingSignup:
    """Step one: check the address and email a verification link. Creates nothing.

    Sending again (the same form, or "send it again") mails a new link; every
    link that was sent works until it expires, and the first one used wins.
    """
    _require_trial_plan()
    verdict = check_subdomain(subdomain)
    if not verdict.available:
        raise Refused(verdict.message, code=verdict.code, field="subdomain")
    pending = PendingSignup(
        company=company,
        subdomain=verdict.subdomain,
        email=email.strip().lower(),
        owner_name=owner_name,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    token = make_token(pending)
    try:
        send_verification(pending=pending, token=token)
    except Exception as error:  # any refusal of the mail server is the same to the person
        log.warning("sign-up: verification email to %s failed", pending.email, exc_info=True)
        raise Refused(
            _("We could not send the email just now. Please try again in a few minutes."),
            code="mail",
        ) from error
    return pending


@transaction.atomic
def signup_complete(*, pending: PendingSignup):
    """Step three: the company, its owner's account and invitation, and the trial.

    Returns the owner's invitation; accepting it (setting a password, or an
    existing account's own) makes them the owner and signs them in.
    """
    from opsplatform.billing.models import Subscription
    from opsplatform.billing.services import subscription_assign
    from tenants.models import Invitation
    from tenants.services import tenant_create

    plan = _require_trial_plan()
    # Spent first, inside this transaction: a second press of the button waits
    # here for the first to commit and then finds it spent (one company only);
    # a refusal below rolls the spend back, so the link still works later.
    if not onetime.spend(pending.nonce_key(), valid_for_seconds=2 * MAX_AGE_SECONDS):
        raise LinkUsed(_("This link was already used to create the company."), code="used")
    verdict = check_subdomain(pending.subdomain)
    if not verdict.available:
        raise Refused(verdict.message, code=verdict.code, field="subdomain")
    user = _owner_account(pending)
    language = pending.language if pending.language in dict(settings.LANGUAGES) else "en"
    tenant = tenant_create(
        name=pending.company,
        slug=verdict.subdomain,
        default_language=language,
        owner_email=user.email,
        # The owner is on the sign-up page and goes straight to the invitation;
        # the verification email already holds the way back (its link leads on).
        send_invitation=False,
    )
    subscription_assign(
        tenant=tenant,
        plan=plan,
        status=Subscription.Status.TRIALING,
        trial_days=settings.BILLING_TRIAL_DAYS,
    )
    with tenant_context(tenant):
        return Invitation.objects.get(email=user.email, accepted_at__isnull=True)


def _owner_account(pending: PendingSignup):
    """The person's account: theirs if they have one (they join as owner with its
    password), else a new one without a password, which the invitation sets."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=pending.email).first()
    if user is None:
        # No language of their own: they follow the company's, which is the one they signed up in.
        user = User(email=pending.email, full_name=pending.owner_name[:150])
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif not user.is_active:
        raise Refused(
            _("The account of %(email)s is disabled. Contact the platform team.")
            % {"email": pending.email},
            code="disabled",
        )
    return user
