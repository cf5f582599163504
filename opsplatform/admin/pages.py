"""The base of every admin screen that is not one of a model's own forms.

unfold's ``UnfoldModelAdminViewMixin`` gives the site's context (sidebar,
branding, the tenant) and a permission check; this adds the model's ``opts``
(breadcrumbs) and a per-request title. A module mounts a page from its
ModelAdmin's ``get_urls`` with ``admin_site.admin_view(Page.as_view(model_admin=self))``.
"""

from __future__ import annotations

from django.views.generic import TemplateView
from unfold.views import UnfoldModelAdminViewMixin


class AdminPage(UnfoldModelAdminViewMixin, TemplateView):
    """``permission_required`` names the model-level permission the page needs;
    object-level checks stay in the view (a foreign or hidden id is a 404)."""

    title = ""

    def get_title(self) -> str:
        return self.title

    def get_context_data(self, **kwargs):
        self.title = self.get_title()
        context = super().get_context_data(**kwargs)
        context.setdefault("opts", self.model_admin.model._meta)
        return context

    def render(self, **context):
        return self.render_to_response(self.get_context_data(**context))
