from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.checkout.services import pay_from_wallet
from dropyard.core.selectors import AuditFilters
from dropyard.core.services import audit_export_start
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders import services as order_services
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.sourcing.services import message_send
from dropyard.wallet.models import TopUp
from dropyard.wallet.tests.payment_helpers import fund
from dropyard.wallet.topups import topup_create

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
    assert f'<a class="fw-semibold" href="{reverse("stores:list")}">Connect your store</a>' in item
    assert "coming soon" not in html.lower()
    assert 'data-testid="fact-stores"' in html
    assert [e["item"].key for e in response.context["checklist_path"]] == [
        "verify_email",
        "catalog",
        "add_store",
        "first_order",
        "top_up",
    ]
    assert [e["item"].key for e in response.context["checklist_more"]] == [
        "invite_team",
        "api_key",
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


# --- Merchant cards -----------------------------------------------------------------------------


def _card(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : start + 1500]


def test_new_merchant_home_leads_with_the_path_and_empty_states(client, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    html = response.content.decode()
    assert html.index('data-testid="checklist"') < html.index('data-testid="order-cards"')
    assert "1 of 5 done" in html
    assert 'data-testid="chart-empty"' in html
    assert 'data-testid="spend-chart-card"' not in html
    assert 'id="chart-spend"' not in html
    assert "dropyard/dashboard.js" not in html  # no chart, no chart script
    assert 'data-testid="count-to-pay"' in html
    assert "Store sale price minus what you paid" in html


def test_order_cards_link_to_the_filtered_order_list(client, owner):
    client.force_login(owner)

    html = client.get(reverse("dashboard:home")).content.decode()

    orders = reverse("orders:list")
    for testid, query in (
        ("card-to-pay", "tab=pending"),
        ("card-awaiting-shipment", "tab=processing"),
        ("card-in-transit", "tab=dispatched"),
        ("card-problems", "problem=any"),
    ):
        assert f'href="{orders}?{query}"' in _card(html, testid)


def test_paid_orders_draw_the_chart_from_a_static_script(client, merchant, owner):
    world = make_order_world()
    fund(merchant, owner, 100_000)
    order = order_services.order_create(
        merchant=merchant, actor=owner, shop_amount_minor=5_000, **order_item((world.red, 1))
    )
    order_services.cart_add(merchant=merchant, orders=[order], actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    html = response.content.decode()
    assert 'id="chart-spend-data" type="application/json"' in html
    assert '<canvas id="chart-spend" data-chart-source="chart-spend-data"' in html
    assert "dropyard/dashboard.js" in html
    # No inline script: every <script> either loads a file or carries JSON data.
    for chunk in html.split("<script")[1:]:
        tag = chunk[: chunk.index(">")]
        assert "src=" in tag or 'type="application/json"' in tag
    assert response.context["chart_data"]["orders"][-1] == 1
    assert 'data-testid="margin-total"' in html
    assert reverse("wallet:profit") in _card(html, "card-margin")


def test_staff_without_wallet_sees_no_money_cards(client, merchant):
    client.force_login(make_staff(merchant=merchant, permissions=["orders"]))

    html = client.get(reverse("dashboard:home")).content.decode()

    assert 'data-testid="order-cards"' in html
    assert 'data-testid="money-cards"' not in html
    assert 'data-testid="spend-chart-card"' not in html
    assert reverse("wallet:home") not in html


def test_order_list_problem_filter_lists_what_the_card_counts(client, merchant, owner):
    world = make_order_world()
    stuck = order_services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), number="STUCK-1")
    )
    order_services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), number="FINE-1")
    )
    Order.objects.filter(pk=stuck.pk).update(logistics_miss=True)
    client.force_login(owner)

    html = client.get(reverse("orders:list"), {"problem": "unroutable"}).content.decode()
    home = client.get(reverse("dashboard:home"))

    assert "STUCK-1" in html
    assert "FINE-1" not in html
    assert home.context["summary"].orders.unroutable == 1


# --- Operator home ------------------------------------------------------------------------------

OPS_CARDS = {
    "admin": {
        "card-health",
        "card-warehouses",
        "card-wires",
        "card-refunds",
        "card-threads",
        "card-problems",
        "card-suppliers",
        "card-jobs",
    },  # fmt: skip
    "agent": {"card-threads", "card-my-merchants", "card-problems"},
    "support": {"card-problems", "card-suppliers"},
    "warehouse": {"card-warehouses"},
    "finance": {"card-wires", "card-refunds"},
}
ALL_OPS_CARDS = set().union(*OPS_CARDS.values())


