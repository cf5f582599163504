"""The leave module's screens, one file per area (each helper-sized and on its own)."""

from modules.leave.admin import ledger, setup  # noqa: F401  (register their admins)
