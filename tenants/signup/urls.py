"""Sign-up's addresses on the root domain: ``signup`` and what follows it."""

from django.urls import path

from tenants.signup import views

urlpatterns = [
    path("", views.signup_start, name="signup"),
    path("check/", views.signup_check, name="signup-check"),
    path("verify/<str:token>/", views.signup_verify, name="signup-verify"),
]
