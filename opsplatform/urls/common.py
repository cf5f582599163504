"""URLs both hosts serve."""

from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from opsplatform import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/language/", views.language_switch, name="language-switch"),
]

if settings.DEBUG:
    # Uploaded files in development; production serves MEDIA_ROOT from the proxy or storage.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
