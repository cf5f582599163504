"""A hostile employee of the same company, and another company, against time logs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from modules.projects.models import TimeLog
from modules.projects.services import timelogs
from modules.projects.services.timesheets import week_submit
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tests.modules.projects.time_helpers import decide, last_week, make_task

pytestmark = pytest.mark.django_db
LIST = "admin:projects_timelog_changelist"


@pytest.fixture
def logs(team):
    with tenant_context(team.tenant):
        task = make_task(team, "Secret work")
        day = last_week(team.tenant)
        mine = timelogs.timelog_create(
            user=team.member, task=task, day=day, hours=3, note="max-note"
        )
        hers = timelogs.timelog_create(
            user=team.member2, task=task, day=day, hours=Decimal("1.25"), note="mia-note"
        )
    return {"task": task, "max": mine, "mia": hers}


def test_a_member_sees_only_their_own_logs_and_no_cost(team, logs, client_for):
    page = client_for(team.tenant, team.member).get(reverse(LIST)).content.decode()
    assert "3.00" in page
    # Mia's log and every cost figure are absent, the cost column too.
    assert "1.25" not in page
    assert "120.00" not in page and "270.00" not in page
    assert "column-cost_display" not in page


def test_the_pm_sees_the_projects_logs_with_cost(team, logs, client_for):
    page = client_for(team.tenant, team.pm).get(reverse(LIST)).content.decode()
    assert "1.25" in page and "120.00" in page  # Max: 3 h at 40
    assert "column-cost_display" in page


def test_finance_sees_every_log_with_cost(team, logs, client_for):
    page = client_for(team.tenant, team.finance).get(reverse(LIST)).content.decode()
    assert "120.00" in page and "62.50" in page  # Mia: 1.25 h at 50


@pytest.mark.parametrize("suffix", ["change", "history", "delete"])
def test_another_members_log_is_a_404_by_id(team, logs, client_for, suffix):
    client = client_for(team.tenant, team.member)
    url = reverse(f"admin:projects_timelog_{suffix}", args=[logs["mia"].pk])
    assert client.get(url).status_code == 404
    outsider = client_for(team.tenant, team.outsider)
    assert outsider.get(url).status_code == 404


def test_the_correction_page_of_another_members_log_is_a_404(team, logs, client_for):
    url = reverse("admin:projects_timelog_correct_action", args=[logs["mia"].pk])
    client = client_for(team.tenant, team.member)
    assert client.get(url).status_code == 404
    assert client.post(url, {"hours": "-1", "note": "x"}).status_code == 404


def test_filters_offer_only_visible_rows_and_cannot_reach_others(team, logs, client_for):
    client = client_for(team.tenant, team.outsider)
    page = client.get(reverse(LIST) + f"?person={logs['mia'].employee_id}").content.decode()
    assert "1.25" not in page and "Secret work" not in page
    # Guessing a filter on cost reveals nothing either.
    response = client.get(reverse(LIST) + "?cost_amount__gte=1")
    assert response.status_code in (302, 400)
    # The member's filter offers only themselves.
    page = client_for(team.tenant, team.member).get(reverse(LIST)).content.decode()
    assert f"person={logs['max'].employee_id}" in page
    assert f"person={logs['mia'].employee_id}" not in page


def test_the_export_holds_only_own_rows_without_cost(team, logs, client_for):
    client = client_for(team.tenant, team.member)
    response = client.post(
        reverse("admin:projects_timelog_export"), {"format": "0", "resource": "0"}
    )
    body = response.content.decode(errors="ignore")
    assert "mia-note" not in body
    assert "120.00" not in body


def test_another_companys_log_is_a_404(team, logs, tenant_b, owner_b, client_for):
    client = client_for(tenant_b, owner_b)
    for name in ("change", "history"):
        url = reverse(f"admin:projects_timelog_{name}", args=[logs["max"].pk])
        assert client.get(url).status_code == 404


def test_no_logging_on_a_project_one_is_not_on_nor_approving_ones_own(in_team):
    task = make_task(in_team)
    with pytest.raises(Refused):
        timelogs.timelog_create(
            user=in_team.outsider, task=task, day=last_week(in_team.tenant), hours=1
        )
    log = timelogs.timelog_create(
        user=in_team.member, task=task, day=last_week(in_team.tenant), hours=2
    )
    (approval,) = week_submit(user=in_team.member, week=last_week(in_team.tenant))
    with pytest.raises(Refused):
        decide(approval, in_team.member, "approve")
    with pytest.raises(Refused, match="locked"):
        timelogs.timelog_create(user=in_team.member, task=task, day=log.date, hours=1)
    assert TimeLog.objects.count() == 1


def test_the_list_reads_a_constant_number_of_queries(team, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(team.tenant, team.pm)
    with tenant_context(team.tenant):
        task = make_task(team)
        timelogs.timelog_create(user=team.member, task=task, day=last_week(team.tenant), hours=1)
    client.get(reverse(LIST))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(LIST))
    with tenant_context(team.tenant):
        for n in range(6):
            other = make_task(team, f"T{n}")
            user = team.member if n % 2 else team.member2
            timelogs.timelog_create(user=user, task=other, day=last_week(team.tenant), hours=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_logging_through_the_form_and_an_outsiders_task_id_is_refused(team, client_for):
    with tenant_context(team.tenant):
        task = make_task(team, "Form work")
        day = last_week(team.tenant)
    add = reverse("admin:projects_timelog_add")
    data = {
        "task": task.pk,
        "date": day.isoformat(),
        "hours": "2",
        "note": "form",
        "billable": "on",
    }
    outsider = client_for(team.tenant, team.outsider).post(add, data)
    assert outsider.status_code == 200  # the form again: the task is not one of theirs
    with tenant_context(team.tenant):
        assert not TimeLog.objects.exists()
    member = client_for(team.tenant, team.member).post(add, data)
    assert member.status_code == 302
    with tenant_context(team.tenant):
        log = TimeLog.objects.get()
        assert log.employee == team.employee(team.member) and log.cost_amount == Decimal("80.00")
    # Too much in a day is named on the form, and nothing is written.
    again = client_for(team.tenant, team.member).post(add, {**data, "hours": "23"})
    assert again.status_code == 200 and "a day has 24" in again.content.decode()
    with tenant_context(team.tenant):
        assert TimeLog.objects.count() == 1


def test_the_log_screens_offer_no_bulk_delete_and_warn_of_no_old_signature(team, logs, client_for):
    import warnings

    client = client_for(team.tenant, team.pm)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = client.get(reverse(LIST))
        change = client.get(reverse("admin:projects_timelog_change", args=[logs["max"].pk]))
    assert page.status_code == 200 and change.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()
    assert not [w for w in caught if "get_actions()" in str(w.message)]