@pytest.mark.parametrize("role", sorted(OPS_CARDS))
def test_each_role_sees_its_cards_and_no_others(client, role):
    client.force_login(make_operator(role=role))

    response = client.get(reverse("dashboard:ops_home"))

    assert response.status_code == 200
    html = response.content.decode()
    shown = {card for card in ALL_OPS_CARDS if f'data-testid="{card}"' in html}
    assert shown == OPS_CARDS[role]
    assert "will appear here" not in html


def test_ops_home_agent_sees_merchants_and_unanswered_threads(
    client, merchant, agent, operator_admin
):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    message_send(merchant=merchant, sender=merchant.owner, body="?")
    client.force_login(agent)

    response = client.get(reverse("dashboard:ops_home"))

    html = response.content.decode()
    assert response.context["summary"].my_merchant_count == 1
    assert response.context["summary"].unanswered.count == 1
    assert f'href="{reverse("sourcing:ops_threads")}?unread=on"' in _card(html, "card-threads")


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


def test_ops_home_warehouse_links_each_step_to_its_queue_tab(client, merchant):
    warehouse = WarehouseFactory(code="CN-SZ")
    make_parcel(merchant=merchant, warehouse=warehouse)
    WarehouseFactory(code="US-NJ")
    client.force_login(make_operator(role="warehouse"))

    html = client.get(reverse("dashboard:ops_home")).content.decode()

    queue = reverse("fulfillment_ops:queue", args=[warehouse.public_id])
    row = _card(html, "warehouse-CN-SZ")
    assert f'href="{queue}?tab=ready"' in row
    assert 'data-testid="warehouse-US-NJ"' not in html  # nothing waiting there
    assert "1 other warehouse has nothing waiting." in html


def test_ops_home_finance_links_to_wires_and_refunds_owed(client, merchant, owner):
    wire = topup_create(
        merchant=merchant,
        provider="wire",
        amount_minor=50_000,
        actor=owner,
        wire_reference="W-1",
        proof=SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%proof\n"),
    )
    TopUp.objects.filter(pk=wire.pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(make_operator(role="finance"))

    html = client.get(reverse("dashboard:ops_home")).content.decode()

    assert '<div class="stat-value" data-testid="count-wires">' in html
    assert "oldest: 3\xa0days ago" in _card(html, "card-wires")

    assert f'href="{reverse("wallet_ops:wire_list")}"' in _card(html, "card-wires")
    assert f'href="{reverse("wallet_ops:refund_list")}?status=pending"' in _card(
        html, "card-refunds"
    )


def test_ops_home_card_links_open(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse("dashboard:ops_home"))

    context = response.context
    names = ("wires_url", "refunds_url", "threads_url", "exceptions_url", "jobs_url")
    for name in (*names, "tasks_failed_url", "webhooks_failed_url"):
        assert context[name], name
        assert client.get(context[name]).status_code == 200, name


def test_ops_home_health_failures_open_the_back_office_lists(client, operator_admin):
    client.force_login(operator_admin)

    html = client.get(reverse("dashboard:ops_home")).content.decode()

    tasks = reverse("core:ops_task_failed_list")
    webhooks = reverse("webhooks_ops:failed_deliveries")
    assert f'href="{tasks}" data-testid="link-failed-tasks"' in _card(html, "card-failed-tasks")
    assert f'href="{webhooks}" data-testid="link-failed-webhooks"' in _card(html, "card-webhooks")
    assert "django-admin/webhooks" not in html


def test_ops_home_failed_tasks_open_the_rq_list_on_the_rq_backend(client, operator_admin, rq_redis):
    client.force_login(operator_admin)

    html = client.get(reverse("dashboard:ops_home")).content.decode()

    rq_list = reverse("core:ops_rq_failed_list")
    assert f'href="{rq_list}" data-testid="link-failed-tasks"' in _card(html, "card-failed-tasks")


def test_ops_home_says_when_the_rq_backends_redis_does_not_answer(client, operator_admin, settings):
    settings.DROPYARD_TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens
    client.force_login(operator_admin)

    response = client.get(reverse("dashboard:ops_home"))

    card = _card(response.content.decode(), "card-worker")
    assert "Redis does not answer: no task can run." in card
    assert 'data-testid="count-workers"' not in card
    assert response.context["summary"].health.ok is False
    assert response.context["tasks_admin_url"] is None  # the database queue is not in use


def test_ops_home_refuses_merchant_owner(client, owner):
    client.force_login(owner)

    assert client.get(reverse("dashboard:ops_home")).status_code == 403


def test_merchant_home_refuses_operators(client, agent):
    client.force_login(agent)

    assert client.get(reverse("dashboard:home")).status_code == 403
