"""The request form: the request's own fields plus its kind's, on one page.

The kind's fields (payee, vendor …) are declared on the form from the kind's
subject form, so they keep their names and widgets; the form fills the
subject from them and validates it with the request.

``amount`` is computed (a VAS's monthly cost × its term, a purchase's lines);
each part can fit its own column while the product does not, which would
reach the database as an overflow. Here it is a form error on the field the
person typed.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance, model_to_dict
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import AMOUNT_LIMIT, get_kind
from opsplatform.tenancy.context import require_current_tenant

TOO_LARGE = _("The total comes to more than %(limit)s, the largest amount a request can carry.")


def too_large() -> ValidationError:
    return ValidationError(
        TOO_LARGE, code="amount_too_large", params={"limit": f"{AMOUNT_LIMIT:,}"}
    )


class ApprovalRequestForm(forms.ModelForm):
    kind_code = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_spec = get_kind(self.instance.kind or self.kind_code)
        self.subject = self.kind_spec.subject_of(self.instance) if self.kind_spec else None
        if self.subject is not None and self.subject.pk is not None:
            own = [name for name in self.kind_spec.fields if name in self.fields]
            for name, value in model_to_dict(self.subject, fields=own).items():
                self.initial.setdefault(name, value)

    def clean(self):
        cleaned = super().clean()
        spec = self.kind_spec
        if spec is not None and not self.errors:
            probe = spec.subject_model(
                **{name: cleaned[name] for name in spec.fields if name in cleaned}
            )
            tenant = require_current_tenant()
            # Lines are checked by their own formset.
            amount = spec.amount(
                probe, approval=self.instance, company_currency=tenant.currency, lines=()
            )
            if amount > AMOUNT_LIMIT:
                self.add_error(spec.amount_field, too_large())
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.subject is None:
            return
        own = [name for name in self.kind_spec.fields if name in self.fields]
        construct_instance(self, self.subject, fields=own)
        try:
            self.kind_spec.clean_subject(self.subject)
        except ValidationError as error:
            self._update_errors(
                ValidationError(
                    {name: messages for name, messages in error.error_dict.items() if name in own}
                    or error.messages
                )
            )


@cache
def form_for_kind(code: str) -> type[ApprovalRequestForm]:
    """The request form with ``code``'s fields declared on it."""
    spec = get_kind(code)
    if spec is None:
        return ApprovalRequestForm
    declared = dict(spec.subject_form().base_fields)
    return type(
        f"{spec.subject_model.__name__}RequestForm",
        (ApprovalRequestForm,),
        {**declared, "kind_code": code},
    )
