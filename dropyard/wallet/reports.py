"""Reconciliation reports for merchants: wallet statement exports (CSV, XLSX), the wallet's
transactions list and activity chart, order history export and the profit report.

Reads only, always scoped to one merchant. Money stays integer minor units until it is
written out; exports carry plain decimal strings (CSV) or exact decimals (XLSX), never floats.

Statement invariant (asserted by the tests): opening balance + the entries listed = closing
balance, and each row's balance is the running sum (``selectors.statement`` computes it; the
exports only lay it out).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation

from dropyard.accounts.models import MerchantAccount
from dropyard.core.ids import code_public_id
from dropyard.core.money import Money, currency_exponent
from dropyard.core.text import formula_safe
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order, OrderLine
from dropyard.orders.status_labels import order_status_label

from .choices import CODE_PREFIXES, MERCHANT_KINDS, AccountKind, ReferenceType
from .models import Entry, LedgerTransaction, Payment
from .references import ledger_references, reference_text
from .selectors import Statement

STATEMENT_COLUMNS = [
    "date",
    "transaction",
    "kind",
    "description",
    "reference",
    "amount",
    "balance",
    "currency",
]
ORDER_HISTORY_COLUMNS = [
    "order_code",
    "order_number",
    "created_at",
    "paid_at",
    "status",
    "status_label",
    "status_detail",
    "store",
    "store_order_id",
    "customer",
    "country",
    "currency",
    "products",
    "freight",
    "fees",
    "order_discount",
    "wallet_discount",
    "paid",
    "payment_method",
    "store_sale_price",
]
# Orders that were paid and not cancelled: what the profit report counts.
PAID_STATUSES = (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
NO_STORE = "(no store)"
CHART_DAYS = 30


def decimal_text(amount_minor: int, currency: str) -> str:
    """``123456`` USD → ``"1234.56"`` (the contract's wire form; no symbol, no grouping)."""
    return Money(int(amount_minor), currency).wire()


def day_bounds(
    date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """Inclusive calendar days (in the current time zone) → a half-open datetime range
    ``[from 00:00, day after to 00:00)``, as ``selectors.statement`` expects."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz) if date_to else None
    return start, end


# --- Wallet transactions list and activity chart -----------------------------------------------


def wallet_entries(
    *,
    merchant: MerchantAccount,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    kind: str = "",
    account_kind: str = "",
    q: str = "",
) -> QuerySet[Entry]:
    """The entries on the merchant's own wallet accounts (available and frozen), newest first,
    with their transaction; ``balance_after_minor`` is each account's running balance.
    Filters: transaction created in ``[date_from, date_to)``, transaction kind, account kind,
    and ``q``: the transaction's code (TX…), the top-up (TU…) or refund (RF…) it posted, one
    of the merchant's orders it paid (code or own number), a document it issued, its memo."""
    qs = Entry.objects.filter(account__merchant=merchant, account__kind__in=MERCHANT_KINDS)
    search = q.strip()
    if search:
        qs = qs.filter(transaction__in=_transactions_matching(merchant=merchant, search=search))
    if account_kind in MERCHANT_KINDS:
        qs = qs.filter(account__kind=account_kind)
    if date_from is not None:
        qs = qs.filter(transaction__created_at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(transaction__created_at__lt=date_to)
    if kind:
        qs = qs.filter(transaction__kind=kind)
    return qs.select_related("transaction", "account").order_by("-pk")


def _transactions_matching(*, merchant: MerchantAccount, search: str) -> QuerySet:
    """The merchant's ledger transactions a typed code or word names (``wallet_entries``)."""
    ids = {
        prefix: code_public_id(CODE_PREFIXES[prefix], search)
        for prefix in ("transaction", "topup", "refund")
    }
    orders = Order.objects.filter(merchant=merchant).filter(
        Q(code__iexact=search) | Q(order_number__iexact=search)
    )
    match = (
        Q(memo__icontains=search)
        | Q(reference_type=ReferenceType.ORDER, reference_id__in=orders.values("public_id"))
        | Q(payments__order__in=orders)
        | Q(invoices__number__iexact=search)
        | Q(
            reference_type__in=(ReferenceType.MAKEUP, ReferenceType.PURCHASE_ORDER),
            reference_id__iexact=search,
        )
    )
    if ids["transaction"]:
        match |= Q(public_id=ids["transaction"])
    if ids["topup"]:
        match |= Q(reference_type=ReferenceType.TOPUP, reference_id=ids["topup"])
    if ids["refund"]:
        match |= Q(reference_type=ReferenceType.REFUND, reference_id=ids["refund"])
    return LedgerTransaction.objects.filter(match, merchant=merchant).values("pk")


def wallet_transaction_kinds(*, merchant: MerchantAccount) -> list[str]:
    """The transaction kinds that occur on the merchant's wallet (for the filter's choices)."""
    return sorted(
        set(
            LedgerTransaction.objects.filter(
                entries__account__merchant=merchant, entries__account__kind__in=MERCHANT_KINDS
            ).values_list("kind", flat=True)
        )
    )


@dataclass(frozen=True)
class ActivitySeries:
    """Per day (oldest first): money spent from the wallet and money topped up, in minor units."""

    days: list[date]
    spent_minor: list[int]
    topped_up_minor: list[int]
    currency: str

    def chart_data(self) -> dict:
        """Chart.js data (decimal strings parsed by the page: exact to the cent on display)."""
        return {
            "labels": [d.isoformat() for d in self.days],
            "spent": [decimal_text(v, self.currency) for v in self.spent_minor],
            "topped_up": [decimal_text(v, self.currency) for v in self.topped_up_minor],
            "currency": self.currency,
        }

    @property
    def empty(self) -> bool:
        return not any(self.spent_minor) and not any(self.topped_up_minor)


def wallet_activity(
    *,
    merchant: MerchantAccount,
    days: int = CHART_DAYS,
    currency: str = "USD",
    today: date | None = None,
) -> ActivitySeries:
    """The last ``days`` days of the merchant's available wallet: debits (payments, makeups…)
    and top-up credits per local calendar day. Days without activity are zeros."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start, _ = day_bounds(first, None)
    rows = Entry.objects.filter(
        account__merchant=merchant,
        account__kind=AccountKind.WALLET_AVAILABLE,
        account__currency=currency,
        transaction__created_at__gte=start,
    ).values_list("transaction__created_at", "transaction__kind", "amount_minor")
    spent: dict[date, int] = defaultdict(int)
    topped: dict[date, int] = defaultdict(int)
    for created_at, kind, amount in rows:
        day = timezone.localtime(created_at).date()
        if amount < 0:
            spent[day] += -amount
        elif kind == "topup":
            topped[day] += amount
    all_days = [first + timedelta(days=i) for i in range(days)]
    return ActivitySeries(
        days=all_days,
        spent_minor=[spent[d] for d in all_days],
        topped_up_minor=[topped[d] for d in all_days],
        currency=currency,
    )


# --- Statement exports --------------------------------------------------------------------------


def _stamp(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _period(statement: Statement) -> str:
    start = _stamp(statement.date_from) if statement.date_from else "the beginning"
    end = _stamp(statement.date_to) if statement.date_to else "now"
    return f"{start} – {end} (end exclusive)"


def statement_table(statement: Statement) -> list[dict]:
    """The statement as rows: an opening-balance row, one row per entry (oldest first) with its
    running balance, and a closing-balance row. Amounts in minor units."""
    currency = statement.currency
    rows: list[dict] = [
        {
            "date": statement.date_from,
            "transaction": "",
            "kind": "Opening",
            "description": "Opening balance",
            "reference": "",
            "amount_minor": None,
            "balance_minor": statement.opening_minor,
            "currency": currency,
        }
    ]
    txns = {
        t.public_id: t
        for t in LedgerTransaction.objects.filter(
            public_id__in=[row.transaction_id for row in statement.rows]
        )
    }
    refs = ledger_references(txns.values())
    for row in statement.rows:
        txn = txns[row.transaction_id]
        rows.append(
            {
                "date": row.created_at,
                "transaction": txn.code,
                "kind": txn.kind_label,
                "description": row.memo,
                "reference": reference_text(refs.get(txn.pk, [])),
                "amount_minor": row.amount_minor,
                "balance_minor": row.balance_minor,
                "currency": currency,
            }
        )
    rows.append(
        {
            "date": statement.date_to,
            "transaction": "",
            "kind": "Closing",
            "description": "Closing balance",
            "reference": "",
            "amount_minor": None,
            "balance_minor": statement.closing_minor,
            "currency": currency,
        }
    )
    return rows


def statement_csv(statement: Statement) -> str:
    """The statement as CSV (UTF-8, header row ``STATEMENT_COLUMNS``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STATEMENT_COLUMNS)
    currency = statement.currency
    for row in statement_table(statement):
        writer.writerow(
            [
                _stamp(row["date"]) if row["date"] else "",
                row["transaction"],
                row["kind"],
                formula_safe(row["description"]),
                formula_safe(row["reference"]),
                "" if row["amount_minor"] is None else decimal_text(row["amount_minor"], currency),
                decimal_text(row["balance_minor"], currency),
                currency,
            ]
        )
    return out.getvalue()


def statement_xlsx(statement: Statement, *, merchant: MerchantAccount) -> bytes:
    """The statement as an XLSX workbook: a title block, then the same rows as the CSV with
    amounts as exact decimals formatted to the currency's minor unit."""
    # openpyxl is imported here, not at the top: it is large and only the XLSX export needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    currency = statement.currency
    exp = currency_exponent(currency)
    number_format = "#,##0" + ("." + "0" * exp if exp else "")
    wb = Workbook()
    ws = wb.active
    ws.title = "Statement"
    ws.append(["Wallet statement", merchant.business_name, merchant.account_number])
    ws.append(["Period", _period(statement)])
    ws.append(["Currency", currency])
    ws.append([])
    ws.append(STATEMENT_COLUMNS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True)

    def amount(minor: int | None) -> Decimal | None:
        return None if minor is None else Money(int(minor), currency).to_decimal()

    for row in statement_table(statement):
        ws.append(
            [
                _stamp(row["date"]) if row["date"] else "",
                row["transaction"],
                row["kind"],
                row["description"],
                row["reference"],
                amount(row["amount_minor"]),
                amount(row["balance_minor"]),
                currency,
            ]
        )
        for cell in ws[ws.max_row][5:7]:
            cell.number_format = number_format
        for cell in ws[ws.max_row][1:5]:
            # openpyxl stores a string starting with "=" as a formula: keep text as text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for letter, width in zip("ABCDEFGH", (20, 34, 16, 44, 36, 14, 14, 9), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Order history export -----------------------------------------------------------------------


def order_history(
    *,
    merchant: MerchantAccount,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet[Order]:
    """The merchant's orders created in ``[date_from, date_to)``, oldest first, with their
    payment (what was paid, the wallet discount)."""
    qs = Order.objects.filter(merchant=merchant)
    if date_from is not None:
        qs = qs.filter(created_at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(created_at__lt=date_to)
    return qs.prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("pk"))
    ).order_by("created_at", "pk")


def _order_history_row(order: Order) -> list[str]:
    payments = list(order.payments.all())
    payment = payments[0] if payments else None
    currency = order.currency
    wallet_discount = payment.discount_minor if payment else 0
    with translation.override("en"):  # CSV is for tools: English in any page language
        label = order_status_label(order.status, order.sub_status)
        label_text, detail_text = str(label.label), str(label.detail)
    return [
        order.code,
        formula_safe(order.order_number),
        _stamp(order.created_at),
        _stamp(order.paid_at) if order.paid_at else "",
        order.status,
        label_text,
        detail_text,
        formula_safe(order.store_name),
        formula_safe(order.store_order_id),
        formula_safe(order.shipping_customer_name),
        order.shipping_country_code,
        currency,
        decimal_text(order.product_amount_minor, currency),
        decimal_text(order.postage_amount_minor, currency),
        decimal_text(order.fee_amount_minor, currency),
        decimal_text(order.discount_amount_minor, currency),
        decimal_text(wallet_discount, currency),
        decimal_text(payment.net_minor, currency) if payment else "",
        payment.method if payment else "",
        "" if order.shop_amount_minor is None else decimal_text(order.shop_amount_minor, currency),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def order_history_csv_stream(orders: Iterable[Order]) -> Iterator[str]:
    """CSV lines (header first) for a streaming response: constant memory for any size."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(ORDER_HISTORY_COLUMNS)
    if isinstance(orders, QuerySet):
        orders = orders.iterator(chunk_size=500)
    for order in orders:
        yield writer.writerow(_order_history_row(order))


# --- Profit report ------------------------------------------------------------------------------


def margin_percent(margin_minor: int, sale_minor: int) -> Decimal | None:
    """Margin as a percentage of the sale price, one decimal (half up); None without a sale."""
    if sale_minor <= 0:
        return None
    return (Decimal(margin_minor) * 100 / Decimal(sale_minor)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class OrderCost:
    """What Dropyard charged for one order: products + freight + fees − discounts."""

    order: Order
    products_minor: int
    freight_minor: int
    fees_minor: int
    discount_minor: int  # the order's own discount + the wallet discount
    sale_minor: int | None  # the store's sale price (None: the store gave none)

    @property
    def cost_minor(self) -> int:
        return self.products_minor + self.freight_minor + self.fees_minor - self.discount_minor

    @property
    def margin_minor(self) -> int | None:
        return None if self.sale_minor is None else self.sale_minor - self.cost_minor


@dataclass
class ProfitRow:
    """One store or product. Sale, cost and margin count priced orders only; the cost of
    orders without a store price is kept apart in ``unpriced_cost_minor``."""

    key: str
    label: str
    orders: int = 0
    unpriced_orders: int = 0
    sale_minor: int = 0
    cost_minor: int = 0
    unpriced_cost_minor: int = 0

    @property
    def margin_minor(self) -> int:
        return self.sale_minor - self.cost_minor

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_percent(self.margin_minor, self.sale_minor)

    @property
    def priced_orders(self) -> int:
        return self.orders - self.unpriced_orders


@dataclass
class ProfitReport:
    currency: str
    by_store: list[ProfitRow] = field(default_factory=list)
    by_product: list[ProfitRow] = field(default_factory=list)
    total: ProfitRow = field(default_factory=lambda: ProfitRow(key="", label="Total"))
    orders: list[OrderCost] = field(default_factory=list)

    def chart_data(self) -> dict:
        """Chart.js data for the per-store chart (decimal strings)."""
        return {
            "labels": [row.label for row in self.by_store],
            "sale": [decimal_text(r.sale_minor, self.currency) for r in self.by_store],
            "cost": [decimal_text(r.cost_minor, self.currency) for r in self.by_store],
            "margin": [decimal_text(r.margin_minor, self.currency) for r in self.by_store],
            "currency": self.currency,
        }


def order_cost(order: Order, payment: Payment | None) -> OrderCost:
    """The order's Dropyard cost from its frozen amounts and its payment's wallet discount.
    With a payment, ``cost == payment.net_minor`` (what was actually charged)."""
    wallet_discount = payment.discount_minor if payment is not None else 0
    return OrderCost(
        order=order,
        products_minor=order.product_amount_minor,
        freight_minor=order.postage_amount_minor,
        fees_minor=order.fee_amount_minor,
        discount_minor=order.discount_amount_minor + wallet_discount,
        sale_minor=order.shop_amount_minor,
    )


def split_minor(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` in whole minor units (largest remainder),
    so the parts always sum to ``total`` exactly. Zero weights everywhere → equal split."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    weight_sum = sum(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [magnitude * w // weight_sum for w in weights]
    remainders = sorted(
        range(len(weights)), key=lambda i: (-(magnitude * weights[i] % weight_sum), i)
    )
    for i in remainders[: magnitude - sum(shares)]:
        shares[i] += 1
    return [sign * s for s in shares]


def _add(row: ProfitRow, cost: int, sale: int | None) -> None:
    row.orders += 1
    if sale is None:
        row.unpriced_orders += 1
        row.unpriced_cost_minor += cost
    else:
        row.sale_minor += sale
        row.cost_minor += cost


def profit_report(
    *,
    merchant: MerchantAccount,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    currency: str = "USD",
) -> ProfitReport:
    """Margin per store and per product over the merchant's paid, not cancelled orders in
    ``currency`` paid in ``[date_from, date_to)``: store sale price vs Dropyard cost.

    An order's sale price and cost are spread over its lines by line value (unit price ×
    quantity) for the per-product view, so the product rows add up to the store rows. Orders
    without a store sale price are counted, their cost shown apart, and left out of sale,
    cost and margin totals.
    """
    qs = Order.objects.filter(
        merchant=merchant, status__in=PAID_STATUSES, currency=currency, paid_at__isnull=False
    )
    if date_from is not None:
        qs = qs.filter(paid_at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(paid_at__lt=date_to)
    qs = qs.prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related("variant__product").order_by("pk"),
        ),
        Prefetch("payments", queryset=Payment.objects.order_by("pk")),
    ).order_by("paid_at", "pk")
    report = ProfitReport(currency=currency)
    stores: dict[str, ProfitRow] = {}
    products: dict[str, ProfitRow] = {}
    for order in qs:
        payments = list(order.payments.all())
        cost = order_cost(order, payments[0] if payments else None)
        report.orders.append(cost)
        store = order.store_name or NO_STORE
        _add(stores.setdefault(store, ProfitRow(key=store, label=store)), cost.cost_minor,
             cost.sale_minor)  # fmt: skip
        _add(report.total, cost.cost_minor, cost.sale_minor)
        lines = list(order.lines.all())
        if not lines:
            continue
        weights = [line.unit_price_minor * line.quantity for line in lines]
        cost_parts = split_minor(cost.cost_minor, weights)
        sale_parts = (
            split_minor(cost.sale_minor, weights)
            if cost.sale_minor is not None
            else [None] * len(lines)
        )
        seen: dict[str, tuple[int, int | None]] = {}
        for line, part_cost, part_sale in zip(lines, cost_parts, sale_parts, strict=True):
            product = line.variant.product
            key = product.public_id
            prev_cost, prev_sale = seen.get(key, (0, 0 if part_sale is not None else None))
            seen[key] = (
                prev_cost + part_cost,
                None if part_sale is None else (prev_sale or 0) + part_sale,
            )
            if key not in products:
                products[key] = ProfitRow(key=key, label=f"{product.name} ({product.sku})")
        # One order counts once per product, however many of its lines carry that product.
        for key, (part_cost, part_sale) in seen.items():
            _add(products[key], part_cost, part_sale)
    report.by_store = sorted(stores.values(), key=lambda r: (-r.margin_minor, r.label))
    report.by_product = sorted(products.values(), key=lambda r: (-r.margin_minor, r.label))
    return report
