"""Password reset by email and password change, on both hosts.

Django's own views, with our templates. A reset is offered only to people who
may sign in on this host (members of this company; platform staff on the
root), and the page says the same thing whether or not the address is known.
The link in the email is built from the request, so it opens the host where it
was asked for (the tenancy middleware answers only known hosts, so the Host
header cannot point it elsewhere).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminOwnPasswordChangeForm
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminPasswordWidget

from opsplatform.accounts import throttle
from opsplatform.tenancy.context import tenant_context


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].widget = UnfoldAdminEmailInputWidget(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def get_users(self, email):
        from tenants.models import Membership

        tenant = getattr(self.request, "tenant", None)
        for user in super().get_users(email):
            if tenant is None:
                if user.is_staff:
                    yield user
                continue
            with tenant_context(tenant):
                member = Membership.objects.filter(
                    user=user, status=Membership.Status.ACTIVE
                ).exists()
            if member:
                yield user


class SiteViewMixin:
    site = None

    def get_context_data(self, **kwargs):
        return {**self.site.each_context(self.request), **super().get_context_data(**kwargs)}


class ResetRequestView(SiteViewMixin, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("admin:password_reset_done")
    title = _("Reset your password")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class ResetDoneView(SiteViewMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(SiteViewMixin, auth_views.PasswordResetConfirmView):
    """Sets the new password. Wrong or used links count as failures for the account
    (and the address), like wrong passwords, and a lockout pauses this page too."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("admin:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        email = self._email_of(kwargs.get("uidb64", ""))
        if throttle.is_locked(self.request, email or ""):
            return throttle.lockout_response(self.request)
        response = super().dispatch(*args, **kwargs)
        if not self.validlink:
            throttle.record_failure(self.request, email)
        return response

    @staticmethod
    def _email_of(uidb64: str) -> str | None:
        from tenants.models import User

        try:
            pk = urlsafe_base64_decode(uidb64).decode()
            return User.objects.filter(pk=pk).values_list("email", flat=True).first()
        except (TypeError, ValueError, OverflowError):
            return None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name in ("new_password1", "new_password2"):
            form.fields[name].widget = UnfoldAdminPasswordWidget(
                attrs={"autocomplete": "new-password"}
            )
        return form


class ResetCompleteView(SiteViewMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class ChangeView(SiteViewMixin, auth_views.PasswordChangeView):
    """Change one's own password: the old password is checked under the same throttle."""

    form_class = AdminOwnPasswordChangeForm
    success_url = reverse_lazy("admin:password_change_done")
    template_name = "registration/password_change_form.html"

    def post(self, request, *args, **kwargs):
        email = request.user.get_username()
        if throttle.is_locked(request, email):
            return throttle.lockout_response(request)
        response = super().post(request, *args, **kwargs)
        form = getattr(response, "context_data", {}).get("form") if response else None
        if form is not None and "old_password" in form.errors:
            throttle.record_failure(request, email)
        return response
