"""The route's change form: changing a default route makes it the company's own.

A plan's "approval routes" limit counts customised routes only (module.py). A
route stops being its kind's default when the company changes it, on the
route itself or on its gates, so the check needs both: the route form notes
whether its own fields changed, and the gates' formset (validated after it,
with the same route object) asks the plan about the whole change and refuses
it as one error, before anything is written. ``RouteAdmin.save_model`` then
checks again at the write (services.route_customising).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from modules.approvals import services
from modules.approvals.models import Route


class RouteForm(forms.ModelForm):
    class Meta:
        model = Route
        fields = ["kind", "name"]

    def _post_clean(self):
        super()._post_clean()
        # Read by the gates' formset below and by the admin's save_model.
        self.instance._route_fields_changed = not self.instance._state.adding and self.has_changed()


class RouteGateFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        route = self.instance
        if route._state.adding or not route.is_default:
            return
        changed = self.has_changed() or getattr(route, "_route_fields_changed", False)
        route._customising = changed
        if not changed:
            return
        refused = services.route_customise_refusal(route)
        if refused is not None:
            raise ValidationError(refused.messages)
