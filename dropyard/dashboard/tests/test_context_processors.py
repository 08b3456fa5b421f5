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


# --- The sidebar: groups, icons, the current page, badges ---------------------------------------


def _frame(request) -> dict:
    """What base.html reads: the lazy groups evaluated once."""
    context = navigation(request)
    return {"groups": list(context["nav_groups"]), "search": context["nav_search"]}


def _link(groups: list[dict], name: str) -> dict:
    return next(link for group in groups for link in group["links"] if link["name"] == name)


def test_owner_sidebar_groups_in_order(merchant, owner):
    groups = _frame(_request(owner, merchant.members.get(user=owner)))["groups"]

    assert [group["label"] for group in groups] == [
        "",
        "Sell",
        "Orders",
        "Money",
        "Help",
        "Settings",
    ]
    assert [link["name"] for link in groups[1]["links"]][:2] == [
        "catalog:search",
        "catalog:my_products",
    ]
    assert _link(groups, "dashboard:home")["icon"] == "home"
    assert _link(groups, "core:audit_list")["icon"] == "history"


def test_admin_sidebar_groups_in_order(operator_admin):
    groups = _frame(_request(operator_admin))["groups"]

    assert [group["label"] for group in groups] == [
        "",
        "Merchants",
        "Catalog",
        "Warehouse",
        "Finance",
        "System",
    ]


def test_current_page_is_the_longest_matching_link(merchant, owner):
    request = RequestFactory().get("/catalog/my-products/add/")
    request.user = owner
    request.membership = merchant.members.get(user=owner)

    groups = _frame(request)["groups"]

    current = [link["name"] for group in groups for link in group["links"] if link["current"]]
    assert current == ["catalog:my_products"]


def test_page_outside_the_navigation_marks_nothing(merchant, owner):
    request = RequestFactory().get("/account/switch/")
    request.user = owner
    request.membership = merchant.members.get(user=owner)

    groups = _frame(request)["groups"]

    assert not [link for group in groups for link in group["links"] if link["current"]]


def test_merchant_badges_count_pending_orders_and_unread_messages(merchant, owner, other_merchant):
    from dropyard.fulfillment.tests.factories import make_order
    from dropyard.orders.choices import OrderStatus
    from dropyard.orders.models import Order
    from dropyard.sourcing.services import message_send

    mine = [make_order(merchant=merchant) for _ in range(3)]
    unpaid = {"status": OrderStatus.UNPAID, "sub_status": ""}
    Order.objects.filter(pk__in=[mine[0].pk, mine[1].pk]).update(**unpaid)
    theirs = make_order(merchant=other_merchant)
    Order.objects.filter(pk=theirs.pk).update(**unpaid)
    admin = make_operator(role="admin")
    message_send(merchant=merchant, sender=admin, body="Your samples shipped")
    message_send(merchant=other_merchant, sender=admin, body="Not yours")
    message_send(merchant=merchant, sender=owner, body="My own message is not unread")

    groups = _frame(_request(owner, merchant.members.get(user=owner)))["groups"]

    assert _link(groups, "orders:list")["badge"] == 2
    assert _link(groups, "sourcing:messages")["badge"] == 1
    assert _link(groups, "wallet:home")["badge"] == 0


def test_admin_badge_counts_recent_failed_jobs_only(operator_admin):
    from datetime import timedelta

    from django.utils import timezone

    from dropyard.core.choices import JobStatus
    from dropyard.core.models import Job

    for status in (JobStatus.FAILED, JobStatus.FAILED, JobStatus.SUCCEEDED):
        Job.objects.create(kind="orders.import", title="Import", status=status)
    old = Job.objects.create(kind="orders.import", title="Old", status=JobStatus.FAILED)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    groups = _frame(_request(operator_admin))["groups"]

    assert _link(groups, "core:ops_job_list")["badge"] == 2


def test_merchant_frame_costs_three_queries(merchant, owner, django_assert_num_queries):
    request = _request(owner, merchant.members.get(user=owner))
    context = navigation(request)

    # Pending orders, unread messages, the switcher's memberships.
    with django_assert_num_queries(3):
        list(context["nav_groups"])
        list(context["nav_memberships"])


@pytest.mark.parametrize(
    ("role", "queries"), [("admin", 7), ("warehouse", 1), ("finance", 2), ("agent", 3)]
)
def test_operator_frame_costs_one_query_per_badge(role, queries, django_assert_num_queries):
    context = navigation(_request(make_operator(role=role)))

    with django_assert_num_queries(queries):
        list(context["nav_groups"])
        list(context["nav_memberships"])


def test_links_only_context_runs_no_badge_query(merchant, owner, django_assert_num_queries):
    request = _request(owner, merchant.members.get(user=owner))

    with django_assert_num_queries(0):
        navigation(request)


def test_search_goes_to_the_catalog_for_merchants_and_orders_for_operators(
    merchant, owner, operator_admin
):
    assert _frame(_request(owner, merchant.members.get(user=owner)))["search"] == {
        "url": "/catalog/",
        "placeholder": "Search the catalog",
    }
    assert _frame(_request(operator_admin))["search"] == {
        "url": "/ops/orders/",
        "placeholder": "Search orders",
    }
    # The warehouse cannot open the orders list: its search goes to the trackings.
    assert _frame(_request(make_operator(role="warehouse")))["search"] == {
        "url": "/ops/logistics/trackings/",
        "placeholder": "Search trackings",
    }
    assert _frame(_request(make_operator(role="finance")))["search"] is None
