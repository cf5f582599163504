"""Every rule a leave request breaks is refused on its field with a message that names it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.leave.models import BlackoutPeriod, LeaveRequest, LeaveType
from opsplatform.refusals import Refused

from .requests_fixtures import *  # noqa: F403
from .requests_fixtures import ask, monday_after

pytestmark = pytest.mark.django_db


def refused(office, start, end=None, leave_type=None, **fields) -> tuple[str, str]:
    """(field, message) of the refusal; nothing is left behind."""
    before = LeaveRequest.objects.count()
    with pytest.raises(ValidationError) as caught:
        ask(office.requester, leave_type or office.annual, start, end, **fields)
    assert LeaveRequest.objects.count() == before
    error = caught.value
    if isinstance(error, Refused) and error.field:
        return error.field, " ".join(error.messages)
    (field, messages), *_rest = error.message_dict.items()
    return field, " ".join(messages)


def kind(office, **rules) -> LeaveType:
    return LeaveType.objects.create(
        name=f"Type {len(rules)}{sorted(rules)}",
        code=f"t{LeaveType.objects.count()}",
        tracks_balance=False,
        **rules,
    )


def test_dates_in_order(in_office):
    field, message = refused(in_office, monday_after(7), monday_after(7) - timedelta(days=1))
    assert field == "end_date" and "before the first day" in message


def test_an_overlap_with_own_leave_names_the_request(in_office):
    first = ask(
        in_office.requester, in_office.annual, monday_after(7), monday_after(7) + timedelta(days=2)
    )
    field, message = refused(in_office, monday_after(7) + timedelta(days=2))
    assert field == "start_date"
    assert first.reference in message and "overlap" in message


def test_a_morning_and_an_afternoon_of_one_day_do_not_overlap(in_office):
    day = monday_after(7)
    ask(in_office.requester, in_office.annual, day, start_part="morning", end_part="morning")
    ask(in_office.requester, in_office.annual, day, start_part="afternoon", end_part="afternoon")


def test_too_little_balance_says_the_balance_the_cost_and_the_limit(in_office):
    in_office.policy.negative_limit = Decimal("2")
    in_office.policy.save()
    start = monday_after(7)
    field, message = refused(in_office, start, start + timedelta(days=32))  # 25 working days
    assert field == "end_date"
    assert (
        "the balance is 20 days" in message
        and "costs 25 days" in message
        and "2 days below zero" in message
    )


def test_the_negative_limit_lets_a_balance_go_below_zero(in_office):
    in_office.policy.negative_limit = Decimal("2")
    in_office.policy.save()
    start = monday_after(7)
    ask(in_office.requester, in_office.annual, start, start + timedelta(days=23))  # 18 days
    ask(
        in_office.requester,
        in_office.annual,
        start + timedelta(days=28),
        start + timedelta(days=31),
    )  # 4 more


def test_too_little_notice(in_office):
    short = kind(in_office, min_notice_days=14)
    # A weekday: a weekend day costs nothing and is refused for that first.
    field, message = refused(in_office, monday_after(3), leave_type=short)
    assert field == "start_date" and "14 days ahead" in message


def test_a_blackout_that_refuses(in_office):
    start = monday_after(7)
    BlackoutPeriod.objects.create(
        name="Year-end close", starts_on=start, ends_on=start + timedelta(days=4)
    )
    field, message = refused(in_office, start + timedelta(days=1))
    assert field == "start_date" and "Year-end close" in message


def test_a_blackout_that_warns_is_submitted_once_confirmed(in_office):
    start = monday_after(7)
    BlackoutPeriod.objects.create(
        name="Audit week", starts_on=start, ends_on=start + timedelta(days=4), action="warn"
    )
    with pytest.raises(Refused) as warning:
        ask(in_office.requester, in_office.annual, start)
    assert warning.value.code == "blackout_warning" and "Audit week" in str(warning.value)
    ask(in_office.requester, in_office.annual, start, confirm_blackout=True)


def test_a_blackout_for_another_department_does_not_apply(in_office):
    from modules.employees.models import Department

    start = monday_after(7)
    period = BlackoutPeriod.objects.create(name="Finance close", starts_on=start, ends_on=start)
    period.departments.add(Department.objects.create(name="Finance"))
    ask(in_office.requester, in_office.annual, start)


def test_a_missing_document(in_office):
    sick = kind(in_office, requires_document=True, document_above_days=Decimal("2"))
    start = monday_after(7)
    ask(in_office.requester, sick, start, start + timedelta(days=1))  # 2 days: no document needed
    field, message = refused(
        in_office, start + timedelta(days=7), start + timedelta(days=9), leave_type=sick
    )
    assert field == "document" and "supporting document above 2 days" in message
    pdf = SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    ask(
        in_office.requester,
        sick,
        start + timedelta(days=7),
        start + timedelta(days=9),
        document=pdf,
    )


def test_longer_than_the_longest_request(in_office):
    capped = kind(in_office, max_consecutive_days=Decimal("3"))
    field, message = refused(
        in_office, monday_after(7), monday_after(7) + timedelta(days=3), leave_type=capped
    )
    assert field == "end_date" and "at most 3 days in a row" in message


def test_whole_day_types_refuse_half_days_and_hours(in_office):
    whole = kind(in_office, unit="days")
    field, message = refused(
        in_office, monday_after(7), leave_type=whole, start_part="morning", end_part="morning"
    )
    assert field == "start_part" and "whole days" in message
    field, message = refused(in_office, monday_after(7), leave_type=whole, hours=Decimal("2"))
    assert field == "hours" and "not taken in hours" in message


def test_zero_working_days(in_office):
    saturday = monday_after(7) + timedelta(days=5)
    field, message = refused(in_office, saturday, saturday + timedelta(days=1))
    assert field == "end_date" and "no working day" in message


def test_an_inactive_type_cannot_be_requested(in_office):
    old = kind(in_office, active=False)
    field, message = refused(in_office, monday_after(7), leave_type=old)
    assert field == "leave_type" and "can no longer be requested" in message
