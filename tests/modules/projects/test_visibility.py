"""Who sees which project: members and the manager theirs, leadership and finance all."""

from __future__ import annotations

from modules.projects.selectors import visibility


def test_members_and_the_manager_see_their_project_and_others_do_not(in_team):
    team = in_team
    for user in (team.pm, team.member, team.member2, team.owner, team.ceo, team.finance):
        assert list(visibility.visible_projects(user)) == [team.project], user
    for user in (team.outsider, team.other_manager):
        assert not visibility.visible_projects(user).exists(), user
        assert not visibility.may_see_project(user, team.project)


def test_only_the_manager_and_leadership_manage_it(in_team):
    team = in_team
    assert visibility.may_manage(team.pm, team.project)
    assert visibility.may_manage(team.owner, team.project)
    assert visibility.may_manage(team.ceo, team.project)
    for user in (team.member, team.finance, team.outsider, team.other_manager):
        assert not visibility.may_manage(user, team.project), user


def test_cost_is_for_the_manager_finance_and_leadership(in_team):
    team = in_team
    for user in (team.pm, team.owner, team.ceo, team.finance):
        assert visibility.may_see_cost(user, team.project), user
    for user in (team.member, team.member2, team.outsider, team.other_manager):
        assert not visibility.may_see_cost(user, team.project), user
