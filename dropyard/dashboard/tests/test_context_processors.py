"""Navigation: each kind of user sees only the links they can open, and only pages that exist."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from dropyard.accounts.tests.factories import UserFactory, make_operator, make_staff
from dropyard.dashboard import context_processors
from dropyard.dashboard.context_processors import navigation

pytestmark = pytest.mark.django_db

# Pages this change builds; the rest of the navigation names pages of other apps.
MERCHANT_PAGES = {"dashboard:home", "sourcing:messages", "core:job_list", "core:audit_list"}
OPERATOR_PAGES = {
    "dashboard:ops_home",
    "sourcing:ops_threads",
    "core:ops_job_list",
    "core:ops_audit_list",
}


def _request(user, membership=None):
    request = RequestFactory().get("/")
    request.user = user
    request.membership = membership
    return request


def _names(context) -> list[str]:
    return [link["name"] for link in context["nav_links"]]


def test_anonymous_gets_no_links():
    assert navigation(_request(AnonymousUser())) == {"nav_links": [], "nav_kind": "anonymous"}


def test_owner_sees_every_merchant_page(merchant, owner):
    context = navigation(_request(owner, merchant.members.get(user=owner)))

    assert context["nav_kind"] == "merchant"
    assert set(_names(context)) >= MERCHANT_PAGES
    assert not set(_names(context)) & OPERATOR_PAGES


def test_staff_without_settings_does_not_see_audit_log(merchant, staff_user):
    context = navigation(_request(staff_user, merchant.members.get(user=staff_user)))

    names = _names(context)
    assert {"dashboard:home", "sourcing:messages", "core:job_list"} <= set(names)
    assert "core:audit_list" not in names
    assert "accounts:team" not in names
    assert "accounts:apikeys" not in names


def test_admin_sees_every_operator_page(operator_admin):
    context = navigation(_request(operator_admin))

    assert context["nav_kind"] == "operator"
    assert set(_names(context)) >= OPERATOR_PAGES
    assert not set(_names(context)) & MERCHANT_PAGES


def test_agent_sees_messages_but_not_jobs_or_audit(agent):
    names = _names(navigation(_request(agent)))

    assert {"dashboard:ops_home", "sourcing:ops_threads"} <= set(names)
    assert "core:ops_job_list" not in names
    assert "core:ops_audit_list" not in names


@pytest.mark.parametrize("role", ["warehouse", "finance"])
def test_warehouse_and_finance_see_no_messages_jobs_or_audit(role):
    names = set(_names(navigation(_request(make_operator(role=role)))))

    assert "dashboard:ops_home" in names
    assert not names & {"sourcing:ops_threads", "core:ops_job_list", "core:ops_audit_list"}


def test_user_without_merchant_or_role_is_a_supplier():
    context = navigation(_request(UserFactory()))

    assert context["nav_kind"] == "supplier"
    assert not set(_names(context)) & (MERCHANT_PAGES | OPERATOR_PAGES)


def test_links_to_unbuilt_pages_are_left_out(monkeypatch, merchant):
    monkeypatch.setattr(
        context_processors,
        "MERCHANT_NAV",
        [
            ("Dashboard", "dashboard:home", None),
            ("Not built", "nowhere:page", None),
            ("Audit log", "core:audit_list", "settings"),
        ],
    )
    staff = make_staff(merchant=merchant, permissions=["settings"])

    context = navigation(_request(staff, merchant.members.get(user=staff)))

    assert context["nav_links"] == [
        {"label": "Dashboard", "url": "/home/", "name": "dashboard:home"},
        {"label": "Audit log", "url": "/system/audit/", "name": "core:audit_list"},
    ]


def test_operator_links_follow_role_sets(monkeypatch, agent):
    monkeypatch.setattr(
        context_processors,
        "OPERATOR_NAV",
        [
            ("Back office", "dashboard:ops_home", None),
            ("Messages", "sourcing:ops_threads", {"admin", "agent"}),
            ("Jobs", "core:ops_job_list", {"admin"}),
        ],
    )

    context = navigation(_request(agent))

    assert _names(context) == ["dashboard:ops_home", "sourcing:ops_threads"]


def test_member_of_two_accounts_gets_both_for_the_switcher(merchant, owner, other_merchant):
    from dropyard.accounts.tests.factories import make_member

    make_member(merchant=other_merchant, user=owner, permissions=["orders"])

    context = navigation(_request(owner, merchant.members.get(user=owner)))

    assert [m.merchant_id for m in context["nav_memberships"]] == [merchant.pk, other_merchant.pk]


def test_operator_gets_no_memberships_for_the_switcher(operator_admin):
    assert navigation(_request(operator_admin))["nav_memberships"] == []
