"""Sandbox money (``services/sandbox.py``): allowed only by the setting or a sandbox account,
refused by every service that would spend it when it is off, and never paying a live order (not
even one merged with a sandbox order)."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.accounts.models import MerchantAccount
from dropyard.orders import services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.exceptions import PaymentFailed
from dropyard.orders.models import Order
from dropyard.orders.tests.api_fixtures import world  # noqa: F401
from dropyard.orders.tests.factories import order_item

pytestmark = pytest.mark.django_db

S = OrderStatus


def _create(merchant, owner, *variants, **fields):
    return services.order_create(merchant=merchant, actor=owner, **order_item(*variants, **fields))


def _set_sandbox_account(merchant, value):
    MerchantAccount.objects.filter(pk=merchant.pk).update(is_sandbox=value)
    merchant.is_sandbox = value


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


def test_sandbox_pay_refused_when_off_even_for_a_sandbox_order(settings, merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1), number="SB-P", is_sandbox=True)
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(services.SandboxRefused) as refused:
        services.sandbox_pay(merchant=merchant, actor=owner, order_id=order.public_id)

    assert refused.value.code == 1600300
    order.refresh_from_db()
    assert order.status == S.CREATED


# --- Sandbox money never pays a live order -------------------------------------------------------


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
