"""Order creation, step one: validate a creation item (``order_create``'s keyword arguments)
into a draft, refusing it with the contract's code. Nothing is written here; the variants and
the merchant's taken order numbers of a whole batch are loaded once (``_lookups``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant
from dropyard.catalog.selectors import unit_prices_for
from dropyard.core.text import clean_text, has_control
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse
from dropyard.logistics.exceptions import PRODUCT_OFF_SHELF, VariantNotFound, VariantOffSale

from ..address import ADDRESS_FIELDS, address_clean, address_errors
from ..choices import IossType, OrderSource, OrderType, PayType, ShopLogisticsType
from ..exceptions import DuplicateOrder, OrderInvalid
from ..models import Order
from .sandbox import sandbox_check

MAX_LINES = 100
MAX_QUANTITY = 10_000
PLATFORM_IOSS = "CJ-IOSS"
# The order fields a creation item may carry (order_create's keyword arguments).
ORDER_CREATE_FIELDS = frozenset(
    {
        *ADDRESS_FIELDS,
        "order_number",
        "lines",
        "order_type",
        "source",
        "platform",
        "pay_type",
        "remark",
        "ioss_type",
        "ioss_number",
        "shop_logistics_type",
        "requested_logistic_name",
        "from_country_code",
        "requested_warehouse",
        "original_order",
        "store_name",
        "store_order_id",
        "store_created_at",
        "shop_amount_minor",
        "is_sandbox",
    }
)
LINE_FIELDS = frozenset(
    {"vid", "sku", "quantity", "unit_price_minor", "store_line_item_id", "pod_properties"}
)


@dataclass
class _LineDraft:
    variant: Variant
    quantity: int
    unit_price_minor: int
    store_line_item_id: str = ""
    pod_properties: Any = None


@dataclass
class _OrderDraft:
    """A validated order, not yet saved: Order field values and its lines."""

    fields: dict[str, Any]
    lines: list[_LineDraft]


@dataclass
class _Lookups:
    """What validating a batch needs, loaded once: variants, what the merchant pays per unit
    of each (its agreed price or the list price, ``catalog.selectors.unit_prices_for``), taken
    order numbers."""

    by_vid: dict[str, Variant]
    by_sku: dict[str, Variant]
    taken: set[str]
    unit_prices: dict[int, int]


def _lookups(merchant: MerchantAccount, items: Sequence[Mapping[str, Any]]) -> _Lookups:
    vids, skus, numbers = set(), set(), set()
    for item in items:
        if not isinstance(item, Mapping):
            continue
        numbers.add(str(item.get("order_number") or "").strip())
        for line in item.get("lines") or ():
            if isinstance(line, Mapping):
                if line.get("vid"):
                    vids.add(str(line["vid"]).strip())
                elif line.get("sku"):
                    skus.add(str(line["sku"]).strip())
    # A product sourced privately for another merchant does not exist for this one: its
    # variants are "not found" by vid and by SKU alike (``catalog.Product.private_for``).
    variants = Variant.objects.select_related("product").filter(
        Q(product__private_for__isnull=True) | Q(product__private_for=merchant)
    )
    by_vid = {v.public_id: v for v in variants.filter(public_id__in=vids)} if vids else {}
    by_sku = {v.sku: v for v in variants.filter(sku__in=skus)} if skus else {}
    # .order_by(): the model's default ordering would make SQLite scan the merchant's orders in
    # created order instead of probing the unique (merchant, order_number) index (150-350 ms at
    # 300,000 orders instead of 0.2 ms).
    taken = set(
        Order.objects.filter(merchant=merchant, order_number__in=numbers)
        .order_by()
        .values_list("order_number", flat=True)
    )
    unit_prices = unit_prices_for(merchant, [*by_vid.values(), *by_sku.values()])
    return _Lookups(by_vid=by_vid, by_sku=by_sku, taken=taken, unit_prices=unit_prices)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise _not_an_integer(name)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _not_an_integer(name) from None
    if isinstance(value, float) and number != value:
        raise _not_an_integer(name)
    return number


def _not_an_integer(name: str) -> OrderInvalid:
    return OrderInvalid(
        _("%(name)s must be an integer") % {"name": name},
        extra={"errors": {name: _("not an integer")}},
    )


def _line_draft(raw: Any, index: int, lookups: _Lookups) -> _LineDraft:
    where = f"products[{index}]"
    if not isinstance(raw, Mapping):
        raise OrderInvalid(_("%(where)s must be an object") % {"where": where})
    unknown = set(raw) - LINE_FIELDS
    if unknown:
        raise OrderInvalid(
            _("%(where)s: unknown fields %(fields)s")
            % {"where": where, "fields": ", ".join(sorted(unknown))}
        )
    vid = str(raw.get("vid") or "").strip()
    sku = str(raw.get("sku") or "").strip()
    if not vid and not sku:
        raise OrderInvalid(_("%(where)s: vid or sku is required") % {"where": where})
    variant = lookups.by_vid.get(vid) if vid else lookups.by_sku.get(sku)
    key = vid or sku
    if variant is None:
        raise VariantNotFound(_("Variant %(key)s not found") % {"key": key})
    if not variant.product.is_on_sale:
        raise VariantOffSale(
            _("Product of %(key)s is off sale") % {"key": key}, code=PRODUCT_OFF_SHELF
        )
    if not variant.is_on_sale:
        raise VariantOffSale(_("Variant %(key)s is off sale") % {"key": key})
    quantity = _int(raw.get("quantity"), f"{where}.quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderInvalid(
            _("%(where)s: quantity must be between 1 and %(max)s")
            % {"where": where, "max": MAX_QUANTITY}
        )
    price = raw.get("unit_price_minor")
    if price is None:
        price = lookups.unit_prices[variant.pk]
    else:
        price = _int(price, f"{where}.unit_price_minor")
    if price < 0:
        raise OrderInvalid(_("%(where)s: unit price may not be negative") % {"where": where})
    store_line = str(raw.get("store_line_item_id") or "").strip()
    if len(store_line) > 100:
        raise OrderInvalid(
            _("%(where)s: storeLineItemId is at most 100 characters") % {"where": where}
        )
    pod = raw.get("pod_properties")
    if pod is not None and not isinstance(pod, (dict, list)):
        raise OrderInvalid(
            _("%(where)s: podProperties must be an object or a list") % {"where": where}
        )
    return _LineDraft(variant, quantity, price, store_line, pod)


def _choice(value: Any, choices: Any, name: str, default: Any) -> Any:
    if value is None or value == "":
        return default
    if isinstance(default, int):
        value = _int(value, name)
    if value not in choices.values:
        allowed = ", ".join(str(v) for v in choices.values)
        raise OrderInvalid(
            _("%(name)s must be one of %(allowed)s") % {"name": name, "allowed": allowed}
        )
    return value


def _text_field(item: Mapping[str, Any], name: str, limit: int) -> str:
    value = "" if item.get(name) is None else str(item.get(name)).strip()
    if len(value) > limit:
        raise OrderInvalid(
            _("%(name)s is at most %(limit)s characters") % {"name": name, "limit": limit},
            extra={"errors": {name: _("too long")}},
        )
    return value


def _draft(
    *, merchant: MerchantAccount, item: Mapping[str, Any], lookups: _Lookups, source: str
) -> _OrderDraft:
    """Validate one creation item into a draft. Raises a ``DomainError`` with the contract code
    (1603000 invalid, 1603003 duplicate, 1602000/1602002/1602003 variants)."""
    unknown = set(item) - ORDER_CREATE_FIELDS
    if unknown:
        raise OrderInvalid(
            _("unknown order fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    number = _text_field(item, "order_number", 50)
    if has_control(number):
        # An identifier the client looks orders up by: refused, not silently changed.
        raise OrderInvalid(
            _("orderNumber contains a control or bidi character"),
            extra={"errors": {"order_number": _("control character")}},
        )
    if not number:
        raise OrderInvalid(
            _("orderNumber is required"), extra={"errors": {"order_number": _("required")}}
        )
    if number in lookups.taken:
        raise DuplicateOrder(_("order number %(number)s already exists") % {"number": number})
    order_type = _choice(item.get("order_type"), OrderType, "order_type", OrderType.DROPSHIPPING)
    warehouse = item.get("requested_warehouse")
    if warehouse is not None and not isinstance(warehouse, Warehouse):
        raise OrderInvalid(_("requested_warehouse must be a warehouse"))
    original = item.get("original_order")
    address = {name: item.get(name) for name in ADDRESS_FIELDS}
    if order_type == OrderType.BULK:
        if warehouse is None or warehouse.kind != WarehouseKind.PLATFORM or not warehouse.is_active:
            raise OrderInvalid(_("a bulk purchase needs an active platform warehouse (storageId)"))
        # The goods travel to the warehouse, where they become the merchant's private stock.
        if not address.get("shipping_address"):
            address.update(
                shipping_country_code=warehouse.country,
                shipping_province=warehouse.region,
                shipping_city=warehouse.city,
                shipping_zip=warehouse.postcode,
                shipping_address=warehouse.address1 or warehouse.name,
                shipping_address2=warehouse.address2,
                shipping_customer_name=(warehouse.contact_name or warehouse.name)[:100],
                shipping_phone=warehouse.contact_phone,
            )
    if order_type == OrderType.RESEND:
        if not isinstance(original, Order) or original.merchant_id != merchant.pk:
            raise OrderInvalid(_("a resend needs the original order of this merchant"))
    elif original is not None:
        raise OrderInvalid(_("only a resend refers to an original order"))
    if warehouse is not None and not warehouse.is_active:
        raise OrderInvalid(_("warehouse %(code)s is inactive") % {"code": warehouse.code})
    errors = address_errors(address)
    if errors:
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise OrderInvalid(
            _("invalid shipping address: %(detail)s") % {"detail": detail}, extra={"errors": errors}
        )
    clean = address_clean(address)
    raw_lines = item.get("lines")
    if not isinstance(raw_lines, (list, tuple)) or not raw_lines:
        raise OrderInvalid(_("products is empty"), extra={"errors": {"lines": _("required")}})
    if len(raw_lines) > MAX_LINES:
        raise OrderInvalid(_("at most %(max)s products per order") % {"max": MAX_LINES})
    lines = [_line_draft(raw, i, lookups) for i, raw in enumerate(raw_lines)]
    ioss_type = _choice(item.get("ioss_type"), IossType, "ioss_type", IossType.NONE)
    ioss_number = _text_field(item, "ioss_number", 20)
    if ioss_type == IossType.OWN and not ioss_number:
        raise OrderInvalid(
            _("iossType 2 needs an iossNumber"), extra={"errors": {"ioss_number": _("required")}}
        )
    if ioss_type == IossType.PLATFORM:
        ioss_number = PLATFORM_IOSS
    if ioss_type == IossType.NONE:
        ioss_number = ""
    from_country = _text_field(item, "from_country_code", 2).upper()
    if from_country and from_country not in countries:
        raise OrderInvalid(
            _("fromCountryCode %(code)r is not a country code") % {"code": from_country}
        )
    shop_amount = item.get("shop_amount_minor")
    if shop_amount is not None:
        shop_amount = _int(shop_amount, "shop_amount_minor")
    is_sandbox = item.get("is_sandbox")
    if is_sandbox:
        sandbox_check(merchant)  # isSandbox asks for free money: refused unless allowed
    fields = {
        **clean,
        "order_number": number,
        "order_type": order_type,
        "source": _choice(item.get("source"), OrderSource, "source", source),
        "platform": _text_field(item, "platform", 40) or "api",
        "pay_type": _choice(item.get("pay_type"), PayType, "pay_type", PayType.NONE),
        "remark": clean_text(_text_field(item, "remark", 500)),  # core.text: free text
        "ioss_type": ioss_type,
        "ioss_number": ioss_number,
        "shop_logistics_type": _choice(
            item.get("shop_logistics_type"),
            ShopLogisticsType,
            "shop_logistics_type",
            ShopLogisticsType.SELLER,
        ),
        "requested_logistic_name": _text_field(item, "requested_logistic_name", 120),
        "from_country_code": from_country,
        "requested_warehouse": warehouse,
        "original_order": original,
        "store_name": _text_field(item, "store_name", 120),
        "store_order_id": _text_field(item, "store_order_id", 100),
        "store_created_at": item.get("store_created_at"),
        "shop_amount_minor": shop_amount,
        "is_sandbox": bool(merchant.is_sandbox if is_sandbox is None else is_sandbox),
    }
    return _OrderDraft(fields=fields, lines=lines)
