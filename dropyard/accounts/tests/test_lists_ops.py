"""The operator staff list on the generic list page (core.lists): role tabs with search and
status filters, sorting, the CSV export, the htmx partial, bad input, and the add form beside
it (its refusal shows the list again)."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.testing.lists import csv_rows

pytestmark = pytest.mark.django_db

URL = "accounts_ops:staff"


@pytest.fixture
def team(client, operator_admin):
    """The signed-in admin, two agents (one without a password yet) and one support."""
    client.force_login(operator_admin)
    nora = make_operator(role="agent", email="nora@dropyard.test")
    new = make_operator(role="agent", email="zed@dropyard.test")
    new.set_unusable_password()
    new.save()
    sam = make_operator(role="support", email="sam@dropyard.test")
    return operator_admin, nora, new, sam


def _emails(response) -> list[str]:
    return [user.email for user in response.context["page"].object_list]


def test_search_and_status_filter_within_the_role_tab(client, team):
    admin, nora, new, sam = team

    agents = client.get(reverse(URL), {"role": "agent"})
    searched = client.get(reverse(URL), {"q": "SAM@"})
    not_set = client.get(reverse(URL), {"role": "agent", "status": "no_password"})
    active_agents = client.get(reverse(URL), {"role": "agent", "status": "active"})

    assert _emails(agents) == [nora.email, new.email]
    assert _emails(searched) == [sam.email]
    assert _emails(not_set) == [new.email]
    assert _emails(active_agents) == [nora.email]
    assert 'name="role" value="agent"' in agents.content.decode()  # the filter keeps the tab


def test_sort_by_email(client, team):
    admin, nora, new, sam = team

    ascending = client.get(reverse(URL), {"sort": "email"})
    descending = client.get(reverse(URL), {"sort": "-email"})

    assert _emails(ascending) == sorted(u.email for u in team)
    assert _emails(descending) == sorted((u.email for u in team), reverse=True)


def test_csv_export_has_the_filtered_staff_and_no_action_column(client, team):
    response = client.get(reverse(URL), {"role": "agent", "export": "csv"})

    assert csv_rows(response) == [
        ["Email", "Name", "Role", "Status"],
        ["nora@dropyard.test", "", "Agent", "Active"],
        ["zed@dropyard.test", "", "Agent", "Password not set"],
    ]


def test_htmx_answers_only_the_results_and_offers_no_change_of_ones_own_role(client, team):
    admin, nora, _new, _sam = team

    response = client.get(reverse(URL), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="operator-create-form"' not in html
    assert html.count('data-testid="staff-row"') == 4
    assert reverse("accounts_ops:staff_edit", args=[nora.pk]) in html
    assert reverse("accounts_ops:staff_edit", args=[admin.pk]) not in html


@pytest.mark.parametrize(
    "query",
    [{"page": "zz"}, {"page": "9"}, {"sort": "password"}, {"status": "root"}, {"role": "root"}],
)
def test_bad_input_still_lists_everyone(client, team, query):
    response = client.get(reverse(URL), query)

    assert response.status_code == 200
    assert len(_emails(response)) == 4


def test_refused_add_shows_the_list_and_the_errors(client, team):
    response = client.post(reverse(URL), {"email": "", "full_name": "A", "role": "agent"})

    assert response.status_code == 400
    assert list(response.context["create_form"].errors) == ["email"]
    assert len(_emails(response)) == 4


def test_empty_role_tab_says_to_add_one(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse(URL), {"role": "warehouse"})

    assert "No operator staff with this role yet. Add one below." in response.content.decode()
