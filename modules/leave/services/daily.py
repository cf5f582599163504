"""The daily run: every accrual, carry-forward and expiry due in one company up
to a day, written once (docs/leave.md, "Balances, accrual and carry-forward").

Idempotent by construction: each entry has a once-only key, amounts come from
the facts (services/accrual.py), and entries whose keys are already written are
left out before the insert. Running a day twice writes nothing new; running
after a week away writes what fell due in that week.

Bulk: a handful of queries per company, not per person. The people, the
assignments with their policies, the milestones, each person's last accrual
(one aggregate), the already-written keys among the new entries, one insert per
thousand entries; at a year boundary one aggregate of closing balances, at an
expiry day one of the leave taken since 1 January.

``bulk_create`` skips ``save()`` and ``full_clean()``: the entries are built
here from validated policies and carry their tenant explicitly. It is not
``ignore_conflicts``: a conflicting row would be dropped after the database's
audit trigger had chained it, leaving a link without a row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q, Sum

from modules.employees.models import Employee
from modules.leave.models import AccrualMilestone, LeaveType, LedgerEntry
from modules.leave.selectors.policies import active_assignments, policies_for
from modules.leave.services import accrual, carry_forward

# The name of the run in the periodic-run records (opsplatform.models.SweepRun).
RUN_NAME = "Leave balances"
BATCH = 1000
ZERO = Decimal("0")


@dataclass
class DailyReport:
    on: date
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.written.values())


@dataclass
class _Plan:
    """Who accrues what in this company: (person, their policy) pairs, read once."""

    pairs: list
    milestones: dict[int, list[AccrualMilestone]]
    tenant_id: int


def _plan(tenant, on: date) -> _Plan:
    type_ids = list(
        LeaveType.objects.filter(active=True, tracks_balance=True).values_list("pk", flat=True)
    )
    assignments = active_assignments(type_ids)
    milestones: dict[int, list[AccrualMilestone]] = defaultdict(list)
    for milestone in AccrualMilestone.objects.filter(
        policy_id__in={a.policy_id for a in assignments}
    ):
        milestones[milestone.policy_id].append(milestone)
    people = Employee.objects.filter(hire_date__lte=on).only(
        "pk", "hire_date", "end_date", "department_id", "location_id", "employment_type"
    )
    pairs = [
        (person, policy)
        for person in people.order_by("pk")
        for policy in policies_for(person, assignments).values()
    ]
    return _Plan(pairs, milestones, tenant.pk)


def _insert(entries: list[LedgerEntry], report: DailyReport, label: str) -> None:
    """Write the entries whose (person, type, key) is new, in batches."""
    if not entries:
        return
    written = set()
    keys = sorted({entry.key for entry in entries})
    for i in range(0, len(keys), BATCH):
        written.update(
            LedgerEntry.objects.filter(key__in=keys[i : i + BATCH]).values_list(
                "employee_id", "leave_type_id", "key"
            )
        )
    new = [e for e in entries if (e.employee_id, e.leave_type_id, e.key) not in written]
    LedgerEntry.objects.bulk_create(new, batch_size=BATCH)
    report.written[label] += len(new)


def _accruals(plan: _Plan, on: date) -> list[tuple[str, LedgerEntry]]:
    """Every accrual due up to ``on`` and not written, and leavers' corrections."""
    last = {
        (row["employee_id"], row["leave_type_id"]): row["last"]
        for row in LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ACCRUAL)
        .values("employee_id", "leave_type_id")
        .annotate(last=Max("effective_on"))
    }
    entries, new_by_year = [], defaultdict(lambda: ZERO)
    for person, policy in plan.pairs:
        grants = accrual.grants_between(
            policy,
            plan.milestones[policy.pk],
            person,
            after=last.get((person.pk, policy.leave_type_id)),
            until=on,
        )
        for grant in grants:
            entry = accrual.as_entry(
                grant, employee=person, policy=policy, tenant_id=plan.tenant_id
            )
            entries.append(("accrual", entry))
            new_by_year[person.pk, policy.pk, grant.year] += grant.amount
    return entries + _leaver_corrections(plan, on, new_by_year)


def _leaver_corrections(plan: _Plan, on: date, new_by_year) -> list[tuple[str, LedgerEntry]]:
    """Leavers of this year or the last: keep each year's accruals equal to the
    schedule up to their end date (accrual.leaver_corrections)."""
    since = date(on.year - 1, 1, 1)
    leavers = [(p, policy) for p, policy in plan.pairs if p.end_date and p.end_date >= since]
    if not leavers:
        return []
    written = defaultdict(lambda: ZERO)
    rows = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.ACCRUAL,
        employee_id__in={p.pk for p, _policy in leavers},
        key__startswith="accrual:",
        effective_on__gte=since,
    ).values_list("employee_id", "key", "amount")
    for employee_id, key, amount in rows:
        _prefix, policy_id, period = key.split(":", 2)
        written[employee_id, int(policy_id), int(period[:4])] += amount
    entries = []
    for person, policy in leavers:
        years = range(person.end_date.year, on.year + 1)
        by_year = {
            year: written[person.pk, policy.pk, year] + new_by_year[person.pk, policy.pk, year]
            for year in years
        }
        for grant in accrual.leaver_corrections(
            policy, plan.milestones[policy.pk], person, on=on, written=by_year
        ):
            entry = accrual.as_entry(
                grant, employee=person, policy=policy, tenant_id=plan.tenant_id
            )
            entries.append(("correction", entry))
    return entries


