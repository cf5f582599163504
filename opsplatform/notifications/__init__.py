"""The platform notification service: in-app, email and live delivery of typed notices.

Modules declare their types in their own ``notifications.py`` (see
:mod:`opsplatform.notifications.registry`) and call
:func:`opsplatform.notifications.services.notify`.
"""
