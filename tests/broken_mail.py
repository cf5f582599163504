"""An email backend that refuses every message, as a mail provider does when it
rejects the credentials or is down. Install with override_settings(EMAIL_BACKEND=...)."""

from __future__ import annotations

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend

REFUSING = "tests.broken_mail.RefusingEmailBackend"


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")
