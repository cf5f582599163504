"""The kernel has no tables of its own; tenant-owned models inherit
``opsplatform.tenancy.models.TenantModel``. (This module's existence also makes
Django send post_migrate to the kernel, which refreshes the RLS policies.)"""
