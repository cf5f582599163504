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
        "deactivated": _("Your access to %(company)s has been deactivated. Ask an owner."),
    }

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        from tenants.models import Membership

        tenant = getattr(self.request, "tenant", None)
        with tenant_context(tenant):
            status = (
                Membership.objects.filter(user=user).values_list("status", flat=True).first()
                if tenant is not None
                else None
            )
        if status == Membership.Status.DEACTIVATED:
            raise forms.ValidationError(
                self.error_messages["deactivated"],
                code="deactivated",
                params={"company": tenant.name},
            )
        if status != Membership.Status.ACTIVE:
            raise forms.ValidationError(
                self.error_messages["not_member"],
                code="not_member",
                params={"company": tenant.name if tenant else ""},
            )
