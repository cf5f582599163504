"""Admin sites and the base classes every screen uses."""

from opsplatform.admin.base import (
    LandlordModelAdmin,
    TenantModelAdmin,
    TenantStackedInline,
    TenantTabularInline,
)
from opsplatform.admin.sites import landlord_site, tenant_site

__all__ = [
    "LandlordModelAdmin",
    "TenantModelAdmin",
    "TenantStackedInline",
    "TenantTabularInline",
    "landlord_site",
    "tenant_site",
]
