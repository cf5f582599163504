"""The platform's root domain: the landlord admin for platform staff."""

from django.urls import include, path
from django.views.generic import RedirectView

from opsplatform.admin import landlord_site
from opsplatform.urls.common import urlpatterns as common

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", landlord_site.urls),
    path("signup/", include("tenants.signup.urls")),
    path("stripe/", include("opsplatform.billing.webhook_urls")),
    *common,
]
