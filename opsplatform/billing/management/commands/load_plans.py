"""Load the plan definitions from ``fixtures/plans.json`` (idempotent, by code).

Stripe price ids may be left empty in the file and filled from the environment
(``STRIPE_PRICE_<CODE>_MONTH`` / ``_YEAR``) so a deployment keeps its own ids
out of the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from opsplatform.billing.services import plans_load

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "plans.json"


class Command(BaseCommand):
    help = "Create or update the plans defined in fixtures/plans.json."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        definitions = json.loads(Path(path).read_text())["plans"]
        for item in definitions:
            code = item["code"].upper()
            for interval in ("monthly", "yearly"):
                key = f"STRIPE_PRICE_{code}_{'MONTH' if interval == 'monthly' else 'YEAR'}"
                if os.environ.get(key):
                    item[f"stripe_{interval}_price"] = os.environ[key]
        loaded = plans_load(definitions)
        self.stdout.write(f"{len(loaded)} plans loaded: {', '.join(p.code for p in loaded)}")
