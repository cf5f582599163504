from datetime import date, timedelta

import pytest

from modules.approvals.models import RequestStatus
from tests.modules.leave.factories import LeaveTypeFactory
from tests.modules.leave.screens import allocate, request_leave

pytestmark = pytest.mark.django_db


def test_approved_leave_through_the_engine(in_office):
    kind = LeaveTypeFactory()
    wes = in_office.employee(in_office.worker)
    allocate(wes, kind)
    start = date.today() + timedelta(days=10)
    leave = request_leave(in_office.worker, start, start + timedelta(days=2), kind)
    assert leave.approval.status == RequestStatus.COMPLETED
    assert leave.employee == wes
