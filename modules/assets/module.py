"""What the assets module adds to the product (docs/modules.md, docs/assets.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import Feature, Module, SidebarGroup, SidebarItem


def _item(title, icon: str, url: str, order: int, permission: str, **extra) -> SidebarItem:
    return SidebarItem(
        group="assets",
        title=title,
        icon=icon,
        url=url,
        order=order,
        permission=permission,
        **extra,
    )


MODULE = Module(
    name="assets",
    label=_("Assets"),
    # Holders are employees and departments; asset requests travel the approvals engine.
    requires=("employees", "approvals"),
    groups=(SidebarGroup(key="assets", title=_("Assets"), order=40, collapsible=False),),
    items=(
        _item(_("Assets"), "devices", "admin:assets_asset_changelist", 10, "assets.view_asset"),
        _item(
            _("Custody"),
            "assignment_ind",
            "admin:assets_assignment_changelist",
            30,
            "assets.view_assignment",
        ),
        _item(
            _("Work orders"),
            "build",
            "admin:assets_workorder_changelist",
            50,
            "assets.view_workorder",
        ),
        _item(
            _("Maintenance plans"),
            "event_repeat",
            "admin:assets_maintenanceplan_changelist",
            60,
            "assets.view_maintenanceplan",
        ),
        _item(
            _("Depreciation ledger"),
            "account_balance",
            "admin:assets_depreciationentry_changelist",
            70,
            "assets.view_depreciationentry",
        ),
        _item(
            _("Asset reports"),
            "summarize",
            "admin:assets_reports_depreciation",
            75,
            "assets.view_asset_reports",
        ),
        _item(
            _("Categories"),
            "category",
            "admin:assets_assetcategory_changelist",
            80,
            "assets.change_assetcategory",
        ),
        _item(
            _("Suppliers"),
            "storefront",
            "admin:assets_supplier_changelist",
            90,
            "assets.view_supplier",
        ),
    ),
    demo="modules.assets.demo.seed",
    feature=Feature(code="assets", label=_("Assets")),
)
