"""The employee search (docs/employees.md, "Search"): every word must begin the first
name (or "first last"), last name, number or work email, in any case, read from
the columns the database keeps on every write path; no more than a person may
see; the same queries at any size."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.utils import get_history_model_for_model

from modules.employees import services
from modules.employees.models import SEARCH_COLUMNS, Employee
from modules.employees.selectors import search_employees
from opsplatform.bulk import create_with_history
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/employees/employee/"


@pytest.fixture
def people(acme):
    return {
        "ada": EmployeeFactory(
            first_name="Ada",
            last_name="Lovelace",
            employee_number="E-1815",
            work_email="ada.lovelace@acme.test",
        ),
        "alan": EmployeeFactory(
            first_name="Alan",
            last_name="Turing",
            employee_number="E-1912",
            work_email="alan@acme.test",
        ),
        "grace": EmployeeFactory(
            first_name="Grace", last_name="Hopper", employee_number="X-1906", work_email=""
        ),
    }


def found(text: str) -> set[str]:
    return {e.first_name for e in search_employees(Employee.objects.all(), text)}


def test_each_column_is_searched_by_its_start_in_any_case(people):
    assert found("love") == {"Ada"}  # last name
    assert found("ALAN") == {"Alan"}  # first name
    assert found("x-19") == {"Grace"}  # the start of a number
    assert found("ada.L") == {"Ada"}  # the start of an email
    assert found("alan@acme.test") == {"Alan"}
    assert found("nobody") == set()


def test_the_middle_of_a_word_is_not_searched(people):
    # The one narrowing of the old search (docs/employees.md): it matched anywhere.
    assert found("urin") == set()
    assert found("1815") == set()
    assert found("acme.test") == set()


def test_every_word_must_match(people):
    assert found("ada e-18") == {"Ada"}
    assert found("ada turing") == set()
    assert found("") == {"Ada", "Alan", "Grace"}


def test_a_quoted_first_and_last_name_is_one_prefix(people):
    assert found('"ada love"') == {"Ada"}
    assert found('"ada turing"') == set()


def test_a_like_wildcard_is_a_plain_character(people):
    assert found("%") == set()
    assert found("e_1") == set()
    assert found("E-1") == {"Ada", "Alan"}


def test_the_column_follows_a_change_a_bulk_update_and_an_import(acme, people):
    ada = people["ada"]
    ada.last_name = "Byron"
    services.employee_save(employee=ada)
    assert found("byron") == {"Ada"}
    assert found('"ada lovelace"') == set()

    Employee.objects.filter(pk=people["alan"].pk).update(work_email="enigma@bletchley.test")
    assert found("enigma") == {"Alan"}

    # The importer's creations (COPY on PostgreSQL) leave the column to the database.
    create_with_history(
        [
            Employee(
                tenant=acme,
                employee_number="N-1",
                first_name="Katherine",
                last_name="Johnson",
                hire_date=date(2024, 1, 1),
            )
        ],
        Employee,
    )
    assert found("johnson n-1") == {"Katherine"}


def test_the_column_is_not_in_the_history(people):
    history = get_history_model_for_model(Employee)
    assert not {f.name for f in history._meta.fields} & set(SEARCH_COLUMNS)


def test_the_list_search_shows_only_whom_the_person_may_see(
    tenant_a, make_member, client_for, people, link_login
):
    # A plain employee sees nobody but themselves in the list: searching for the
    # others' names or emails finds nothing of them either.
    grace = make_member(tenant_a, "grace@acme.test")
    link_login(tenant_a, grace, people["grace"])
    client = client_for(tenant_a, grace)
    for text in ("Lovelace", "alan@acme", "E-19", "ada"):
        body = client.get(LIST, {"q": text}).content.decode()
        assert "Lovelace" not in body and "Turing" not in body, text


def test_the_search_costs_the_same_queries_with_more_people(tenant_a, hr_a, client_for, people):
    client = client_for(tenant_a, hr_a)
    client.get(LIST, {"q": "more"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"q": "more"}).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    with tenant_context(tenant_a):
        for n in range(20):
            EmployeeFactory(work_email=f"more{n}@acme.test")
    assert queries() == few


def test_the_admin_search_reads_the_search_columns(tenant_a, hr_a, client_for, people):
    with CaptureQueriesContext(connection) as captured:
        body = client_for(tenant_a, hr_a).get(LIST, {"q": "lovelace"}).content.decode()
    assert "Lovelace" in body and "Turing" not in body
    searched = [q["sql"] for q in captured.captured_queries if "search_last_name" in q["sql"]]
    assert searched and not any(" LIKE " in sql for sql in searched)
