"""Invoices, receipts and credit notes: numbered and issued inside the posting's transaction.

- ``invoice_issue_for_payment``: one INVOICE per payment of orders (wallet, card or PayPal);
- ``receipt_issue_for_topup``: one RECEIPT per credited top-up;
- ``credit_note_issue``: one CREDIT_NOTE per refund, pointing at the invoice it corrects.

Numbering: ``INV-2026-000001``, ``RCT-…``, ``CRN-…``, counted per kind per calendar year (in
``TIME_ZONE``) with no gaps. The number comes from an ``InvoiceCounter`` row locked
(``select_for_update`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) in the
caller's transaction, so a payment that rolls back gives its number back. The lock is held until
the caller commits: call these services as the *last* step of the posting transaction, so that
concurrent payments wait on the counter for as short a time as possible and always take it after
their ledger locks (one lock order, no deadlocks).

Storage: a document is its ``snapshot`` (both parties' billing details, lines and totals frozen
at issue). The PDF is rendered from it on demand, deterministically (same bytes every time), so
no file is written, nothing sits under a public URL, and rendering never happens inside the
money transaction (``wallet.invoice_pdf``). Downloads go through permission-checking views only;
the documents are read through ``wallet.selectors`` (``invoice_list``, ``invoice_get``…).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db import transaction as db_transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.db import joins_transaction
from dropyard.core.money import Money
from dropyard.orders.models import Order, OrderLine, ParentOrder

from .choices import INVOICE_PREFIXES, AccountKind, InvoiceKind, Provider, TopUpStatus
from .exceptions import WalletError
from .models import Entry, Invoice, InvoiceCounter, LedgerTransaction, TopUp

__all__ = [
    "InvoiceRefused",
    "PaymentBreakdown",
    "breakdown_for_orders",
    "credit_note_issue",
    "invoice_issue_for_payment",
    "receipt_issue_for_topup",
]

SNAPSHOT_VERSION = 1


class InvoiceRefused(WalletError):
    """A document cannot be issued (figures that do not add up, wrong merchant, a credit note
    above what the invoice charged…). Raised inside the caller's transaction: nothing is kept."""


@dataclass(frozen=True)
class PaymentBreakdown:
    """What one payment charged, in minor units of ``currency`` (all amounts ≥ 0).

    Invariant (checked when issuing): ``total = products + freight + fees - discount``.
    ``discount_minor`` holds every discount (the orders' own and the wallet's 2%);
    ``discount_label`` names it on the invoice, e.g. "Wallet payment discount (2%)".
    """

    products_minor: int
    freight_minor: int
    total_minor: int
    fees_minor: int = 0
    discount_minor: int = 0
    currency: str = "USD"
    discount_label: str = "Discount"
    method: str = ""  # a Provider value: wallet / stripe / paypal / sandbox


# --- Pure helpers ----------------------------------------------------------------------------


def format_number(kind: str, year: int, sequence: int) -> str:
    """``INV-2026-000001``: the kind's prefix, the year, the sequence on six digits (or more)."""
    return f"{INVOICE_PREFIXES[InvoiceKind(kind)]}-{year}-{sequence:06d}"


def _int_field(source: Any, name: str, default: int | None = None) -> int:
    value = (
        source.get(name, default) if isinstance(source, Mapping) else getattr(source, name, default)
    )
    if value is None:
        raise InvoiceRefused(f"the payment breakdown has no {name}")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvoiceRefused(f"the payment breakdown's {name} must be an integer of minor units")
    if value < 0:
        raise InvoiceRefused(f"the payment breakdown's {name} must not be negative")
    return value


def _str_field(source: Any, name: str, default: str) -> str:
    value = (
        source.get(name, default) if isinstance(source, Mapping) else getattr(source, name, default)
    )
    return str(value or default)


