"""Demo leave for seed_demo: types, policies, holidays, a blackout, a year of
ledger history per person, and requests in every state.

- Annual leave: 20 days accrued monthly (25 after 5 years of service), up to 5
  days carried into the new year and expiring after 3 months; Sales has its own
  policy of 22 days, assigned by department. Sick leave: 10 days up front, a
  document above 2 days. Unpaid leave: no balance. Time off in lieu: in hours.
- Two holiday calendars, one per work location (yearly and one-off days), and
  finance's year-end close, a blackout that refuses leave for Finance.
- Every person's ledger from 1 January last year: an opening balance, monthly
  accruals, the year-end carry-forward and its expiry, some leave taken, and
  one adjustment with a reason.
- The demo requester (requester@, approvals' demo) has requests in every state:
  a draft, one pending at the manager that reserves its days, one at HR (above
  5 working days), approved, rejected, returned, cancelled while pending, and
  approved leave cancelled mid-leave (the days not yet taken credited back).

Requests go through the approvals engine's services; the ledger entries of
their reservations, uses and credits are written with ``entry_post`` under the
keys the request flow uses (``reserve:<id>:1``, ``use:<id>`` ...), so they are
recorded once whoever writes them. Everything is bulk written: a company
seeds in well under a second.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from modules.approvals import services as approvals
from modules.approvals.models import RequestStep, StepStatus
from modules.employees.models import Department, Employee, WorkLocation
from modules.leave.models import (
    AccrualMilestone,
    BlackoutPeriod,
    Holiday,
    HolidayCalendar,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    LedgerEntry,
    PolicyAssignment,
    Unit,
)
from modules.leave.selectors.policies import active_assignments, policies_for
from modules.leave.services.ledger import entry_post
from opsplatform.bulk import create_with_history
from tenants.models import Membership, RoleGrant, User
from tenants.roles import RoleCode

PASSWORD = "demo-pass-123"
CENT = Decimal("0.01")
Kind = LedgerEntry.Kind

HOLIDAYS = {
    # calendar: (location, [(month, day, name, every year, half day)], one-off days)
    "acme": [
        (
            "New York",
            "New York HQ",
            [
                (1, 1, "New Year's Day", True, False),
                (7, 4, "Independence Day", True, False),
                (12, 24, "Christmas Eve", True, True),
                (12, 25, "Christmas Day", True, False),
            ],
            [(11, 26, "Thanksgiving"), (9, 7, "Labor Day")],
        ),
        (
            "Texas",
            "Austin",
            [
                (1, 1, "New Year's Day", True, False),
                (3, 2, "Texas Independence Day", True, False),
                (12, 25, "Christmas Day", True, False),
            ],
            [(11, 26, "Thanksgiving"), (6, 19, "Emancipation Day")],
        ),
    ],
    "globex": [
        (
            "Dubai",
            "Dubai Office",
            [
                (1, 1, "New Year's Day", True, False),
                (12, 2, "National Day", True, False),
                (12, 3, "National Day holiday", True, False),
            ],
            [(3, 20, "Eid al-Fitr"), (5, 27, "Eid al-Adha"), (6, 16, "Islamic New Year")],
        ),
        (
            "Abu Dhabi",
            "Abu Dhabi",
            [
                (1, 1, "New Year's Day", True, False),
                (11, 30, "Commemoration Day", True, True),
                (12, 2, "National Day", True, False),
            ],
            [(3, 20, "Eid al-Fitr"), (5, 27, "Eid al-Adha")],
        ),
    ],
}


def seed(*, tenant, stdout) -> None:
    if LeaveType.objects.exists() or not Employee.objects.exists():
        return
    today = timezone.localdate()
    rng = random.Random(f"leave-{tenant.slug}")
    types = _types(tenant)
    _policies(types)
    _holidays(tenant, today)
    _blackout(today)
    people = list(Employee.objects.select_related("schedule").order_by("pk"))
    entries = _history(people, types, today, rng)
    requests = _requests(tenant, types, today)
    stdout.write(f"  {tenant.name}: 4 leave types, {entries} ledger entries, {requests} requests")
    if requests:
        stdout.write(
            f"  {tenant.name}: leave in every state; hr@{tenant.slug}.test approves HR's gate"
        )


# -- set-up ----------------------------------------------------------------------------


def _types(tenant) -> dict[str, LeaveType]:
    made = [
        LeaveType(name="Annual leave", code="annual", colour="#4f46e5", order=1),
        LeaveType(
            name="Sick leave",
            code="sick",
            colour="#dc2626",
            requires_document=True,
            document_above_days=Decimal("2"),
            order=2,
        ),
        LeaveType(
            name="Unpaid leave",
            code="unpaid",
            colour="#6b7280",
            paid=False,
            tracks_balance=False,
            order=3,
        ),
        LeaveType(name="Time off in lieu", code="toil", colour="#059669", unit=Unit.HOURS, order=4),
    ]
    for leave_type in made:
        leave_type.tenant = tenant
    create_with_history(made, LeaveType, reason="Demo data")
    return {t.code: t for t in LeaveType.objects.all()}


def _policies(types) -> None:
    annual = LeavePolicy.objects.create(
        name="Annual leave",
        leave_type=types["annual"],
        yearly_entitlement=Decimal("20"),
        accrual=LeavePolicy.Accrual.MONTHLY,
        carry_forward=LeavePolicy.CarryForward.UP_TO,
        carry_forward_max=Decimal("5"),
        carry_forward_expiry_months=3,
    )
    AccrualMilestone.objects.create(policy=annual, after_years=5, yearly_entitlement=Decimal("25"))
    sales = LeavePolicy.objects.create(
        name="Annual leave (Sales)",
        leave_type=types["annual"],
        yearly_entitlement=Decimal("22"),
        accrual=LeavePolicy.Accrual.MONTHLY,
        carry_forward=LeavePolicy.CarryForward.UP_TO,
        carry_forward_max=Decimal("5"),
        carry_forward_expiry_months=3,
    )
    sick = LeavePolicy.objects.create(
        name="Sick leave",
        leave_type=types["sick"],
        yearly_entitlement=Decimal("10"),
        accrual=LeavePolicy.Accrual.UP_FRONT,
        pro_rata=False,
    )
    toil = LeavePolicy.objects.create(
        name="Time off in lieu",
        leave_type=types["toil"],
        yearly_entitlement=Decimal("0"),
        accrual=LeavePolicy.Accrual.UP_FRONT,
        carry_forward=LeavePolicy.CarryForward.ALL,
    )
    for policy in (annual, sick, toil):
        PolicyAssignment.objects.create(policy=policy)  # the whole company
    department = Department.objects.filter(name="Sales").first()
    if department is not None:
        PolicyAssignment.objects.create(policy=sales, department=department)


def _holidays(tenant, today: date) -> None:
    locations = {location.name: location for location in WorkLocation.objects.all()}
    days = []
    for index, (name, location, yearly, once) in enumerate(HOLIDAYS.get(tenant.slug, [])):
        calendar = HolidayCalendar.objects.create(name=name, is_default=index == 0)
        if location in locations:
            calendar.locations.add(locations[location])
        for month, day, title, every_year, half in yearly:
            days.append(
                Holiday(
                    calendar=calendar,
                    name=title,
                    date=date(today.year - 1, month, day),
                    recurs_yearly=every_year,
                    half_day=half,
                )
            )
        for year in (today.year - 1, today.year):
            for month, day, title in once:
                days.append(Holiday(calendar=calendar, name=title, date=date(year, month, day)))
    for holiday in days:
        holiday.tenant = tenant
    create_with_history(days, Holiday, reason="Demo data")


def _blackout(today: date) -> None:
    close = BlackoutPeriod.objects.create(
        name="Year-end close",
        starts_on=date(today.year, 12, 22),
        ends_on=date(today.year + 1, 1, 6),
        action=BlackoutPeriod.Action.REFUSE,
        reason="Finance closes the books: no leave for the finance team.",
    )
    finance = Department.objects.filter(name="Finance").first()
    if finance is not None:
        close.departments.add(finance)


# -- a year of ledger history ---------------------------------------------------------


def _monthly(policy: LeavePolicy, milestones, hire: date, year: int, until: date):
    """(first day, key, amount) of a monthly policy's accruals in ``year`` up to ``until``:
    the running total rounded to 0.01, so twelve months add up to the entitlement."""
    total, written = Decimal("0"), Decimal("0")
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > until:
            return
        years = first.year - hire.year - ((first.month, first.day) < (hire.month, hire.day))
        reached = [m.yearly_entitlement for m in milestones if m.after_years <= years]
        total += (reached[-1] if reached else policy.yearly_entitlement) / 12
        amount = total.quantize(CENT, ROUND_HALF_UP) - written
        written += amount
        yield first, f"accrual:{policy.pk}:{year}-{month:02d}", amount


def _history(people, types, today: date, rng: random.Random) -> int:
    """Every person's entries from 1 January last year to today, bulk written."""
    tenant = people[0].tenant
    last_year = today.year - 1
    start = date(last_year, 1, 1)
    assignments = active_assignments()
    milestones = {
        policy_id: sorted(
            AccrualMilestone.objects.filter(policy_id=policy_id), key=lambda m: m.after_years
        )
        for policy_id in {a.policy_id for a in assignments}
    }
    annual, sick, toil = types["annual"], types["sick"], types["toil"]
    rows: list[LedgerEntry] = []

    def add(employee, leave_type, kind, amount, on, key, reason="", expires_on=None):
        rows.append(
            LedgerEntry(
                tenant=tenant,
                employee=employee,
                leave_type=leave_type,
                kind=kind,
                amount=amount,
                effective_on=on,
                key=key,
                reason=reason,
                expires_on=expires_on,
            )
        )

    for index, person in enumerate(people):
        policies = policies_for(person, assignments)
        policy = policies[annual.pk]
        opening = Decimal(rng.randint(0, 6))
        if opening:
            add(
                person,
                annual,
                Kind.OPENING,
                opening,
                start,
                "opening",
                "Brought over from the old HR system",
            )
        closing = opening
        for first, key, amount in _monthly(
            policy, milestones[policy.pk], person.hire_date, last_year, today
        ):
            add(person, annual, Kind.ACCRUAL, amount, first, key)
            closing += amount
        # Leave taken last year: a summer week and a long weekend, in working days.
        for month, days in (
            (rng.choice([6, 7, 8]), 5),
            (rng.choice([3, 4, 10]), rng.randint(1, 3)),
        ):
            on = date(last_year, month, rng.randint(2, 20))
            add(
                person,
                annual,
                Kind.USE,
                -Decimal(days),
                on,
                f"history:{on.isoformat()}",
                "Leave taken",
            )
            closing -= days
        # 1 January: the closing balance expires and up to 5 days carry, usable to 31 March.
        this_year = date(today.year, 1, 1)
        if closing > 0:
            carried = min(closing, policy.carry_forward_max)
            expires = date(today.year, 4, 1)
            add(
                person, annual, Kind.EXPIRY, -closing, this_year, f"expire:{annual.pk}:{today.year}"
            )
            add(
                person,
                annual,
                Kind.CARRY_FORWARD,
                carried,
                this_year,
                f"carry:{annual.pk}:{today.year}",
                expires_on=expires,
            )
            used_early = Decimal(0)
            if index % 3 == 0:  # a February break uses the carried days first
                used_early = Decimal(2)
                on = date(today.year, 2, 9)
                add(
                    person,
                    annual,
                    Kind.USE,
                    -used_early,
                    on,
                    f"history:{on.isoformat()}",
                    "Leave taken",
                )
            left = carried - used_early
            if today >= expires and left > 0:
                add(
                    person,
                    annual,
                    Kind.EXPIRY,
                    -left,
                    expires,
                    f"carry-expire:{annual.pk}:{today.year}",
                )
        for first, key, amount in _monthly(
            policy, milestones[policy.pk], person.hire_date, today.year, today
        ):
            add(person, annual, Kind.ACCRUAL, amount, first, key)
        # Sick leave: 10 days each 1 January; none carries.
        sick_policy = policies[sick.pk]
        sick_taken = Decimal(rng.choice([0, 0, 1, 2]))
        add(person, sick, Kind.ACCRUAL, Decimal(10), start, f"accrual:{sick_policy.pk}:{last_year}")
        if sick_taken:
            on = date(last_year, rng.randint(1, 11), rng.randint(1, 25))
            add(
                person,
                sick,
                Kind.USE,
                -sick_taken,
                on,
                f"history:{on.isoformat()}",
                "Sick leave taken",
            )
        add(
            person,
            sick,
            Kind.EXPIRY,
            -(10 - sick_taken),
            date(today.year, 1, 1),
            f"expire:{sick.pk}:{today.year}",
        )
        add(
            person,
            sick,
            Kind.ACCRUAL,
            Decimal(10),
            date(today.year, 1, 1),
            f"accrual:{sick_policy.pk}:{today.year}",
        )
        if index % 4 == 1:
            on = today - timedelta(days=rng.randint(20, 90))
            add(
                person,
                toil,
                Kind.ALLOCATION,
                Decimal(rng.choice([4, 8])),
                on,
                f"history:{on.isoformat()}",
                "Weekend release support",
            )
        if index % 10 == 2:
            add(
                person,
                annual,
                Kind.ADJUSTMENT,
                Decimal(1),
                date(today.year, 5, 4),
                "history:adjustment",
                "Worked the public holiday for the product launch",
            )
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# -- requests in every state ----------------------------------------------------------