def _insert_before(pending: list, day: date, report: DailyReport) -> list:
    """Write the pending accruals effective before ``day``; return the rest."""
    now = [(label, e) for label, e in pending if e.effective_on < day]
    for label in ("accrual", "correction"):
        _insert([e for kind, e in now if kind == label], report, label)
    return [(label, e) for label, e in pending if e.effective_on >= day]


def _closes_year(person, policy, year: int) -> bool:
    """Was this person in the ledger through last year and still employed on 1 January?"""
    new_year = date(year, 1, 1)
    return accrual.accrual_start(policy, person) < new_year and (
        person.end_date is None or person.end_date >= new_year
    )


def _year_end(plan: _Plan, year: int, report: DailyReport) -> None:
    closing = {
        (row["employee_id"], row["leave_type_id"]): row["balance"]
        for row in LedgerEntry.objects.filter(effective_on__lt=date(year, 1, 1))
        .values("employee_id", "leave_type_id")
        .annotate(balance=Sum("amount"))
    }
    entries = []
    for person, policy in plan.pairs:
        balance = closing.get((person.pk, policy.leave_type_id))
        if balance is None or not _closes_year(person, policy, year):
            continue
        entries += carry_forward.year_end_entries(
            policy, employee_id=person.pk, tenant_id=plan.tenant_id, year=year, balance=balance
        )
    _insert(entries, report, "year_end")


def _carried_expiries(year: int, on: date, since: date | None, report: DailyReport) -> None:
    carries = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.CARRY_FORWARD,
        effective_on=date(year, 1, 1),
        expires_on__lte=on,
        reversed_by__isnull=True,
    )
    if since is not None:
        carries = carries.filter(expires_on__gt=since)
    by_day = defaultdict(list)
    for carry in carries:
        by_day[carry.expires_on].append(carry)
    entries = []
    for day, group in sorted(by_day.items()):
        sums = {
            (row["employee_id"], row["leave_type_id"]): row
            for row in LedgerEntry.objects.filter(
                employee_id__in={c.employee_id for c in group}, effective_on__lt=day
            )
            .values("employee_id", "leave_type_id")
            .annotate(
                balance=Sum("amount"),
                taken=Sum(
                    "amount",
                    filter=Q(kind__in=carry_forward.TAKING, effective_on__gte=date(year, 1, 1)),
                ),
            )
        }
        for carry in group:
            row = sums.get((carry.employee_id, carry.leave_type_id), {})
            entry = carry_forward.carried_expiry_entry(
                carry,
                taken=-(row.get("taken") or ZERO),
                balance_before=row.get("balance") or ZERO,
            )
            if entry is not None:
                entries.append(entry)
    _insert(entries, report, "carried_expiry")


def daily_run(*, tenant, on: date, since: date | None = None) -> DailyReport:
    """Write everything due in the current company up to ``on`` (its local date).

    ``since``: the day of the last complete run (everything due by then is
    written), so year boundaries and expiry days up to it are not looked at
    again; None looks at every one since the ledger began.
    Call inside the company's transaction (``tenant_transaction``)."""
    report = DailyReport(on)
    plan = _plan(tenant, on)
    if not plan.pairs:
        return report
    pending = _accruals(plan, on)
    first = min(accrual.accrual_start(policy, person) for person, policy in plan.pairs).year
    # In date order, so that the ledger reads as it happened: last year's accruals,
    # its close on 1 January, this year's accruals, the carried days' expiry. A
    # close counts the balance after last year's expiries. Days carried into a
    # year expire within it, so years before ``since`` have nothing left to do.
    for year in range(first if since is None else max(first, since.year), on.year + 1):
        pending = _insert_before(pending, date(year, 1, 1), report)
        if year > first and (since is None or date(year, 1, 1) > since):
            _year_end(plan, year, report)
        pending = _insert_before(pending, date(year + 1, 1, 1), report)
        _carried_expiries(year, on, since, report)
    _insert_before(pending, date.max, report)
    return report


def last_run_day(on: date) -> date | None:
    """The company's last recorded run before ``on`` (opsplatform.models.SweepRun)."""
    from opsplatform.models import SweepRun

    period = (
        SweepRun.objects.filter(name=RUN_NAME, period__lt=on.isoformat())
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return date.fromisoformat(period) if period else None


def run_for_tenant(tenant) -> DailyReport:
    """The periodic task's work for one company (inside its transaction)."""
    from modules.leave.handlers import carried_days_expiring

    on = tenant.today()
    since = last_run_day(on)
    report = daily_run(tenant=tenant, on=on, since=since)
    # In the run's transaction: the day's notices are claimed with its entries.
    carried_days_expiring(on=on, since=since)
    return report
