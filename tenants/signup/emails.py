"""The verification email: sent in the request, because nothing is stored yet.

The outbox carries what a committed write must cause later; before the email
is verified there is no write (and no company for an outbox row to belong
to). So the email is sent at once, and a mail server that refuses it is a
message on the form: the person tries again, and nothing was lost.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tenants.signup.subdomains import address_of
from tenants.signup.tokens import MAX_AGE_SECONDS, PendingSignup


def root_url(path: str) -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


def verification_link(token: str) -> str:
    path = reverse("signup-verify", args=[token], urlconf=settings.LANDLORD_URLCONF)
    return root_url(path)


def send_verification(*, pending: PendingSignup, token: str) -> None:
    """In the language the person signed up in (the request's). Raises when sending fails."""
    context = {
        "pending": pending,
        "address": address_of(pending.subdomain),
        "link": verification_link(token),
        "hours": MAX_AGE_SECONDS // 3600,
    }
    subject = render_to_string("signup/email/verify_subject.txt", context).strip()
    text = render_to_string("signup/email/verify.txt", context)
    html = render_to_string("signup/email/verify.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[pending.email])
    message.attach_alternative(html, "text/html")
    message.send()