def _hr_login(tenant) -> User | None:
    """An HR person with a login: the route's second gate, above 5 working days."""
    email = f"hr@{tenant.slug}.test"
    user = User.objects.filter(email=email).first()
    # Someone in People when the company has it, else anyone without a login yet.
    free = Employee.objects.filter(membership__isnull=True).order_by("pk")
    employee = free.filter(department__name="People").first() or free.last()
    if employee is None:
        return None
    if user is None:
        user = User(email=email, full_name=employee.full_name)
        user.set_password(PASSWORD)
        user.save()
    membership = Membership.objects.filter(user=user).first() or Membership.objects.create(
        user=user
    )
    RoleGrant.objects.get_or_create(membership=membership, role=RoleCode.HR)
    employee.membership = membership
    employee.save(update_fields=["membership"])
    return user


def _working_days(employee: Employee, start: date, end: date) -> Decimal:
    working = set(employee.schedule.working_days if employee.schedule else [0, 1, 2, 3, 4])
    days = sum(
        1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() in working
    )
    return Decimal(days)


def _next_working(employee: Employee, day: date) -> date:
    working = set(employee.schedule.working_days if employee.schedule else [0, 1, 2, 3, 4])
    while day.weekday() not in working:
        day += timedelta(days=1)
    return day


def _in_year_end_close(start: date, end: date) -> bool:
    """Whether the dates touch 22 December to 6 January (the demo's blackout, any year)."""
    for year in range(start.year - 1, end.year + 1):
        if start <= date(year + 1, 1, 6) and end >= date(year, 12, 22):
            return True
    return False


