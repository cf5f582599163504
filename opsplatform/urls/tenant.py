"""A company's workspace (every tenant domain)."""

from django.urls import path
from django.views.generic import RedirectView

from opsplatform.admin import tenant_site
from opsplatform.files.views import make_view as private_file_view
from opsplatform.urls.common import urlpatterns as common
from tenants import views as tenant_views

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", tenant_site.urls),
    path("invite/<str:token>/", tenant_views.invitation_accept, name="invitation-accept"),
    path("switch/<slug:slug>/", tenant_views.tenant_switch, name="tenant-switch"),
    path("handoff/", tenant_views.tenant_handoff, name="tenant-handoff"),
    path("handoff/confirm/", tenant_views.tenant_handoff_confirm, name="tenant-handoff-confirm"),
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field_name>/",
        private_file_view(tenant_site),
        name="private-file",
    ),
    *common,
]
