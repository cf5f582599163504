"""Cache invalidation (a cached host -> tenant entry must not outlive an edit),
and ``member_joined``, the event other modules hear when someone joins a company."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from opsplatform.tenancy.resolver import forget_hosts_now_and_on_commit
from tenants.models import Domain, Tenant


@receiver([post_save, post_delete], sender=Domain)
def forget_domain(sender, instance, **kwargs):
    forget_hosts_now_and_on_commit([instance.domain])


@receiver(post_save, sender=Tenant)
def forget_tenant_hosts(sender, instance, **kwargs):
    forget_hosts_now_and_on_commit(
        Domain.objects.filter(tenant=instance).values_list("domain", flat=True)
    )


# Sent by tenants.services.invitation_accept with ``membership``, inside its transaction.
member_joined = Signal()
