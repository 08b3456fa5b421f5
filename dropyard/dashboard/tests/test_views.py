import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.core.selectors import AuditFilters
from dropyard.core.services import audit_export_start
from dropyard.sourcing.services import message_send

pytestmark = pytest.mark.django_db


def test_anonymous_root_redirects_to_login(client):
    response = client.get(reverse("dashboard:root"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_own_merchant_home(client, merchant, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    assert merchant.account_number in response.content.decode()


def test_operator_is_refused_merchant_home(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 403


# --- Merchant home ------------------------------------------------------------------------------


def test_home_shows_agent_card_with_unread_count(client, merchant, owner, agent, operator_admin):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    message_send(merchant=merchant, sender=agent, body="Hello")
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    html = response.content.decode()
    assert agent.email in html
    assert "Message your agent" in html
    assert reverse("sourcing:messages") in html
    assert "1 unread" in html


def test_home_without_agent_shows_empty_state(client, owner):
    client.force_login(owner)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert "No personal agent assigned yet — an operator will assign one." in html


def test_home_owner_sees_api_keys_and_recent_activity(client, merchant, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    summary = response.context["summary"]
    assert summary.active_api_keys == 0
    assert [e.action for e in summary.recent_audit_events] == ["auth.login", "merchant.created"]
    assert 'data-testid="recent-audit"' in response.content.decode()


def test_home_staff_without_areas_sees_no_api_keys_or_audit(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("dashboard:home"))

    html = response.content.decode()
    assert response.context["summary"].active_api_keys is None
    assert response.context["summary"].recent_audit_events is None
    assert 'data-testid="fact-apikeys"' not in html
    assert 'data-testid="recent-audit"' not in html
    assert reverse("core:audit_list") not in html


def test_home_checklist_store_item_links_to_the_stores_page(client, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    html = response.content.decode()
    start = html.index('data-testid="checklist-add_store"')
    item = html[start : html.index("</li>", start)]
    assert f'<a href="{reverse("stores:list")}">Connect your first store</a>' in item
    assert "coming soon" not in html.lower()
    assert 'data-testid="fact-stores"' in html
    assert [e["item"].key for e in response.context["checklist"]] == [
        "verify_email",
        "invite_team",
        "api_key",
        "add_store",
    ]


def test_home_store_item_is_not_a_link_without_the_stores_area(client, merchant):
    client.force_login(make_staff(merchant=merchant, permissions=["orders"]))

    html = client.get(reverse("dashboard:home")).content.decode()

    start = html.index('data-testid="checklist-add_store"')
    item = html[start : html.index("</li>", start)]
    assert "<a " not in item
    assert 'data-testid="fact-stores"' not in html
    assert reverse("stores:list") not in html


def test_home_checklist_links_only_to_pages_that_resolve(client, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    for entry in response.context["checklist"]:
        if entry["url"] is not None:
            assert client.get(entry["url"]).status_code == 200


# --- Operator home ------------------------------------------------------------------------------


def test_ops_home_agent_sees_merchants_and_unread_threads(client, merchant, agent, operator_admin):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    message_send(merchant=merchant, sender=merchant.owner, body="?")
    client.force_login(agent)

    response = client.get(reverse("dashboard:ops_home"))

    html = response.content.decode()
    assert (
        response.context["summary"].my_merchant_count,
        response.context["summary"].unread_thread_count,
    ) == (1, 1)
    assert 'data-testid="card-suppliers"' not in html
    assert 'data-testid="card-jobs"' not in html


def test_ops_home_admin_sees_suppliers_threads_and_recent_jobs(
    client, merchant, owner, operator_admin
):
    job = audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    client.force_login(operator_admin)

    response = client.get(reverse("dashboard:ops_home"))

    summary = response.context["summary"]
    assert summary.pending_supplier_applications == 0
    assert summary.recent_jobs == [job]
    assert summary.my_merchant_count is None
    assert reverse("core:ops_job_detail", args=[job.pk]) in response.content.decode()


def test_ops_home_support_sees_supplier_count_only(client):
    client.force_login(make_operator(role="support"))

    response = client.get(reverse("dashboard:ops_home"))

    summary = response.context["summary"]
    assert summary.pending_supplier_applications == 0
    assert (summary.unread_thread_count, summary.recent_jobs) == (None, None)


def test_ops_home_warehouse_sees_empty_state(client):
    client.force_login(make_operator(role="warehouse"))

    response = client.get(reverse("dashboard:ops_home"))

    assert 'data-testid="ops-empty"' in response.content.decode()
    assert "will appear here as" not in response.content.decode()


def test_ops_home_refuses_merchant_owner(client, owner):
    client.force_login(owner)

    assert client.get(reverse("dashboard:ops_home")).status_code == 403
