"""Test data for wallet payments and refunds: funded wallets and confirmed (UNPAID) orders,
built through the real services."""

from typing import Any

from dropyard.checkout import services as checkout_services
from dropyard.orders import services as order_services
from dropyard.orders.models import Order, ParentOrder
from dropyard.orders.tests.factories import order_item
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.models import Account, LedgerTransaction
from dropyard.wallet.topups import sandbox_topup


def fund(merchant: Any, owner: Any, amount_minor: int) -> None:
    """Credit ``amount_minor`` to the merchant's wallet through a sandbox top-up (a trusted
    caller: works whatever ``DROPYARD_SANDBOX_PAYMENTS`` says)."""
    sandbox_topup(merchant=merchant, amount_minor=amount_minor, actor=owner, trusted=True)


def available(merchant: Any) -> int:
    return wallet_balance(merchant=merchant).available_minor


def confirmed(merchant: Any, owner: Any, world: Any, *quantities: int) -> tuple[ParentOrder, list]:
    """One UNPAID order per quantity (``world.red`` × q), confirmed together in one parent
    order with its payment generated."""
    orders = [
        order_services.order_create(merchant=merchant, actor=owner, **order_item((world.red, q)))
        for q in quantities
    ]
    order_services.cart_add(merchant=merchant, orders=orders, actor=owner)
    result = order_services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
    parent = order_services.parent_order_generate(
        merchant=merchant, shipments_id=result.shipments_id
    )
    return parent, [Order.objects.get(pk=o.pk) for o in orders]


def wallet_paid(merchant: Any, owner: Any, world: Any, quantity: int = 1) -> Order:
    """One order of ``world.red`` × ``quantity`` paid from a wallet funded with 100.00 (for one
    unit: 15.00 = 10.00 products + 5.00 freight, net 14.70 after the wallet discount)."""
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, quantity)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    order.refresh_from_db()
    return order


def platform_balance(kind: str, provider: str = "") -> int:
    account = Account.objects.filter(merchant=None, kind=kind, provider=provider).first()
    return account.balance_minor if account else 0


def wallet_account(merchant: Any) -> Account:
    return Account.objects.get(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)


def entries_by_kind(txn: LedgerTransaction) -> dict[str, int]:
    """{account kind (+ ":provider"): amount} of one transaction's entries."""
    out: dict[str, int] = {}
    for entry in txn.entries.select_related("account"):
        name = entry.account.kind + (f":{entry.account.provider}" if entry.account.provider else "")
        out[name] = out.get(name, 0) + entry.amount_minor
    return out
