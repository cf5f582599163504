"""What a policy grants a person over time (docs/leave.md, "Balances, accrual and
carry-forward", says the same rules for people).

A policy's year (the calendar year) is cut into periods: one for up-front
accrual, twelve months for monthly accrual, ``pay_periods_per_year`` periods
for accrual per pay period. Each period grants its share of the yearly
entitlement on its first day, or on the hire date in the period a person joins.

- **Pro rata** (``policy.pro_rata``): a period a person is employed for only in
  part (they join or leave in it) grants the share of its days they are
  employed. Up-front accrual has one period, the year, so a joiner gets
  entitlement × days employed in the year / days in the year (366 in a leap
  year), on the hire date. Without pro rata, any period they are employed in
  grants in full. Nobody gets a period that starts after their end date.
- **Milestones**: a period's entitlement is that of the highest milestone whose
  years of service are reached on the day it is due; full years are counted
  from the hire date, and someone hired on 29 February completes a year on
  1 March when the year has no 29 February.
- **Rounding**: the year's grants are added up exactly and the running total is
  rounded to 0.01; each period writes the rounded total less what was written
  before it, so no remainder is lost (20 days monthly: 1.67, 1.66, 1.67 ... 20.00).

Everything here is computed from the facts (hire and end dates, the policy and
its milestones), so a period's amount is the same whenever it is worked out;
that and the once-only keys (``accrual:<policy id>:<period>``) are what make the
daily run idempotent.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Max, Sum

from modules.leave.models import AccrualMilestone, LeavePolicy, LedgerEntry
from modules.leave.selectors.policies import policy_for

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    label: str  # "2026" (up front), "2026-03" (monthly), "2026-p07" (pay period 7)
    start: date
    end: date  # the last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Grant:
    """One scheduled accrual: due on ``on``, written under ``key``."""

    on: date
    key: str
    amount: Decimal
    year: int


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _periods(year: int, starts: list[date], label) -> list[Period]:
    ends = [*(start - timedelta(days=1) for start in starts[1:]), _year_end(year)]
    return [Period(label(i, s), s, e) for i, (s, e) in enumerate(zip(starts, ends, strict=True))]


def year_periods(policy: LeavePolicy, year: int) -> list[Period]:
    """The policy's accrual periods in ``year``, in order.

    Per pay period, ``n`` periods a year: when ``n`` divides 12 they are whole
    months (12: each month, 4: each quarter ...); 24 starts on the 1st and the
    16th of each month; any other ``n`` (26, 52 ...) cuts the year into equal runs
    of days, period ``k`` (from 0) starting ``floor(k × days in year / n)`` days
    after 1 January, so the last one ends on 31 December.
    """
    if policy.accrual == LeavePolicy.Accrual.UP_FRONT:
        return [Period(str(year), date(year, 1, 1), _year_end(year))]
    if policy.accrual == LeavePolicy.Accrual.MONTHLY:
        months = [date(year, m, 1) for m in range(1, 13)]
        return _periods(year, months, lambda i, start: f"{year}-{start.month:02d}")
    n = policy.pay_periods_per_year
    if 12 % n == 0:
        starts = [date(year, m, 1) for m in range(1, 13, 12 // n)]
    elif n == 24:
        starts = [date(year, m, d) for m in range(1, 13) for d in (1, 16)]
    else:
        first, days = date(year, 1, 1), _days_in_year(year)
        starts = [first + timedelta(days=k * days // n) for k in range(n)]
    return _periods(year, starts, lambda i, start: f"{year}-p{i + 1:02d}")


def service_years(hire: date, on: date) -> int:
    """Full years of service on ``on``. Comparing (month, day) pairs makes a
    29 February anniversary fall on 1 March in a year without one."""
    years = on.year - hire.year
    if (on.month, on.day) < (hire.month, hire.day):
        years -= 1
    return max(years, 0)


def entitlement_on(
    policy: LeavePolicy, milestones: Iterable[AccrualMilestone], hire: date, on: date
) -> Decimal:
    """The yearly entitlement that applies on ``on``: the highest milestone reached."""
    years = service_years(hire, on)
    reached = [m for m in milestones if m.after_years <= years]
    if not reached:
        return policy.yearly_entitlement
    return max(reached, key=lambda m: m.after_years).yearly_entitlement


def _rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, ROUND_HALF_UP)


def accrual_key(policy_id: int, label: str) -> str:
    return f"accrual:{policy_id}:{label}"


def year_key_prefix(policy_id: int, year: int) -> str:
    """What every accrual key of one policy and year starts with (corrections too)."""
    return f"accrual:{policy_id}:{year}"


def year_grants(
    policy: LeavePolicy,
    milestones: Iterable[AccrualMilestone],
    *,
    hire: date,
    end: date | None,
    year: int,
) -> list[Grant]:
    """Every grant of ``year`` for a person employed from ``hire`` to ``end``
    (None: still employed), with the running total rounded (module docstring)."""
    milestones = list(milestones)
    periods = year_periods(policy, year)
    share = Fraction(1, len(periods))
    total, written = Fraction(0), Decimal("0")
    grants = []
    for period in periods:
        first = max(period.start, hire)
        last = period.end if end is None else min(period.end, end)
        if first > last:
            continue  # not employed in this period
        fraction = Fraction((last - first).days + 1, period.days) if policy.pro_rata else 1
        yearly = Fraction(entitlement_on(policy, milestones, hire, first))
        total += yearly * share * fraction
        amount = _rounded(total) - written
        written += amount
        if amount:
            grants.append(Grant(first, accrual_key(policy.pk, period.label), amount, year))
    return grants


def accrual_start(policy: LeavePolicy, employee) -> date:
    """The first day whose grants the ledger records for this person: their hire
    date, or the policy's ``accrues_from`` when later (balances from before it
    come in as opening balances)."""
    if policy.accrues_from and policy.accrues_from > employee.hire_date:
        return policy.accrues_from
    return employee.hire_date


def grants_between(
    policy: LeavePolicy, milestones, employee, *, after: date | None, until: date
) -> list[Grant]:
    """Grants due in (after, until] (after None: from the start), never before the
    person's accrual start."""
    start = accrual_start(policy, employee)
    first_year = start.year if after is None else max(start.year, after.year)
    grants = []
    for year in range(first_year, until.year + 1):
        for grant in year_grants(
            policy, milestones, hire=employee.hire_date, end=employee.end_date, year=year
        ):
            if grant.on < start or grant.on > until:
                continue
            if after is not None and grant.on <= after:
                continue
            grants.append(grant)
    return grants


