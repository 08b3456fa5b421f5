"""Read side of orders, always scoped to one merchant."""

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.logistics.selectors import DEFAULT_ORIGIN_COUNTRY, freight_quote

from .choices import OrderStatus, OrderSubStatus, ParcelStatus
from .exceptions import OrderNotFound
from .models import Order, OrderEvent, OrderLine, Parcel, ParcelLine, ParentOrder
from .status_labels import group_statuses

S = OrderStatus
# Dashboard tabs over the contract's statuses (house style §2.5: mapped in one place, the
# status vocabulary of ``status_labels``).
TABS: dict[str, tuple[str, ...]] = group_statuses()

# Orders that need the merchant (or support) to act, by kind: a parcel the carrier reported a
# delivery exception for, or an open order no shipping line can carry (it cannot be paid until
# its address or lines change). One definition, used by the order list and the dashboards.
PROBLEM_KINDS = ("exception", "unroutable")
_UNROUTABLE = Q(logistics_miss=True, status__in=(S.CREATED, S.IN_CART, S.UNPAID))


def order_problem_list(
    *,
    problem: str = "any",
    merchant: MerchantAccount | None = None,
    agent_id: int | None = None,
    store_ids: Collection[int] | None = None,
) -> QuerySet[Order]:
    """Orders with a problem (``problem``: a ``PROBLEM_KINDS`` kind or ``"any"``; anything else
    matches nothing), oldest problem first, annotated ``has_exception`` and ``problem_since``
    (when the exception parcel last changed; the order's creation for an unroutable order).

    Scope: one ``merchant`` (and its ``store_ids``, see ``_base``) for merchant pages; the
    merchants of ``agent_id`` for a personal agent; every merchant when neither is given (an
    operator read: support and admin).
    """
    exception_parcels = Parcel.objects.filter(orders=OuterRef("pk"), status=ParcelStatus.EXCEPTION)
    orders = Order.objects.all() if merchant is None else _base(merchant, store_ids)
    if agent_id is not None:
        orders = orders.filter(merchant__agent_id=agent_id)
    orders = orders.annotate(
        has_exception=Exists(exception_parcels),
        problem_since=Coalesce(
            Subquery(exception_parcels.order_by("updated_at").values("updated_at")[:1]),
            "created_at",
        ),
    )
    if problem == "exception":
        orders = orders.filter(has_exception=True)
    elif problem == "unroutable":
        orders = orders.filter(_UNROUTABLE)
    elif problem == "any":
        orders = orders.filter(Q(has_exception=True) | _UNROUTABLE)
    else:
        return orders.none()
    return orders.order_by("problem_since", "pk")


