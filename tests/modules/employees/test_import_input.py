"""Hostile cells in an import: every one is a readable row error (never a crash, never
a library's raw text), and anything unforeseen is logged for us, not shown."""

from __future__ import annotations

import logging

import pytest

from modules.employees import jobs
from modules.employees.importing import import_employees
from modules.employees.importing import rows as row_checks
from modules.employees.models import Employee, ImportJob
from opsplatform.tenancy import tenant_context
from tests.modules.employees.helpers import csv_bytes
from tests.modules.employees.test_import import GOOD_FILE, hr_client, job_id_of, org, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def _errors(rows, **kwargs):
    report = import_employees(csv_bytes(rows), "people.csv", may_set_salary=True, **kwargs)
    return report, [(e.line, e.column, e.message) for e in report.errors]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_an_implausible_date_is_a_row_error(acme, day):
    report, errors = _errors([{"employee_number": "E1", "first_name": "A", "hire_date": day}])
    assert not report.applied
    assert errors == [(2, "hire_date", "Enter a date between 01/01/1900 and 12/31/2100.")]
    assert not Employee.objects.exists()


@pytest.mark.parametrize(
    "salary, message",
    [
        ("1" + "0" * 20, "Ensure that there are no more than"),
        ("1" + "0" * 30, "This number is too large."),
        ("1e400000", "This number is too large."),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
    ],
)
def test_a_number_too_large_for_its_column_is_a_row_error(acme, salary, message):
    report, errors = _errors([{"employee_number": "E1", "first_name": "A", "salary": salary}])
    assert not report.applied
    assert len(errors) == 1
    line, column, text = errors[0]
    assert (line, column) == (2, "salary") and message in text
    assert not Employee.objects.exists()


def test_bidirectional_controls_are_stripped_from_names(acme):
    report, errors = _errors(
        [
            {
                "employee_number": "E1",
                "first_name": "Ali\u202egnp.exe",
                "last_name": "\u2067Khan\u2069",
            }
        ]
    )
    assert errors == [] and report.applied
    person = Employee.objects.get(employee_number="E1")
    assert (person.first_name, person.last_name) == ("Alignp.exe", "Khan")


def test_an_unforeseen_error_in_a_row_is_logged_and_reported_plainly(acme, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError('relation "employees_employee" secret internals')

    monkeypatch.setattr(row_checks, "parse_choice", explode)
    with caplog.at_level(logging.ERROR, logger="modules.employees.importing"):
        report, errors = _errors(
            [{"employee_number": "E1", "first_name": "A", "employment_type": "full_time"}]
        )
    assert errors == [(2, "", "Could not read row 2.")]
    assert "secret internals" not in str(report.as_dict())
    assert "secret internals" in caplog.text  # the traceback is for us


def test_a_failed_import_job_shows_a_sentence_not_the_exception(
    tenant_a,
    hr_client,  # noqa: F811
    monkeypatch,
    caplog,
):
    job_id = job_id_of(upload(hr_client, GOOD_FILE))

    def explode(*args, **kwargs):
        raise RuntimeError("duplicate key value violates unique constraint secret_idx")

    monkeypatch.setattr(jobs, "import_employees", explode)
    with tenant_context(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
    with caplog.at_level(logging.ERROR, logger="modules.employees.jobs"):
        with pytest.raises(RuntimeError):
            jobs.apply_job(job)
    with tenant_context(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.FAILED
    assert "secret_idx" not in str(job.report)
    assert job.report["file_error"].startswith("The import stopped on an unexpected error")
    assert "secret_idx" in caplog.text
    page = hr_client.get(f"/admin/employees/employee/import/{job_id}/")
    assert "secret_idx" not in page.content.decode()