def _previous_working(employee: Employee, day: date) -> date:
    working = set(employee.schedule.working_days if employee.schedule else [0, 1, 2, 3, 4])
    while day.weekday() not in working:
        day -= timedelta(days=1)
    return day


def _post(subject: LeaveRequest, kind: str, amount: Decimal, key: str, on: date | None = None):
    entry_post(
        employee=subject.employee,
        leave_type=subject.leave_type,
        kind=kind,
        amount=amount,
        effective_on=on or subject.start_date,
        request=subject,
        key=key,
    )


def _decide(approval, user, decision, comment=""):
    step = RequestStep.objects.filter(request=approval, status=StepStatus.CURRENT).first()
    approvals.request_decide(
        request_id=approval.pk,
        user=user,
        decision=decision,
        comment=comment,
        step_id=step.pk if step else None,
    )


def _requests(tenant, types, today: date) -> int:
    requester = User.objects.filter(email=f"requester@{tenant.slug}.test").first()
    manager = User.objects.filter(email=f"manager@{tenant.slug}.test").first()
    hr = _hr_login(tenant)
    employee = (
        Employee.objects.filter(membership__user=requester).select_related("schedule").first()
    )
    if requester is None or manager is None or hr is None or employee is None:
        return 0
    approvals.routes_ensure_defaults()
    annual, sick, unpaid = types["annual"], types["sick"], types["unpaid"]
    Decision = approvals.Decision
    made = []

    booked: list[tuple[date, date]] = []

    def slot(start: date, days: int) -> tuple[date, date]:
        """The first dates from ``start`` that overlap none of the requester's other
        requests nor the year-end close (the request rules would refuse them)."""
        while True:
            start = _next_working(employee, start)
            end = start
            while _working_days(employee, start, end) < days:
                end += timedelta(days=1)
            clash = any(start <= b_end and end >= b_start for b_start, b_end in booked)
            if not clash and not _in_year_end_close(start, end):
                booked.append((start, end))
                return start, end
            start += timedelta(days=1)

    def create(leave_type, start, days, reason, *, submit=True):
        start, end = slot(start, days)
        duration = _working_days(employee, start, end)
        approval = approvals.request_create(
            user=requester,
            kind="leave",
            title=f"{leave_type.name} {start:%d %b} – {end:%d %b}",
            leave_type=leave_type,
            start_date=start,
            end_date=end,
            reason=reason,
            duration=duration,
        )
        subject = LeaveRequest.objects.select_related("employee", "leave_type").get(
            approval=approval
        )
        made.append(subject)
        if submit:
            approvals.request_submit(request_id=approval.pk, user=requester)
            if leave_type.tracks_balance:
                _post(subject, Kind.RESERVATION, -duration, f"reserve:{subject.pk}:1")
        return approval, subject

    def release(subject):
        if subject.leave_type.tracks_balance:
            _post(subject, Kind.RELEASE, subject.duration, f"release:{subject.pk}:1")

    def approve(approval, subject, *people):
        for person in people:
            _decide(approval, person, Decision.APPROVE)
        release(subject)
        if subject.leave_type.tracks_balance:
            _post(subject, Kind.USE, -subject.duration, f"use:{subject.pk}")

    create(annual, today + timedelta(days=60), 3, "Long weekend (draft)", submit=False)
    create(annual, today + timedelta(days=21), 3, "Family visit")  # pending: reserves 3 days
    at_hr, _s = create(annual, today + timedelta(days=45), 8, "Summer holiday")
    _decide(at_hr, manager, Decision.APPROVE)  # above 5 working days: now at HR
    done, subject = create(annual, today - timedelta(days=40), 2, "Moving house")
    approve(done, subject, manager)
    long_done, subject = create(annual, today + timedelta(days=90), 6, "Trip abroad")
    approve(long_done, subject, manager, hr)
    sick_done, subject = create(sick, today - timedelta(days=15), 1, "Flu")
    approve(sick_done, subject, manager)
    rejected, subject = create(annual, today + timedelta(days=30), 2, "Concert")
    _decide(rejected, manager, Decision.REJECT, "The release is that week; pick another date.")
    release(subject)
    returned, subject = create(unpaid, today + timedelta(days=75), 5, "Course")
    _decide(returned, manager, Decision.RETURN, "Please attach the course dates.")
    release(subject)
    cancelled, subject = create(annual, today + timedelta(days=50), 1, "Dentist")
    approvals.request_cancel(
        request_id=cancelled.pk, user=requester, comment="Moved to a Saturday."
    )
    release(subject)
    # Approved leave that started two working days ago, cancelled today: the days
    # not yet taken come back as a credit.
    started = _previous_working(employee, today - timedelta(days=2))
    mid, subject = create(annual, started, 5, "Road trip")
    approve(mid, subject, manager)
    left = _working_days(employee, max(today, subject.start_date), subject.end_date)
    subject.cancelled_at = timezone.now()
    subject._change_reason = "Demo data: cancelled mid-leave"
    subject.save(update_fields=["cancelled_at"])
    if left:
        _post(subject, Kind.CREDIT, left, f"credit:{subject.pk}", on=today)
    return len(made)
