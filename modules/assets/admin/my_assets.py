""" "My assets": what the signed-in person holds now, and what they gave back.

Read through their own employee record only (``selectors.custody.my_assignments``):
nobody else's custody is reachable from here, and a login without an employee
record sees an empty page. Two queries for the rows, however many there are.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.assets.selectors.custody import my_assignments
from modules.employees.selectors import my_employee
from opsplatform.admin.pages import AdminPage


class MyAssetsPage(AdminPage):
    permission_required = "assets.view_my_assets"
    template_name = "assets/my_assets.html"
    title = _("My assets")

    def get(self, request):
        held, returned = my_assignments(request.user)
        return self.render(
            employee=my_employee(request.user),
            held=held,
            returned=returned,
            today=timezone.localdate(),
        )
