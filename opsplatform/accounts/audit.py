"""History rows for the changes that decide who can do what.

User history never stores the password hash (the field is excluded); instead
a save that changes the hash carries the reason "Password changed". Changes
to the staff, superuser and active flags say so in the reason too, and the
row's user is whoever made the change (the request's user, or the person
themselves for a reset by email). Groups and permissions are m2m fields that
simple-history snapshots (``m2m_fields`` on ``User.history``); the receiver
below names the change in the reason.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, pre_save
from django.utils.translation import gettext as _


def _flag_reasons(old, new) -> list[str]:
    reasons = []
    if old.password != new.password:
        reasons.append(_("Password changed"))
    for field, on, off in (
        ("is_staff", _("Platform staff granted"), _("Platform staff removed")),
        ("is_superuser", _("Superuser granted"), _("Superuser removed")),
        ("is_active", _("Reactivated"), _("Deactivated")),
    ):
        if getattr(old, field) != getattr(new, field):
            reasons.append(on if getattr(new, field) else off)
    return reasons


def note_user_changes(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {
        "password",
        "is_staff",
        "is_superuser",
        "is_active",
    } & set(update_fields):
        return
    old = (
        sender.objects.filter(pk=instance.pk)
        .only("password", "is_staff", "is_superuser", "is_active")
        .first()
    )
    if old is None:
        return
    reasons = _flag_reasons(old, instance)
    if not reasons:
        return
    given = getattr(instance, "_change_reason", None)
    instance._change_reason = "; ".join([given, *reasons] if given else reasons)
    if old.password != instance.password and not hasattr(instance, "_history_user"):
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
        if request is None or not request.user.is_authenticated:
            # A reset by email, or a command: the account's own row says who.
            instance._history_user = instance


def note_m2m_changes(sender, instance, action, model, pk_set, reverse=False, **kwargs):
    if reverse or action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    from django.contrib.auth.models import Group

    label = _("Groups changed") if model is Group else _("Permissions changed")
    names = ""
    if pk_set:
        field = "name" if model is Group else "codename"
        names = ", ".join(sorted(model.objects.filter(pk__in=pk_set).values_list(field, flat=True)))
    verb = {"pre_add": "+", "pre_remove": "-", "pre_clear": "-all"}[action]
    instance._change_reason = f"{label}: {verb}{names}"


def connect() -> None:
    from tenants.models import User

    pre_save.connect(note_user_changes, sender=User, dispatch_uid="accounts.audit.user")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            note_m2m_changes, sender=through, dispatch_uid=f"accounts.audit.{through}"
        )
