"""The roles a member can hold within a company (several at once)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    OWNER = "owner", _("Owner")
    CEO = "ceo", _("CEO")
    REVENUE_ASSURANCE = "revenue_assurance", _("Revenue assurance")
    FINANCE = "finance", _("Finance")
    HR = "hr", _("HR")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")


# Roles that only an owner may hand out: they carry the keys to the company.
OWNER_ONLY_ROLES = frozenset({RoleCode.OWNER, RoleCode.CEO})
