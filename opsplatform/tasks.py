"""The kernel's huey tasks. The worker imports each installed app's ``tasks``
module; the kernel's own live in subpackages, so they are gathered here."""

from opsplatform.realtime.tasks import send_to_group

__all__ = ["send_to_group"]
