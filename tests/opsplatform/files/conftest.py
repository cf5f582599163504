"""Acme with an owner, HR, a plain employee and a request raised by that employee."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsplatform.tenancy import tenant_context
from tenants.models import User
from tenants.roles import RoleCode
from tests.factories import SAMPLE_CONTENT
from tests.modules.approvals.factories import make_approval_request
from tests.modules.employees.factories import EmployeeFactory

HTML_INVOICE = (
    b"<!DOCTYPE html><html><body><script>"
    b"fetch('/admin/tenants/membership/').then(() => document.title = 'pwned')"
    b"</script></body></html>"
)


def pdf_bytes() -> bytes:
    from opsplatform.files import PDF

    return SAMPLE_CONTENT[PDF]()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


@dataclass
class Acme:
    tenant: object
    owner: User
    hr: User
    employee: User
    request: object
    person: object  # an Employee record the plain employee has nothing to do with


@pytest.fixture
def acme(tenant_a, owner_a, make_member) -> Acme:
    hr = make_member(tenant_a, "hana@acme.test", roles=[RoleCode.HR])
    employee = make_member(tenant_a, "erin@acme.test")
    with tenant_context(tenant_a):
        request = make_approval_request(requester=employee)
        person = EmployeeFactory()
    return Acme(tenant_a, owner_a, hr, employee, request, person)
