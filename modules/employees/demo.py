"""Demo people for seed_demo: departments, positions, managers, documents."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from modules.employees.models import (
    Department,
    Employee,
    EmployeeDocument,
    Position,
    WorkLocation,
    WorkSchedule,
)
from tenants.models import Membership

FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Farid",
    "Grace",
    "Hassan",
    "Isla",
    "James",
    "Karim",
    "Layla",
    "Mason",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rania",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
]
LAST = [
    "Owner",
    "Adams",
    "Baker",
    "Carter",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Khan",
    "Lopez",
    "Mansour",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Rossi",
    "Saleh",
    "Turner",
    "Usman",
    "Vargas",
    "Walsh",
    "Young",
]
FIRST_AR = [
    "أحمد",
    "فاطمة",
    "محمد",
    "مريم",
    "خالد",
    "نورة",
    "يوسف",
    "سارة",
    "علي",
    "ليلى",
    "عمر",
    "هدى",
]
LAST_AR = ["الحسن", "المنصوري", "الشامسي", "الكعبي", "النعيمي", "الظاهري", "البلوشي", "السويدي"]

STRUCTURE = {
    "acme": {
        "size": 60,
        "currency": "USD",
        "departments": [
            ("Executive", "EXE", None),
            ("Engineering", "ENG", "Executive"),
            ("Platform", "PLT", "Engineering"),
            ("Product", "PRD", "Engineering"),
            ("Finance", "FIN", "Executive"),
            ("People", "HR", "Executive"),
            ("Sales", "SAL", "Executive"),
        ],
        "locations": ["New York HQ", "Austin", "Remote"],
    },
    "globex": {
        "size": 25,
        "currency": "AED",
        "departments": [
            ("Management", "MGT", None),
            ("Operations", "OPS", "Management"),
            ("Finance", "FIN", "Management"),
            ("Sales", "SAL", "Management"),
        ],
        "locations": ["Dubai Office", "Abu Dhabi"],
    },
}
POSITIONS = [
    "Chief Executive",
    "Head of Department",
    "Team Lead",
    "Senior Engineer",
    "Engineer",
    "Analyst",
    "Accountant",
    "HR Partner",
    "Account Executive",
    "Coordinator",
]


def seed(*, tenant, stdout) -> None:
    if Employee.objects.exists():
        return
    spec = STRUCTURE.get(tenant.slug)
    if spec is None:
        return
    rng = random.Random(tenant.slug)
    departments: dict[str, Department] = {}
    for name, code, parent in spec["departments"]:
        departments[name] = Department.objects.create(
            name=name, code=code, parent=departments.get(parent)
        )
    positions = {title: Position.objects.create(title=title) for title in POSITIONS}
    locations = [WorkLocation.objects.create(name=name) for name in spec["locations"]]
    schedule = WorkSchedule.objects.create(
        name="Standard week",
        working_days=[6, 0, 1, 2, 3] if tenant.currency == "AED" else [0, 1, 2, 3, 4],
    )
    arabic = tenant.slug == "globex"
    people: list[Employee] = []
    heads: dict[str, Employee] = {}
    names = [d for d in departments]
    for index in range(spec["size"]):
        if index == 0:
            first, last, department = (
                ("Alice", "Owner", names[0]) if not arabic else ("Gina", "Owner", names[0])
            )
            position, manager = positions["Chief Executive"], None
        else:
            department = (
                names[1 + (index - 1) % (len(names) - 1)]
                if index < len(names)
                else rng.choice(names[1:])
            )
            first = rng.choice(FIRST_AR if arabic and index % 2 else FIRST)
            last = rng.choice(LAST_AR if arabic and index % 2 else LAST[1:])
            if department not in heads:
                position = positions["Head of Department"]
                parent_name = next(p for n, _c, p in spec["departments"] if n == department)
                manager = heads.get(parent_name) or people[0]
            else:
                position = positions[rng.choice(POSITIONS[2:])]
                team = [p for p in people if p.department_id == departments[department].pk]
                manager = rng.choice(team[:4]) if team else heads[department]
        employee = Employee.objects.create(
            employee_number=f"{tenant.slug[:2].upper()}-{1001 + index}",
            first_name=first,
            last_name=last,
            work_email=f"{first.lower()}.{index}@{tenant.slug}.test"
            if not (arabic and index % 2)
            else f"staff{index}@{tenant.slug}.test",
            phone=f"+1 555 01{index:02d}",
            hire_date=date(2019, 1, 7) + timedelta(days=rng.randint(0, 2000)),
            department=departments[department],
            position=position,
            location=rng.choice(locations),
            schedule=schedule,
            manager=manager,
            hourly_cost_rate=Decimal(rng.randint(25, 120)),
            cost_currency=spec["currency"],
            salary=Decimal(rng.randint(40, 180) * 1000),
            salary_currency=spec["currency"],
            emergency_contact_name=rng.choice(FIRST) + " " + rng.choice(LAST[1:]),
            emergency_contact_phone=f"+1 555 09{index:02d}",
            emergency_contact_relation=rng.choice(["Spouse", "Parent", "Sibling"]),
        )
        if index and position == positions["Head of Department"]:
            heads[department] = employee
            departments[department].head = employee
            departments[department].save(update_fields=["head"])
        if index == 0:
            heads[department] = employee
            departments[department].head = employee
            departments[department].save(update_fields=["head"])
        people.append(employee)

    today = date.today()
    for offset, person in zip([-5, 12, 25, 200, 400], people[1:6], strict=False):
        EmployeeDocument.objects.create(
            employee=person,
            kind=EmployeeDocument.Kind.VISA if offset < 30 else EmployeeDocument.Kind.PASSPORT,
            number=f"D{person.pk:05d}",
            issued_on=today - timedelta(days=700),
            expires_on=today + timedelta(days=offset),
        )
    owner = Membership.objects.filter(role_grants__role="owner").select_related("user").first()
    if owner is not None:
        people[0].membership = owner
        people[0].work_email = owner.user.email
        people[0].save(update_fields=["membership", "work_email"])
    stdout.write(f"  {tenant.name}: {len(people)} employees in {len(departments)} departments")
