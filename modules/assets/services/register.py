"""Registering and editing assets: tags handed out per company and prefix, the
category's custom fields checked, history kept (every write goes through here)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from modules.assets.models import Asset, AssetCategory, CategoryField, TagCounter

DEFAULT_PREFIX = "AST"


def tag_prefix(category: AssetCategory) -> str:
    return category.tag_prefix or DEFAULT_PREFIX


def next_tags(category: AssetCategory, count: int = 1) -> list[str]:
    """The next ``count`` tags of the category's prefix (LAP-00013, LAP-00014).

    The counter row is locked for the rest of the transaction, so two people
    registering laptops at once get different numbers. A number whose tag is
    taken already (typed by hand, or imported) is skipped.
    """
    prefix = tag_prefix(category)
    TagCounter.objects.get_or_create(prefix=prefix)
    counter = TagCounter.objects.select_for_update().get(prefix=prefix)
    tags: list[str] = []
    number = counter.last
    while len(tags) < count:
        batch = [f"{prefix}-{n:05d}" for n in range(number + 1, number + 1 + count - len(tags))]
        number += len(batch)
        taken = {
            tag.upper() for tag in Asset.objects.filter(tag__in=batch).values_list("tag", flat=True)
        }
        tags.extend(tag for tag in batch if tag.upper() not in taken)
    TagCounter.objects.filter(pk=counter.pk).update(last=number)
    return tags


def clean_custom_values(category: AssetCategory | None, values: dict) -> dict:
    """The values of the category's custom fields, typed and checked; keys the
    category does not define are dropped (a category change leaves no stale keys)."""
    if category is None:
        return {}
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for field in CategoryField.objects.filter(category=category).order_by("order", "pk"):
        raw = values.get(field.key)
        if raw in (None, ""):
            if field.required:
                errors[field.key] = _("%(label)s is required for %(category)s.") % {
                    "label": field.label,
                    "category": category.name,
                }
            continue
        if field.kind == CategoryField.Kind.CHOICE and str(raw) not in field.options():
            errors[field.key] = _("%(label)s must be one of: %(options)s.") % {
                "label": field.label,
                "options": ", ".join(field.options()),
            }
            continue
        cleaned[field.key] = raw
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def asset_save(asset: Asset) -> Asset:
    """Save a new or changed asset: a new one without a tag gets the category's next."""
    if not asset.tag.strip():
        asset.tag = next_tags(asset.category)[0]
    asset.tag = asset.tag.strip()
    asset.full_clean()
    asset.save()
    return asset
