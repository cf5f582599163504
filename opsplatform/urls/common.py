"""URLs both hosts serve.

There is no /media/ route on any host: user files are private and served only
by the workspace's ``private-file`` view (opsplatform/files/views.py).
"""

from django.urls import path

from opsplatform import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/language/", views.language_switch, name="language-switch"),
]
