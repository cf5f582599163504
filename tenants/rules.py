"""Who may do what with members and invitations, within one company."""

import rules

from opsplatform.permissions import is_ceo, is_hr, is_owner

# Members join through invitations and leave by deactivation, so there is no
# add or delete; owners change roles, HR and the CEO can look.
rules.add_perm("tenants.view_membership", is_owner | is_ceo | is_hr)
rules.add_perm("tenants.change_membership", is_owner)
rules.add_perm("tenants.add_membership", rules.always_deny)
rules.add_perm("tenants.delete_membership", rules.always_deny)

rules.add_perm("tenants.view_invitation", is_owner | is_hr)
rules.add_perm("tenants.add_invitation", is_owner | is_hr)
rules.add_perm("tenants.change_invitation", is_owner | is_hr)
rules.add_perm("tenants.delete_invitation", rules.always_deny)
