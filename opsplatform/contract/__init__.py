"""The module contract: how a part of the product plugs into the kernel (docs/modules.md)."""

from opsplatform.contract.declarations import (
    LANDLORD,
    TENANT,
    ActivityKind,
    Feature,
    Holding,
    Limit,
    LiveTopic,
    Module,
    RecordLink,
    RetiredAuditTable,
    SidebarGroup,
    SidebarItem,
)

__all__ = [
    "LANDLORD",
    "TENANT",
    "ActivityKind",
    "Feature",
    "Holding",
    "Limit",
    "LiveTopic",
    "Module",
    "RecordLink",
    "RetiredAuditTable",
    "SidebarGroup",
    "SidebarItem",
]
