"""Cache invalidation (a cached host -> tenant entry must not outlive an edit),
and ``member_joined``, the event other modules hear when someone joins a company."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from opsplatform.tenancy.resolver import forget_hosts_now_and_on_commit
from tenants.models import Domain, Tenant


@receiver(pre_save, sender=Domain)
def remember_old_host(sender, instance, **kwargs):
    # A renamed domain must stop opening the workspace at its old address.
    instance._old_host = (
        Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()
        if instance.pk
        else None
    )


@receiver([post_save, post_delete], sender=Domain)
def forget_domain(sender, instance, **kwargs):
    hosts = {instance.domain, getattr(instance, "_old_host", None)} - {None}
    forget_hosts_now_and_on_commit(hosts)


@receiver(post_save, sender=Tenant)
def forget_tenant_hosts(sender, instance, **kwargs):
    forget_hosts_now_and_on_commit(
        Domain.objects.filter(tenant=instance).values_list("domain", flat=True)
    )


# Sent by tenants.services.invitation_accept with ``membership``, inside its transaction.
member_joined = Signal()
