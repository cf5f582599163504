"""Login by email, and model permissions that depend on where you are.

Inside a tenant's workspace, what a member may do comes from their roles
there (``rules`` predicates in each module's ``rules.py``), never from global
flags: a platform superuser who also belongs to a company is an ordinary
member of it. On the root domain (no tenant) Django's own permissions apply,
which is what the landlord admin uses.
"""

from django.contrib.auth.backends import ModelBackend

from opsplatform.tenancy.context import get_current_tenant


class EmailBackend(ModelBackend):
    def _landlord_only(self) -> bool:
        return get_current_tenant() is None

    def has_perm(self, user_obj, perm, obj=None):
        return self._landlord_only() and super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return self._landlord_only() and super().has_module_perms(user_obj, app_label)

    def get_all_permissions(self, user_obj, obj=None):
        return super().get_all_permissions(user_obj, obj) if self._landlord_only() else set()
