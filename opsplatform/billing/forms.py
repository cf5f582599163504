"""Forms of the billing pages (the owner's) and of the landlord's plan and
subscription screens."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminIntegerFieldWidget

from opsplatform.billing.models import Plan, Subscription
from opsplatform.billing.services import GRACE_EXTENSION_MAX_DAYS
from opsplatform.contract.registry import plan_features, plan_limits


class PlanChoiceForm(forms.Form):
    """A public plan and an interval: what to subscribe to or change to."""

    plan = forms.ModelChoiceField(
        queryset=Plan.objects.filter(is_public=True), to_field_name="code", label=_("Plan")
    )
    interval = forms.ChoiceField(choices=Subscription.Interval.choices, label=_("Interval"))


class GraceForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days to add"),
        min_value=1,
        max_value=GRACE_EXTENSION_MAX_DAYS,
        initial=7,
        widget=UnfoldAdminIntegerFieldWidget,
    )


# -- the landlord's plan form ------------------------------------------------------------


def limit_field_name(code: str) -> str:
    return "limit_" + re.sub(r"\W", "_", code)


class PlanFormBase(forms.ModelForm):
    """A plan's features as checkboxes and one number per declared limit (blank:
    unlimited). Codes in the row that no installed module declares are kept."""

    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "tier",
            "is_public",
            "trial_days",
            "currency",
            "monthly_amount",
            "yearly_amount",
            "stripe_monthly_price",
            "stripe_yearly_price",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        have = list(self.instance.features or [])
        declared = {feature.code: feature.label for feature in plan_features()}
        choices = [(code, label) for code, label in declared.items()]
        choices += [(code, code) for code in have if code not in declared]
        self.fields["features"] = forms.MultipleChoiceField(
            label=_("Features"),
            choices=choices,
            required=False,
            initial=have,
            widget=forms.CheckboxSelectMultiple,
        )
        limits = self.instance.limits or {}
        for limit in plan_limits():
            self.fields[limit_field_name(limit.code)] = forms.IntegerField(
                label=limit.label,
                min_value=0,
                required=False,
                initial=limits.get(limit.code),
                help_text=_("Leave blank for unlimited."),
                widget=UnfoldAdminIntegerFieldWidget,
            )

    def save(self, commit=True):
        plan = super().save(commit=False)
        plan.features = list(self.cleaned_data["features"])
        declared = {limit.code for limit in plan_limits()}
        limits = {k: v for k, v in (plan.limits or {}).items() if k not in declared}
        for limit in plan_limits():
            value = self.cleaned_data.get(limit_field_name(limit.code))
            if value is not None:
                limits[limit.code] = value
        plan.limits = limits
        if commit:
            plan.save()
        return plan


def plan_form_fieldsets() -> list:
    return [
        (None, {"fields": ["code", "name", "tier", "is_public", "trial_days"]}),
        (
            _("Prices"),
            {
                "fields": [
                    "currency",
                    "monthly_amount",
                    "yearly_amount",
                    "stripe_monthly_price",
                    "stripe_yearly_price",
                ]
            },
        ),
        (_("Features"), {"fields": ["features"]}),
        (_("Limits"), {"fields": [limit_field_name(limit.code) for limit in plan_limits()]}),
    ]


# -- the landlord's subscription forms -----------------------------------------------------


class SubscriptionAddForm(forms.ModelForm):
    """Put a company on a plan by hand (a company that has none yet)."""

    trial_days = forms.IntegerField(
        label=_("Trial days"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("For a trial: how long it lasts (blank: the plan's own)."),
        widget=UnfoldAdminIntegerFieldWidget,
    )

    class Meta:
        model = Subscription
        fields = ["tenant", "plan", "interval", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = self.fields["tenant"].queryset.filter(
            subscription__isnull=True
        )
        self.fields["status"].choices = [
            (value, label)
            for value, label in Subscription.Status.choices
            if value in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING)
        ]


class SubscriptionChangeForm(forms.ModelForm):
    """Change a company's plan by hand. With Stripe, Stripe's next event wins."""

    class Meta:
        model = Subscription
        fields = ["plan", "interval", "status", "trial_ends_at", "current_period_end"]

    def clean(self):
        data = super().clean()
        if data.get("status") == Subscription.Status.TRIALING and not data.get("trial_ends_at"):
            self.add_error("trial_ends_at", _("A trial needs the day it ends."))
        return data
