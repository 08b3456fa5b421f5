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
