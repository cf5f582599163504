"""The leave module's screens, one file per area (each helper-sized and on its own)."""

from modules.leave.admin import setup  # noqa: F401  (registers its admins)
from modules.leave.admin import requests_list  # noqa: E402, F401  (the list and the leave pages)
