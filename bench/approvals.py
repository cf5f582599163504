"""Approvals under load: 10,000 purchase requests, 8 approvers (processes) deciding them at once.

    python bench/approvals.py [--requests 10000] [--approvers 8] [--repeat 9]

Prints the inbox page's queries and median time with 10,000 items waiting,
decisions per second with the approvers working concurrently (each decision
locks its request, as in production, and sends its notifications), and the
number of lost or duplicated transitions, which must be 0.

The route is two role gates (Review: finance, Sign-off: revenue assurance),
every approver holding both roles, so the 8 of them compete for the same
requests: a refusal ("Already decided") is the lock doing its job and is
counted, not an error.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import time
from decimal import Decimal

# As in production: decisions enqueue their notification deliveries (Redis) for a
# worker instead of sending them in the request; the queue is measured and emptied.
os.environ["HUEY_IMMEDIATE"] = "false"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ["HUEY_NAME"] = "bench-approvals"

import _setup

_setup.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from modules.approvals import services  # noqa: E402
from modules.approvals.kinds.purchase import PurchaseDetails, PurchaseLine  # noqa: E402
from modules.approvals.models import (  # noqa: E402
    ApprovalRequest,
    ApproverType,
    GateAction,
    GateLog,
    RequestStatus,
    RequestStep,
    Route,
    StepStatus,
)
from opsplatform.bulk import create_with_history  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GATES = [("Review", "finance"), ("Sign-off", "revenue_assurance")]


def people(tenant, count: int, prefix: str, roles: list[str]) -> list[User]:
    users = []
    with tenant_context(tenant):
        for index in range(count):
            user = User.objects.create_user(
                email=f"{prefix}{index}@{tenant.slug}.bench",
                password="x",
                full_name=f"{prefix} {index}",
            )
            membership = Membership.objects.create(user=user)
            for role in roles:
                RoleGrant.objects.create(membership=membership, role=role)
            users.append(user)
    return users


def populate(tenant, requesters: list[User], n: int) -> None:
    """n requests standing at the first gate, written in bulk with their history rows."""
    with tenant_context(tenant), transaction.atomic():
        Route.objects.filter(kind="purchase").delete()
        route = Route.objects.create(kind="purchase", name="Bench purchases")
        for position, (name, role) in enumerate(GATES):
            route.gates.create(
                name=name,
                approver_type=ApproverType.ROLE,
                role=role,
                position=position,
                sla_hours=48,
            )
        now = timezone.now()
        requests = [
            ApprovalRequest(
                tenant=tenant,
                number=index + 1,
                kind="purchase",
                title=f"Bench request {index}",
                requester=requesters[index % len(requesters)],
                amount=Decimal(100 + index % 900),
                currency=tenant.currency,
                status=RequestStatus.IN_REVIEW,
                created_at=now,
                submitted_at=now,
            )
            for index in range(n)
        ]
        requests = create_with_history(requests, ApprovalRequest, reason="bench")
        create_with_history(
            [PurchaseDetails(tenant=tenant, approval=r, vendor="Vendor") for r in requests],
            PurchaseDetails,
            reason="bench",
        )
        create_with_history(
            [
                PurchaseLine(
                    tenant=tenant, request=r, description="Item", quantity=1, unit_price=r.amount
                )
                for r in requests
            ],
            PurchaseLine,
            reason="bench",
        )
        steps = []
        for request in requests:
            for position, (name, role) in enumerate(GATES):
                steps.append(
                    RequestStep(
                        tenant=tenant,
                        request=request,
                        position=position,
                        name=name,
                        approver_type=ApproverType.ROLE,
                        role=role,
                        decider_role=role,
                        sla_hours=48,
                        status=StepStatus.CURRENT if position == 0 else StepStatus.PENDING,
                        entered_at=now if position == 0 else None,
                    )
                )
        create_with_history(steps, RequestStep, reason="bench")
    _setup.analyze("approvals_approvalrequest", "approvals_requeststep")


def measure_inbox(tenant, user: User, repeat: int) -> tuple[int, float, int]:
    client = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}")
    client.force_login(user)
    url = "/admin/approvals/approvalrequest/inbox/"
    client.get(url)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    rows = response.content.decode().count('data-testid="inbox-row"')
    return len(queries.captured_queries), _setup.median(times), rows


def work(tenant_id: int, approver_id: int, results, seed: int) -> None:
    """One approver (a process of its own, like a web worker): take items from the
    oldest part of my inbox, in a random order as people do, and approve them."""
    from modules.approvals.selectors import inbox
    from tenants.models import Tenant

    connections.close_all()  # never share the parent's connection after fork
    tenant = Tenant.objects.get(pk=tenant_id)
    approver = User.objects.get(pk=approver_id)
    rng = random.Random(seed)
    decided = refused = 0
    while True:
        with tenant_transaction(tenant):
            batch = list(inbox(approver).values_list("request_id", "pk")[:200])
        if not batch:
            break
        rng.shuffle(batch)
        for request_id, step_id in batch[:25]:
            try:
                with tenant_transaction(tenant):
                    services.request_decide(
                        request_id=request_id, user=approver, decision="approve", step_id=step_id
                    )
                decided += 1
            except services.Refused:
                refused += 1
    connections.close_all()
    results.put((decided, refused))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--approvers", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    tenant = _setup.fresh_tenant("approvals")
    requesters = people(tenant, 50, "requester", ["employee"])
    approvers = people(tenant, args.approvers, "approver", ["finance", "revenue_assurance"])
    started = time.perf_counter()
    populate(tenant, requesters, args.requests)
    print(f"{args.requests:,} requests written in {time.perf_counter() - started:.1f} s")

    queries, median_ms, rows = measure_inbox(tenant, approvers[0], args.repeat)
    print(
        f"inbox with {args.requests:,} waiting: {queries} queries per page, "
        f"median {median_ms:.0f} ms ({rows} rows shown per page)"
    )

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connections.close_all()
    workers = [
        context.Process(target=work, args=(tenant.pk, approver.pk, results, index))
        for index, approver in enumerate(approvers)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    outcomes = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    decided = sum(d for d, _r in outcomes)
    refused = sum(r for _d, r in outcomes)
    print(
        f"{args.approvers} concurrent approvers (processes): {decided:,} decisions in {elapsed:.1f} s "
        f"= {decided / elapsed:,.0f} decisions/s ({refused:,} refused as already decided)"
    )

    with tenant_context(tenant):
        expected = args.requests * len(GATES)
        approvals = GateLog.objects.filter(action=GateAction.APPROVED).count()
        duplicated = (
            GateLog.objects.filter(action=GateAction.APPROVED)
            .values("step_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        unfinished = ApprovalRequest.objects.exclude(status=RequestStatus.COMPLETED).count()
        steps_not_approved = RequestStep.objects.exclude(status=StepStatus.APPROVED).count()
        lost = unfinished + steps_not_approved + max(0, expected - approvals)
        from huey.contrib.djhuey import HUEY

        print(f"tasks queued for the worker (notices, live pushes): {HUEY.pending_count():,}")
        HUEY.flush()
        print(
            f"transitions: expected {expected:,}, logged {approvals:,}, "
            f"decided {decided:,}; lost {lost}, duplicated {duplicated}"
        )


if __name__ == "__main__":
    main()