def read_breakdown(breakdown: PaymentBreakdown | Mapping[str, Any] | Any) -> PaymentBreakdown:
    """A ``PaymentBreakdown`` from itself, a mapping or any object with the same attributes.

    Refuses (``InvoiceRefused``) non-integer or negative amounts, a zero total and totals that
    do not add up, so an invoice can never print figures that disagree with each other.
    """
    if isinstance(breakdown, PaymentBreakdown):
        source: Any = breakdown
    else:
        source = breakdown
    result = PaymentBreakdown(
        products_minor=_int_field(source, "products_minor"),
        freight_minor=_int_field(source, "freight_minor", 0),
        fees_minor=_int_field(source, "fees_minor", 0),
        discount_minor=_int_field(source, "discount_minor", 0),
        total_minor=_int_field(source, "total_minor"),
        currency=_str_field(source, "currency", "USD").upper(),
        discount_label=_str_field(source, "discount_label", "Discount"),
        method=_str_field(source, "method", ""),
    )
    expected = (
        result.products_minor + result.freight_minor + result.fees_minor - result.discount_minor
    )
    if result.total_minor != expected:
        raise InvoiceRefused(
            f"the payment breakdown does not add up: products + freight + fees - discount = "
            f"{expected}, total = {result.total_minor}"
        )
    if result.total_minor <= 0:
        raise InvoiceRefused("an invoice needs a positive total")
    Money(0, result.currency)  # validates the currency code (ValueError on nonsense)
    return result


def breakdown_for_orders(
    *,
    orders: Sequence[Order],
    extra_discount_minor: int = 0,
    discount_label: str = "Discount",
    extra_fees_minor: int = 0,
    method: str = "",
) -> PaymentBreakdown:
    """The breakdown of paying ``orders`` at their frozen amounts, less an extra discount (the
    wallet's 2%) and plus extra fees (a provider fee charged to the merchant)."""
    currencies = {o.currency for o in orders}
    if len(currencies) != 1:
        raise InvoiceRefused("an invoice covers orders of one currency")
    products = sum(o.product_amount_minor for o in orders)
    freight = sum(o.postage_amount_minor for o in orders)
    fees = sum(o.fee_amount_minor for o in orders) + extra_fees_minor
    discount = sum(o.discount_amount_minor for o in orders) + extra_discount_minor
    return PaymentBreakdown(
        products_minor=products,
        freight_minor=freight,
        fees_minor=fees,
        discount_minor=discount,
        total_minor=products + freight + fees - discount,
        currency=currencies.pop(),
        discount_label=discount_label,
        method=method,
    )


def _line(description: str, amount_minor: int, quantity: int = 1, unit_minor: int | None = None):
    return {
        "description": description,
        "quantity": quantity,
        "unit_minor": amount_minor if unit_minor is None else unit_minor,
        "amount_minor": amount_minor,
    }


