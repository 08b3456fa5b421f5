"""Wallet enumerations: ledger account kinds, payment providers, top-up states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """A ledger account's role. Merchant accounts carry a merchant; platform ones do not.

    Sign convention: every entry is signed; an account's balance is the sum of its entries.
    Merchant wallet accounts hold positive balances (money the platform owes the merchant);
    the platform's side of each posting carries the opposite sign, so every transaction sums
    to zero per currency and so does the whole ledger (the trial balance).
    """

    WALLET_AVAILABLE = "wallet_available", _("Wallet (available)")
    WALLET_FROZEN = "wallet_frozen", _("Wallet (frozen)")
    PROVIDER_CASH = "provider_cash", _("Cash held at a payment provider")
    ORDER_REVENUE = "order_revenue", _("Order revenue (products)")
    FREIGHT_REVENUE = "freight_revenue", _("Freight revenue")
    DISCOUNTS_GIVEN = "discounts_given", _("Discounts given")
    PROVIDER_FEES = "provider_fees", _("Provider fees")
    REFUNDS_PAYABLE = "refunds_payable", _("Refunds payable (to source)")
    # Suppliers (``wallet.supplier_ledger``): what the platform owes one supplier (positive,
    # like a wallet: it carries the supplier), the platform's cost of the goods suppliers
    # shipped (negative: an expense), and the bank account payouts leave from (positive when
    # money left it).
    SUPPLIER_PAYABLE = "supplier_payable", _("Supplier payable")
    SUPPLIER_COST = "supplier_cost", _("Cost of goods shipped by suppliers")
    PAYOUT_BANK = "payout_bank", _("Bank (supplier payouts)")


MERCHANT_KINDS = frozenset({AccountKind.WALLET_AVAILABLE, AccountKind.WALLET_FROZEN})
# Accounts that carry a supplier (and no merchant); never below zero, like a wallet.
SUPPLIER_KINDS = frozenset({AccountKind.SUPPLIER_PAYABLE})


class Provider(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox (instant, for demos and tests)")
    STRIPE = "stripe", _("Card (Stripe)")
    PAYPAL = "paypal", _("PayPal")
    WIRE = "wire", _("Wire transfer")
    WALLET = "wallet", _("Wallet balance")


class TopUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # created; waiting for the provider or finance
    SUCCEEDED = "succeeded", _("Credited")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")  # wire transfer refused by finance
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceKind(models.TextChoices):
    """A billing document's kind; each kind is numbered on its own, per year, without gaps."""

    INVOICE = "invoice", _("Invoice")  # a payment of orders
    RECEIPT = "receipt", _("Receipt")  # a credited top-up
    CREDIT_NOTE = "credit_note", _("Credit note")  # a refund


INVOICE_PREFIXES = {
    InvoiceKind.INVOICE: "INV",
    InvoiceKind.RECEIPT: "RCT",
    InvoiceKind.CREDIT_NOTE: "CRN",
}


class MakeupType(models.TextChoices):
    """What a supplementary ("makeup", BT…) bill charges for; decides the revenue account."""

    PRODUCT = "product", _("Product price difference")
    FREIGHT = "freight", _("Freight difference")


class MakeupStatus(models.TextChoices):
    UNPAID = "unpaid", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class RefundDestination(models.TextChoices):
    """Where refunded money goes: the merchant's wallet, or back to the original method."""

    WALLET = "wallet", _("Wallet")
    SOURCE = "source", _("Original payment method")


class RefundStatus(models.TextChoices):
    """A wallet refund is COMPLETED at once; a refund to source is PENDING (owed, recorded in
    REFUNDS_PAYABLE) until the provider accepts it (SENT)."""

    COMPLETED = "completed", _("Credited to the wallet")
    PENDING = "pending", _("Owed to the original method")
    SENT = "sent", _("Sent to the original method")


# The prefix of each wallet object's code (``core.ids.prefixed_code``: prefix + public id), the
# way orders read "DY…": titles, links, PDFs and ledger references show the code, not the id.
CODE_PREFIXES: dict[str, str] = {
    "topup": "TU",
    "payment": "PM",  # one order's payment record; "PAY…" is the payment order people pay
    "refund": "RF",
    "transaction": "TX",
    "payout": "PO",
}


class LedgerKind(models.TextChoices):
    """What a ledger transaction records (``LedgerTransaction.kind``), as people read it."""

    TOPUP = "topup", _("Top-up")
    ORDER_PAYMENT = "order_payment", _("Order payment")
    PURCHASE_PAYMENT = "purchase_payment", _("Bulk purchase payment")
    MAKEUP_PAYMENT = "makeup_payment", _("Supplementary bill payment")
    PAYMENT_CREDIT = "payment_credit", _("Card / PayPal payment received")
    REFUND = "refund", _("Refund")
    REFUND_SENT = "refund_sent", _("Refund sent to the original method")
    REVERSAL = "reversal", _("Reversal")
    SUPPLIER_EARNING = "supplier_earning", _("Supplier earning (parcel shipped)")
    SUPPLIER_PAYOUT = "supplier_payout", _("Supplier payout")


class ReferenceType(models.TextChoices):
    """What caused a ledger transaction (``LedgerTransaction.reference_type``); its
    ``reference_id`` is that object's public id (or code, for bills and purchase orders)."""

    TOPUP = "topup", _("Top-up")
    ORDER = "order", _("Order")
    ORDERS = "orders", _("Orders")  # several orders paid together (the id is a digest)
    PARENT_ORDER = "parent_order", _("Orders paid together")  # the id is the shipmentsId
    PURCHASE_ORDER = "purchase_order", _("Bulk purchase")  # the id is the order code
    MAKEUP = "makeup", _("Supplementary bill")  # the id is the bill or pay order code
    REFUND = "refund", _("Refund")
    PARCEL = "parcel", _("Parcel")  # a supplier's earning: the id is the parcel code
    PAYOUT = "payout", _("Supplier payout")  # the id is the payout's public id


class PayoutStatus(models.TextChoices):
    """A supplier's payout request: REQUESTED → APPROVED → PAID, or REJECTED (with a reason)
    from REQUESTED or APPROVED. ``PAYOUT_TRANSITIONS`` is the table; ``payouts`` the door."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


PAYOUT_TRANSITIONS: dict[str, frozenset[str]] = {
    PayoutStatus.REQUESTED: frozenset({PayoutStatus.APPROVED, PayoutStatus.REJECTED}),
    PayoutStatus.APPROVED: frozenset({PayoutStatus.PAID, PayoutStatus.REJECTED}),
    PayoutStatus.PAID: frozenset(),
    PayoutStatus.REJECTED: frozenset(),
}
# Payouts that still hold part of the payable (not yet paid, not rejected).
PAYOUT_OPEN = (PayoutStatus.REQUESTED, PayoutStatus.APPROVED)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` in ``choices``; a value the choices do not know (an older row)
    spelled out ("some_kind" → "Some kind") rather than shown raw."""
    if value in choices.values:
        return str(choices(value).label)
    return str(value).replace("_", " ").capitalize()
