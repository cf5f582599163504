"""Deputies: a person names who decides for them while they are away."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from modules.approvals.models import Delegation
from opsplatform.permissions import current_membership
from opsplatform.refusals import Refused
from tenants.models import User


@transaction.atomic
def delegation_save(*, delegation: Delegation, user: User) -> Delegation:
    """Create or change a deputy period, checked like the form (``full_clean``).

    Without ``approvals.manage_all_deputies`` a person sets deputies for
    themselves only.
    """
    if not user.has_perm("approvals.manage_all_deputies"):
        membership = current_membership(user)
        if membership is None:
            raise Refused(_("Only members of the company name deputies."))
        if delegation.principal_id is None:
            delegation.principal = membership
        elif delegation.principal_id != membership.pk:
            raise Refused(_("You can only name your own deputy."), field="principal")
    delegation.full_clean()
    delegation.save()
    return delegation
