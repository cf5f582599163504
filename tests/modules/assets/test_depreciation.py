"""Depreciation schedules against figures worked out by hand (modules/assets/depreciation.py).

Pure arithmetic: no database, no Django models.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal as D

import pytest

from modules.assets.depreciation import (
    Basis,
    accumulated_on,
    add_months,
    book_value_on,
    disposal_gain,
    month_start,
    schedule,
)


def sl(cost="12000", salvage="0", start=date(2024, 1, 1), life=36):
    return Basis(D(cost), D(salvage), start, life, "straight_line")


def db(salvage="0", life=60, rate="40"):
    return Basis(D("10000"), D(salvage), date(2025, 1, 1), life, "declining_balance", D(rate))


UOP = Basis(
    D("10000"), D("1000"), date(2025, 1, 10), 0, "units_of_production", total_units=D("1000")
)
UNITS = {
    date(2024, 12, 1): D("50"),  # before the in-service month: ignored
    date(2025, 1, 20): D("100"),  # any day of the month stands for the month
    date(2025, 2, 1): D("0"),  # no units, no month
    date(2025, 3, 1): D("333"),
    date(2025, 4, 1): D("500"),
    date(2025, 5, 1): D("200"),
}


def total(months):
    return sum((m.amount for m in months), D("0"))


# Straight line


def test_straight_line_from_the_first_of_the_month():
    months = schedule(sl())
    assert len(months) == 36
    # 12,000 / 36 = 333.333... -> 333.33 a month
    assert months[0].amount == D("333.33")
    assert months[0].book_value == D("11666.67")  # 12,000 - 333.33
    assert months[34].accumulated == D("11666.55")  # 35 x 333.33
    # The last month takes the rest: 12,000 - 11,666.55 = 333.45
    assert months[-1].period == date(2026, 12, 1)
    assert months[-1].amount == D("333.45")
    assert months[-1].book_value == D("0.00")
    assert total(months) == D("12000")


def test_straight_line_from_16_february_of_a_leap_year():
    months = schedule(sl(start=date(2024, 2, 16)))
    # A partial first month makes the schedule one month longer: 36 + 1.
    assert len(months) == 37
    # February 2024 has 29 days; in service 29 - 16 + 1 = 14 of them:
    # 333.333... x 14 / 29 = 160.9195 -> 160.92
    assert months[0].period == date(2024, 2, 1)
    assert months[0].amount == D("160.92")
    assert months[1].amount == D("333.33")
    # Last (February 2027): 12,000 - 160.92 - 35 x 333.33 (11,666.55) = 172.53
    assert months[-1].period == date(2027, 2, 1)
    assert months[-1].amount == D("172.53")
    assert total(months) == D("12000")


def test_straight_line_from_16_february_of_a_common_year():
    months = schedule(sl(start=date(2025, 2, 16)))
    assert len(months) == 37
    # February 2025 has 28 days; in service 28 - 16 + 1 = 13:
    # 333.333... x 13 / 28 = 154.7619 -> 154.76
    assert months[0].amount == D("154.76")
    # Last (February 2028): 12,000 - 154.76 - 11,666.55 = 178.69
    assert months[-1].period == date(2028, 2, 1)
    assert months[-1].amount == D("178.69")
    assert total(months) == D("12000")


def test_straight_line_stops_at_the_salvage_value():
    months = schedule(sl(salvage="1200", start=date(2025, 1, 1)))
    # (12,000 - 1,200) / 36 = 300.00 a month, exactly
    assert {m.amount for m in months} == {D("300.00")}
    assert months[-1].book_value == D("1200.00")
    assert total(months) == D("10800")  # cost - salvage


def test_straight_line_partial_month_with_salvage_totals_cost_less_salvage():
    months = schedule(sl(cost="1000", salvage="100", start=date(2025, 3, 31), life=7))
    # 900 / 7 = 128.5714 a month; 31 March is 1 day of 31: 128.5714 / 31 = 4.1475 -> 4.15
    assert months[0].amount == D("4.15")
    assert len(months) == 8
    # Last: 900 - 4.15 - 6 x 128.57 (771.42) = 124.43
    assert months[-1].amount == D("124.43")
    assert months[-1].book_value == D("100.00")
    assert min(m.book_value for m in months) == D("100.00")


# Declining balance


def test_declining_balance_first_months():
    months = schedule(db())
    # 40% a year is 40 / 100 / 12 of the opening book value each month.
    # January: 10,000 x 0.4 / 12 = 333.333 -> 333.33; book 9,666.67
    assert (months[0].amount, months[0].book_value) == (D("333.33"), D("9666.67"))
    # February: 9,666.67 x 0.4 / 12 = 322.2223 -> 322.22; book 9,344.45
    assert (months[1].amount, months[1].book_value) == (D("322.22"), D("9344.45"))
    # March: 9,344.45 x 0.4 / 12 = 311.4817 -> 311.48; book 9,032.97
    assert (months[2].amount, months[2].book_value) == (D("311.48"), D("9032.97"))


def test_declining_balance_writes_down_to_salvage_in_the_last_month_of_life():
    months = schedule(db(salvage="1000"))
    assert len(months) == 60
    # November 2029 (month 59): 1,399.76 x 0.4 / 12 = 46.6587 -> 46.66; book 1,353.10
    assert months[58].amount == D("46.66")
    assert months[58].book_value == D("1353.10")
    # December 2029, the 60th month, takes the book down to salvage: 1,353.10 - 1,000
    assert months[-1].period == date(2029, 12, 1)
    assert months[-1].amount == D("353.10")
    assert months[-1].book_value == D("1000.00")
    assert total(months) == D("9000")


def test_declining_balance_never_goes_below_salvage():
    months = schedule(db(salvage="5000"))
    # August 2026 (month 20): 5,251.21 x 0.4 / 12 = 175.0403 -> 175.04; book 5,076.17
    assert months[19].book_value == D("5076.17")
    # September 2026: 5,076.17 x 0.4 / 12 = 169.21, but only 76.17 is left above
    # salvage, and the schedule ends there, long before its 60 months.
    assert len(months) == 21
    assert months[-1].amount == D("76.17")
    assert months[-1].book_value == D("5000.00")
    assert min(m.book_value for m in months) == D("5000.00")


def test_declining_balance_partial_first_month():
    basis = Basis(D("10000"), D("0"), date(2024, 2, 16), 12, "declining_balance", D("40"))
    months = schedule(basis)
    # 10,000 x 0.4 / 12 x 14 / 29 = 160.9195 -> 160.92
    assert months[0].amount == D("160.92")
    # 12 months of life, counted like straight line: 13 entries, February 2025 last.
    assert len(months) == 13
    assert months[-1].period == date(2025, 2, 1)
    assert months[-1].book_value == D("0.00")


def test_declining_balance_needs_a_rate():
    basis = Basis(D("10000"), D("0"), date(2025, 1, 1), 60, "declining_balance")
    with pytest.raises(ValueError):
        schedule(basis)


# Units of production


def test_units_of_production_follows_the_units():
    months = schedule(UOP, units_by_month=UNITS)
    # 9,000 to depreciate over 1,000 units: 9.00 a unit.
    assert [m.period for m in months] == [
        date(2025, 1, 1),
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ]
    assert months[0].amount == D("900.00")  # 100 x 9
    assert months[1].amount == D("2997.00")  # 333 x 9
    assert months[2].amount == D("4500.00")  # 500 x 9; book 10,000 - 8,397 = 1,603
    # May: 200 x 9 = 1,800, capped at the 603 left above the 1,000 salvage.
    assert months[3].amount == D("603.00")
    assert months[3].book_value == D("1000.00")
    assert total(months) == D("9000")


def test_units_of_production_needs_total_units():
    basis = Basis(D("10000"), D("0"), date(2025, 1, 1), 0, "units_of_production")
    with pytest.raises(ValueError):
        schedule(basis, units_by_month=UNITS)


def test_units_of_production_without_units_is_empty():
    assert schedule(UOP) == []


# Revaluation


def test_straight_line_restarts_from_a_revalued_book_value():
    # Valued at 9,000 from January 2025, a year into its 36 months: 24 left.
    months = schedule(sl(), opening_book_value=D("9000"), from_period=date(2025, 1, 15))
    assert len(months) == 24
    assert months[0].period == date(2025, 1, 1)
    assert months[0].amount == D("375.00")  # 9,000 / 24
    assert months[-1].period == date(2026, 12, 1)  # the original end
    assert months[-1].book_value == D("0.00")
    assert total(months) == D("9000")


def test_declining_balance_restarts_from_a_revalued_book_value():
    months = schedule(
        db(salvage="1000"), opening_book_value=D("6000"), from_period=date(2026, 1, 1)
    )
    # January 2026: 6,000 x 0.4 / 12 = 200.00
    assert months[0].amount == D("200.00")
    # 60 months from January 2025 end in December 2029: 48 left, down to salvage.
    assert len(months) == 48
    assert months[-1].book_value == D("1000.00")
    assert total(months) == D("5000")  # 6,000 - 1,000


def test_units_of_production_restarts_over_the_units_left():
    used = {date(2025, 1, 1): D("100"), date(2025, 3, 1): D("300"), date(2025, 4, 1): D("500")}
    months = schedule(
        UOP, units_by_month=used, opening_book_value=D("7000"), from_period=date(2025, 3, 1)
    )
    # 1,000 - 100 used before March = 900 units left for 7,000 - 1,000 = 6,000.
    assert months[0].amount == D("2000.00")  # 6,000 x 300 / 900
    assert months[1].amount == D("3333.33")  # 6,000 x 500 / 900 = 3,333.333
    assert months[1].book_value == D("1666.67")


def test_restart_after_the_life_has_ended_is_empty():
    assert schedule(sl(), opening_book_value=D("500"), from_period=date(2027, 1, 1)) == []


# Nothing to depreciate


def test_cost_equal_to_salvage_or_no_life_is_an_empty_schedule():
    assert schedule(sl(cost="500", salvage="500")) == []
    assert schedule(sl(life=0)) == []


def test_salvage_above_cost_is_refused():
    with pytest.raises(ValueError):
        schedule(sl(cost="100", salvage="200"))


@pytest.mark.parametrize("day", [1, 2, 15, 28, 29])
@pytest.mark.parametrize("method", ["straight_line", "declining_balance"])
def test_totals_always_equal_cost_less_salvage(method, day):
    basis = Basis(D("9999.99"), D("123.45"), date(2024, 2, day), 37, method, D("33"))
    months = schedule(basis)
    assert total(months) == D("9876.54")  # 9,999.99 - 123.45
    assert months[-1].book_value == D("123.45")
    assert all(m.amount >= 0 and m.book_value >= D("123.45") for m in months)


# Book value and accumulated depreciation on a date


def test_book_value_on_a_date_in_the_middle():
    # 15 June 2024 counts June: 6 months of 333.33 = 1,999.98
    assert accumulated_on(sl(), date(2024, 6, 15)) == D("1999.98")
    assert book_value_on(sl(), date(2024, 6, 15)) == D("10000.02")  # 12,000 - 1,999.98


def test_book_value_before_the_start_is_the_cost():
    assert book_value_on(sl(), date(2023, 12, 31)) == D("12000")
    assert accumulated_on(sl(), date(2023, 12, 31)) == D("0")


def test_book_value_after_the_end_is_the_salvage():
    assert book_value_on(sl(salvage="1200"), date(2030, 1, 1)) == D("1200.00")


# Disposal


def test_disposal_gain_and_loss():
    assert disposal_gain(D("1353.10"), D("1500")) == D("146.90")  # 1,500 - 1,353.10
    assert disposal_gain(D("1353.10"), D("1000")) == D("-353.10")  # a loss


# Helpers


def test_month_helpers():
    assert month_start(date(2024, 2, 29)) == date(2024, 2, 1)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 14) == date(2026, 2, 15)
    assert add_months(date(2025, 3, 1), -3) == date(2024, 12, 1)


def test_the_module_loads_without_django():
    code = (
        "import sys, modules.assets.depreciation; "
        "assert not any(m.startswith('django') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("basis", "kwargs"),
    [
        (sl(start=date(2024, 2, 16)), {}),
        (db(), {}),
        (sl(), {"opening_book_value": D("5000"), "from_period": date(2025, 3, 1)}),
        (UOP, {"units_by_month": UNITS}),
    ],
)
@pytest.mark.parametrize("until", [date(2024, 1, 31), date(2025, 3, 15), date(2031, 1, 1)])
def test_until_gives_the_same_months_up_to_its_month(basis, kwargs, until):
    whole = schedule(basis, **kwargs)
    assert schedule(basis, until=until, **kwargs) == [
        m for m in whole if m.period <= month_start(until)
    ]
