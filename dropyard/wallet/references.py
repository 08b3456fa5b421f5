"""What a ledger transaction is about, in words people read: a label, a code and a link.

``LedgerTransaction.reference_type``/``reference_id`` are machine keys (``order:<public id>``,
``orders:<digest>``, ``topup:<public id>`` …). ``ledger_references`` turns a page of
transactions into ``Reference`` rows — "Order DY…" linking to the order, "Top-up TU…" to the
top-up, the invoice or credit note the posting issued to its PDF — with a fixed number of
queries per page, whatever its length. Only objects of the transaction's own merchant are
looked up, so a reference never leads to another merchant's object.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from dropyard.core.ids import prefixed_code
from dropyard.orders.models import Order, ParentOrder

from .choices import CODE_PREFIXES, InvoiceKind, ReferenceType, choice_label
from .models import Invoice, LedgerTransaction, Payment, Refund

R = ReferenceType


@dataclass(frozen=True)
class Reference:
    """One object a transaction concerns: "Order" + "DY…", with its page ("" when it has none
    the viewer can open)."""

    label: str
    code: str
    url: str = ""

    @property
    def text(self) -> str:
        return f"{self.label} {self.code}".strip()


def _order_ref(order: Order) -> Reference:
    return Reference("Order", order.code, reverse("orders:detail", args=[order.public_id]))


def ledger_references(
    transactions: Iterable[LedgerTransaction],
) -> dict[int, list[Reference]]:
    """Transaction pk → its references, the cause first, then the documents it issued."""
    txns = list({t.pk: t for t in transactions}.values())
    if not txns:
        return {}
    merchants = {t.merchant_id for t in txns}
    by_type: dict[str, set[str]] = defaultdict(set)
    for t in txns:
        by_type[t.reference_type].add(t.reference_id)

    orders = {
        o.public_id: o
        for o in Order.objects.filter(
            merchant_id__in=merchants, public_id__in=by_type[R.ORDER]
        ).only("public_id", "code")
    }
    parents = {
        p.shipments_id: p
        for p in ParentOrder.objects.filter(
            merchant_id__in=merchants, shipments_id__in=by_type[R.PARENT_ORDER]
        ).only("shipments_id", "pay_id")
    }
    # Several orders paid in one posting: the digest names none of them, their payments do.
    paid_orders: dict[int, list[Order]] = defaultdict(list)
    several = [t.pk for t in txns if t.reference_type in (R.ORDERS, R.PARENT_ORDER)]
    for payment in (
        Payment.objects.filter(transaction_id__in=several, order__isnull=False)
        .select_related("order")
        .only("transaction_id", "order__public_id", "order__code")
        .order_by("order__code")
    ):
        paid_orders[payment.transaction_id].append(payment.order)
    refund_orders = {
        r.public_id: r.order
        for r in Refund.objects.filter(
            merchant_id__in=merchants, public_id__in=by_type[R.REFUND], order__isnull=False
        ).select_related("order")
    }
    documents: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in Invoice.objects.filter(transaction_id__in=[t.pk for t in txns]).order_by("pk"):
        documents[invoice.transaction_id].append(invoice)

    out: dict[int, list[Reference]] = {}
    for t in txns:
        refs: list[Reference] = []
        rid = t.reference_id
        if t.reference_type == R.TOPUP:
            refs.append(
                Reference(
                    "Top-up",
                    prefixed_code(CODE_PREFIXES["topup"], rid),
                    reverse("wallet:topup_detail", args=[rid]),
                )
            )
        elif t.reference_type == R.ORDER and rid in orders:
            refs.append(_order_ref(orders[rid]))
        elif t.reference_type == R.PURCHASE_ORDER:
            refs.append(Reference("Bulk purchase", rid, reverse("orders:detail", args=[rid])))
        elif t.reference_type == R.MAKEUP:
            refs.append(Reference("Supplementary bill", rid, reverse("wallet:makeup_list")))
        elif t.reference_type == R.REFUND:
            refs.append(Reference("Refund", prefixed_code(CODE_PREFIXES["refund"], rid)))
            if refund_orders.get(rid) is not None:
                refs.append(_order_ref(refund_orders[rid]))
        elif t.reference_type == R.PARENT_ORDER and rid in parents:
            parent = parents[rid]
            url = reverse("orders:pay", args=[parent.pay_id]) if parent.pay_id else ""
            refs.append(Reference("Payment", parent.code, url))
        elif t.reference_type and t.reference_type not in (R.ORDERS, R.PARENT_ORDER, R.ORDER):
            # A kind this module does not know yet: its label, without the raw key.
            refs.append(Reference(choice_label(ReferenceType, t.reference_type), ""))
        refs.extend(_order_ref(o) for o in paid_orders.get(t.pk, ()))
        refs.extend(
            Reference(
                choice_label(InvoiceKind, d.kind),
                d.number,
                reverse("wallet:invoice_download", args=[d.public_id]),
            )
            for d in documents.get(t.pk, ())
        )
        out[t.pk] = refs
    return out


def reference_text(refs: Iterable[Reference]) -> str:
    """The references as one line of text (statements, CSV): "Order DY…; Invoice INV-…"."""
    return "; ".join(r.text for r in refs)
