"""The employee rules are said once: the form's service and the importer refuse the
same things with the same words, and the import services refuse a bad file
whatever calls them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.employees import services
from modules.employees.importing import import_employees
from modules.employees.models import Employee, ImportJob
from modules.employees.services import import_jobs
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.employees.helpers import csv_bytes

pytestmark = pytest.mark.django_db


def _import_errors(rows: list[dict]) -> dict[str, list[str]]:
    report = import_employees(csv_bytes(rows), "people.csv", may_set_salary=True, dry_run=True)
    errors: dict[str, list[str]] = {}
    for error in report.errors:
        errors.setdefault(error.column, []).append(error.message)
    return errors


def _service_errors(**changes) -> dict[str, str]:
    employee = Employee.objects.get(employee_number="E1")
    with pytest.raises(ValidationError) as caught:
        services.employee_update(employee=employee, **changes)
    return {field: " ".join(messages) for field, messages in caught.value.message_dict.items()}


def test_a_leaver_without_an_end_date_reads_the_same_in_the_form_and_the_file(acme):
    EmployeeFactory(employee_number="E1", first_name="Ann")

    from_form = _service_errors(status=Employee.Status.TERMINATED, end_date=None)
    from_file = _import_errors([{"employee_number": "E1", "status": "terminated"}])

    expected = "A terminated employee needs an end date."
    assert from_form["end_date"] == expected
    assert from_file["end_date"] == [expected]


def test_an_end_before_the_hire_date_reads_the_same_in_the_form_and_the_file(acme):
    EmployeeFactory(employee_number="E1", first_name="Ann", hire_date="2024-05-01")

    with pytest.raises(ValidationError) as caught:
        services.employee_update(
            employee=Employee.objects.get(employee_number="E1"), end_date="2024-01-01"
        )
    from_file = _import_errors([{"employee_number": "E1", "end_date": "2024-01-01"}])

    expected = "The end date cannot be before the hire date."
    assert expected in caught.value.messages
    assert from_file["end_date"] == [expected]


def test_a_reporting_loop_reads_the_same_in_the_form_and_the_file(acme):
    ann = EmployeeFactory(employee_number="E1", first_name="Ann", last_name="")
    EmployeeFactory(employee_number="E2", first_name="Bob", last_name="", manager=ann)

    from_form = _service_errors(manager=Employee.objects.get(employee_number="E2"))
    from_file = _import_errors([{"employee_number": "E1", "manager": "E2"}])

    # Named as each screen names people: by name in the form, by number in a file.
    assert from_form["manager"] == "This would make a reporting loop: Ann → Bob → Ann."
    assert from_file["manager"] == ["This would make a reporting loop: E1 → E2 → E1."]


def test_nobody_is_their_own_manager_in_the_form_or_the_file(acme):
    ann = EmployeeFactory(employee_number="E1", first_name="Ann")

    from_form = _service_errors(manager=ann)
    from_file = _import_errors([{"employee_number": "E1", "manager": "E1"}])

    expected = "A person cannot be their own line manager."
    assert from_form["manager"] == expected
    assert expected in from_file["manager"]


# -- the import services ---------------------------------------------------------------


def test_the_import_service_refuses_an_oversized_file_whoever_calls_it(acme, hr_a, monkeypatch):
    monkeypatch.setattr(import_jobs.IMPORT_FILE, "max_size", 100)
    upload = SimpleUploadedFile("people.csv", b"employee_number,first_name\n" + b"E1,Ann\n" * 50)

    with pytest.raises(ValidationError) as caught:
        import_jobs.import_job_create(upload=upload, user=hr_a)

    assert "larger than" in " ".join(caught.value.messages)
    assert not ImportJob.objects.exists()


def test_the_import_service_refuses_a_file_that_is_not_a_spreadsheet(acme, hr_a):
    upload = SimpleUploadedFile("people.pdf", b"%PDF-1.4 not people")

    with pytest.raises(ValidationError) as caught:
        import_jobs.import_job_create(upload=upload, user=hr_a)

    assert caught.value.messages == ["Upload a .csv or .xlsx file."]
    assert not ImportJob.objects.exists()


def test_starting_an_import_twice_imports_once(acme, hr_a):
    upload = SimpleUploadedFile("people.csv", b"employee_number,first_name\nE1,Ann\n")
    job = import_jobs.import_job_create(upload=upload, user=hr_a)
    assert job.status == ImportJob.Status.READY

    first = import_jobs.import_job_start(job=job, user=hr_a)
    job.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        import_jobs.import_job_start(job=job, user=hr_a)

    assert first is import_jobs.ImportStart.IMPORTED
    assert "cannot be started" in " ".join(caught.value.messages)
    assert Employee.objects.filter(employee_number="E1").count() == 1
