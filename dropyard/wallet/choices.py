"""Wallet enumerations: ledger account kinds, payment providers, top-up states."""

from django.db import models


class AccountKind(models.TextChoices):
    """A ledger account's role. Merchant accounts carry a merchant; platform ones do not.

    Sign convention: every entry is signed; an account's balance is the sum of its entries.
    Merchant wallet accounts hold positive balances (money the platform owes the merchant);
    the platform's side of each posting carries the opposite sign, so every transaction sums
    to zero per currency and so does the whole ledger (the trial balance).
    """

    WALLET_AVAILABLE = "wallet_available", "Wallet (available)"
    WALLET_FROZEN = "wallet_frozen", "Wallet (frozen)"
    PROVIDER_CASH = "provider_cash", "Cash held at a payment provider"
    ORDER_REVENUE = "order_revenue", "Order revenue (products)"
    FREIGHT_REVENUE = "freight_revenue", "Freight revenue"
    DISCOUNTS_GIVEN = "discounts_given", "Discounts given"
    PROVIDER_FEES = "provider_fees", "Provider fees"
    REFUNDS_PAYABLE = "refunds_payable", "Refunds payable (to source)"


MERCHANT_KINDS = frozenset({AccountKind.WALLET_AVAILABLE, AccountKind.WALLET_FROZEN})


class Provider(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox (instant, for demos and tests)"
    STRIPE = "stripe", "Card (Stripe)"
    PAYPAL = "paypal", "PayPal"
    WIRE = "wire", "Wire transfer"
    WALLET = "wallet", "Wallet balance"


class TopUpStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # created; waiting for the provider or finance
    SUCCEEDED = "succeeded", "Credited"
    FAILED = "failed", "Failed"
    REJECTED = "rejected", "Rejected"  # wire transfer refused by finance
    CANCELLED = "cancelled", "Cancelled"


class InvoiceKind(models.TextChoices):
    """A billing document's kind; each kind is numbered on its own, per year, without gaps."""

    INVOICE = "invoice", "Invoice"  # a payment of orders
    RECEIPT = "receipt", "Receipt"  # a credited top-up
    CREDIT_NOTE = "credit_note", "Credit note"  # a refund


INVOICE_PREFIXES = {
    InvoiceKind.INVOICE: "INV",
    InvoiceKind.RECEIPT: "RCT",
    InvoiceKind.CREDIT_NOTE: "CRN",
}


class MakeupType(models.TextChoices):
    """What a supplementary ("makeup", BT…) bill charges for; decides the revenue account."""

    PRODUCT = "product", "Product price difference"
    FREIGHT = "freight", "Freight difference"


class MakeupStatus(models.TextChoices):
    UNPAID = "unpaid", "Awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class RefundDestination(models.TextChoices):
    """Where refunded money goes: the merchant's wallet, or back to the original method."""

    WALLET = "wallet", "Wallet"
    SOURCE = "source", "Original payment method"


class RefundStatus(models.TextChoices):
    """A wallet refund is COMPLETED at once; a refund to source is PENDING (owed, recorded in
    REFUNDS_PAYABLE) until the provider accepts it (SENT)."""

    COMPLETED = "completed", "Credited to the wallet"
    PENDING = "pending", "Owed to the original method"
    SENT = "sent", "Sent to the original method"


# The prefix of each wallet object's code (``core.ids.prefixed_code``: prefix + public id), the
# way orders read "DY…": titles, links, PDFs and ledger references show the code, not the id.
CODE_PREFIXES: dict[str, str] = {
    "topup": "TU",
    "payment": "PM",  # one order's payment record; "PAY…" is the payment order people pay
    "refund": "RF",
    "transaction": "TX",
}


class LedgerKind(models.TextChoices):
    """What a ledger transaction records (``LedgerTransaction.kind``), as people read it."""

    TOPUP = "topup", "Top-up"
    ORDER_PAYMENT = "order_payment", "Order payment"
    PURCHASE_PAYMENT = "purchase_payment", "Bulk purchase payment"
    MAKEUP_PAYMENT = "makeup_payment", "Supplementary bill payment"
    PAYMENT_CREDIT = "payment_credit", "Card / PayPal payment received"
    REFUND = "refund", "Refund"
    REFUND_SENT = "refund_sent", "Refund sent to the original method"
    REVERSAL = "reversal", "Reversal"


class ReferenceType(models.TextChoices):
    """What caused a ledger transaction (``LedgerTransaction.reference_type``); its
    ``reference_id`` is that object's public id (or code, for bills and purchase orders)."""

    TOPUP = "topup", "Top-up"
    ORDER = "order", "Order"
    ORDERS = "orders", "Orders"  # several orders paid together (the id is a digest)
    PARENT_ORDER = "parent_order", "Orders paid together"  # the id is the shipmentsId
    PURCHASE_ORDER = "purchase_order", "Bulk purchase"  # the id is the order code
    MAKEUP = "makeup", "Supplementary bill"  # the id is the bill or pay order code
    REFUND = "refund", "Refund"


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` in ``choices``; a value the choices do not know (an older row)
    spelled out ("some_kind" → "Some kind") rather than shown raw."""
    if value in choices.values:
        return str(choices(value).label)
    return str(value).replace("_", " ").capitalize()
