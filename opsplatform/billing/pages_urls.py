"""The owner's billing pages on a company's admin site (helper "pages" fills it).

``billing_urls(site)`` is mounted by TenantAdminSite.get_urls; URL names (under
``admin:``): ``billing`` (the page), ``billing_checkout``, ``billing_portal``,
``billing_change`` (GET preview, POST change), ``billing_cancel``,
``billing_resume``, and ``billing_upgrade`` (the page a locked feature answers).
"""


def billing_urls(site) -> list:
    return []
