"""The cross-tenant crawler over the notification screens alone (the full-site crawl
in tests/opsplatform/test_cross_tenant_crawler.py covers them too)."""

from __future__ import annotations

import pytest
from django.urls import path

from opsplatform.admin.sites import TenantAdminSite
from opsplatform.notifications.admin import NotificationAdmin
from opsplatform.notifications.models import Notification
from opsplatform.urls.common import urlpatterns as common_urls
from tests.opsplatform.crawler import crawl, make_rows

pytestmark = pytest.mark.django_db

site = TenantAdminSite(name="admin")
site.register(Notification, NotificationAdmin)
urlpatterns = [path("admin/", site.urls), *common_urls]


@pytest.mark.urls(__name__)
def test_notification_screens_keep_tenant_b_out(tenant_a, tenant_b, owner_a, client_for):
    make_rows(site, tenant_a)
    foreign = make_rows(site, tenant_b)

    report = crawl(site, client_for(tenant_a, owner_a), foreign, urlconf=__name__)

    assert report.problems == []
    assert report.models == ["notifications.Notification"]
    assert report.requests >= 5
