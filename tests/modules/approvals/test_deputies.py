"""Saving a deputy goes through one service that checks it like the form does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from modules.approvals import services
from modules.approvals.models import Delegation
from tenants.models import Membership

pytestmark = pytest.mark.django_db


def membership(user):
    return Membership.objects.get(user=user)


def period(**fields):
    return Delegation(starts_on=date.today(), ends_on=date.today() + timedelta(days=3), **fields)


def test_a_person_names_their_own_deputy(in_acme):
    saved = services.delegation_save(
        delegation=period(deputy=membership(in_acme.director)), user=in_acme.manager
    )
    assert saved.principal == membership(in_acme.manager)
    assert Delegation.objects.get().deputy == membership(in_acme.director)


def test_dates_out_of_order_are_refused_and_nothing_is_saved(in_acme):
    delegation = period(deputy=membership(in_acme.director))
    delegation.ends_on = delegation.starts_on - timedelta(days=1)
    with pytest.raises(ValidationError, match="end date cannot be before the start date"):
        services.delegation_save(delegation=delegation, user=in_acme.manager)
    assert not Delegation.objects.exists()


def test_only_owners_and_hr_name_someone_elses_deputy(in_acme):
    someone_else = period(
        principal=membership(in_acme.director), deputy=membership(in_acme.manager)
    )
    with pytest.raises(services.Refused, match="only name your own deputy"):
        services.delegation_save(delegation=someone_else, user=in_acme.requester)
    assert not Delegation.objects.exists()

    services.delegation_save(delegation=someone_else, user=in_acme.owner)
    assert Delegation.objects.get().principal == membership(in_acme.director)
