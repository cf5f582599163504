"""The leave module's screens, one file per area (each helper-sized and on its own)."""

from modules.leave.admin import (
    ledger,  # noqa: F401  (the balance ledger, adjustments and reversals)
    requests_list,  # noqa: F401  (the list and the leave pages)
    setup,  # noqa: F401  (registers its admins)
)
