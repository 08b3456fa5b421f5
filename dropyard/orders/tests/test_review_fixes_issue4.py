"""Issue 4 hardening: sandbox money only where allowed, no sandbox/live merge, cancelling a
merged order whose sibling cannot ship alone, the import report never cached."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest
from django.urls import reverse

from dropyard.accounts.models import MerchantAccount
from dropyard.core import services as core_services
from dropyard.fulfillment.models import Parcel
from dropyard.inventory.models import Stock
from dropyard.logistics.models import ShippingLine
from dropyard.orders import csv_io, services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.exceptions import MergeRefused, PaymentFailed
from dropyard.orders.models import Order, OrderEvent, OrderMerge
from dropyard.orders.tests.api_fixtures import authed, world  # noqa: F401
from dropyard.orders.tests.factories import order_item
from dropyard.orders.tests.test_api import CREATE, CREATE_V3, body

pytestmark = pytest.mark.django_db

S = OrderStatus


def _create(merchant, owner, *variants, **fields):
    return services.order_create(merchant=merchant, actor=owner, **order_item(*variants, **fields))


def _set_sandbox_account(merchant, value):
    MerchantAccount.objects.filter(pk=merchant.pk).update(is_sandbox=value)
    merchant.is_sandbox = value


# --- 1. Sandbox money only when allowed -----------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "account", "expected"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
)
def test_sandbox_allowed_follows_the_setting_or_the_sandbox_account(
    settings, merchant, setting, account, expected
):
    settings.DROPYARD_SANDBOX_PAYMENTS = setting
    _set_sandbox_account(merchant, account)

    assert services.sandbox_allowed(merchant) is expected


def test_order_create_refuses_is_sandbox_when_sandbox_money_is_off(
    settings, merchant, owner, world
):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(services.SandboxRefused) as refused:
        _create(merchant, owner, (world.red, 1), number="SB-1", is_sandbox=True)

    assert refused.value.code == 1600300
    assert "sandbox payments are disabled" in refused.value.message
    assert not Order.objects.exists()
    # A live order is still fine, and a sandbox account may always create sandbox orders.
    assert _create(merchant, owner, (world.red, 1), number="LIVE-1").is_sandbox is False
    _set_sandbox_account(merchant, True)
    assert _create(merchant, owner, (world.red, 1), number="SB-2", is_sandbox=True).is_sandbox


def test_order_create_v2_and_batch_refuse_is_sandbox_when_off(settings, merchant, owner, world):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(services.SandboxRefused):
        services.order_create_v2(
            merchant=merchant,
            actor=owner,
            pay_type=2,
            **order_item((world.red, 1), number="SB-V2", is_sandbox=True),
        )
    [result] = services.orders_create_batch(
        merchant=merchant,
        actor=owner,
        items=[order_item((world.red, 1), number="SB-B", is_sandbox=True)],
    )

    assert result.created is None
    assert result.error.code == 1600300
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", [CREATE, CREATE_V3])
def test_api_create_refuses_is_sandbox_when_off(settings, authed, world, path):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    message = authed.post(path, body(world, "SB-API", isSandbox=1, payType=2)).error(1600300)

    assert "sandbox payments are disabled" in message
    assert not Order.objects.exists()


def test_sandbox_pay_refused_when_off_even_for_a_sandbox_order(settings, merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1), number="SB-P", is_sandbox=True)
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(services.SandboxRefused) as refused:
        services.sandbox_pay(merchant=merchant, actor=owner, order_id=order.public_id)

    assert refused.value.code == 1600300
    order.refresh_from_db()
    assert order.status == S.CREATED


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("shopping/sandbox/simulatePay", {}),
        ("shopping/sandbox/updateStatus", {"targetStatus": 300}),
        ("shopping/sandbox/updateTrackNumber", {"trackNumber": "SBX12345"}),
    ],
)
def test_sandbox_api_refused_when_off(settings, authed, world, path, extra):
    order_id = authed.post(CREATE, body(world, "SB-API", isSandbox=1, payType=3)).ok()["orderId"]
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    message = authed.post(path, {"orderId": order_id, **extra}).error(1600300)

    assert "sandbox payments are disabled" in message
    assert Order.objects.get(public_id=order_id).status == S.CREATED


# --- 2. Sandbox and live orders never merge ------------------------------------------------------


def test_merge_candidates_keep_sandbox_and_live_orders_apart(merchant, owner, world):
    live = _create(merchant, owner, (world.red, 1), number="L-1")
    sandbox = _create(merchant, owner, (world.blue, 1), number="S-1", is_sandbox=True)
    live_2 = _create(merchant, owner, (world.blue, 1), number="L-2")

    groups = services.merge_candidates(merchant=merchant)

    assert [[o.pk for o in g.orders] for g in groups] == [[live.pk, live_2.pk]]
    assert sandbox.pk not in {o.pk for g in groups for o in g.orders}


def test_orders_merge_refuses_a_sandbox_and_live_mix(merchant, owner, world):
    live = _create(merchant, owner, (world.red, 1), number="L-1")
    sandbox = _create(merchant, owner, (world.blue, 1), number="S-1", is_sandbox=True)

    with pytest.raises(MergeRefused) as refused:
        services.orders_merge(merchant=merchant, orders=[live, sandbox], actor=owner)
    with pytest.raises(MergeRefused):
        services.merge_preview(merchant=merchant, orders=[live, sandbox])

    assert refused.value.message == "sandbox and live orders cannot be merged together"
    assert not OrderMerge.objects.exists()


def _mixed_merge(merchant, owner, world):
    """A sandbox and a live order merged as older data could hold them (before the check)."""
    sandbox = _create(merchant, owner, (world.red, 1), number="S-1", is_sandbox=True)
    live = _create(merchant, owner, (world.blue, 1), number="L-1", is_sandbox=True)
    merge = services.orders_merge(merchant=merchant, orders=[sandbox, live], actor=owner)
    Order.objects.filter(pk=live.pk).update(is_sandbox=False)
    services.order_confirm(order=sandbox, actor=owner)
    return merge, Order.objects.get(pk=sandbox.pk), Order.objects.get(pk=live.pk)


def test_sandbox_pay_refuses_when_a_merge_sibling_is_live(merchant, owner, world):
    _merge, sandbox, live = _mixed_merge(merchant, owner, world)

    with pytest.raises(PaymentFailed) as refused:
        services.sandbox_pay(merchant=merchant, actor=owner, order_id=sandbox.public_id)

    assert "merged with a live order" in refused.value.message
    assert set(
        Order.objects.filter(pk__in=[sandbox.pk, live.pk]).values_list("status", flat=True)
    ) == {S.UNPAID}


def test_order_paid_never_pays_a_live_sibling_with_sandbox_money(merchant, owner, world):
    _merge, sandbox, live = _mixed_merge(merchant, owner, world)

    with pytest.raises(PaymentFailed) as refused:
        services.order_paid(
            orders=[sandbox], actor=owner, payment_reference=f"sandbox:order:{sandbox.public_id}"
        )

    assert f"{live.code} is a live order" in refused.value.message
    live.refresh_from_db()
    sandbox.refresh_from_db()
    assert (sandbox.status, live.status) == (S.UNPAID, S.UNPAID)


# --- 4. Cancelling a merged order whose sibling cannot ship alone --------------------------------


def test_cancel_merged_unpaid_order_when_the_sibling_cannot_route_alone(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1), number="M-A")
    b = _create(merchant, owner, (world.blue, 1), number="M-B")
    merge = services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)
    services.order_confirm(order=a, actor=owner)
    # Every shipping line is switched off meanwhile: b can no longer be routed alone.
    ShippingLine.objects.update(is_active=False)

    services.order_cancel(order=a, actor=owner, reason="customer changed mind")

    a.refresh_from_db()
    b.refresh_from_db()
    merge.refresh_from_db()
    assert a.status == S.CANCELLED
    assert (b.status, b.merge_id, b.logistics_miss) == (S.UNPAID, None, True)
    assert b.intercept_reasons
    assert all(r["message"] for r in b.intercept_reasons)
    assert merge.undone_at is not None
    # No reservation b cannot hold, no parcel left for either.
    assert Stock.objects.filter(reserved__gt=0).count() == 0
    assert not Parcel.objects.filter(orders__in=[a, b]).exclude(status="cancelled").exists()
    note = OrderEvent.objects.get(order=b, kind="unmerged").note
    assert "cannot ship alone" in note
    assert "Re-route it" in note
    # It cannot be paid until it is re-routed.
    with pytest.raises(PaymentFailed) as refused:
        services.order_paid(orders=[b], actor=owner)
    assert "re-route it" in refused.value.message
    b.refresh_from_db()
    assert b.status == S.UNPAID


def test_cancel_merged_order_sibling_that_still_routes_is_reserved_alone(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1), number="M-A")
    b = _create(merchant, owner, (world.blue, 2), number="M-B")
    services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)
    services.order_confirm(order=a, actor=owner)

    services.order_cancel(order=a, actor=owner)

    b.refresh_from_db()
    assert (b.status, b.merge_id, b.logistics_miss) == (S.UNPAID, None, False)
    assert Stock.objects.get(variant=world.red, merchant=None).reserved == 0
    assert Stock.objects.get(variant=world.blue, merchant=None).reserved == 2


# --- 6. The import error report is never cached --------------------------------------------------


def test_import_error_report_is_sent_no_store(client, merchant, owner):
    job = core_services.job_create(
        kind=csv_io.IMPORT_KIND,
        title="Order import",
        merchant=merchant,
        actor=owner,
        params={},
        task_path=csv_io.IMPORT_TASK,
    )
    client.force_login(owner)

    response = client.get(reverse("orders:import_errors", args=[job.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