def leaver_corrections(
    policy: LeavePolicy,
    milestones,
    employee,
    *,
    on: date,
    written: dict[int, Decimal],
) -> list[Grant]:
    """For a person with an end date: per year, the difference between what the
    schedule grants up to their end date (or ``on``, if earlier) and what was
    written (``written``: {year: sum of this policy's accrual entries}). It takes
    back an up-front grant's share after the end date, and a period written before
    the end date was known; it gives back a trim when the end date moves later."""
    end = employee.end_date
    if end is None:
        return []
    start = accrual_start(policy, employee)
    until = min(on, end)
    corrections = []
    for year in range(max(end.year, start.year), on.year + 1):
        target = sum(
            (
                g.amount
                for g in year_grants(
                    policy, milestones, hire=employee.hire_date, end=end, year=year
                )
                if start <= g.on <= until
            ),
            Decimal("0"),
        )
        difference = target - written.get(year, Decimal("0"))
        if difference:
            key = f"{year_key_prefix(policy.pk, year)}:end:{end.isoformat()}"
            corrections.append(Grant(min(on, _year_end(year)), key, difference, year))
    return corrections


def as_entry(grant: Grant, *, employee, policy: LeavePolicy, tenant_id: int) -> LedgerEntry:
    return LedgerEntry(
        tenant_id=tenant_id,
        employee_id=employee.pk,
        leave_type_id=policy.leave_type_id,
        kind=LedgerEntry.Kind.ACCRUAL,
        amount=grant.amount,
        effective_on=grant.on,
        key=grant.key,
        reason=policy.name[:255],
    )


# -- reading the ledger for one person (the daily run does the same in bulk) -------


def last_accrual_on(employee, leave_type_id: int) -> date | None:
    return LedgerEntry.objects.filter(
        employee=employee, leave_type_id=leave_type_id, kind=LedgerEntry.Kind.ACCRUAL
    ).aggregate(last=Max("effective_on"))["last"]


def written_by_year(employee, policy: LeavePolicy, years: Iterable[int]) -> dict[int, Decimal]:
    written = {}
    for year in years:
        written[year] = LedgerEntry.objects.filter(
            employee=employee,
            leave_type_id=policy.leave_type_id,
            kind=LedgerEntry.Kind.ACCRUAL,
            key__startswith=year_key_prefix(policy.pk, year),
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return written


def accruals_due(employee, policy: LeavePolicy, *, on: date) -> list[LedgerEntry]:
    """The accrual entries (unsaved) due for one person up to ``on`` and not yet
    written: grants after their last accrual entry, then leaver corrections."""
    milestones = list(policy.milestones.all())
    last = last_accrual_on(employee, policy.leave_type_id)
    grants = grants_between(policy, milestones, employee, after=last, until=on)
    entries = [
        as_entry(g, employee=employee, policy=policy, tenant_id=employee.tenant_id) for g in grants
    ]
    if employee.end_date is not None:
        years = range(employee.end_date.year, on.year + 1)
        written = written_by_year(employee, policy, years)
        for grant in grants:
            written[grant.year] = written.get(grant.year, Decimal("0")) + grant.amount
        entries += [
            as_entry(g, employee=employee, policy=policy, tenant_id=employee.tenant_id)
            for g in leaver_corrections(policy, milestones, employee, on=on, written=written)
        ]
    return entries


def scheduled_accruals(
    employee, leave_type, *, after: date, until: date
) -> list[tuple[date, Decimal]]:
    """[(day, amount)] of the accruals due in (after, until] under the policy that
    applies to ``employee`` now: a projection for the balance page (nothing is written)."""
    policy = policy_for(employee, leave_type)
    if policy is None:
        return []
    milestones = list(policy.milestones.all())
    return [
        (g.on, g.amount)
        for g in grants_between(policy, milestones, employee, after=after, until=until)
    ]
