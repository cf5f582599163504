"""The assets module's screens, one file per area."""

from modules.assets.admin import (
    categories,  # noqa: F401  (categories with their custom fields, suppliers)
    custody,  # noqa: F401  (the custody history of every asset)
    ledger,  # noqa: F401  (the depreciation ledger, read-only)
    maintenance,  # noqa: F401  (maintenance plans and work orders)
    register,  # noqa: F401  (the register and an asset's page)
)
