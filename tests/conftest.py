"""Shared people and places: tenant A (Acme) and tenant B (Globex), their owners,
and clients that talk to a tenant's own host."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import translation

from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.resolver import forget_process_cache
from tenants import services
from tenants.models import Membership, RoleGrant, Tenant, User
from tenants.roles import RoleCode

PASSWORD = "pw-Secret-123"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    """pytest-django's set-up, with the test database made and migrated by the
    owner; every test then connects as the application's role (tests/db_roles.py)."""
    from django.test.utils import setup_databases, teardown_databases

    from tests.db_roles import as_owner, install_owner_flush

    install_owner_flush()
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), as_owner():
        db_cfg = setup_databases(
            verbosity=verbosity, interactive=False, keepdb=django_db_keepdb, aliases={"default"}
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock(), as_owner():
            teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _fresh_cache():
    with tenant_context(None):
        cache.clear()
        caches["axes"].clear()  # login failures and lockouts
    forget_process_cache()  # the resolver's per-process memory of hosts
    yield


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request in Arabic leaves the thread's language active; each test starts in English.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def broken_queue():
    """The task queue refuses every enqueue for the test (tests/broken_queue.py)."""
    from tests.broken_queue import queue_down

    with queue_down() as refusals:
        yield refusals


@pytest.fixture
def outbox_sweep_at(django_capture_on_commit_callbacks):
    """``outbox_sweep_at(minutes=2)``: run the outbox sweeper as if that much time had
    passed, and what its commits start (the relay; huey runs tasks inline in tests)."""
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    from opsplatform.outbox.sweep import sweep

    def run(minutes: float):
        with (
            freeze_time(timezone.now() + timedelta(minutes=minutes)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return sweep()

    return run


@pytest.fixture
def app_role(db):
    """``with app_role():`` runs a block as a role bound by row-level security
    (PostgreSQL only; see tests/db_roles.py)."""
    from django.db import connection

    from tests.db_roles import as_app_role

    if connection.vendor != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature (SQLite has none)")
    return as_app_role


@pytest.fixture
def make_tenant(db):
    def make(slug: str, name: str | None = None, **extra) -> Tenant:
        return services.tenant_create(name=name or slug.title(), slug=slug, **extra)

    return make


@pytest.fixture
def tenant_a(make_tenant) -> Tenant:
    return make_tenant("acme", "Acme Corp")


@pytest.fixture
def tenant_b(make_tenant) -> Tenant:
    return make_tenant("globex", "Globex Ltd")


@pytest.fixture
def make_member(db):
    def make(tenant: Tenant, email: str, roles=(RoleCode.EMPLOYEE,), user: User | None = None):
        if user is None:
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=PASSWORD, full_name=email.split("@")[0].title()
            )
        with tenant_context(tenant):
            membership = Membership.objects.create(user=user)
            for role in roles:
                RoleGrant.objects.create(membership=membership, role=role)
        return user

    return make


@pytest.fixture
def owner_a(tenant_a, make_member) -> User:
    return make_member(tenant_a, "owner@acme.test", roles=[RoleCode.OWNER])


@pytest.fixture
def owner_b(tenant_b, make_member) -> User:
    return make_member(tenant_b, "owner@globex.test", roles=[RoleCode.OWNER])


@pytest.fixture
def platform_admin(db) -> User:
    return User.objects.create_superuser(email="admin@platform.test", password=PASSWORD)


def host_of(tenant: Tenant | None) -> str:
    return "localhost" if tenant is None else f"{tenant.slug}.localhost"


def verify_second_factor(client: Client, user: User) -> None:
    """Give ``user`` an authenticator and mark this client's session as past the code step
    (platform staff must have one to reach the landlord admin)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client_for():
    """A test client on a tenant's host (or the root host for None), optionally signed in."""

    def make(tenant: Tenant | None, user: User | None = None) -> Client:
        client = Client(HTTP_HOST=host_of(tenant))
        if user is not None:
            client.force_login(user)
            if tenant is None and user.is_staff:
                verify_second_factor(client, user)
        return client

    return make
