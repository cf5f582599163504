"""Email backends that refuse messages, as a mail provider does when it is down
or rejects an address. Install with override_settings(EMAIL_BACKEND=...)."""

from __future__ import annotations

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend as MemoryBackend

REFUSING = "tests.broken_mail.RefusingEmailBackend"
REFUSING_DOWN_TEST = "tests.broken_mail.RefusesDownTestBackend"


class RefusingEmailBackend(MemoryBackend):
    """Every message fails: the provider is unreachable."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class RefusesDownTestBackend(MemoryBackend):
    """Messages to an ``@down.test`` address fail; the rest land in mail.outbox."""

    def send_messages(self, email_messages):
        for message in email_messages:
            refused = [to for to in message.to if to.endswith("@down.test")]
            if refused:
                raise SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for to in refused})
        return super().send_messages(email_messages)
