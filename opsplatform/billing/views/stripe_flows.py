"""The owner's moves through Stripe: Checkout, the Customer Portal, a plan or
interval change after a proration preview, cancelling at period end and resuming.

Every move is a POST; the change's preview and the cancel's question are GET
pages that change nothing. A refusal from the adapter (``Refused``) is shown
as a message and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from opsplatform.billing import stripe_api
from opsplatform.billing.entitlements import forget
from opsplatform.billing.forms import PlanChoiceForm
from opsplatform.billing.selectors import subscription_of
from opsplatform.billing.views.access import back_to_billing, stripe_write
from opsplatform.refusals import show_refusal


def _absolute(request, name: str, query: str = "") -> str:
    return request.build_absolute_uri(reverse(name)) + query


def _refused(request, error: ValidationError):
    show_refusal(request, error)
    return back_to_billing()


def _chosen(request, data):
    form = PlanChoiceForm(data)
    if not form.is_valid():
        messages.error(request, _("Choose one of the plans on offer and an interval."))
        return None
    return form.cleaned_data["plan"], form.cleaned_data["interval"]


@stripe_write()
def checkout(request, site):
    chosen = _chosen(request, request.POST)
    if chosen is None:
        return back_to_billing()
    plan, interval = chosen
    subscription = subscription_of(request.tenant)
    if subscription is None:
        messages.error(request, _("Your company has no plan yet: contact us to get one."))
        return back_to_billing()
    try:
        url = stripe_api.checkout_url(
            subscription,
            plan,
            interval,
            success_url=_absolute(request, "admin:billing", "?checkout=done"),
            cancel_url=_absolute(request, "admin:billing"),
        )
    except ValidationError as error:
        return _refused(request, error)
    return HttpResponseRedirect(url)


@stripe_write(owner_only=False)
def portal(request, site):
    subscription = subscription_of(request.tenant)
    if subscription is None or not subscription.stripe_customer:
        messages.error(request, _("Subscribe first: there are no payment details to manage yet."))
        return back_to_billing()
    try:
        url = stripe_api.portal_url(subscription, return_url=_absolute(request, "admin:billing"))
    except ValidationError as error:
        return _refused(request, error)
    return HttpResponseRedirect(url)


def _live_subscription(request):
    subscription = subscription_of(request.tenant)
    if subscription is None or not subscription.stripe_subscription:
        messages.error(request, _("Subscribe first: your company has no paid subscription yet."))
        return None
    return subscription


def _figure(preview) -> dict:
    """The one amount the preview leads with: what a new interval charges now, or
    what a change within the interval adds to the next invoice."""
    figure = preview.due_now if preview.at_once else preview.proration
    return {"figure": figure, "credit": figure < 0, "credit_amount": -figure}


@stripe_write(get_allowed=True)
def change(request, site):
    """GET ``?plan=&interval=``: what the change costs now and next; POST: make it."""
    subscription = _live_subscription(request)
    if subscription is None:
        return back_to_billing()
    chosen = _chosen(request, request.POST if request.method == "POST" else request.GET)
    if chosen is None:
        return back_to_billing()
    plan, interval = chosen
    if plan.pk == subscription.plan_id and interval == subscription.interval:
        messages.info(request, _("Your company is already on this plan and interval."))
        return back_to_billing()
    try:
        if request.method == "POST":
            stripe_api.change_plan(subscription, plan, interval)
        else:
            preview = stripe_api.preview_change(subscription, plan, interval)
    except ValidationError as error:
        return _refused(request, error)
    if request.method == "POST":
        forget(request.tenant)
        messages.success(
            request,
            _(
                "Your company is moving to %(plan)s. The page shows the new plan once Stripe confirms."
            )
            % {"plan": plan.name},
        )
        return back_to_billing()
    return TemplateResponse(
        request,
        "billing/change_preview.html",
        {
            **site.each_context(request),
            "title": _("Change to %(plan)s") % {"plan": plan.name},
            "subscription": subscription,
            "new_plan": plan,
            "interval": interval,
            "interval_label": dict(subscription.Interval.choices)[interval],
            "preview": preview,
            **_figure(preview),
        },
    )


@stripe_write(get_allowed=True)
def cancel(request, site):
    """GET: the question (what ends and when); POST: cancel at the period's end."""
    subscription = _live_subscription(request)
    if subscription is None:
        return back_to_billing()
    if subscription.cancel_at_period_end:
        messages.info(request, _("Your subscription already ends at the end of this period."))
        return back_to_billing()
    if request.method == "GET":
        return TemplateResponse(
            request,
            "billing/cancel_confirm.html",
            {
                **site.each_context(request),
                "title": _("Cancel your subscription?"),
                "subscription": subscription,
            },
        )
    try:
        stripe_api.cancel_at_period_end(subscription)
    except ValidationError as error:
        return _refused(request, error)
    forget(request.tenant)
    messages.success(
        request,
        _("Your subscription ends at the end of this period. You can resume it until then."),
    )
    return back_to_billing()


@stripe_write()
def resume(request, site):
    subscription = _live_subscription(request)
    if subscription is None:
        return back_to_billing()
    try:
        stripe_api.resume(subscription)
    except ValidationError as error:
        return _refused(request, error)
    forget(request.tenant)
    messages.success(request, _("Your subscription continues: it renews as before."))
    return back_to_billing()
