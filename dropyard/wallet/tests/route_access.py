"""Wallet routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py).

Shared by the wallet engineers: add rows with small edits.
"""

from typing import Any

from dropyard.checkout import provider_events
from dropyard.core.access import Access
from dropyard.wallet import bills, invoices, topups
from dropyard.wallet.providers.base import VerifiedEvent

WALLET = Access("merchant", area="wallet")
FINANCE = Access("operator", roles=frozenset({"admin", "finance"}))

EXPECTED_ACCESS: dict[str, Access] = {
    # Card (Stripe) and PayPal (wallet/views_providers.py: the start page and the events log;
    # checkout/views_providers.py: return pages, captures, webhooks, retry — same names)
    "wallet_providers:topup_start": WALLET,
    "wallet_providers:topup_return": WALLET,
    "wallet_providers:topup_status": WALLET,
    "wallet_providers:topup_capture": WALLET,
    # Card / PayPal page payment of a parent order (return page, its status, PayPal capture)
    "wallet_providers:payment_return": Access("merchant", area="orders"),
    "wallet_providers:payment_status": Access("merchant", area="orders"),
    "wallet_providers:payment_capture": Access("merchant", area="orders"),
    "wallet_providers:stripe_webhook": Access("public"),
    "wallet_providers:paypal_webhook": Access("public"),
    "wallet_providers_ops:event_list": FINANCE,
    "wallet_providers_ops:event_detail": FINANCE,
    "wallet_providers_ops:event_retry": FINANCE,
    # Invoices (wallet/views_invoices.py)
    "wallet:invoice_list": WALLET,
    "wallet:invoice_download": WALLET,
    "wallet_ops:invoice_list": FINANCE,
    "wallet_ops:invoice_download": FINANCE,
    # Sandbox and wire top-ups, wire approvals, ledger pages (wallet/views.py, views_ops.py)
    "wallet:topup_list": WALLET,
    "wallet:topup_sandbox": WALLET,
    "wallet:topup_wire": WALLET,
    "wallet:topup_detail": WALLET,
    "wallet:topup_proof": WALLET,
    "wallet_ops:wire_list": FINANCE,
    "wallet_ops:wire_detail": FINANCE,
    "wallet_ops:wire_decide": FINANCE,
    "wallet_ops:wire_proof": FINANCE,
    "wallet_ops:trial_balance": FINANCE,
    "wallet_ops:integrity_check": FINANCE,
    # Wallet page, statements, exports, profit, paying orders; finance overview, refunds
    # (wallet/views_wallet.py, views_finance.py; paying orders: checkout/views.py)
    "wallet:home": WALLET,
    "wallet:statement": WALLET,
    "wallet:statement_csv": WALLET,
    "wallet:statement_xlsx": WALLET,
    "wallet:order_export": WALLET,
    "wallet:profit": WALLET,
    "wallet:pay": WALLET,
    "wallet_ops:home": FINANCE,
    "wallet_ops:refund_list": FINANCE,
    "wallet_ops:refund_send": FINANCE,
    # Supplementary bills (wallet/views_makeups.py)
    "wallet:makeup_list": WALLET,
    "wallet:makeup_pay": WALLET,
    "wallet:makeup_pay_provider": WALLET,
    "wallet:makeup_pay_return": WALLET,
    "wallet_ops:makeup_create": FINANCE,
    "wallet_ops:makeup_list": FINANCE,
    "wallet_ops:makeup_cancel": FINANCE,
}

OBJECT_ROUTES: dict = {
    "wallet_ops:makeup_cancel": lambda w: {"code": w.objects["makeup"].code},
    "wallet:makeup_pay_return": lambda w: {"pay_order_code": w.objects["makeup_pay_order"]},
    # POST-only: GET answers 405 before the refund is looked up, so no refund is needed.
    "wallet_ops:refund_send": lambda w: {"public_id": "matrix-refund"},
    "wallet:topup_detail": lambda w: {"public_id": w.objects["wire_topup"].public_id},
    "wallet:topup_proof": lambda w: {"public_id": w.objects["wire_topup"].public_id},
    "wallet_ops:wire_detail": lambda w: {"public_id": w.objects["wire_topup"].public_id},
    "wallet_ops:wire_decide": lambda w: {"public_id": w.objects["wire_topup"].public_id},
    "wallet_ops:wire_proof": lambda w: {"public_id": w.objects["wire_topup"].public_id},
    "wallet_providers:topup_return": lambda w: {"public_id": w.objects["card_topup"].public_id},
    "wallet_providers:topup_status": lambda w: {"public_id": w.objects["card_topup"].public_id},
    "wallet_providers:topup_capture": lambda w: {"public_id": w.objects["card_topup"].public_id},
    "wallet_providers:payment_return": lambda w: {"pay_id": w.objects["order_parent"].pay_id},
    "wallet_providers:payment_status": lambda w: {"pay_id": w.objects["order_parent"].pay_id},
    "wallet_providers:payment_capture": lambda w: {"pay_id": w.objects["order_parent"].pay_id},
    "wallet_providers_ops:event_detail": lambda w: {"pk": w.objects["provider_event"].pk},
    "wallet_providers_ops:event_retry": lambda w: {"pk": w.objects["provider_event"].pk},
    "wallet:invoice_download": lambda w: {"public_id": w.objects["invoice"].public_id},
    "wallet_ops:invoice_download": lambda w: {"public_id": w.objects["invoice"].public_id},
}


def build_objects(world) -> dict[str, Any]:
    return {
        **_provider_objects(world),
        **_invoice_objects(world),
        **_wire_objects(world),
        **_makeup_objects(world),
    }


def _makeup_objects(world) -> dict[str, Any]:
    """An unpaid supplementary bill of merchant A (finance cancel page)."""
    bill = bills.makeup_create(
        merchant=world.merchant_a, amount_minor=300, reason="matrix surcharge", type="freight"
    )
    pay_order = bills.makeup_pay_order_create(merchant=world.merchant_a, codes=[bill.code])
    return {"makeup": bill, "makeup_pay_order": pay_order.pay_order_code}


def _wire_objects(world) -> dict[str, Any]:
    """A pending wire transfer of merchant A with a PDF proof (top-up and wire routes)."""
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    from dropyard.accounts.tests.factories import PDF  # noqa: PLC0415

    topup = topups.topup_create(
        merchant=world.merchant_a,
        provider="wire",
        amount_minor=5000,
        actor=world.owner_a,
        wire_reference="MATRIX-1",
        proof=SimpleUploadedFile("proof.pdf", PDF),
    )
    return {"wire_topup": topup}


def _provider_objects(world) -> dict[str, Any]:
    """A pending card top-up of merchant A and a provider event (card/PayPal routes)."""
    topup = topups.topup_create(
        merchant=world.merchant_a, provider="stripe", amount_minor=5000, actor=world.owner_a
    )
    payload = {"id": "evt_matrix", "type": "customer.created", "data": {"object": {}}}
    event, _ = provider_events.provider_event_receive(
        provider="stripe",
        event=VerifiedEvent(event_id="evt_matrix", event_type="customer.created", payload=payload),
    )
    return {"card_topup": topup, "provider_event": event}


def _invoice_objects(world) -> dict[str, Any]:
    """A receipt of merchant A (a credited sandbox top-up): the invoice download routes."""
    topup = topups.topup_create(
        merchant=world.merchant_a, provider="sandbox", amount_minor=5000, actor=world.owner_a
    )
    topups.topup_credit(topup=topup, actor=world.owner_a)
    return {"invoice": invoices.receipt_issue_for_topup(topup=topup)}
