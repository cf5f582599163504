"""The Django half of bench/load.py: make the companies, then count what was lost.

    python bench/load_data.py setup  --companies 10 --rows 5000 --out DIR   (prints JSON)
    python bench/load_data.py report --companies 10 --rows 5000            (prints JSON)

Runs with the same environment as the server it measures (production settings,
the application's role under row-level security); bench/load.py sets it. Every
company gets five people who sign in (owner, HR, a requester, their line
manager, finance), 200 employees to browse, the default approval routes and a
people file of ``--rows`` rows whose addresses carry the company's slug, so a
page showing another company's person is caught by bench/load.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsplatform.settings.production")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db.models import Count  # noqa: E402

from modules.approvals import notifications as notices  # noqa: E402
from modules.approvals.models import ApprovalRequest, GateAction, GateLog  # noqa: E402
from modules.approvals.services import routes_ensure_defaults  # noqa: E402
from modules.employees.models import Department, Employee, ImportJob  # noqa: E402
from opsplatform.bulk import create_with_history  # noqa: E402
from opsplatform.notifications.models import Notification  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants import services  # noqa: E402
from tenants.models import Membership, RoleGrant, Tenant, User  # noqa: E402
from tenants.roles import RoleCode  # noqa: E402

PASSWORD = "load-pass-123"
# (persona, roles): who signs in to each company and what they do (bench/load_users.py).
PERSONAS = [
    ("owner", [RoleCode.OWNER]),
    ("hr", [RoleCode.HR]),
    ("requester", [RoleCode.EMPLOYEE]),
    ("manager", [RoleCode.MANAGER]),
    ("finance", [RoleCode.FINANCE]),
]
BASE_PEOPLE = 200


def company(index: int) -> dict:
    """Slug, name and the markers only this company's pages may show."""
    slug = f"lt{index:02d}"
    return {
        "slug": slug,
        "name": f"Loadtest {index:02d} Ltd",
        "email_domain": f"@{slug}.load.test",
        "number_prefix": f"L{index:02d}-",
    }


def _members(tenant, spec: dict, password_hash: str) -> list[dict]:
    people = []
    employees = {}
    department = Department.objects.create(name="Operations", code="OPS")
    for number, (persona, roles) in enumerate(PERSONAS, start=1):
        email = f"{persona}{spec['email_domain']}"
        user = User(email=email, full_name=f"{persona.title()} {spec['slug']}")
        user.password = password_hash  # one hash for all: 50 PBKDF2 runs would cost a minute
        user.save()
        membership = Membership.objects.create(user=user)
        for role in roles:
            RoleGrant.objects.create(membership=membership, role=role)
        employees[persona] = Employee.objects.create(
            employee_number=f"{spec['number_prefix']}P{number}",
            first_name=persona.title(),
            last_name=spec["slug"],
            work_email=email,
            hire_date="2024-01-01",
            department=department,
            membership=membership,
            manager=employees.get("manager") if persona == "requester" else None,
        )
        people.append({"persona": persona, "email": email})
    # The requester was made before the manager was linked: set the line now.
    requester = employees["requester"]
    requester.manager = employees["manager"]
    requester.save(update_fields=["manager"])
    create_with_history(
        [
            Employee(
                tenant=tenant,
                employee_number=f"{spec['number_prefix']}B{index:04d}",
                first_name=f"Base{index}",
                last_name=spec["slug"].upper(),
                work_email=f"base{index}{spec['email_domain']}",
                hire_date="2023-06-01",
                department=department,
            )
            for index in range(BASE_PEOPLE)
        ],
        Employee,
        reason="Load test data",
    )
    routes_ensure_defaults()
    return people


def people_file(spec: dict, rows: int, out: Path) -> Path:
    path = out / f"people-{spec['slug']}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["employee_number", "first_name", "last_name", "work_email", "hire_date"])
        for index in range(rows):
            writer.writerow(
                [
                    f"{spec['number_prefix']}I{index:05d}",
                    f"Imported{index}",
                    spec["slug"].upper(),
                    f"imported{index}{spec['email_domain']}",
                    "2025-03-01",
                ]
            )
    return path