def _whole(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvoiceRefused(f"a line's {what} must be an integer")
    return value


def _given_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Caller-given lines (``description``, ``amount_minor``, optional ``quantity`` and
    ``unit_minor``), checked: integer amounts, a positive quantity, a description."""
    result = []
    for row in lines:
        if not isinstance(row, Mapping) or not str(row.get("description") or "").strip():
            raise InvoiceRefused("every invoice line needs a description")
        amount = _whole(row.get("amount_minor"), "amount_minor")
        quantity = _whole(row.get("quantity", 1), "quantity")
        if quantity < 1:
            raise InvoiceRefused("a line's quantity must be at least 1")
        unit = row.get("unit_minor")
        unit = amount if unit is None else _whole(unit, "unit_minor")
        result.append(_line(str(row["description"]), amount, quantity=quantity, unit_minor=unit))
    if not result:
        raise InvoiceRefused("a document needs at least one line")
    return result


# --- Snapshot parts --------------------------------------------------------------------------


def _issuer() -> dict[str, Any]:
    address = str(getattr(settings, "DROPYARD_BILLING_ADDRESS", "") or "")
    return {
        "name": str(getattr(settings, "DROPYARD_BILLING_NAME", "") or "Dropyard"),
        "address": [line.strip() for line in address.splitlines() if line.strip()],
        "tax_id": str(getattr(settings, "DROPYARD_BILLING_TAX_ID", "") or ""),
        "email": str(getattr(settings, "DROPYARD_BILLING_EMAIL", "") or ""),
    }


def _customer(merchant: MerchantAccount) -> dict[str, Any]:
    # MerchantAccount has no postal address or tax id yet: the contact details stand in.
    return {
        "name": merchant.business_name,
        "account_number": merchant.account_number,
        "contact_name": merchant.contact_name,
        "email": merchant.contact_email,
        "phone": merchant.contact_phone,
        "address": list(getattr(merchant, "billing_address_lines", []) or []),
        "tax_id": str(getattr(merchant, "tax_id", "") or ""),
    }


def _order_labels(orders: Sequence[Order]) -> str:
    """The orders by code, each with the merchant's own order number beside it: merchants
    know their orders by their store's number, not by the platform's DY code."""
    return ", ".join(
        f"{o.code} (your order {o.order_number})" if o.order_number else o.code
        for o in sorted(orders, key=lambda o: o.code)
    )


def _order_lines(orders: Sequence[Order]) -> list[dict[str, Any]]:
    """Products, freight, fees and discounts of each order, in order-code order."""
    by_order: dict[int, list[OrderLine]] = {}
    for row in OrderLine.objects.filter(order__in=orders).select_related("variant__product"):
        by_order.setdefault(row.order_id, []).append(row)
    lines: list[dict[str, Any]] = []
    for order in sorted(orders, key=lambda o: o.code):
        rows = by_order.get(order.pk, [])
        for row in rows:
            name = row.variant.product.name
            lines.append(
                _line(
                    f"{order.code} · {row.variant.sku} {name}",
                    row.unit_price_minor * row.quantity,
                    quantity=row.quantity,
                    unit_minor=row.unit_price_minor,
                )
            )
        # Units served from the merchant's own (private) stock are not charged again.
        owned = order.product_amount_minor - sum(r.unit_price_minor * r.quantity for r in rows)
        if owned:
            lines.append(_line(f"{order.code} · units from your private stock", owned))
        if order.postage_amount_minor:
            via = (order.cost_breakdown or {}).get("line") or ""
            label = f"{order.code} · freight" + (f" ({via})" if via else "")
            lines.append(_line(label, order.postage_amount_minor))
        if order.fee_amount_minor:
            lines.append(_line(f"{order.code} · fees", order.fee_amount_minor))
        if order.discount_amount_minor:
            lines.append(_line(f"{order.code} · discount", -order.discount_amount_minor))
    return lines


def _summary(b: PaymentBreakdown) -> list[dict[str, Any]]:
    rows = [
        {"label": "Products", "amount_minor": b.products_minor},
        {"label": "Freight", "amount_minor": b.freight_minor},
    ]
    if b.fees_minor:
        rows.append({"label": "Fees", "amount_minor": b.fees_minor})
    if b.discount_minor:
        rows.append({"label": b.discount_label, "amount_minor": -b.discount_minor})
    return rows


def _method_label(method: str) -> str:
    try:
        return str(Provider(method).label)
    except ValueError:
        return method


# --- Numbering and issuing -------------------------------------------------------------------


def _year(when: datetime) -> int:
    return timezone.localtime(when).year


def _take_number(kind: str, year: int) -> int:
    """The next sequence of the (kind, year) counter, its row locked until the surrounding
    transaction ends (so numbers have no gaps: a rolled-back document gives its number back).

    One ``UPDATE … RETURNING``: lock, increment and read in a single round trip, since every
    payment queues on this row from here to its COMMIT. A missing counter is created first
    (``get_or_create`` is race-safe: a concurrent creator hits the unique constraint inside a
    savepoint and reads the winner's row) and the update runs again.
    """
    table = connection.ops.quote_name(InvoiceCounter._meta.db_table)
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1 "
        "WHERE kind = %s AND year = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, year])
        row = cursor.fetchone()
        if row is None:
            InvoiceCounter.objects.get_or_create(kind=kind, year=year)
            cursor.execute(sql, [kind, year])
            row = cursor.fetchone()
    return int(row[0])


def _issue(
    *,
    kind: str,
    cause_key: str,
    merchant: MerchantAccount,
    build: Any,
    private_cause: bool = False,
    **fields: Any,
) -> Invoice:
    """Insert one document for ``cause_key`` with the next number, or return the existing one.

    ``build(number, issued_at)`` returns ``(snapshot, total_minor, currency, reference)``; it
    runs after the counter is locked, so its checks (a credit note's cap) see every document
    committed before. ``private_cause``: no other transaction can issue for this cause (it is
    a ledger transaction that is not committed yet), so the existing document is looked up
    before the counter is locked, not while every other issuer waits on it.
    """
    if private_cause:
        existing = Invoice.objects.filter(cause_key=cause_key).first()
        if existing is not None:
            return existing
    issued_at = timezone.now()
    year = _year(issued_at)
    sequence = _take_number(kind, year)
    # Already issued for this cause (a repeated call, or another transaction while we waited
    # for the lock)? Looked up once the counter is held, so a new document costs one query.
    existing = None if private_cause else Invoice.objects.filter(cause_key=cause_key).first()
    if existing is not None:
        # Give the number back: we hold the counter's lock, so nobody took one after it.
        InvoiceCounter.objects.filter(kind=kind, year=year).update(last_number=F("last_number") - 1)
        return existing
    number = format_number(kind, year, sequence)
    snapshot, total_minor, currency, reference = build(number, issued_at)
    orders = fields.pop("orders", ())
    invoice = Invoice.objects.create(
        kind=kind,
        number=number,
        year=year,
        sequence=sequence,
        merchant=merchant,
        cause_key=cause_key,
        reference=reference[:300],
        currency=currency,
        total_minor=total_minor,
        snapshot=snapshot,
        issued_at=issued_at,
        **fields,
    )
    if orders:
        # The link rows in one INSERT (``orders.add`` wraps it in a savepoint and reads first).
        through = Invoice.orders.through
        through.objects.bulk_create(
            [through(invoice_id=invoice.pk, order_id=order.pk) for order in orders]
        )
    return invoice


def _base_snapshot(
    kind: str, number: str, issued_at: datetime, merchant: MerchantAccount, currency: str
) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "title": str(InvoiceKind(kind).label),
        "number": number,
        "issued_at": issued_at.isoformat(),
        "date": timezone.localtime(issued_at).date().isoformat(),
        "currency": currency,
        "issuer": _issuer(),
        "customer": _customer(merchant),
    }


def _resolve_orders(orders_or_parent: ParentOrder | Sequence[Order]) -> tuple[list[Order], str]:
    if isinstance(orders_or_parent, ParentOrder):
        parent = orders_or_parent
        orders = list(parent.orders.order_by("code"))
        label = f"payment {parent.code}"
        return orders, label
    return list(orders_or_parent), ""


def _check_transaction(transaction: LedgerTransaction, merchant: MerchantAccount) -> None:
    if not isinstance(transaction, LedgerTransaction) or transaction.pk is None:
        raise InvoiceRefused("a document needs the saved ledger transaction that caused it")
    if transaction.merchant_id not in (None, merchant.pk):
        raise InvoiceRefused("the ledger transaction belongs to another merchant")


@joins_transaction
def invoice_issue_for_payment(
    *,
    merchant: MerchantAccount,
    orders_or_parent: ParentOrder | Sequence[Order],
    breakdown: PaymentBreakdown | Mapping[str, Any],
    transaction: LedgerTransaction,
    lines: Sequence[Mapping[str, Any]] | None = None,
    reference: str = "",
) -> Invoice:
    """Issue the INVOICE for one payment of orders (a parent order or a list of orders).

    Call it inside the payment's transaction, after ``ledger_post``, as its last step.
    Idempotent per ``transaction`` (cause ``payment:<transaction.public_id>``): calling again
    returns the same invoice. ``breakdown`` (a ``PaymentBreakdown`` or a mapping with its
    field names) gives the charged totals; the lines list each order's products, freight, fees
    and discounts, unless ``lines`` (``description``, ``amount_minor``, optional ``quantity``,
    ``unit_minor``) are given, e.g. for a supplementary ("makeup") bill. ``reference`` defaults
    to the orders' codes. Refuses orders of another merchant, an empty order list and figures
    that do not add up (``InvoiceRefused``), so the whole payment rolls back.
    """
    draft = invoice_draft_for_payment(
        merchant=merchant,
        orders_or_parent=orders_or_parent,
        breakdown=breakdown,
        lines=lines,
        reference=reference,
    )
    return draft.issue(transaction=transaction)


@dataclass(frozen=True)
class PaymentInvoiceDraft:
    """A payment's invoice read and checked, waiting for its ledger transaction and number.

    Built by ``invoice_draft_for_payment`` before the payment's posting, so that the reads
    (the orders' lines) run before the posting locks the rows every payment shares; ``issue``
    then only numbers and inserts. Issuing is idempotent per transaction, as
    ``invoice_issue_for_payment``.
    """

    merchant: MerchantAccount
    orders: list[Order]
    parent_label: str
    breakdown: PaymentBreakdown
    lines: list[dict[str, Any]]
    codes: str
    reference: str

    @joins_transaction
    def issue(self, *, transaction: LedgerTransaction) -> Invoice:
        """Number and insert the invoice for ``transaction`` (the payment's posting)."""
        _check_transaction(transaction, self.merchant)
        b, codes, reference = self.breakdown, self.codes, self.reference

        def build(number: str, issued_at: datetime):
            snapshot = _base_snapshot(
                InvoiceKind.INVOICE, number, issued_at, self.merchant, b.currency
            )
            references = []
            if codes:
                references.append({"label": "Orders", "value": codes})
            if self.parent_label:
                references.append({"label": "Paid with", "value": self.parent_label})
            if reference and reference != codes:
                references.append({"label": "Reference", "value": reference})
            if b.method:
                references.append({"label": "Payment method", "value": _method_label(b.method)})
            references.append({"label": "Transaction", "value": transaction.code})
            snapshot.update(
                references=references,
                lines=self.lines,
                summary=_summary(b),
                total_label="Total paid",
                total_minor=b.total_minor,
                notes=["Paid in full. Thank you for your business."],
            )
            return snapshot, b.total_minor, b.currency, reference or codes

        return _issue(
            kind=InvoiceKind.INVOICE,
            cause_key=f"payment:{transaction.public_id}",
            merchant=self.merchant,
            build=build,
            # Posted in this database transaction (not visible to any other) or committed
            # earlier (its invoice, if any, committed with it): nobody else can be issuing.
            private_cause=True,
            transaction=transaction,
            orders=self.orders,
        )


def invoice_draft_for_payment(
    *,
    merchant: MerchantAccount,
    orders_or_parent: ParentOrder | Sequence[Order],
    breakdown: PaymentBreakdown | Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]] | None = None,
    reference: str = "",
) -> PaymentInvoiceDraft:
    """Read and check a payment's invoice (see ``invoice_issue_for_payment`` for the
    arguments and refusals) without numbering it yet: ``.issue(transaction=…)`` does that."""
    b = read_breakdown(breakdown)
    orders, parent_label = _resolve_orders(orders_or_parent)
    if not orders and lines is None:
        raise InvoiceRefused("an invoice needs the orders it was paid for")
    if any(o.merchant_id != merchant.pk for o in orders):
        raise InvoiceRefused("an invoice covers orders of one merchant")
    return PaymentInvoiceDraft(
        merchant=merchant,
        orders=orders,
        parent_label=parent_label,
        breakdown=b,
        lines=_given_lines(lines) if lines is not None else _order_lines(orders),
        codes=_order_labels(orders),
        reference=reference,
    )


def _credited_minor(topup: TopUp) -> int:
    """What the wallet received: the merchant's wallet entry of the top-up's posting."""
    if topup.transaction_id:
        entry = Entry.objects.filter(
            transaction_id=topup.transaction_id,
            account__merchant_id=topup.merchant_id,
            account__kind=AccountKind.WALLET_AVAILABLE,
        ).aggregate(total=Sum("amount_minor"))["total"]
        if entry is not None:
            return int(entry)
    return topup.amount_minor - topup.fee_minor


@db_transaction.atomic
def receipt_issue_for_topup(*, topup: TopUp) -> Invoice:
    """Issue the RECEIPT for a credited top-up (cause ``topup:<public_id>``; idempotent).

    Call it from ``topup_credit`` inside its transaction, after the posting and after the
    top-up row is SUCCEEDED with its ``transaction``. Shows the amount sent, the provider fee
    the merchant bore (if any) and the amount credited to the wallet.
    """
    topup = TopUp.objects.select_related("merchant", "transaction").get(pk=topup.pk)
    if topup.status != TopUpStatus.SUCCEEDED:
        raise InvoiceRefused("a receipt is issued only for a credited top-up")
    merchant = topup.merchant
    credited = _credited_minor(topup)
    borne_fee = topup.amount_minor - credited

    def build(number: str, issued_at: datetime):
        snapshot = _base_snapshot(InvoiceKind.RECEIPT, number, issued_at, merchant, topup.currency)
        references = [
            {"label": "Top-up", "value": topup.code},
            {"label": "Payment method", "value": _method_label(topup.provider)},
        ]
        if topup.provider_reference:
            references.append({"label": "Provider reference", "value": topup.provider_reference})
        if topup.wire_reference:
            references.append({"label": "Bank reference", "value": topup.wire_reference})
        if topup.transaction is not None:  # no query when transaction_id is None
            references.append({"label": "Transaction", "value": topup.transaction.code})
        lines = [_line(f"Wallet top-up via {_method_label(topup.provider)}", topup.amount_minor)]
        summary = [{"label": "Amount received", "amount_minor": topup.amount_minor}]
        if borne_fee:
            lines.append(_line("Provider fee", -borne_fee))
            summary.append({"label": "Provider fee", "amount_minor": -borne_fee})
        snapshot.update(
            references=references,
            lines=lines,
            summary=summary,
            total_label="Credited to wallet",
            total_minor=credited,
            notes=["Received with thanks. The amount credited is available in your wallet."],
        )
        return snapshot, credited, topup.currency, topup.code

    return _issue(
        kind=InvoiceKind.RECEIPT,
        cause_key=f"topup:{topup.public_id}",
        merchant=merchant,
        build=build,
        transaction=topup.transaction,
        topup=topup,
    )


def _later_charges(invoice: Invoice) -> int:
    """What later invoices (supplementary "makeup" bills) charged for the same orders, in the
    same currency: a refund of an order may give that back too, on the original's credit note."""
    later = (
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            currency=invoice.currency,
            orders__in=invoice.orders.all(),
        )
        .exclude(pk=invoice.pk)
        .values("pk")
    )
    return Invoice.objects.filter(pk__in=later).aggregate(t=Sum("total_minor"))["t"] or 0


@db_transaction.atomic
def credit_note_issue(
    *,
    merchant: MerchantAccount,
    transaction: LedgerTransaction,
    amount_minor: int,
    currency: str = "USD",
    original_invoice: Invoice | None = None,
    reference: str = "",
    reason: str = "",
    orders: Sequence[Order] = (),
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> Invoice:
    """Issue the CREDIT_NOTE for one refund (cause ``refund:<transaction.public_id>``).

    Call it inside the refund's transaction, after its posting, as the last step. Idempotent per
    ``transaction``. ``reference`` names the refund (its code, "RF…"); ``original_invoice`` (see
    ``invoice_for_order``) is the invoice it corrects: same merchant and currency, and the
    credit notes against it never add up to more than it and later invoices for the same
    orders (makeup bills) charged (checked with the invoice row locked). ``lines`` default to
    one line "Refund" of ``amount_minor``.
    """
    _check_transaction(transaction, merchant)
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise InvoiceRefused("a credit note needs a positive integer amount")
    currency = currency.upper()
    Money(amount_minor, currency)
    if original_invoice is not None:
        if original_invoice.kind != InvoiceKind.INVOICE:
            raise InvoiceRefused("a credit note corrects an invoice, not a receipt or credit note")
        if original_invoice.merchant_id != merchant.pk:
            raise InvoiceRefused("the original invoice belongs to another merchant")
        if original_invoice.currency != currency:
            raise InvoiceRefused("the credit note and its invoice must share a currency")
    orders = list(orders)
    if any(o.merchant_id != merchant.pk for o in orders):
        raise InvoiceRefused("a credit note covers orders of one merchant")
    codes = _order_labels(orders)
    description = "Refund" + (f" · {codes}" if codes else "") + (f" · {reason}" if reason else "")
    doc_lines = _given_lines(lines) if lines is not None else [_line(description, amount_minor)]

    def build(number: str, issued_at: datetime):
        if original_invoice is not None:
            # The invoice row lock serialises credit notes against it, across years too.
            locked = Invoice.objects.select_for_update(of=("self",), no_key=True).get(
                pk=original_invoice.pk
            )
            credited = (
                Invoice.objects.filter(original=locked).aggregate(t=Sum("total_minor"))["t"] or 0
            )
            charged = locked.total_minor + _later_charges(locked)
            if credited + amount_minor > charged:
                left = Money(charged - credited, currency)
                raise InvoiceRefused(
                    _("credit notes cannot exceed invoice %(number)s: %(left)s left to credit")
                    % {"number": locked.number, "left": left}
                )
        snapshot = _base_snapshot(InvoiceKind.CREDIT_NOTE, number, issued_at, merchant, currency)
        references = []
        if original_invoice is not None:
            references.append({"label": "Original invoice", "value": original_invoice.number})
        if reference:
            references.append({"label": "Refund", "value": reference})
        if codes:
            references.append({"label": "Orders", "value": codes})
        references.append({"label": "Transaction", "value": transaction.code})
        notes = []
        if reason:
            notes.append(f"Reason: {reason}")
        if original_invoice is not None:
            notes.append(f"This credit note corrects invoice {original_invoice.number}.")
        snapshot.update(
            references=references,
            original_number=original_invoice.number if original_invoice else "",
            lines=doc_lines,
            summary=[],
            total_label="Total credited",
            total_minor=amount_minor,
            notes=notes,
        )
        return snapshot, amount_minor, currency, reference or transaction.code

    return _issue(
        kind=InvoiceKind.CREDIT_NOTE,
        cause_key=f"refund:{transaction.public_id}",
        merchant=merchant,
        build=build,
        transaction=transaction,
        original=original_invoice,
        orders=orders,
    )
