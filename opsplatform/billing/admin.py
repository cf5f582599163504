"""Platform staff's billing screens: plans, subscriptions (assign by hand, extend a
grace period) and the billing overview (docs/billing.md). The webhook events'
admin is the webhook part's own file (admin_events.py, registered by apps.ready)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from opsplatform.admin import LandlordModelAdmin, landlord_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.billing import services
from opsplatform.billing.forms import (
    GraceForm,
    PlanFormBase,
    SubscriptionAddForm,
    SubscriptionChangeForm,
    plan_form_fieldsets,
)
from opsplatform.billing.models import Plan, Subscription
from opsplatform.contract.registry import plan_features, plan_limits
from opsplatform.refusals import show_refusal

STATUS_LABELS = {
    Subscription.Status.TRIALING: "info",
    Subscription.Status.ACTIVE: "success",
    Subscription.Status.PAST_DUE: "danger",
    Subscription.Status.CANCELLED: "warning",
    Subscription.Status.INCOMPLETE: "warning",
}


@admin.register(Plan, site=landlord_site)
class PlanAdmin(LandlordModelAdmin):
    form = PlanFormBase
    list_display = [
        "name",
        "code",
        "tier",
        "monthly_price",
        "yearly_price",
        "feature_list",
        "limit_list",
        "trial_days",
        "is_public",
        "subscription_count",
    ]
    ordering = ["tier", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_count=Count("subscriptions"))

    def get_fieldsets(self, request, obj=None):
        return plan_form_fieldsets()

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The features and limits fields are made per request from the registry.
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    @display(description=_("monthly"), ordering="monthly_amount")
    def monthly_price(self, obj):
        return f"{obj.monthly_amount} {obj.currency}"

    @display(description=_("yearly"), ordering="yearly_amount")
    def yearly_price(self, obj):
        return f"{obj.yearly_amount} {obj.currency}"

    @display(description=_("features"))
    def feature_list(self, obj):
        labels = {f.code: str(f.label) for f in plan_features()}
        return ", ".join(labels.get(code, code) for code in obj.features or []) or "-"

    @display(description=_("limits"))
    def limit_list(self, obj):
        parts = []
        for limit in plan_limits():
            cap = obj.cap(limit.code)
            parts.append(f"{limit.label}: {cap if cap is not None else '∞'}")
        return "; ".join(parts) or "-"

    @display(description=_("companies"), ordering="subscription_count")
    def subscription_count(self, obj):
        return obj.subscription_count


@admin.register(Subscription, site=landlord_site)
class SubscriptionAdmin(LandlordModelAdmin):
    list_display = [
        "company",
        "plan",
        "status_badge",
        "interval",
        "trial_ends_at",
        "current_period_end",
        "grace_until",
        "cancel_at_period_end",
    ]
    list_filter = ["plan", "status", "interval", "cancel_at_period_end"]
    list_select_related = ["tenant", "plan"]
    search_fields = ["tenant__name", "tenant__slug"]
    ordering = ["tenant__name"]
    actions_detail = ["extend_grace_detail"]
    actions_row = ["extend_grace_row"]
    readonly_fields = [
        "tenant",
        "grace_until",
        "cancel_at_period_end",
        "next_amount",
        "stripe_customer",
        "stripe_subscription",
        "stripe_synced_at",
        "updated_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = SubscriptionChangeForm if obj is not None else SubscriptionAddForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["tenant", "plan", "interval", "status", "trial_days"]})]
        return [
            (None, {"fields": ["tenant", "plan", "interval", "status"]}),
            (_("Dates"), {"fields": ["trial_ends_at", "current_period_end", "grace_until"]}),
            (
                _("Stripe"),
                {
                    "fields": [
                        "cancel_at_period_end",
                        "next_amount",
                        "stripe_customer",
                        "stripe_subscription",
                        "stripe_synced_at",
                        "updated_at",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # A company's plan is changed, never removed: without a row it would be on the
        # default plan, which is not what staff mean by "delete".
        return False

    @display(description=_("company"), ordering="tenant__name")
    def company(self, obj):
        return obj.tenant.name

    @display(description=_("status"), label=STATUS_LABELS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.subscription_change_by_hand(
                subscription=obj,
                plan=data["plan"],
                interval=data["interval"],
                status=data["status"],
                trial_ends_at=data.get("trial_ends_at"),
                current_period_end=data.get("current_period_end"),
                by=request.user,
            )
        else:
            saved = services.subscription_assign(
                tenant=data["tenant"],
                plan=data["plan"],
                status=data["status"],
                interval=data["interval"],
                trial_days=data.get("trial_days"),
                by=request.user,
            )
        obj.pk = saved.pk
        obj._state.adding = False

    def get_urls(self):
        from opsplatform.billing.landlord.views import OverviewPage

        overview = self.admin_site.admin_view(OverviewPage.as_view(model_admin=self))
        return [path("overview/", overview, name="billing_overview"), *super().get_urls()]

    # GET shows the number-of-days form; only its POST extends (services.subscription_extend_grace).
    @renders_on_get
    @action(description=_("Extend grace period"), url_path="extend-grace", permissions=["change"])
    def extend_grace_detail(self, request, object_id):
        return self._extend_grace(request, object_id)

    @renders_on_get
    @action(
        description=_("Extend grace period"), url_path="extend-grace-row", permissions=["change"]
    )
    def extend_grace_row(self, request, object_id):
        return self._extend_grace(request, object_id)

    def _extend_grace(self, request, object_id):
        subscription = self.get_object(request, object_id)
        if subscription is None:
            raise Http404
        form = GraceForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.subscription_extend_grace(
                    subscription=subscription, days=form.cleaned_data["days"], by=request.user
                )
            except ValidationError as error:
                show_refusal(request, error, form=form if getattr(error, "field", None) else None)
                if not getattr(error, "field", None):
                    return HttpResponseRedirect(self._change_url(subscription))
            else:
                messages.success(
                    request,
                    _("%(company)s keeps writing until %(date)s.")
                    % {
                        "company": subscription.tenant.name,
                        "date": date_format(localtime(subscription.grace_until), "DATETIME_FORMAT"),
                    },
                )
                return HttpResponseRedirect(self._change_url(subscription))
        return TemplateResponse(
            request,
            "billing/extend_grace.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Extend the grace period of %(company)s")
                % {"company": subscription.tenant.name},
                "subscription": subscription,
                "form": form,
                "back_url": self._change_url(subscription),
            },
        )

    def _change_url(self, subscription) -> str:
        return reverse("admin:billing_subscription_change", args=[subscription.pk])