def order_problem_counts(
    *,
    merchant: MerchantAccount | None = None,
    agent_id: int | None = None,
    store_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """Problem orders in the scope of ``order_problem_list``, counted in one query: ``any``,
    one key per ``PROBLEM_KINDS`` kind, and ``oldest`` (the oldest ``problem_since``, or None)."""
    row = (
        order_problem_list(merchant=merchant, agent_id=agent_id, store_ids=store_ids)
        .order_by()
        .aggregate(
            any=Count("pk"),
            exception=Count("pk", filter=Q(has_exception=True)),
            unroutable=Count("pk", filter=_UNROUTABLE),
            oldest=Min("problem_since"),
        )
    )
    return {key: row[key] or (None if key == "oldest" else 0) for key in row}


def _base(merchant: MerchantAccount, store_ids: Collection[int] | None = None) -> QuerySet[Order]:
    """The merchant's orders; of the stores ``store_ids`` only when given (a staff member
    limited to some stores, ``Membership.store_scope``).

    An order is a store's when the stores app linked it to that store (``StoreOrder.order``,
    reverse name ``store_order``: store intake and createOrderV2's ``storeName``). Orders sit
    below stores and never import them; this lookup path is the only thing they know.
    """
    orders = Order.objects.filter(merchant=merchant)
    if store_ids is not None:
        orders = orders.filter(store_order__store_id__in=list(store_ids))
    return orders.select_related("line", "requested_warehouse", "parent")


def order_lines_with_pictures() -> QuerySet[OrderLine]:
    """Order lines with what their picture needs (``catalog.pictures.picture_of``): the variant's
    own image, else its product's images, loaded in two queries for a whole page of orders."""
    return OrderLine.objects.select_related("variant__product", "variant__image").prefetch_related(
        "variant__product__images"
    )


def order_get(
    *, merchant: MerchantAccount, key: str, store_ids: Collection[int] | None = None
) -> Order:
    """The merchant's order by ``public_id`` (orderId), its own ``order_number`` or ``code``
    (cjOrderCode), with lines (and variants) prefetched. ``OrderNotFound`` (1603100) for an
    unknown key, for another merchant's order, and for one outside ``store_ids`` (see
    ``_base``)."""
    key = str(key or "").strip()
    if not key:
        raise OrderNotFound(_("order not found"))
    order = (
        _base(merchant, store_ids)
        .filter(Q(public_id=key) | Q(order_number=key) | Q(code=key))
        .prefetch_related(Prefetch("lines", queryset=order_lines_with_pictures()))
        .order_by("pk")
        .first()
    )
    if order is None:
        raise OrderNotFound(_("order %(key)s not found") % {"key": key})
    return order


def orders_get_many(
    *, merchant: MerchantAccount, keys: Iterable[str], store_ids: Collection[int] | None = None
) -> tuple[list[Order], list[str]]:
    """The merchant's orders for ``keys`` (public id, order number or code), in key order, and
    the keys that matched nothing (unknown or another merchant's). Two queries."""
    keys = [str(k).strip() for k in keys if str(k or "").strip()]
    rows = list(
        _base(merchant, store_ids)
        .filter(Q(public_id__in=keys) | Q(order_number__in=keys) | Q(code__in=keys))
        .prefetch_related("lines__variant")
    )
    index: dict[str, Order] = {}
    for order in rows:
        for value in (order.public_id, order.order_number, order.code):
            index.setdefault(value, order)
    found: list[Order] = []
    missing: list[str] = []
    seen: set[int] = set()
    for key in keys:
        hit = index.get(key)
        if hit is None:
            missing.append(key)
        elif hit.pk not in seen:
            seen.add(hit.pk)
            found.append(hit)
    return found, missing


def order_list(
    *,
    merchant: MerchantAccount,
    status: str = "",
    tab: str = "",
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    country: str = "",
    store_name: str = "",
    q: str = "",
    order_ids: Iterable[str] = (),
    shipments_id: str = "",
    problem: str = "",
    store_ids: Collection[int] | None = None,
) -> QuerySet[Order]:
    """The merchant's orders, newest first, with line, lines and variants prefetched.

    ``status``: a contract status, or PENDING / PROCESSING (UNSHIPPED sub-statuses), or OTHER
    (matches nothing here); ``tab``: a ``TABS`` key; ``date_from``/``date_to``: creation date
    (inclusive days); ``country``: ISO-2; ``store_name``: exact (case-insensitive); ``q``:
    part of the order number, code or customer name; ``order_ids``: public ids;
    ``shipments_id``: the parent order's; ``problem``: a ``PROBLEM_KINDS`` kind or ``"any"``
    (``order_problem_list``; an unknown one matches nothing); ``store_ids``: only those
    stores' orders (``_base``).
    """
    orders = _base(merchant, store_ids).prefetch_related(
        Prefetch("lines", queryset=order_lines_with_pictures())
    )
    status = (status or "").strip().upper()
    if status in (OrderSubStatus.PENDING, OrderSubStatus.PROCESSING):
        orders = orders.filter(status=S.UNSHIPPED, sub_status=status)
    elif status in S.values:
        orders = orders.filter(status=status)
    elif status:
        orders = orders.none()
    if tab:
        orders = orders.filter(status__in=TABS.get(tab.lower(), ()))
    if date_from is not None:
        orders = orders.filter(created_at__date__gte=_day(date_from))
    if date_to is not None:
        orders = orders.filter(created_at__date__lte=_day(date_to))
    if country:
        orders = orders.filter(shipping_country_code=country.strip().upper())
    if store_name:
        orders = orders.filter(store_name__iexact=store_name.strip())
    if q:
        q = q.strip()
        orders = orders.filter(
            Q(order_number__icontains=q)
            | Q(code__icontains=q)
            | Q(shipping_customer_name__icontains=q)
            | Q(public_id=q)
        )
    ids = [str(i) for i in order_ids if i]
    if ids:
        orders = orders.filter(public_id__in=ids)
    if shipments_id:
        orders = orders.filter(parent__shipments_id=shipments_id)
    if problem:
        orders = orders.filter(pk__in=order_problem_list(problem=problem).values("pk"))
    return orders.order_by("-created_at", "-pk")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def order_tab_counts(
    *, merchant: MerchantAccount, store_ids: Collection[int] | None = None
) -> dict[str, int]:
    """Orders per dashboard tab (one grouped query); of ``store_ids`` only when given."""
    per_status = dict(
        _base(merchant, store_ids)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {tab: sum(per_status.get(s, 0) for s in statuses) for tab, statuses in TABS.items()}


def order_parcels(*, order: Order, include_cancelled: bool = False) -> list[Parcel]:
    """The order's parcels (by pk) with warehouse, line, carrier and lines → variants."""
    parcels = (
        Parcel.objects.filter(orders=order)
        .select_related("warehouse", "line", "carrier")
        .prefetch_related(
            Prefetch("lines", queryset=ParcelLine.objects.select_related("order_line__variant"))
        )
        .order_by("pk")
    )
    if not include_cancelled:
        parcels = parcels.exclude(status=ParcelStatus.CANCELLED)
    return list(parcels)


# A parcel that left the warehouse (the carrier has it, or had it).
_SHIPPED_PARCEL = frozenset(
    {ParcelStatus.SHIPPED, ParcelStatus.DELIVERED, ParcelStatus.EXCEPTION, ParcelStatus.RETURNED}
)


def order_cancellable_remainders(*, order: Order, parcels: Iterable[Parcel]) -> list[Parcel]:
    """Of ``order``'s ``parcels`` (``order_parcels``), the READY ones the merchant may cancel
    with "Cancel the items not shipped" (``checkout.cancellation.parcel_remainder_cancel``):
    the order is UNSHIPPED, not merged, not a bulk purchase, and another parcel has shipped."""
    parcels = list(parcels)
    if order.status != S.UNSHIPPED or order.merge_id is not None or order.order_type == "bulk":
        return []
    if not any(p.status in _SHIPPED_PARCEL for p in parcels):
        return []
    return [p for p in parcels if p.status == ParcelStatus.READY]


def order_parcel_get(*, order: Order, public_id: str) -> Parcel:
    """One parcel of the (already merchant-scoped) ``order`` by public id; ``OrderNotFound``
    for a parcel of another order."""
    parcel = Parcel.objects.filter(orders=order, public_id=str(public_id or "").strip()).first()
    if parcel is None:
        raise OrderNotFound(_("parcel not found"))
    return parcel


def order_events(*, order: Order) -> QuerySet[OrderEvent]:
    """The order's history, oldest first, with actors."""
    events = OrderEvent.objects.filter(order=order).select_related("actor")
    return events.order_by("created_at", "pk")


def parent_order_get(
    *, merchant: MerchantAccount, shipments_id: str = "", pay_id: str = ""
) -> ParentOrder:
    """The merchant's parent order by shipments id or pay id; ``OrderNotFound`` otherwise."""
    parents = ParentOrder.objects.filter(merchant=merchant)
    if shipments_id:
        parent = parents.filter(shipments_id=shipments_id).first()
    elif pay_id:
        parent = parents.filter(pay_id=pay_id).first()
    else:
        parent = None
    if parent is None:
        raise OrderNotFound(_("shipment order not found"))
    return parent


def order_logistics_options(*, order: Order) -> Any:
    """``getOrderLogisticsInfo``: every line's freight answer for the order's lines, from the
    country of its (first live) parcel's warehouse — or ``logistics.selectors``' default
    origin when it has no parcel — to its destination. A ``logistics.selectors.Quote``
    (``available`` cheapest first, ``unavailable`` with reasons)."""
    parcel = (
        Parcel.objects.filter(orders=order)
        .exclude(status=ParcelStatus.CANCELLED)
        .select_related("warehouse")
        .order_by("pk")
        .first()
    )
    origin = parcel.warehouse.country if parcel else DEFAULT_ORIGIN_COUNTRY
    items = [
        (line.variant, line.quantity) for line in order.lines.select_related("variant__product")
    ]
    return freight_quote(
        items=items,
        origin_country=origin,
        dest_country=order.shipping_country_code,
        postcode=order.shipping_zip,
    )
