from modules.assets.models.assets import (
    Asset,
    AssetEvent,
    AssetFile,
    AssetStatus,
    DisposalKind,
    MeterReading,
    TagCounter,
)
from modules.assets.models.categories import (
    AssetCategory,
    CategoryField,
    DepreciationMethod,
    Supplier,
)
from modules.assets.models.common import CENT, MONEY, ZERO
from modules.assets.models.custody import Assignment
from modules.assets.models.depreciation import DepreciationEntry
from modules.assets.models.maintenance import MaintenancePlan, WorkOrder
from modules.assets.models.requests import AssetRequest

__all__ = [
    "CENT",
    "MONEY",
    "ZERO",
    "Asset",
    "AssetCategory",
    "AssetEvent",
    "AssetFile",
    "AssetRequest",
    "AssetStatus",
    "Assignment",
    "CategoryField",
    "DepreciationEntry",
    "DepreciationMethod",
    "DisposalKind",
    "MaintenancePlan",
    "MeterReading",
    "Supplier",
    "TagCounter",
    "WorkOrder",
]

# The asset request kind registers with the engine as its subject model loads.
from modules.assets import kind  # noqa: F401
