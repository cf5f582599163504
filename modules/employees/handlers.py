"""What the employees module does when other modules' events happen."""

from django.dispatch import receiver

from modules.employees.services import link_employee_on_join
from tenants.signals import member_joined


@receiver(member_joined, dispatch_uid="employees.link_on_join")
def link_on_join(sender, membership, **kwargs):
    link_employee_on_join(membership=membership)
