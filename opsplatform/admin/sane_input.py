"""Every tenant admin form refuses hostile input with a message, never a 500.

Applied to each form field the admin base builds (``formfield_for_dbfield``),
so a new model's screens get it the day they are registered, whatever form
class the screen declares:

- one-line texts lose bidirectional control characters (opsplatform.validation);
- multi-line texts without a column limit are capped at TEXT_MAX_LENGTH;
- dates and date-times must be plausible, and a value the time zone cannot
  convert (year 9999 at 23:59 east of UTC) is a form error, not an OverflowError.

Numbers need nothing here: Django's model fields already carry the column's
range (IntegerField) and digits (DecimalField), which the form validates.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsplatform.validation import TEXT_MAX_LENGTH, strip_bidi, validate_plausible_date


class _StripsBidi:
    def to_python(self, value):
        return super().to_python(strip_bidi(value))


class _RefusesOverflow:
    def clean(self, value):
        try:
            return super().clean(value)
        except (OverflowError, ValueError) as error:
            raise ValidationError(_("Enter a valid date."), code="invalid") from error


@cache
def _with(mixin: type, field_class: type) -> type:
    return type(f"Sane{field_class.__name__}", (mixin, field_class), {})


def _extend(formfield: forms.Field, mixin: type) -> None:
    if not isinstance(formfield, mixin):
        formfield.__class__ = _with(mixin, type(formfield))


def harden_formfield(db_field: models.Field, formfield: forms.Field | None):
    if formfield is None:
        return None
    if isinstance(db_field, models.TextField) and isinstance(formfield, forms.CharField):
        if formfield.max_length is None or formfield.max_length > TEXT_MAX_LENGTH:
            formfield.max_length = TEXT_MAX_LENGTH
            formfield.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            formfield.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
    elif isinstance(db_field, models.CharField) and isinstance(formfield, forms.CharField):
        _extend(formfield, _StripsBidi)
    if isinstance(db_field, models.DateField) and isinstance(
        formfield, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField
    ):
        _extend(formfield, _RefusesOverflow)
        formfield.validators.append(validate_plausible_date)
    return formfield
