"""The workspace's login form: members of this company, not "staff"."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm

from opsplatform.tenancy.context import tenant_context


class TenantLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct email address and password."),
        "not_member": _("This account does not belong to %(company)s."),
    }

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        from tenants.models import Membership

        tenant = getattr(self.request, "tenant", None)
        with tenant_context(tenant):
            is_member = (
                tenant is not None
                and Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()
            )
        if not is_member:
            raise forms.ValidationError(
                self.error_messages["not_member"],
                code="not_member",
                params={"company": tenant.name if tenant else ""},
            )
