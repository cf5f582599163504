"""What the assets module adds to the product (docs/modules.md, docs/assets.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import Feature, Holding, Module, RecordLink, SidebarGroup, SidebarItem


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
        # Approved asset requests waiting for an asset (admin/fulfilment.py).
        _item(
            _("Fulfilment queue"),
            "inventory",
            "admin:assets_fulfilment_queue",
            15,
            "assets.fulfil_asset_requests",
            badge="modules.assets.admin.fulfilment.queue_badge",
        ),
        # What the signed-in person holds (admin/my_assets.py).
        _item(
            _("My assets"),
            "laptop_chromebook",
            "admin:assets_my_assets",
            20,
            "assets.view_my_assets",
        ),
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
            _("Maintenance calendar"),
            "calendar_month",
            "admin:assets_workorder_calendar",
            55,
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
            72,
            "assets.view_asset_reports",
        ),
        _item(
            _("Import assets"),
            "upload_file",
            "admin:assets_import",
            75,
            "assets.import_assets",
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
    # An asset request's page links to the asset handed out for it; an employee's
    # page links to what they hold; a leaver's termination page lists it.
    record_links=(
        RecordLink(
            model="approvals.ApprovalRequest",
            title=_("Asset handed out"),
            icon="devices",
            url="modules.assets.links.request_assets_url",
            check="modules.assets.links.may_see_request_assets",
        ),
        RecordLink(
            model="employees.Employee",
            title=_("Assets held"),
            icon="devices",
            url="modules.assets.links.assets_held_url",
            check="modules.assets.links.may_see_holdings",
        ),
    ),
    holdings=(
        Holding(
            model="employees.Employee",
            title=_("Assets"),
            items="modules.assets.links.held_by",
            check="modules.assets.links.may_see_holdings",
        ),
    ),
    cards=("modules.assets.dashboard.asset_cards",),
)
