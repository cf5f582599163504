"""Who may do what with requests, routes and deputies.

- every member may raise requests and sees their own, their team's (managers)
  and those they decide or decided; owners, the CEO, finance and revenue
  assurance see every request;
- only the requester edits a request, and only while it is a draft or
  returned; only they submit, resubmit or cancel it;
- a gate is decided by its approver, a holder of its role, or their deputy
  (services check the gate itself under the row lock);
- owners edit routes; everyone sets their own deputy, owners and HR anyone's.
"""

from __future__ import annotations

import rules

from modules.approvals.models import RequestStatus
from opsplatform.permissions import current_membership, is_hr, is_member, is_owner


@rules.predicate
def is_requester(user, request) -> bool:
    return request is None or request.requester_id == user.pk


@rules.predicate
def is_editable(user, request) -> bool:
    return request is None or request.status in (RequestStatus.DRAFT, RequestStatus.RETURNED)


@rules.predicate
def is_draft(user, request) -> bool:
    return request is None or request.status == RequestStatus.DRAFT


@rules.predicate
def can_see_request(user, request) -> bool:
    if request is None:
        return True
    from modules.approvals.selectors import visible_requests

    return visible_requests(user).filter(pk=request.pk).exists()


@rules.predicate
def is_own_delegation(user, delegation) -> bool:
    if delegation is None:
        return True
    membership = current_membership(user)
    return membership is not None and delegation.principal_id == membership.pk


rules.add_perm("approvals.view_approvalrequest", is_member & can_see_request)
rules.add_perm("approvals.add_approvalrequest", is_member)
rules.add_perm("approvals.change_approvalrequest", is_member & is_requester & is_editable)
rules.add_perm("approvals.delete_approvalrequest", is_member & is_requester & is_draft)
rules.add_perm("approvals.decide_request", is_member)

for model in ("route", "routegate"):
    rules.add_perm(f"approvals.view_{model}", is_owner)
    rules.add_perm(f"approvals.add_{model}", is_owner)
    rules.add_perm(f"approvals.change_{model}", is_owner)
    rules.add_perm(f"approvals.delete_{model}", is_owner)

manages_deputies = is_owner | is_hr
rules.add_perm("approvals.view_delegation", is_member)
rules.add_perm("approvals.add_delegation", is_member)
rules.add_perm("approvals.change_delegation", is_member & (manages_deputies | is_own_delegation))
rules.add_perm("approvals.delete_delegation", is_member & (manages_deputies | is_own_delegation))
rules.add_perm("approvals.manage_all_deputies", manages_deputies)

# Line items are edited inline on the request (the inline asks the request's
# change permission); reading them follows the request.
rules.add_perm("approvals.view_purchaseline", is_member)
