"""Supplier back-office routes for the route-permission matrix (see core.tests.test_route_matrix).

sup-ship rows: finance's payout queue (operators admin + finance)."""

from typing import Any

from dropyard.core.access import Access
from dropyard.inventory.tests.factories import make_supplier
from dropyard.wallet import payouts
from dropyard.wallet.choices import AccountKind, LedgerKind
from dropyard.wallet.ledger import Posting, account_for, ledger_post

_FINANCE = Access("operator", roles=frozenset({"admin", "finance"}))

EXPECTED_ACCESS: dict[str, Any] = {
    # --- sup-ship ---
    "suppliers_ops:payouts": _FINANCE,
    "suppliers_ops:payout_detail": _FINANCE,
    "suppliers_ops:payout_approve": _FINANCE,
    "suppliers_ops:payout_reject": _FINANCE,
    "suppliers_ops:payout_pay": _FINANCE,
}


def _payout(w) -> dict[str, str]:
    return {"public_id": w.objects["supplier_payout"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    name: _payout
    for name in (
        "suppliers_ops:payout_detail",
        "suppliers_ops:payout_approve",
        "suppliers_ops:payout_reject",
        "suppliers_ops:payout_pay",
    )
}


def build_objects(world) -> dict[str, Any]:
    """A supplier owed $50.00 that asked for $20.00."""
    supplier = make_supplier(company_name="Matrix Payout Factory")
    payable = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    cost = account_for(kind=AccountKind.SUPPLIER_COST)
    ledger_post(
        entries=[Posting(payable, 5000), Posting(cost, -5000)],
        idempotency_key="matrix-supplier-earning",
        kind=LedgerKind.SUPPLIER_EARNING,
    )
    payout = payouts.payout_request(
        supplier=supplier, actor=supplier.user, amount_minor=2000, bank_details="IBAN X"
    )
    return {"supplier_payout": payout}
