"""Who keeps the register and who handles custody.

- finance, owners and the CEO keep the register: assets, categories, suppliers,
  depreciation, maintenance, reports, imports and the fulfilment queue;
- HR sees the register and records custody (hand-outs and returns, a leaver's
  assets at termination), but changes no figures;
- everyone else sees only what they hold, on "My assets" (views_my_assets.py).

The lifecycle log and the depreciation ledger are never edited or deleted by
anyone: the services add rows, the database refuses the rest (docs/assets.md).
"""

from __future__ import annotations

import rules

from opsplatform.permissions import is_ceo, is_finance, is_hr, is_member, is_owner

keeps_register = is_owner | is_ceo | is_finance
sees_register = keeps_register | is_hr

rules.add_perm("assets.view_asset", sees_register)
rules.add_perm("assets.add_asset", keeps_register)
rules.add_perm("assets.change_asset", keeps_register)
# An asset leaves the register by disposal, never by deletion: its ledger stays.
rules.add_perm("assets.manage_custody", sees_register)
rules.add_perm("assets.post_depreciation", keeps_register)
rules.add_perm("assets.view_asset_reports", keeps_register)
rules.add_perm("assets.import_assets", keeps_register)
rules.add_perm("assets.fulfil_asset_requests", keeps_register)
rules.add_perm("assets.view_my_assets", is_member)

for model in ("assetcategory", "categoryfield", "supplier"):
    rules.add_perm(f"assets.view_{model}", sees_register)
    rules.add_perm(f"assets.add_{model}", keeps_register)
    rules.add_perm(f"assets.change_{model}", keeps_register)
    rules.add_perm(f"assets.delete_{model}", keeps_register)

# Documents and photos: finance keeps them; custody adds handover and return photos
# through its own forms (services/custody.py), not through this permission.
rules.add_perm("assets.view_assetfile", sees_register)
for action in ("add", "change", "delete"):
    rules.add_perm(f"assets.{action}_assetfile", keeps_register)

# Custody rows are written by assign/return/transfer only.
rules.add_perm("assets.view_assignment", sees_register)
rules.add_perm("assets.view_assetevent", sees_register)
rules.add_perm("assets.view_depreciationentry", keeps_register)

rules.add_perm("assets.view_meterreading", keeps_register)
rules.add_perm("assets.add_meterreading", keeps_register)

rules.add_perm("assets.manage_maintenance", keeps_register)
for model in ("maintenanceplan", "workorder"):
    rules.add_perm(f"assets.view_{model}", keeps_register)
    rules.add_perm(f"assets.add_{model}", keeps_register)
    rules.add_perm(f"assets.change_{model}", keeps_register)
rules.add_perm("assets.delete_maintenanceplan", keeps_register)
