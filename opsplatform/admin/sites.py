"""The two admin sites.

``tenant_site`` is a company's workspace: open only to that company's active
members, on the company's own domain. ``landlord_site`` is the platform staff's
admin on the root domain. Each lives in its own URLconf (the tenancy
middleware picks one by host), so neither site's URLs exist on the other's host.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from unfold.sites import UnfoldAdminSite

from opsplatform.admin.forms import TenantLoginForm
from opsplatform.permissions import current_membership


class AccountPagesMixin:
    """Password reset and change, two-factor, and sign-in security on this site."""

    def get_urls(self):
        from opsplatform.accounts.urls import account_urls

        return account_urls(self) + self.extra_urls() + super().get_urls()

    def extra_urls(self) -> list:
        return []

    def password_change(self, request, extra_context=None):
        from opsplatform.accounts.passwords import ChangeView

        request.current_app = self.name
        return ChangeView.as_view(site=self, extra_context=extra_context)(request)


class LazyAppListMixin:
    """The list of every registered model, built only when a page reads it.

    Django's ``each_context`` builds it for every page (``available_apps``),
    asking every registered admin for its permissions, but with unfold's
    "all applications" menu off (settings/unfold.py) only an app's index page
    reads it: the sidebar is composed from the modules' declarations. Building
    it cost ~3 ms of every page (bench/admin_pages.py).
    """

    def get_app_list(self, request, app_label=None):
        parent = super().get_app_list
        return SimpleLazyObject(lambda: parent(request, app_label))


class TenantAdminSite(LazyAppListMixin, AccountPagesMixin, UnfoldAdminSite):
    settings_name = "UNFOLD"
    site_title = _("Workspace")
    site_header = _("Workspace")
    index_title = _("Dashboard")
    index_template = "opsplatform/dashboard.html"
    login_form = TenantLoginForm

    def extra_urls(self) -> list:
        # The company's billing pages (opsplatform/billing, docs/billing.md).
        from opsplatform.billing.pages_urls import billing_urls

        return billing_urls(self)

    def each_context(self, request):
        # The styles and scripts each installed part declares (Module.styles/scripts),
        # after the workspace's own from UNFOLD.
        from django.templatetags.static import static

        from opsplatform.contract.registry import scripts, styles

        context = super().each_context(request)
        context["styles"] = [*context["styles"], *(static(path) for path in styles())]
        context["scripts"] = [*context["scripts"], *(static(path) for path in scripts())]
        return context

    def autocomplete_view(self, request):
        # Django's search of a field's choices, which a field may open to the people
        # who fill it in (opsplatform/admin/autocomplete.py).
        from opsplatform.admin.autocomplete import TenantAutocompleteView

        return TenantAutocompleteView.as_view(admin_site=self)(request)

    def has_permission(self, request) -> bool:
        tenant = getattr(request, "tenant", None)
        user = request.user
        return bool(
            tenant is not None
            and user.is_active
            and user.is_authenticated
            and current_membership(user) is not None
        )


class LandlordAdminSite(LazyAppListMixin, AccountPagesMixin, UnfoldAdminSite):
    settings_name = "UNFOLD_LANDLORD"
    site_title = _("Platform administration")
    site_header = _("Platform administration")
    index_title = _("Companies")
    index_template = "opsplatform/landlord_index.html"

    def has_permission(self, request) -> bool:
        return bool(
            getattr(request, "is_landlord_host", False)
            and getattr(request, "tenant", None) is None
            and request.user.is_active
            and request.user.is_staff
        )


tenant_site = TenantAdminSite(name="admin")
landlord_site = LandlordAdminSite(name="admin")

__all__ = ["landlord_site", "settings", "tenant_site"]