def setup(companies: int, rows: int, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    password_hash = make_password(PASSWORD)
    result = []
    for index in range(1, companies + 1):
        spec = company(index)
        tenant = Tenant.objects.filter(slug=spec["slug"]).first()
        if tenant is not None:
            raise SystemExit(
                f"{spec['slug']} exists already: bench/load.py starts on an empty database"
            )
        tenant = services.tenant_create(name=spec["name"], slug=spec["slug"])
        with tenant_context(tenant), tenant_transaction(tenant):
            people = _members(tenant, spec, password_hash)
        result.append({**spec, "people": people, "people_file": str(people_file(spec, rows, out))})
    return {"password": PASSWORD, "companies": result}


# -- what was lost ---------------------------------------------------------------------


def _decisions(report: dict) -> None:
    """Each submission or approval that moved a request on must have its notice:
    "awaits your decision" to the next gate, or "is approved" to the requester."""
    for log in GateLog.objects.filter(
        action__in=[GateAction.SUBMITTED, GateAction.APPROVED, GateAction.COMPLETED]
    ).select_related("request"):
        reference = log.request.reference
        if log.action == GateAction.COMPLETED:
            expected = Notification.objects.filter(
                type_code=notices.COMPLETED, context__reference=reference
            )
        elif log.request.steps.filter(name=log.to_gate).exists():
            expected = Notification.objects.filter(
                type_code=notices.AWAITING,
                context__reference=reference,
                context__gate=log.to_gate,
            )
        else:
            continue  # the last gate's approval: its notice is the "completed" row's
        report["decisions"] += 1
        if not expected.exists():
            report["decisions_without_notice"] += 1
    # The same notice to the same person more than once (delivered twice).
    report["duplicate_notices"] += (
        Notification.objects.filter(
            type_code__in=[notices.AWAITING, notices.COMPLETED, notices.SUBMITTED]
        )
        .values("recipient", "type_code", "context__reference", "context__gate")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    report["requests"] += ApprovalRequest.objects.count()


def _imports(report: dict, spec: dict, rows: int) -> None:
    imported = Employee.objects.filter(
        employee_number__startswith=f"{spec['number_prefix']}I"
    ).count()
    jobs = list(ImportJob.objects.all())
    for job in jobs:
        report["imports"] += 1
        report["import_status"][job.status] = report["import_status"].get(job.status, 0) + 1
        if job.status == ImportJob.Status.DONE and imported != rows:
            report["imports_half_written"] += 1
        elif job.status != ImportJob.Status.DONE and imported:
            report["imports_half_written"] += 1
        if job.status in (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING):
            # Stuck after the settle time: nobody is working on it, and it cannot be restarted.
            report["imports_stuck"] += 1
    report["people_imported"] += imported


def _emails(report: dict) -> None:
    report["emails_due"] += Notification.objects.filter(email=True).count()
    report["emails_never_sent"] += Notification.objects.filter(
        email=True, emailed_at__isnull=True
    ).count()


def report(companies: int, rows: int) -> dict:
    totals = {
        "requests": 0,
        "decisions": 0,
        "decisions_without_notice": 0,
        "duplicate_notices": 0,
        "imports": 0,
        "import_status": {},
        "imports_half_written": 0,
        "imports_stuck": 0,
        "people_imported": 0,
        "emails_due": 0,
        "emails_never_sent": 0,
    }
    for index in range(1, companies + 1):
        spec = company(index)
        tenant = Tenant.objects.get(slug=spec["slug"])
        with tenant_context(tenant), tenant_transaction(tenant):
            _decisions(totals)
            _imports(totals, spec, rows)
            _emails(totals)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup", "report"])
    parser.add_argument("--companies", type=int, default=10)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/opsplatform-load"))
    args = parser.parse_args()
    if args.command == "setup":
        result = setup(args.companies, args.rows, args.out)
    else:
        result = report(args.companies, args.rows)
    print("LOAD-JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
