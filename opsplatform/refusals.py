"""The one way a service says no, and the one way a screen shows it.

A service raises :class:`Refused` with a message written for the person ("The
request has moved on: it is now at Finance."). It is a ``ValidationError``, so
a form takes it as it is and ``except ValidationError`` still catches it. A
view shows it with :func:`show_refusal`: on the form when there is one (as a
non-field or field error), otherwise as an error message on the next page.

A refusal changes nothing: services raise it before writing, or inside the
transaction that it rolls back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A move that is not possible now; its messages are for the person."""

    def __init__(self, message, code: str | None = "refused", params=None, *, field=None):
        super().__init__(message, code=code, params=params)
        # The form field the refusal is about, when it is about one.
        self.field = field


def show_refusal(request, error: ValidationError, *, form=None) -> None:
    """Show ``error`` on ``form`` when given, else as messages for the next page."""
    if form is not None:
        form.add_error(getattr(error, "field", None), error)
        return
    for message in error.messages:
        messages.error(request, message)
