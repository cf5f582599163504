"""Foreign keys whose target is already in hand, so validation need not read it again.

``full_clean`` checks every foreign key by reading its target (one query each).
When the service set the field to a saved row it loaded itself in this
transaction, that read only proves what it already knows; the database's
foreign-key constraint still guards the write. Services pass these names to
``full_clean(exclude=...)`` (models whose constraints do not name them).
"""

from __future__ import annotations

from django.db import models


def loaded_relations(instance: models.Model) -> list[str]:
    """Names of the instance's foreign keys set to a saved, loaded row."""
    names = []
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or not field.is_cached(instance):
            continue
        target = field.get_cached_value(instance)
        if target is not None and not target._state.adding and target.pk is not None:
            names.append(field.name)
    return names
