"""Who reaches the billing pages, checked before any view's own code."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from opsplatform.billing import stripe_api
from opsplatform.billing.rules import decides_plan, sees_billing


def billing_page(view):
    """Owners and finance; anyone else in the company gets a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sees_billing(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def stripe_write(*, owner_only: bool = True, get_allowed: bool = False):
    """A POST that reaches Stripe: the owner only (unless ``owner_only`` is off), and
    only with Stripe keys; without them it says who assigns plans and does nothing."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not sees_billing(request) or (owner_only and not decides_plan(request)):
                raise PermissionDenied
            if request.method != "POST" and not (get_allowed and request.method == "GET"):
                return HttpResponseNotAllowed(["POST"])
            if not stripe_api.configured():
                messages.info(request, staff_assign_message())
                return back_to_billing()
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def staff_assign_message() -> str:
    return _(
        "Plans are assigned by platform staff: contact us to change yours. "
        "Online payment is not set up on this platform."
    )


def back_to_billing() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:billing"))
