"""Whether a company may sign itself up with a sub-domain: format, reserved words, free.

One function answers the form, the live check and the verification alike, so
the person sees the same verdict at every step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# 3 to 30 characters; letters, digits and single hyphens inside (a "--" is how
# punycode names start, "xn--", and reads like a typing slip anyway).
FORMAT = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){1,28}[a-z0-9]$")
MIN_LENGTH, MAX_LENGTH = 3, 30


@dataclass(frozen=True)
class Verdict:
    subdomain: str
    code: str  # "available", "format", "reserved" or "taken"
    message: str

    @property
    def available(self) -> bool:
        return self.code == "available"


def normalise(value: str) -> str:
    # Host names are case-insensitive: "Acme" is the address "acme".
    return (value or "").strip().lower()


def address_of(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"


def check_subdomain(value: str) -> Verdict:
    subdomain = normalise(value)
    if not FORMAT.match(subdomain):
        return Verdict(
            subdomain,
            "format",
            _(
                "Use %(min)d to %(max)d lowercase letters, digits and single hyphens, "
                "starting and ending with a letter or a digit."
            )
            % {"min": MIN_LENGTH, "max": MAX_LENGTH},
        )
    if subdomain in settings.RESERVED_SUBDOMAINS:
        return Verdict(
            subdomain,
            "reserved",
            _("“%(subdomain)s” is reserved. Choose another address.") % {"subdomain": subdomain},
        )
    if is_taken(subdomain):
        return Verdict(
            subdomain,
            "taken",
            _("%(address)s is already taken. Choose another address.")
            % {"address": address_of(subdomain)},
        )
    return Verdict(
        subdomain,
        "available",
        _("%(address)s is available.") % {"address": address_of(subdomain)},
    )


def is_taken(subdomain: str) -> bool:
    """A company's slug, any company's domain (custom ones included) or a platform host."""
    from tenants.models import Domain, Tenant

    address = address_of(subdomain)
    if address in settings.ROOT_HOSTS:
        return True
    # iexact: slugs made by hand in the landlord admin may hold capitals.
    return (
        Tenant.objects.filter(slug__iexact=subdomain).exists()
        or Domain.objects.filter(domain__iexact=address).exists()
    )
