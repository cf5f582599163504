"""The platform's root domain: the landlord admin for platform staff."""

from django.urls import path
from django.views.generic import RedirectView

from opsplatform.admin import landlord_site
from opsplatform.urls.common import urlpatterns as common

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", landlord_site.urls),
    *common,
]
