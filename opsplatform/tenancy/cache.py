"""Cache keys carry the tenant id (tenancy invariant 4).

Installed as the cache's KEY_FUNCTION, so every ``cache.get/set`` made while a
tenant is current lands in that tenant's key space, including caches that
third-party code (unfold's search, for one) keys only by user.
"""

from opsplatform.tenancy.context import get_current_tenant_id


def make_key(key: str, key_prefix: str, version: int) -> str:
    tenant_id = get_current_tenant_id()
    scope = f"t{tenant_id}" if tenant_id is not None else "global"
    return f"{key_prefix}:{version}:{scope}:{key}"
