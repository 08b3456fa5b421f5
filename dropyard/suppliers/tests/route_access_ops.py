"""Operator supplier routes for the route-permission matrix (see test_route_matrix).

Rows are grouped by the helper that owns them; append your own block."""

from typing import Any

from dropyard.core.access import Access
from dropyard.inventory.tests.factories import make_supplier
from dropyard.wallet import payouts
from dropyard.wallet.choices import AccountKind, LedgerKind
from dropyard.wallet.ledger import Posting, account_for, ledger_post

from .factories import make_submitted

# --- Product review queue (sup-portal): catalog staff ------------------------------------------
_REVIEWERS = Access("operator", roles=frozenset({"admin", "support"}))

# --- Finance's payout queue (sup-ship) ----------------------------------------------------------
_FINANCE = Access("operator", roles=frozenset({"admin", "finance"}))

EXPECTED_ACCESS: dict[str, Any] = {
    **{
        f"suppliers_ops:{name}": _REVIEWERS
        for name in ("reviews", "review", "review_approve", "review_reject")
    },
    **{
        f"suppliers_ops:{name}": _FINANCE
        for name in ("payouts", "payout_detail", "payout_approve", "payout_reject", "payout_pay")
    },
}


def _payout(w) -> dict[str, str]:
    return {"public_id": w.objects["supplier_payout"].public_id}


def _review(w) -> dict[str, int]:
    return {"pk": w.objects["supplier_submitted"].pk}


OBJECT_ROUTES: dict[str, Any] = {
    **{f"suppliers_ops:{name}": _review for name in ("review", "review_approve", "review_reject")},
    **{
        f"suppliers_ops:{name}": _payout
        for name in ("payout_detail", "payout_approve", "payout_reject", "payout_pay")
    },
}


def build_objects(world) -> dict[str, Any]:
    """A product of the world's supplier awaiting review; a supplier owed $50.00 that asked
    for $20.00."""
    factory = make_supplier(company_name="Matrix Payout Factory")
    payable = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=factory)
    cost = account_for(kind=AccountKind.SUPPLIER_COST)
    ledger_post(
        entries=[Posting(payable, 5000), Posting(cost, -5000)],
        idempotency_key="matrix-supplier-earning",
        kind=LedgerKind.SUPPLIER_EARNING,
    )
    payout = payouts.payout_request(
        supplier=factory, actor=factory.user, amount_minor=2000, bank_details="IBAN X"
    )
    return {
        "supplier_payout": payout,
        "supplier_submitted": make_submitted(
            supplier=world.supplier.supplier, name="Matrix submitted"
        ),
    }
